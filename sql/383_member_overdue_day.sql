-- 383_member_overdue_day: issue 13 item 1 (R24, R30): the overdue list reads only the members that put a row on it, on
-- (path, ov_day). Each member carries a copy of its group's clearance deadline and arbitration due day (g_deadline,
-- g_arb_due; with g_type and g_state of sql/380, kept by the same triggers in the same statement), and ov_day, the first
-- day one of its three kinds of step is late (the list's kinds, fcgi/db_workflow.c OVERDUE_LIST): its own due date while
-- pending (the workflow's pending states, SQL_PENDING of fcgi/db_search.h), the group's deadline while not done, the
-- arbitration due day while awaiting arbitration; NULL when none. ov_day < today holds exactly the candidates (before:
-- every member of the jurisdiction, or every late group of the country; 10M records: a province 0.8-1.3 s).
ALTER TABLE group_member
  ADD COLUMN g_deadline DATE NULL COMMENT 'the group''s clearance deadline (problem_group.deadline; sql/383)',
  ADD COLUMN g_arb_due DATE NULL COMMENT 'the group''s arbitration due day (problem_group.arb_due_date; sql/383)';
SET @xj_bulk_load = 1;
UPDATE group_member m JOIN problem_group g ON g.id = m.group_id SET m.g_deadline = g.deadline, m.g_arb_due = g.arb_due_date
  WHERE g.deadline IS NOT NULL OR g.arb_due_date IS NOT NULL;
SET @xj_bulk_load = NULL;
ALTER TABLE group_member
  ADD COLUMN ov_day DATE AS (NULLIF(LEAST(
      IF(state IN ('unconfirmed','open','awaiting_leader','awaiting_review'), COALESCE(due_date, '9999-12-31'), '9999-12-31'),
      IF(g_state <> 'done', COALESCE(g_deadline, '9999-12-31'), '9999-12-31'),
      IF(g_state = 'awaiting_arbitration', COALESCE(g_arb_due, '9999-12-31'), '9999-12-31')), '9999-12-31')) PERSISTENT
    COMMENT 'the first day a step of this member or its group is late (sql/383)',
  ADD KEY k_member_ov (ov_day),
  ADD KEY k_member_province_ov (province_code, ov_day),
  ADD KEY k_member_city_ov (city_code, ov_day),
  ADD KEY k_member_county_ov (county_code, ov_day),
  ADD KEY k_member_school_ov (school_id, ov_day);

DROP TRIGGER IF EXISTS member_group_copy;
DROP TRIGGER IF EXISTS member_group_follow;
DROP TRIGGER IF EXISTS member_group_move;
DELIMITER //
-- a new member takes its group's type, state and due days (sql/380, here) and its student's name (sql/382)
CREATE TRIGGER member_group_copy BEFORE INSERT ON group_member FOR EACH ROW
BEGIN
  DECLARE v_type VARCHAR(16);
  DECLARE v_state VARCHAR(24);
  DECLARE v_deadline, v_arb_due DATE;
  DECLARE v_name VARCHAR(50);
  SELECT type, state, deadline, arb_due_date INTO v_type, v_state, v_deadline, v_arb_due FROM problem_group
    WHERE id = NEW.group_id;
  SELECT name INTO v_name FROM student WHERE id = NEW.student_id;
  SET NEW.g_type = v_type, NEW.g_state = v_state, NEW.g_deadline = v_deadline, NEW.g_arb_due = v_arb_due,
      NEW.s_name = v_name;
END//
-- a group's type, state or due days change: every member follows (the counters' trigger count_group_update is separate)
CREATE TRIGGER member_group_follow AFTER UPDATE ON problem_group FOR EACH ROW
BEGIN
  IF NOT (OLD.type <=> NEW.type AND OLD.state <=> NEW.state AND OLD.deadline <=> NEW.deadline
          AND OLD.arb_due_date <=> NEW.arb_due_date) THEN
    UPDATE group_member FORCE INDEX (uk_member) SET g_type = NEW.type, g_state = NEW.state, g_deadline = NEW.deadline,
      g_arb_due = NEW.arb_due_date WHERE group_id = NEW.id;
  END IF;
END//
-- a member moved to another group (no statement does this today) takes the new group's copies
CREATE TRIGGER member_group_move BEFORE UPDATE ON group_member FOR EACH ROW
BEGIN
  DECLARE v_type VARCHAR(16);
  DECLARE v_state VARCHAR(24);
  DECLARE v_deadline, v_arb_due DATE;
  IF NOT (OLD.group_id <=> NEW.group_id) THEN
    SELECT type, state, deadline, arb_due_date INTO v_type, v_state, v_deadline, v_arb_due FROM problem_group
      WHERE id = NEW.group_id;
    SET NEW.g_type = v_type, NEW.g_state = v_state, NEW.g_deadline = v_deadline, NEW.g_arb_due = v_arb_due;
  END IF;
END//
DELIMITER ;
