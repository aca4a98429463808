-- 040_workflow: what the problem-record workflow adds to 002: deadlines (R24), re-open links (R22), holidays,
-- idempotent actions, the evidence cited by each action (R23, R25) and the provincial change feed (R29).

-- Evidence files belong to the evidence module (migration 030). Created here only when absent, with the
-- same columns, so that the workflow can validate references whichever module is merged first.
CREATE TABLE IF NOT EXISTS evidence (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  sha256 BINARY(32) NOT NULL,
  size INT UNSIGNED NOT NULL,
  mime VARCHAR(100) NOT NULL,
  orig_name VARCHAR(255) NOT NULL,
  school_id INT UNSIGNED NOT NULL,
  uploader_id BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  KEY k_evidence_school (school_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

ALTER TABLE problem_group
  ADD COLUMN arb_since DATETIME(6) NULL COMMENT 'R18: when the group began to await arbitration',
  ADD COLUMN arb_due_date DATE NULL COMMENT 'R24: arbitration due (10 working days)',
  ADD KEY k_group_deadline (state, deadline),
  ADD KEY k_group_arb_due (state, arb_due_date);

ALTER TABLE group_member
  ADD COLUMN reopened_as BIGINT UNSIGNED NULL COMMENT 'R22: the one-member case this member was re-opened into',
  ADD KEY k_member_city_state (city_code, state),
  ADD KEY k_member_province_state (province_code, state),
  ADD KEY k_member_due (state, due_date);

-- R24: the working-day calendar. A row is an exception to Monday-Friday: a holiday (working=0) or a
-- weekend day worked in exchange (调休, working=1).
CREATE TABLE holiday (
  day DATE NOT NULL PRIMARY KEY,
  working TINYINT(1) NOT NULL DEFAULT 0,
  name VARCHAR(50) NOT NULL DEFAULT '',
  updated_by BIGINT UNSIGNED NULL,
  updated_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Idempotency-Key of member actions: the first response is kept and replayed (same key, same caller).
CREATE TABLE workflow_idempotency (
  principal VARCHAR(24) NOT NULL COMMENT 'u:<app_user.id> or c:<credential id>',
  idem_key VARCHAR(100) NOT NULL,
  request_sha BINARY(32) NOT NULL COMMENT 'SHA-256 of method, path and body: a reused key with another request is refused',
  status SMALLINT UNSIGNED NOT NULL DEFAULT 0 COMMENT '0 while the first request runs',
  body MEDIUMTEXT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (principal, idem_key),
  KEY k_idem_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- R23/R25: the evidence each history event cited (history.evidence_ids keeps the list as text; this
-- table answers "which actions cited this file").
CREATE TABLE action_evidence (
  evidence_id BIGINT UNSIGNED NOT NULL,
  history_id BIGINT UNSIGNED NOT NULL,
  group_id BIGINT UNSIGNED NOT NULL,
  member_id BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (evidence_id, history_id),
  KEY k_ae_history (history_id),
  KEY k_ae_group (group_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- R29 change feed. Auto-increment history ids can commit out of order, so a reader cannot page by id.
-- Each history row is queued per province it touches (trigger below, same transaction as the event);
-- a reader first moves the committed queue entries of its province, in history-id order, to
-- feed_event with the next sequence numbers (under the province's feed_seq row lock; the range lock
-- makes a late-committing writer wait and take a later number), then pages by seq: dense, in
-- commit order, never a gap nor a repeat.
CREATE TABLE feed_pending (
  province_code CHAR(2) NOT NULL,
  history_id BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (province_code, history_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE feed_event (
  province_code CHAR(2) NOT NULL,
  seq BIGINT UNSIGNED NOT NULL,
  history_id BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (province_code, seq),
  UNIQUE KEY uk_feed_history (province_code, history_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE feed_seq (
  province_code CHAR(2) NOT NULL PRIMARY KEY,
  last_seq BIGINT UNSIGNED NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Every history row, whoever writes it, reaches the feed of each province its group touches (its members'
-- provinces), or, for a row about a record alone (group_id NULL), the record's province.
-- (Write a group's history after inserting its members.)
DELIMITER //
CREATE TRIGGER history_feed AFTER INSERT ON history FOR EACH ROW
BEGIN
  IF NEW.group_id IS NOT NULL THEN
    INSERT IGNORE INTO feed_pending (province_code, history_id)
      SELECT DISTINCT m.province_code, NEW.id FROM group_member m WHERE m.group_id = NEW.group_id;
  ELSEIF NEW.student_id IS NOT NULL THEN
    INSERT IGNORE INTO feed_pending (province_code, history_id)
      SELECT s.province_code, NEW.id FROM student s WHERE s.id = NEW.student_id;
  END IF;
END//
DELIMITER ;

-- rows written before this migration
INSERT IGNORE INTO feed_pending (province_code, history_id)
  SELECT m.province_code, h.id FROM history h JOIN group_member m ON m.group_id = h.group_id
  UNION SELECT s.province_code, h.id FROM history h JOIN student s ON s.id = h.student_id;
