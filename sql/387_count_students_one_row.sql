-- 387_count_students_one_row: issue 13 item 3 (R30): a student's counters in sub-row 0 again. Migration 386 spread every
-- counter over 16 sub-rows; for the members (decisions queue on the same rows, issue 15) that halved the row-lock waits,
-- but a student's counters are written by a registration, a transfer or a status change (and an import chunk's by
-- count_students_batch, sql/400, in its own shards), which do not queue on a county's rows the way a county's
-- decisions do, while every statistics read summed up to 16 rows per school, status and level (count_school 9,904 ->
-- 24,118 rows on the 200,000-record bench). A student's rows are now one per school and status (count_school, shard 0)
-- and one per unit and status above it (count_rollup shard 0; the country's: province x 16, sql/386). The sums are
-- unchanged (exact as a key's sum over its shards); the counter tables are rebuilt here from the rows.
DROP TRIGGER IF EXISTS count_student_insert;
DROP TRIGGER IF EXISTS count_student_update;
DROP TRIGGER IF EXISTS count_student_delete;

DELIMITER //

CREATE TRIGGER count_student_insert AFTER INSERT ON student FOR EACH ROW
BEGIN
  IF @xj_bulk_load IS NULL THEN
    CALL count_add(NEW.province_code, NEW.city_code, NEW.county_code, NEW.school_id, 's', NEW.status, '', '', '1000-01-01', 1, 0);
  END IF;
END//

CREATE TRIGGER count_student_update AFTER UPDATE ON student FOR EACH ROW
BEGIN
  IF @xj_bulk_load IS NULL AND NOT (OLD.status <=> NEW.status AND OLD.school_id <=> NEW.school_id AND OLD.county_code <=> NEW.county_code
          AND OLD.city_code <=> NEW.city_code AND OLD.province_code <=> NEW.province_code) THEN
    CALL count_add(OLD.province_code, OLD.city_code, OLD.county_code, OLD.school_id, 's', OLD.status, '', '', '1000-01-01', -1, 0);
    CALL count_add(NEW.province_code, NEW.city_code, NEW.county_code, NEW.school_id, 's', NEW.status, '', '', '1000-01-01', 1, 0);
  END IF;
END//

CREATE TRIGGER count_student_delete AFTER DELETE ON student FOR EACH ROW
BEGIN
  IF @xj_bulk_load IS NULL THEN
    CALL count_add(OLD.province_code, OLD.city_code, OLD.county_code, OLD.school_id, 's', OLD.status, '', '', '1000-01-01', -1, 0);
  END IF;
END//

DELIMITER ;

-- what --rebuild-counters writes: sql/386's view with the students in sub-row 0 (count_rollup_expected sums this view)
CREATE OR REPLACE VIEW count_school_expected AS
  SELECT province_code, city_code, county_code, school_id, 's' kind, status k1, '' k2, '' k3, DATE '1000-01-01' day,
         0 shard, COUNT(*) n
  FROM student GROUP BY province_code, city_code, county_code, school_id, status
  UNION ALL
  SELECT m.province_code, m.city_code, m.county_code, m.school_id, 'm', g.type, m.state, COALESCE(m.handling, ''),
         DATE '1000-01-01', m.group_id % 16, COUNT(*)
  FROM group_member m JOIN problem_group g ON g.id = m.group_id
  GROUP BY m.province_code, m.city_code, m.county_code, m.school_id, g.type, m.state, COALESCE(m.handling, ''), m.group_id % 16
  UNION ALL
  SELECT province_code, city_code, county_code, school_id, 'd', state, '', '', due_date, group_id % 16, COUNT(*)
  FROM group_member WHERE due_date IS NOT NULL
  GROUP BY province_code, city_code, county_code, school_id, state, due_date, group_id % 16;

-- the counters rebuilt exactly from the rows, in the shards above
DELETE FROM count_school;
INSERT INTO count_school SELECT * FROM count_school_expected;
DELETE FROM count_rollup;
INSERT INTO count_rollup (level, unit_key, kind, k1, day, shard, n) SELECT * FROM count_rollup_expected;
