-- 401_member_name_overdue: issue 13 item 1 (R24, R30): the overdue list searched by a name reads the late members of that
-- name from the path's name keys alone. The keys of sql/382 (path, s_name) now also hold ov_day (sql/383), so a name
-- prefix's late members are one range read without touching a row (fcgi/db_workflow.c OV_CANDIDATES); the ministry's
-- one-character prefix (a surname: 35,000 members) reads (s_initial, ov_day) in due order (sql/396). Before, the
-- list read the late members in due order looking for the name (10M records: the ministry's search for 黄 68 ms median
-- at c=8, a province's 44 ms) or looked each named member up for its ov_day.
ALTER TABLE group_member
  DROP KEY k_member_sname, ADD KEY k_member_sname (s_name, ov_day),
  DROP KEY k_member_province_sname, ADD KEY k_member_province_sname (province_code, s_name, ov_day),
  DROP KEY k_member_city_sname, ADD KEY k_member_city_sname (city_code, s_name, ov_day),
  DROP KEY k_member_county_sname, ADD KEY k_member_county_sname (county_code, s_name, ov_day),
  DROP KEY k_member_school_sname, ADD KEY k_member_school_sname (school_id, s_name, ov_day),
  ADD KEY k_member_sinitial_ov (s_initial, ov_day);
