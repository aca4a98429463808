-- 020_registry: what the registry (issue 4) adds to 002: detection bookkeeping (R7-R9), the register's findings
-- (R10), student number counters (R5), import jobs, and idempotency keys of provincial calls (R29).

-- student: the resident-ID check result (R8.2) kept with the record so detection is pure SQL; the number and
-- name a register result (R10) was about, so a later change makes the finding stale by itself; the batch that
-- last touched the record (the detection's work set); where an imported record came from.
ALTER TABLE student
  ADD COLUMN id_check VARCHAR(12) NOT NULL DEFAULT 'ok' COMMENT 'R8.2: ok or the idcheck code of a malformed resident ID number' AFTER id_number,
  ADD COLUMN verify_id_number VARCHAR(30) NULL COMMENT 'R10: the ID number verify_state refers to' AFTER register_id_number,
  ADD COLUMN verify_name VARCHAR(50) NULL COMMENT 'R10: the name verify_state refers to' AFTER verify_id_number,
  ADD COLUMN touch_batch BIGINT UNSIGNED NULL COMMENT 'reg_batch that last wrote the record: the detection work set',
  ADD COLUMN import_job_id BIGINT UNSIGNED NULL COMMENT 'import_job that created the record',
  ADD COLUMN import_row INT UNSIGNED NULL COMMENT 'spreadsheet row of the record in that import',
  ADD KEY k_student_touch (touch_batch);

ALTER TABLE problem_group
  ADD COLUMN opened_batch BIGINT UNSIGNED NULL COMMENT 'reg_batch whose detection opened the group';
ALTER TABLE group_member
  ADD COLUMN added_batch BIGINT UNSIGNED NULL COMMENT 'reg_batch whose detection added (or re-opened) the member',
  ADD KEY k_member_city (city_code, group_id),
  ADD KEY k_member_province (province_code, group_id);

-- One row per unit of work that writes records and runs detection in the same transaction (a registration,
-- a provincial batch, an import chunk, register results, a change, an approval, a full re-detection).
CREATE TABLE reg_batch (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  kind VARCHAR(16) NOT NULL COMMENT 'register, batch, import, register_result, change, approve, redetect, seed',
  actor_user_id BIGINT UNSIGNED NULL COMMENT 'app_user.id, or api_credential.id for a provincial system',
  actor_role VARCHAR(20) NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Scratch rows of one detection run (keys to re-evaluate); written and deleted inside the run's transaction,
-- so no other transaction ever sees them.
CREATE TABLE detect_key (
  batch BIGINT UNSIGNED NOT NULL,
  type VARCHAR(12) NOT NULL,
  k VARCHAR(200) NOT NULL COMMENT 'clash key: ID number, name|gender|birth, or the student id',
  sid BIGINT UNSIGNED NULL COMMENT 'student id for id_error / id_changed keys',
  name VARCHAR(50) NULL,
  gender CHAR(1) NULL,
  birth DATE NULL,
  clash TINYINT(1) NOT NULL DEFAULT 0,
  gid BIGINT UNSIGNED NULL COMMENT 'the open group of this key after the run',
  PRIMARY KEY (batch, type, k)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- R5: last 4-digit sequence used per L-number prefix (L + county + birth date).
CREATE TABLE student_no_seq (
  prefix CHAR(15) NOT NULL PRIMARY KEY,
  last SMALLINT UNSIGNED NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=ascii COLLATE=ascii_bin;

-- School file imports: a job per uploaded file (dry run, then commit), its row errors, and the committed files
-- (re-importing a committed file creates nothing new).
CREATE TABLE import_job (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id BIGINT UNSIGNED NOT NULL COMMENT 'app_user.id, or api_credential.id when is_api',
  is_api TINYINT(1) NOT NULL DEFAULT 0,
  unit_id INT UNSIGNED NOT NULL COMMENT 'the uploader''s unit: the import''s jurisdiction',
  file_sha256 CHAR(64) NOT NULL,
  file_size BIGINT UNSIGNED NOT NULL,
  file_format VARCHAR(8) NOT NULL DEFAULT '',
  encoding VARCHAR(12) NOT NULL DEFAULT '',
  dry_run TINYINT(1) NOT NULL DEFAULT 1,
  state VARCHAR(12) NOT NULL COMMENT 'validating, validated, committing, done, failed',
  rows_total INT UNSIGNED NOT NULL DEFAULT 0,
  rows_valid INT UNSIGNED NOT NULL DEFAULT 0,
  rows_error INT UNSIGNED NOT NULL DEFAULT 0,
  rows_done INT UNSIGNED NOT NULL DEFAULT 0,
  rows_created INT UNSIGNED NOT NULL DEFAULT 0,
  rows_unchanged INT UNSIGNED NOT NULL DEFAULT 0,
  groups_touched INT UNSIGNED NOT NULL DEFAULT 0,
  duplicate_of BIGINT UNSIGNED NULL COMMENT 'an earlier job that already committed the same file',
  error_code VARCHAR(40) NULL,
  error_message VARCHAR(400) NULL,
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6) COMMENT 'heartbeat while a background phase runs',
  finished_at DATETIME(6) NULL,
  version INT UNSIGNED NOT NULL DEFAULT 1,
  KEY k_import_unit (unit_id, id),
  CONSTRAINT ck_import_state CHECK (state IN ('validating','validated','committing','done','failed'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE import_error (
  job_id BIGINT UNSIGNED NOT NULL,
  seq INT UNSIGNED NOT NULL,
  row_no INT UNSIGNED NOT NULL COMMENT 'spreadsheet row (header = its own row number)',
  col VARCHAR(20) NOT NULL COMMENT 'column header, e.g. 证件号码',
  field VARCHAR(20) NOT NULL COMMENT 'JSON field name',
  code VARCHAR(32) NOT NULL,
  warning TINYINT(1) NOT NULL DEFAULT 0,
  message VARCHAR(400) NOT NULL,
  message_zh VARCHAR(400) NOT NULL,
  PRIMARY KEY (job_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE import_file (
  unit_id INT UNSIGNED NOT NULL,
  file_sha256 CHAR(64) NOT NULL,
  job_id BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (unit_id, file_sha256)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- R29: per-record idempotency keys of provincial calls; a repeated key returns the stored answer.
CREATE TABLE api_idem (
  scope VARCHAR(40) NOT NULL COMMENT 'caller: a:<credential id> or u:<user id>, and the endpoint',
  idem_key VARCHAR(100) NOT NULL,
  request_sha256 CHAR(64) NOT NULL COMMENT 'the record the key was first used with',
  student_id BIGINT UNSIGNED NULL,
  result TEXT NOT NULL COMMENT 'JSON answer given the first time',
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (scope, idem_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
