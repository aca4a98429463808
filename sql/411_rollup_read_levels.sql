-- 411_rollup_read_levels: R30 (issue 15, issue 13 item 3, issue 14): count_rollup keeps only the levels a request
-- reads. Its rows of a county (level 3: a county's own statistics and work queue, a city's and a province's rows per
-- county) and of a province (level 1: the ministry's rows per province) are read; those of a city (2) and of the country
-- (0) were written by every counted change and read by no request (a bureau's own totals are the sums of its units one
-- level below: fcgi/db_counters.c). A decision changed 31 rows, 15.3 of them count_rollup's (README, issue 15): half of
-- those were these two levels, in every writeset each node of a cluster certifies and applies. count_add (sql/386), the
-- import's batch counters (sql/400, sql/408) and the view --check-counters and --rebuild-counters compare with
-- (count_rollup_expected, sql/386) now name levels 3 and 1 only; otherwise each is the statement it replaces. The rows
-- of the levels no longer written are removed.
DROP PROCEDURE IF EXISTS count_add;
DROP PROCEDURE IF EXISTS count_students_batch;
DROP PROCEDURE IF EXISTS count_members_batch;

DELIMITER //

-- one counted row changes (delta 1 or -1): its school's counter and its county's and province's, each in sub-row
-- p_spread (0..15: the group id or student id mod 16)
CREATE PROCEDURE count_add(IN p_prov CHAR(2), IN p_city CHAR(4), IN p_county CHAR(6), IN p_school INT UNSIGNED,
  IN p_kind CHAR(1), IN p_k1 VARCHAR(24), IN p_k2 VARCHAR(24), IN p_k3 VARCHAR(24), IN p_day DATE, IN p_delta INT,
  IN p_spread TINYINT UNSIGNED)
BEGIN
  DECLARE v_key VARCHAR(24) DEFAULT IF(p_kind = 'm', p_k2, p_k1);
  INSERT INTO count_school (province_code, city_code, county_code, school_id, kind, k1, k2, k3, day, shard, n)
    VALUES (p_prov, p_city, p_county, p_school, p_kind, p_k1, p_k2, p_k3, p_day, p_spread, p_delta)
    ON DUPLICATE KEY UPDATE n = n + VALUES(n);
  INSERT INTO count_rollup (level, unit_key, kind, k1, day, shard, n) VALUES
    (3, p_county, p_kind, v_key, p_day, p_spread, p_delta), (1, p_prov, p_kind, v_key, p_day, p_spread, p_delta)
    ON DUPLICATE KEY UPDATE n = n + VALUES(n);
END//

-- an import chunk's students, grouped by school and status (sql/400)
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
  -- each counted at its county and its province, in primary-key order
  INSERT INTO count_rollup (level, unit_key, kind, k1, day, shard, n)
    SELECT r.lv, r.uk, 's', r.status, '1000-01-01', r.sh, SUM(r.c)
    FROM (SELECT l.lv,
                 IF(l.lv = 3, g.county_code, g.province_code) AS uk,
                 g.status,
                 IF(l.lv = 3, 0, g.school_id % 8) AS sh,
                 g.c
          FROM (SELECT province_code, city_code, county_code, school_id, status, COUNT(*) AS c
                FROM student FORCE INDEX (k_student_touch) WHERE touch_batch = p_batch
                GROUP BY county_code, school_id, status, province_code, city_code) g
          CROSS JOIN (SELECT 1 AS lv UNION ALL SELECT 3) l) r
    GROUP BY r.lv, r.uk, r.status, r.sh
    ORDER BY r.lv, r.uk, r.status, r.sh
    ON DUPLICATE KEY UPDATE n = count_rollup.n + VALUES(n);
END//

-- an import's new members and their groups' presence (sql/408)
CREATE PROCEDURE count_members_batch(IN p_batch BIGINT UNSIGNED)
BEGIN
  -- the members: 'm' by type, state and handling, 'd' by state and due day (count_add, sql/386); nm: the batch's new
  -- members, each once (two keys of the batch may name one group)
  INSERT INTO count_school (province_code, city_code, county_code, school_id, kind, k1, k2, k3, day, shard, n)
    SELECT nm.province_code, nm.city_code, nm.county_code, nm.school_id, k.kind,
           IF(k.kind = 'm', g.type, nm.state), IF(k.kind = 'm', nm.state, ''), IF(k.kind = 'm', COALESCE(nm.handling, ''), ''),
           IF(k.kind = 'm', DATE '1000-01-01', nm.due_date), nm.group_id % 16, COUNT(*)
    FROM (SELECT DISTINCT m.id, m.group_id, m.province_code, m.city_code, m.county_code, m.school_id, m.state, m.handling, m.due_date
          FROM detect_key d STRAIGHT_JOIN group_member m FORCE INDEX (uk_member) ON m.group_id = d.gid
          WHERE d.batch = p_batch AND d.clash = 1 AND m.added_batch = p_batch) nm
    STRAIGHT_JOIN problem_group g ON g.id = nm.group_id
    JOIN (SELECT 'm' AS kind UNION ALL SELECT 'd') k ON k.kind = 'm' OR nm.due_date IS NOT NULL
    GROUP BY nm.county_code, nm.school_id, k.kind, 6, 7, 8, 9, 10, nm.province_code, nm.city_code
    ON DUPLICATE KEY UPDATE n = count_school.n + VALUES(n);
  -- the same members at the county and the province (the rollup's key is the member's state)
  INSERT INTO count_rollup (level, unit_key, kind, k1, day, shard, n)
    SELECT l.lv, IF(l.lv = 3, nm.county_code, nm.province_code),
           k.kind, nm.state, IF(k.kind = 'm', DATE '1000-01-01', nm.due_date), nm.group_id % 16, COUNT(*)
    FROM (SELECT DISTINCT m.id, m.group_id, m.province_code, m.city_code, m.county_code, m.state, m.due_date
          FROM detect_key d STRAIGHT_JOIN group_member m FORCE INDEX (uk_member) ON m.group_id = d.gid
          WHERE d.batch = p_batch AND d.clash = 1 AND m.added_batch = p_batch) nm
    JOIN (SELECT 'm' AS kind UNION ALL SELECT 'd') k ON k.kind = 'm' OR nm.due_date IS NOT NULL
    CROSS JOIN (SELECT 1 AS lv UNION ALL SELECT 3) l
    GROUP BY l.lv, k.kind, 2, nm.state, 5, 6
    ON DUPLICATE KEY UPDATE n = count_rollup.n + VALUES(n);
  -- the groups' presence (count_group_at, sql/386): each unit of a new member's path that no earlier member of the
  -- group holds, once per group, by its type and state ('g'), its deadline unless done ('l'), its arbitration's due date
  -- while awaiting one ('a')
  INSERT INTO count_group (level, unit_key, kind, k1, k2, day, shard, n)
    SELECT p.lv, p.uk, k.kind, g.type, IF(k.kind = 'g', g.state, ''),
           CASE k.kind WHEN 'g' THEN DATE '1000-01-01' WHEN 'l' THEN g.deadline ELSE g.arb_due_date END,
           IF(p.lv = 0, CAST(p.prov AS UNSIGNED) * 16, 0) + p.gid % 16, COUNT(*)
    FROM (SELECT l.lv, nm.group_id AS gid, MIN(nm.province_code) AS prov, MIN(nm.school_id) AS sid,
                 CASE l.lv WHEN 4 THEN CONCAT(nm.county_code, '/', nm.school_id) WHEN 3 THEN nm.county_code
                   WHEN 2 THEN nm.city_code WHEN 1 THEN nm.province_code ELSE '' END AS uk
          FROM (SELECT DISTINCT m.id, m.group_id, m.province_code, m.city_code, m.county_code, m.school_id
                FROM detect_key d STRAIGHT_JOIN group_member m FORCE INDEX (uk_member) ON m.group_id = d.gid
                WHERE d.batch = p_batch AND d.clash = 1 AND m.added_batch = p_batch) nm
          CROSS JOIN (SELECT 0 AS lv UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) l
          GROUP BY l.lv, uk, nm.group_id) p
    STRAIGHT_JOIN problem_group g ON g.id = p.gid
    JOIN (SELECT 'g' AS kind UNION ALL SELECT 'l' UNION ALL SELECT 'a') k
      ON k.kind = 'g' OR (k.kind = 'l' AND g.state <> 'done' AND g.deadline IS NOT NULL)
      OR (k.kind = 'a' AND g.state = 'awaiting_arbitration' AND g.arb_due_date IS NOT NULL)
    WHERE NOT EXISTS (SELECT 1 FROM group_member o FORCE INDEX (uk_member) WHERE o.group_id = p.gid
                        AND NOT (o.added_batch <=> p_batch)
                        AND CASE p.lv WHEN 4 THEN o.school_id = p.sid WHEN 3 THEN o.county_code = p.uk
                          WHEN 2 THEN o.city_code = p.uk WHEN 1 THEN o.province_code = p.uk ELSE TRUE END)
    GROUP BY p.lv, k.kind, p.uk, g.type, 5, 6, 7
    ON DUPLICATE KEY UPDATE n = count_group.n + VALUES(n);
END//

DELIMITER ;

CREATE OR REPLACE VIEW count_rollup_expected AS
  SELECT l.level, IF(l.level = 3, c.county_code, c.province_code) unit_key,
         c.kind, IF(c.kind = 'm', c.k2, c.k1) k1, c.day, c.shard, SUM(c.n) n
  FROM count_school_expected c JOIN (SELECT 1 level UNION ALL SELECT 3) l ON 1 = 1
  GROUP BY 1, 2, 3, 4, 5, 6;

DELETE FROM count_rollup WHERE level IN (0, 2);
