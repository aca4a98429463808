-- 060_housekeeping: what periodic housekeeping (fcgi/housekeep.c) needs: indexes on the ages it purges by, and
-- the time an import job's stored file and row issues were removed (the job's counts stay).
ALTER TABLE session ADD KEY k_session_expires (expires_at);
ALTER TABLE api_idem ADD KEY k_api_idem_created (created_at);
ALTER TABLE import_job
  ADD COLUMN file_purged_at DATETIME(6) NULL COMMENT 'when housekeeping removed the stored file and the row issues',
  ADD KEY k_job_finished (finished_at);
