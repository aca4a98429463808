-- 413_count_students_add: R30 (issue 14 item 1): the student counters of bulk-loaded rows from the rows the service
-- loaded, [[school id, status, rows], ...], instead of a read of each chunk's rows (count_students_batch, sql/400 and
-- 411). An import then counts its whole file once, at the end of its transaction: one counter row per school and
-- status instead of one per chunk of 5,000 rows (a file of one province spans ~2,000 schools in each chunk). The rows
-- and deltas are count_students_batch's: the loaded status (a later change of a row is counted by its trigger), the
-- school's codes (a loaded row carries its school's), county level shard 0, province level shard school_id % 8.
-- count_students_batch stays, as this procedure over its batch's groups (one place for the rule).
DROP PROCEDURE IF EXISTS count_students_add;
DROP PROCEDURE IF EXISTS count_students_batch;

DELIMITER //

CREATE PROCEDURE count_students_add(IN p_rows LONGTEXT)
BEGIN
  INSERT INTO count_school (province_code, city_code, county_code, school_id, kind, k1, k2, k3, day, n)
    SELECT u.province_code, u.city_code, u.county_code, u.id, 's', j.st, '', '', '1000-01-01', SUM(j.c)
    FROM JSON_TABLE(p_rows, '$[*]' COLUMNS (sid INT UNSIGNED PATH '$[0]', st VARCHAR(24) PATH '$[1]', c BIGINT PATH '$[2]')) j
    STRAIGHT_JOIN unit u ON u.id = j.sid
    GROUP BY u.county_code, u.id, j.st, u.province_code, u.city_code
    ORDER BY u.county_code, u.id, j.st
    ON DUPLICATE KEY UPDATE n = count_school.n + VALUES(n);
  -- the same rows at their county and their province, in primary-key order
  INSERT INTO count_rollup (level, unit_key, kind, k1, day, shard, n)
    SELECT l.lv, IF(l.lv = 3, u.county_code, u.province_code), 's', j.st, '1000-01-01', IF(l.lv = 3, 0, u.id % 8), SUM(j.c)
    FROM JSON_TABLE(p_rows, '$[*]' COLUMNS (sid INT UNSIGNED PATH '$[0]', st VARCHAR(24) PATH '$[1]', c BIGINT PATH '$[2]')) j
    STRAIGHT_JOIN unit u ON u.id = j.sid
    CROSS JOIN (SELECT 1 AS lv UNION ALL SELECT 3) l
    GROUP BY 1, 2, 4, 6
    ORDER BY 1, 2, 4, 6
    ON DUPLICATE KEY UPDATE n = count_rollup.n + VALUES(n);
END//

-- a batch's students, grouped by school and status (sql/400), for an instance upgraded while a former service runs
CREATE PROCEDURE count_students_batch(IN p_batch BIGINT UNSIGNED)
BEGIN
  DECLARE v_rows LONGTEXT;
  SELECT JSON_ARRAYAGG(JSON_ARRAY(g.school_id, g.status, g.c)) INTO v_rows
    FROM (SELECT school_id, status, COUNT(*) AS c FROM student FORCE INDEX (k_student_touch) WHERE touch_batch = p_batch
          GROUP BY school_id, status) g;
  IF v_rows IS NOT NULL THEN
    CALL count_students_add(v_rows);
  END IF;
END//

DELIMITER ;
