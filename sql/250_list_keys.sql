-- 250_list_keys.sql: issue 10 item 6 / issue 13 (R30): keyset paging of the student list at every level: each level's
-- path column with the id, so "newest first after the cursor" reads the caller's own rows in order, never a sort of
-- the jurisdiction or an OFFSET scan.
ALTER TABLE student
  ADD KEY k_student_province_id (province_code, id),
  ADD KEY k_student_city_id (city_code, id),
  ADD KEY k_student_county_id (county_code, id),
  ADD KEY k_student_school_id (school_id, id);
