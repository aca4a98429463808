-- 030_evidence: evidence files (证明材料, SPEC R23) and the per-school storage quota.
-- The content lives on disk, addressed by its SHA-256 (XJ_DATA_DIR/ab/cd/<sha256 hex>); a row is inserted only after
-- its content file is durable, so no row ever points at missing or partial content. Rows are never deleted (R25 audit).
-- One row per (school, content): a school uploading the same bytes again gets the same id back (idempotent);
-- the same bytes uploaded by another school get their own row (own name, uploader, jurisdiction), sharing one file.
-- The workflow (issue 5) may also run CREATE TABLE IF NOT EXISTS evidence with the same columns.
CREATE TABLE IF NOT EXISTS evidence (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  sha256 BINARY(32) NOT NULL COMMENT 'SHA-256 of the content: its address on disk',
  size INT UNSIGNED NOT NULL COMMENT 'bytes, 1..2097152 (R23)',
  mime VARCHAR(100) NOT NULL COMMENT 'type detected by libmagic from the content: application/msword, application/x-rar, application/vnd.rar, image/jpeg',
  orig_name VARCHAR(255) NOT NULL COMMENT 'client file name, sanitized, for display only (never used as a path)',
  school_id INT UNSIGNED NOT NULL COMMENT 'unit.id of the uploading school (level 4)',
  uploader_id BIGINT UNSIGNED NOT NULL COMMENT 'app_user.id of the school clerk',
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Added with ALTER so they also apply when the workflow created the table first (IF NOT EXISTS on each).
ALTER TABLE evidence
  ADD UNIQUE KEY IF NOT EXISTS uk_evidence_school_sha (school_id, sha256),
  ADD KEY IF NOT EXISTS k_evidence_sha (sha256),
  ADD CONSTRAINT fk_evidence_school FOREIGN KEY IF NOT EXISTS (school_id) REFERENCES unit (id),
  ADD CONSTRAINT fk_evidence_uploader FOREIGN KEY IF NOT EXISTS (uploader_id) REFERENCES app_user (id);
ALTER TABLE evidence
  ADD CONSTRAINT IF NOT EXISTS ck_evidence_size CHECK (size BETWEEN 1 AND 2097152);

-- Bytes stored per school (R23 limits, XJ_EVIDENCE_QUOTA_BYTES): the sum of `size` over the school's evidence rows.
-- Updated in the upload transaction with `bytes = bytes + ? WHERE bytes + ? <= quota` (affected rows checked),
-- after the row was locked with SELECT ... FOR UPDATE, so concurrent uploads of one school cannot exceed the quota.
CREATE TABLE IF NOT EXISTS evidence_usage (
  school_id INT UNSIGNED NOT NULL PRIMARY KEY,
  bytes BIGINT UNSIGNED NOT NULL DEFAULT 0,
  files INT UNSIGNED NOT NULL DEFAULT 0,
  updated_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  CONSTRAINT fk_evidence_usage_school FOREIGN KEY (school_id) REFERENCES unit (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
