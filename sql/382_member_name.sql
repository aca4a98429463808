-- 382_member_name: issue 13 item 1 (R1-R3, R30): the problem list searched by a member's name reads the members of that
-- name. Each member carries its student's name (s_name): copied when the member is inserted (member_group_copy, sql/383, which
-- also copies the group's type, state and due days) and rewritten on every member of a student whose name changes
-- (member_name_follow: an R15 change, a correction, an import), in the same statement. Keys (path, s_name) at each level
-- and (s_name) for the ministry: a name prefix reads only the matching members of the path, then their groups newest
-- first (fcgi/db_registry.c, GM_*). Before, a one-character prefix walked the path's members in group order looking up
-- each student's name until a page was found (all of them for a rare surname: 10M, a province 1.1-1.7 s), a longer one
-- read the path's students of that name and probed each for a membership.
ALTER TABLE group_member
  ADD COLUMN s_name VARCHAR(50) NOT NULL DEFAULT '' COMMENT 'the student''s name (student.name; sql/382)';
SET @xj_bulk_load = 1;
UPDATE group_member m JOIN student s ON s.id = m.student_id SET m.s_name = s.name;
SET @xj_bulk_load = NULL;
ALTER TABLE group_member
  ADD KEY k_member_sname (s_name),
  ADD KEY k_member_province_sname (province_code, s_name),
  ADD KEY k_member_city_sname (city_code, s_name),
  ADD KEY k_member_county_sname (county_code, s_name),
  ADD KEY k_member_school_sname (school_id, s_name);

DROP TRIGGER IF EXISTS member_name_follow;
DELIMITER //
-- (a new member takes its student's name in member_group_copy, sql/383)
-- a student's name changes: every membership of the student follows
CREATE TRIGGER member_name_follow AFTER UPDATE ON student FOR EACH ROW
BEGIN
  IF NOT (OLD.name <=> NEW.name) THEN
    UPDATE group_member FORCE INDEX (k_member_student) SET s_name = NEW.name WHERE student_id = NEW.id;
  END IF;
END//
DELIMITER ;
