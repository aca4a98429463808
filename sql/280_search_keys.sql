-- 280_search_keys.sql: issue 13 item 1 (R1-R3, R30): search where registrars search. A name (exact or prefix) is read
-- within the caller's jurisdiction, or the school / county filter, on (path, name) (InnoDB appends the id: the order
-- of the name search's keyset, name then id), never a scan of the jurisdiction. ID number (k_student_idno) and
-- student number (uk_student_no) are exact lookups already; group members by handling state, school and county use
-- k_member_school / k_member_county (path, state); the county's members by group id for its problem list.
ALTER TABLE student
  ADD KEY k_student_name (name),
  ADD KEY k_student_province_name (province_code, name),
  ADD KEY k_student_city_name (city_code, name),
  ADD KEY k_student_county_name (county_code, name),
  ADD KEY k_student_school_name (school_id, name);
ALTER TABLE group_member
  ADD KEY k_member_county_group (county_code, group_id),
  ADD KEY k_member_school_group (school_id, group_id);
