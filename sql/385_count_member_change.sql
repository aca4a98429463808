-- 385_count_member_change: issue 13 item 3 (R30; R24 due days): a member's change that keeps its group and its school
-- path (a decision: state, handling, due date; the workflow's UPDATE in fcgi/db_workflow.c) writes only the counters
-- whose key changes. Before, count_member_update took the member out (-1) and put it back (+1) with the full count_member
-- of 330: the group's presence at school, county, city, province and country (five NOT EXISTS probes and up to 2 x 15
-- upserts) although a member staying in its group and school changes no presence, and the member rows of every level
-- even when only the handling (a school-only key, k3) changed. The counts are the same (the -1 and +1 on the unchanged
-- keys cancelled); the writeset loses those rows. A change of group or school path still takes count_member's path.
-- Formulas stay in count_add (320) for the levels; only the school's 'm' row of a handling-only change is written here.
DROP TRIGGER IF EXISTS count_member_update;
DROP PROCEDURE IF EXISTS count_member_change;

DELIMITER //

-- one member of group p_gid at school p_school (path unchanged) changes state, handling or due date: the counters of
-- the old keys -1, of the new keys +1, only where the key differs
CREATE PROCEDURE count_member_change(IN p_gid BIGINT UNSIGNED, IN p_school INT UNSIGNED, IN p_prov CHAR(2),
  IN p_city CHAR(4), IN p_county CHAR(6), IN p_old_state VARCHAR(16), IN p_new_state VARCHAR(16),
  IN p_old_handling VARCHAR(12), IN p_new_handling VARCHAR(12), IN p_old_due DATE, IN p_new_due DATE)
BEGIN
  DECLARE v_type VARCHAR(24) DEFAULT NULL;
  IF NOT (p_old_state <=> p_new_state) THEN
    SELECT type INTO v_type FROM problem_group WHERE id = p_gid;
    CALL count_add(p_prov, p_city, p_county, p_school, 'm', v_type, p_old_state, COALESCE(p_old_handling, ''), '1000-01-01', -1);
    CALL count_add(p_prov, p_city, p_county, p_school, 'm', v_type, p_new_state, COALESCE(p_new_handling, ''), '1000-01-01', 1);
  ELSEIF COALESCE(p_old_handling, '') <> COALESCE(p_new_handling, '') THEN
    -- the handling is a key of the school's row only (k3); the levels above count by state (count_add's v_key)
    SELECT type INTO v_type FROM problem_group WHERE id = p_gid;
    INSERT INTO count_school (province_code, city_code, county_code, school_id, kind, k1, k2, k3, day, n) VALUES
      (p_prov, p_city, p_county, p_school, 'm', v_type, p_old_state, COALESCE(p_old_handling, ''), '1000-01-01', -1),
      (p_prov, p_city, p_county, p_school, 'm', v_type, p_new_state, COALESCE(p_new_handling, ''), '1000-01-01', 1)
      ON DUPLICATE KEY UPDATE n = n + VALUES(n);
  END IF;
  IF NOT (p_old_state <=> p_new_state AND p_old_due <=> p_new_due) THEN
    IF p_old_due IS NOT NULL THEN
      CALL count_add(p_prov, p_city, p_county, p_school, 'd', p_old_state, '', '', p_old_due, -1);
    END IF;
    IF p_new_due IS NOT NULL THEN
      CALL count_add(p_prov, p_city, p_county, p_school, 'd', p_new_state, '', '', p_new_due, 1);
    END IF;
  END IF;
END//

CREATE TRIGGER count_member_update AFTER UPDATE ON group_member FOR EACH ROW
BEGIN
  IF @xj_bulk_load IS NULL THEN
    IF OLD.group_id <=> NEW.group_id AND OLD.school_id <=> NEW.school_id AND OLD.county_code <=> NEW.county_code
       AND OLD.city_code <=> NEW.city_code AND OLD.province_code <=> NEW.province_code THEN
      IF NOT (OLD.state <=> NEW.state AND OLD.handling <=> NEW.handling AND OLD.due_date <=> NEW.due_date) THEN
        CALL count_member_change(NEW.group_id, NEW.school_id, NEW.province_code, NEW.city_code, NEW.county_code,
                                 OLD.state, NEW.state, OLD.handling, NEW.handling, OLD.due_date, NEW.due_date);
      END IF;
    ELSE
      CALL count_member(OLD.group_id, OLD.id, OLD.school_id, OLD.province_code, OLD.city_code, OLD.county_code,
                        OLD.state, OLD.handling, OLD.due_date, -1);
      CALL count_member(NEW.group_id, NEW.id, NEW.school_id, NEW.province_code, NEW.city_code, NEW.county_code,
                        NEW.state, NEW.handling, NEW.due_date, 1);
    END IF;
  END IF;
END//

DELIMITER ;
