-- 251_schools.sql: issue 16 item 1-2 (R1): schools as living data: a county bureau opens, edits and closes the schools
-- of its county. A school unit carries its type (学校办学类型 code), address, a version for edits and when it closed;
-- a closed school keeps its records and history readable and takes no new ones.
ALTER TABLE unit
  ADD COLUMN school_type VARCHAR(8) NULL COMMENT 'schools: 学校办学类型 code (211 小学 ... 514 特殊教育学校)' AFTER name,
  ADD COLUMN address VARCHAR(200) NOT NULL DEFAULT '' AFTER school_type,
  ADD COLUMN closed_at DATETIME(6) NULL COMMENT 'schools: closed (no new records; users disabled)' AFTER address,
  ADD COLUMN version INT UNSIGNED NOT NULL DEFAULT 1 AFTER closed_at;
