-- 408_count_members_batch: an import's detection counts its new members set-based (issue 14 item 1, R30). Each member a
-- chunk's detection inserts fired count_member (sql/386): a look-up of its group, two count_add (a school row and four
-- rollup rows each), up to five presence probes and up to five count_group_at; at 10M records that was 7 of the 37 s of
-- a 100,000-row import (~0.65 ms a member). The detection of a fresh batch (an import chunk: fcgi/db_registry.c
-- db_reg_detect, DETECT_FRESH) inserts its members with the counter triggers skipped (@xj_bulk_load, that statement
-- only) and then calls this procedure once: the members whose added_batch is the batch, grouped, write exactly the
-- rows and deltas count_member writes for each (sql/386): their 'm' and 'd' counters in the group's sub-row (group id
-- mod 16; the country's: province x 16 + it), and the group's presence at every unit of their paths (school, county,
-- city, province, the country) where the group has no member of an earlier batch (a member inserted before by another
-- path, added_batch NULL, counts as earlier). Keep the two in step (tests/api: every import's counters are checked
-- against --check-counters, and the random counters test imports).
DROP PROCEDURE IF EXISTS count_members_batch;

DELIMITER //

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
  -- the same members at the county, city, province and the country (the rollup's key is the member's state)
  INSERT INTO count_rollup (level, unit_key, kind, k1, day, shard, n)
    SELECT l.lv, CASE l.lv WHEN 3 THEN nm.county_code WHEN 2 THEN nm.city_code WHEN 1 THEN nm.province_code ELSE '' END,
           k.kind, nm.state, IF(k.kind = 'm', DATE '1000-01-01', nm.due_date),
           IF(l.lv = 0, CAST(nm.province_code AS UNSIGNED) * 16, 0) + nm.group_id % 16, COUNT(*)
    FROM (SELECT DISTINCT m.id, m.group_id, m.province_code, m.city_code, m.county_code, m.state, m.due_date
          FROM detect_key d STRAIGHT_JOIN group_member m FORCE INDEX (uk_member) ON m.group_id = d.gid
          WHERE d.batch = p_batch AND d.clash = 1 AND m.added_batch = p_batch) nm
    JOIN (SELECT 'm' AS kind UNION ALL SELECT 'd') k ON k.kind = 'm' OR nm.due_date IS NOT NULL
    CROSS JOIN (SELECT 0 AS lv UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) l
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
