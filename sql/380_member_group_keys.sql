-- 380_member_group_keys: issue 13 item 1 (R8 problem types, SPEC s.6 group states; R1-R3, R30): the problem list's
-- type and group-state filters read one page of an index. A group's type and state are copied onto each of its
-- members (g_type, g_state): set from the group when a member is inserted (member_group_copy), and rewritten on every
-- member when the group's type or state changes (member_group_follow; both in sql/383), in the same statement, so in the same
-- transaction. Keys (path, g_state | g_type, group_id) at each level of the jurisdiction (and without a path for the
-- ministry's member filters) let the list read its filtered members newest group first and stop at the page
-- (fcgi/db_registry.c, GL_Q). Before, a filtered list read every member of the jurisdiction and then filtered their
-- groups (10M records: 1.1-1.9 s for a province). The ministry's list without member filters reads problem_group
-- itself: keys (state, id) and (type, id) for its filters.
ALTER TABLE group_member
  ADD COLUMN g_type VARCHAR(16) NOT NULL DEFAULT '' COMMENT 'the group''s type (problem_group.type; sql/380)',
  ADD COLUMN g_state VARCHAR(24) NOT NULL DEFAULT '' COMMENT 'the group''s state (problem_group.state; sql/380)';
-- the copy changes no column a counter counts: the counters' triggers need not run (sql/320)
SET @xj_bulk_load = 1;
UPDATE group_member m JOIN problem_group g ON g.id = m.group_id SET m.g_type = g.type, m.g_state = g.state;
SET @xj_bulk_load = NULL;
ALTER TABLE group_member
  ADD KEY k_member_gstate (g_state, group_id),
  ADD KEY k_member_gtype (g_type, group_id),
  ADD KEY k_member_province_gstate (province_code, g_state, group_id),
  ADD KEY k_member_province_gtype (province_code, g_type, group_id),
  ADD KEY k_member_city_gstate (city_code, g_state, group_id),
  ADD KEY k_member_city_gtype (city_code, g_type, group_id),
  ADD KEY k_member_county_gstate (county_code, g_state, group_id),
  ADD KEY k_member_county_gtype (county_code, g_type, group_id),
  ADD KEY k_member_school_gstate (school_id, g_state, group_id),
  ADD KEY k_member_school_gtype (school_id, g_type, group_id);
ALTER TABLE problem_group
  ADD KEY k_group_state_id (state, id),
  ADD KEY k_group_type_id (type, id);

-- the triggers that set and keep the copies are defined once, with every copy, in sql/383 (member_group_copy,
-- member_group_follow, member_group_move)
