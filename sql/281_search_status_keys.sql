-- 281_search_status_keys.sql: issue 13 item 1 (R30): the student list filtered by status (R6) reads that status of the
-- narrowest path newest first on (path, status) (InnoDB appends the id), never every record of the path: a rare status
-- (deleted, problem) in a large jurisdiction was a walk of all its rows (measured: 1.6 s for a school of 100,000).
-- School and county have theirs since 002 (k_student_school, k_student_county).
ALTER TABLE student
  ADD KEY k_student_status (status),
  ADD KEY k_student_province_status (province_code, status),
  ADD KEY k_student_city_status (city_code, status);
