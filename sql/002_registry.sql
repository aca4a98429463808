-- 002_registry: student records (R4-R6), problem groups and members (R8, R9, state model of SPEC s.6),
-- and the append-only history (R25). Later migrations of each module extend these tables.
CREATE TABLE student (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  school_id INT UNSIGNED NOT NULL COMMENT 'unit.id of level 4',
  province_code CHAR(2) NOT NULL COMMENT 'the school''s path, denormalised for jurisdiction filters',
  city_code CHAR(4) NOT NULL,
  county_code CHAR(6) NOT NULL,
  name VARCHAR(50) NOT NULL,
  gender CHAR(1) NOT NULL COMMENT 'M or F',
  birth_date DATE NOT NULL,
  id_type CHAR(1) NOT NULL COMMENT 'R4: 1 6 7 8 9 A Z',
  id_number VARCHAR(30) NULL COMMENT 'normalised; NULL when empty (type Z)',
  grade VARCHAR(20) NOT NULL DEFAULT '',
  class_name VARCHAR(40) NOT NULL DEFAULT '',
  enrol_date DATE NULL,
  guardian_phone VARCHAR(30) NOT NULL DEFAULT '',
  student_no CHAR(19) NOT NULL COMMENT 'R5: L... at registration, G + ID number once verified',
  status VARCHAR(10) NOT NULL DEFAULT 'pending' COMMENT 'R6: pending, formal, problem, deleted',
  ever_approved TINYINT(1) NOT NULL DEFAULT 0 COMMENT 'R13/R14: approved by the bureau at least once',
  verify_state VARCHAR(16) NOT NULL DEFAULT 'unverified' COMMENT 'R10: unverified, verified, not_exist, name_mismatch, changed',
  register_id_number VARCHAR(18) NULL COMMENT 'R10/R11: current number reported by the population register',
  source VARCHAR(10) NOT NULL DEFAULT 'clerk' COMMENT 'clerk, import, province',
  created_by BIGINT UNSIGNED NULL,
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  version INT UNSIGNED NOT NULL DEFAULT 1,
  UNIQUE KEY uk_student_no (student_no),
  KEY k_student_school (school_id, status),
  KEY k_student_county (county_code, status),
  KEY k_student_idno (id_number),
  KEY k_student_nbg (name, gender, birth_date),
  CONSTRAINT fk_student_school FOREIGN KEY (school_id) REFERENCES unit (id),
  CONSTRAINT ck_student_status CHECK (status IN ('pending','formal','problem','deleted')),
  CONSTRAINT ck_student_gender CHECK (gender IN ('M','F')),
  CONSTRAINT ck_student_idtype CHECK (id_type IN ('1','6','7','8','9','A','Z'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE problem_group (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  type VARCHAR(12) NOT NULL COMMENT 'R8: id_dup, id_error, id_changed, nbg_dup',
  clash_key VARCHAR(200) NOT NULL COMMENT 'what clashes: the ID number, name|gender|birth, or the student id',
  open_key VARCHAR(200) NULL COMMENT '= clash_key while the group is not done; unique: one open group per clash (R9)',
  state VARCHAR(24) NOT NULL DEFAULT 'open' COMMENT 'open, awaiting_arbitration, done',
  scope_level TINYINT UNSIGNED NOT NULL COMMENT 'widest jurisdiction spanned: 3 county, 2 city, 1 province, 0 ministry',
  arbiter_unit_id INT UNSIGNED NOT NULL COMMENT 'R2 common superior of the members'' counties (the county itself when one)',
  reopened_from BIGINT UNSIGNED NULL COMMENT 'R22: the done group this case re-opens',
  deadline DATE NULL COMMENT 'R24: clearance deadline for legacy groups',
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  done_at DATETIME(6) NULL,
  version INT UNSIGNED NOT NULL DEFAULT 1,
  UNIQUE KEY uk_group_open (type, open_key),
  KEY k_group_state (state, type),
  KEY k_group_arbiter (arbiter_unit_id, state),
  CONSTRAINT fk_group_arbiter FOREIGN KEY (arbiter_unit_id) REFERENCES unit (id),
  CONSTRAINT ck_group_state CHECK (state IN ('open','awaiting_arbitration','done')),
  CONSTRAINT ck_group_type CHECK (type IN ('id_dup','id_error','id_changed','nbg_dup'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE group_member (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  group_id BIGINT UNSIGNED NOT NULL,
  student_id BIGINT UNSIGNED NOT NULL,
  school_id INT UNSIGNED NOT NULL COMMENT 'denormalised from the student for jurisdiction filters',
  province_code CHAR(2) NOT NULL,
  city_code CHAR(4) NOT NULL,
  county_code CHAR(6) NOT NULL,
  state VARCHAR(16) NOT NULL DEFAULT 'open' COMMENT 'SPEC s.6: unconfirmed, open, awaiting_leader, awaiting_review, approved, upheld, deleted, changed, closed',
  handling VARCHAR(12) NULL COMMENT 'corroborate, change, delete',
  opinion TEXT NULL,
  proposed TEXT NULL COMMENT 'JSON of new values for a change (R15)',
  reject_reason TEXT NULL COMMENT 'R20: the last rejection reason the school sees',
  due_date DATE NULL COMMENT 'R24: when the current step is due',
  step_started_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  version INT UNSIGNED NOT NULL DEFAULT 1,
  UNIQUE KEY uk_member (group_id, student_id),
  KEY k_member_student (student_id),
  KEY k_member_school (school_id, state),
  KEY k_member_county (county_code, state),
  CONSTRAINT fk_member_group FOREIGN KEY (group_id) REFERENCES problem_group (id),
  CONSTRAINT fk_member_student FOREIGN KEY (student_id) REFERENCES student (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE history (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  group_id BIGINT UNSIGNED NULL,
  member_id BIGINT UNSIGNED NULL,
  student_id BIGINT UNSIGNED NULL,
  actor_user_id BIGINT UNSIGNED NULL COMMENT 'NULL for a system event',
  actor_role VARCHAR(20) NOT NULL COMMENT 'role name or system',
  action VARCHAR(32) NOT NULL,
  state_before VARCHAR(24) NULL,
  state_after VARCHAR(24) NULL,
  reason TEXT NULL,
  evidence_ids VARCHAR(400) NULL COMMENT 'comma-separated evidence ids cited',
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  KEY k_history_group (group_id, id),
  KEY k_history_student (student_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- R25: history is append-only, enforced by the database (not just unused).
CREATE TRIGGER history_no_update BEFORE UPDATE ON history FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'history is append-only (R25)';
CREATE TRIGGER history_no_delete BEFORE DELETE ON history FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'history is append-only (R25)';
