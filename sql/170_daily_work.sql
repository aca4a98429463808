-- 170_daily_work: issue 11: the guardian's name (R4 guardian contact, a template column), and what an import really did
-- (groups opened and members added by its detection, shown in its summary instead of one mixed count).
ALTER TABLE student
  ADD COLUMN guardian_name VARCHAR(50) NOT NULL DEFAULT '' COMMENT 'R4: the guardian''s name (guardian_phone: the contact)' AFTER enrol_date;
ALTER TABLE import_job
  ADD COLUMN groups_opened INT UNSIGNED NOT NULL DEFAULT 0 COMMENT 'problem groups its detection opened' AFTER groups_touched,
  ADD COLUMN members_added INT UNSIGNED NOT NULL DEFAULT 0 COMMENT 'records its detection put into problem groups (new and existing)' AFTER groups_opened;
