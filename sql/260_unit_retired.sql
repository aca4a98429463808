-- 260_unit_retired.sql: issue 16 item 3 (R1): division codes change every year. A county (or city) code that ceases
-- (merged into another, or re-coded) keeps its row, for the history and the security log that name it, but is
-- retired: it takes no new school, account or record, and names the unit that took its place.
ALTER TABLE unit
  ADD COLUMN retired_at DATETIME(6) NULL COMMENT 'divisions: the code ceased (xueji --divisions)' AFTER version,
  ADD COLUMN replaced_by INT UNSIGNED NULL COMMENT 'divisions: the unit that took its schools, records and users' AFTER retired_at,
  ADD CONSTRAINT fk_unit_replaced_by FOREIGN KEY (replaced_by) REFERENCES unit (id);
