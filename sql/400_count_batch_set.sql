-- 400_count_batch_set: count_students_batch set-based (issue 14 item 1, R30). 350's version called count_add once per
-- (school, status) of the batch: a chunk of 5,000 rows of one province spans ~1,800 schools, so ~3,700 statements per
-- chunk, about a third of the import's "insert" phase. This version writes the same counters in two statements: the
-- batch's rows grouped by school and status (one read of k_student_touch) into count_school, and the same groups,
-- summed per level, into count_rollup. The rows and deltas are exactly count_add's (sql/320) for kind 's' with k2, k3
-- '' and day '1000-01-01': county level shard 0, city and province shard school_id % 8, the country shard = the
-- province code. Keep the two in step (tests/api: the import's counters are checked against --check-counters).
DROP PROCEDURE IF EXISTS count_students_batch;

DELIMITER //

CREATE PROCEDURE count_students_batch(IN p_batch BIGINT UNSIGNED)
BEGIN
  INSERT INTO count_school (province_code, city_code, county_code, school_id, kind, k1, k2, k3, day, n)
    SELECT g.province_code, g.city_code, g.county_code, g.school_id, 's', g.status, '', '', '1000-01-01', g.c
    FROM (SELECT province_code, city_code, county_code, school_id, status, COUNT(*) AS c
          FROM student FORCE INDEX (k_student_touch) WHERE touch_batch = p_batch
          GROUP BY county_code, school_id, status, province_code, city_code) g
    ORDER BY g.county_code, g.school_id, g.status
    ON DUPLICATE KEY UPDATE n = count_school.n + VALUES(n);
  -- the same groups once more (count_school also holds earlier batches; the batch's rows are in the buffer pool),
  -- each counted at the four levels above its school, in primary-key order
  INSERT INTO count_rollup (level, unit_key, kind, k1, day, shard, n)
    SELECT r.lv, r.uk, 's', r.status, '1000-01-01', r.sh, SUM(r.c)
    FROM (SELECT l.lv,
                 CASE l.lv WHEN 3 THEN g.county_code WHEN 2 THEN g.city_code WHEN 1 THEN g.province_code ELSE '' END AS uk,
                 g.status,
                 CASE l.lv WHEN 3 THEN 0 WHEN 0 THEN CAST(g.province_code AS UNSIGNED) ELSE g.school_id % 8 END AS sh,
                 g.c
          FROM (SELECT province_code, city_code, county_code, school_id, status, COUNT(*) AS c
                FROM student FORCE INDEX (k_student_touch) WHERE touch_batch = p_batch
                GROUP BY county_code, school_id, status, province_code, city_code) g
          CROSS JOIN (SELECT 0 AS lv UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) l) r
    GROUP BY r.lv, r.uk, r.status, r.sh
    ORDER BY r.lv, r.uk, r.status, r.sh
    ON DUPLICATE KEY UPDATE n = count_rollup.n + VALUES(n);
END//

DELIMITER ;
