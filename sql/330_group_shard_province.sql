-- 330_group_shard_province: issue 13 item 3 (R30): the country's group counters (count_group level 0) are sharded by the
-- province of the member whose change writes them, no more by group id mod 16, so two provinces' simultaneous imports
-- (each opening many groups) never lock the same country rows, in whatever order (the student and member rollup was
-- changed the same way in 320: shard = province). The levels below are keyed by their own unit (a province's rows are
-- its own), so only the country's rows were shared. A group's presence in the country may be added through one
-- province's shard and taken away (or moved to a new state) through another's: the country's sum over its shards stays
-- exact, which is what every reader sums and what `xueji --check-counters` compares for level 0 (fcgi/db_counters.c).
-- Issue 13 item 2: a county's and a school's group counters (levels 3 and 4) are one row per key, unsharded (only that
-- unit's own changes write them; the sharding is for the rows above a county, as README says): a city's or county's
-- statistics read its schools' rows, 16 times fewer.

DROP PROCEDURE IF EXISTS count_group_at;
DROP PROCEDURE IF EXISTS count_member;
DROP TRIGGER IF EXISTS count_group_update;

DELIMITER //

-- a group's presence at one unit, added (delta 1) or taken away (-1), with the group's values, in counter shard p_shard
CREATE PROCEDURE count_group_at(IN p_shard TINYINT UNSIGNED, IN p_level TINYINT UNSIGNED, IN p_key VARCHAR(20),
  IN p_type VARCHAR(24), IN p_state VARCHAR(24), IN p_deadline DATE, IN p_arb_due DATE, IN p_delta INT)
BEGIN
  INSERT INTO count_group (level, unit_key, kind, k1, k2, day, shard, n)
    VALUES (p_level, p_key, 'g', p_type, p_state, '1000-01-01', p_shard, p_delta)
    ON DUPLICATE KEY UPDATE n = n + VALUES(n);
  IF p_state <> 'done' AND p_deadline IS NOT NULL THEN
    INSERT INTO count_group (level, unit_key, kind, k1, k2, day, shard, n)
      VALUES (p_level, p_key, 'l', p_type, '', p_deadline, p_shard, p_delta)
      ON DUPLICATE KEY UPDATE n = n + VALUES(n);
  END IF;
  IF p_state = 'awaiting_arbitration' AND p_arb_due IS NOT NULL THEN
    INSERT INTO count_group (level, unit_key, kind, k1, k2, day, shard, n)
      VALUES (p_level, p_key, 'a', p_type, '', p_arb_due, p_shard, p_delta)
      ON DUPLICATE KEY UPDATE n = n + VALUES(n);
  END IF;
END//

-- one member (id p_mid, at the given school path, with its state, handling and due date) joins (1) or leaves (-1) a
-- group: its member counters, and the group's presence at each unit of its path no other member of the group holds
-- (shard: none for a school or county, group id mod 16 for a city or province, the member's province for the country)
CREATE PROCEDURE count_member(IN p_gid BIGINT UNSIGNED, IN p_mid BIGINT UNSIGNED, IN p_school INT UNSIGNED,
  IN p_prov CHAR(2), IN p_city CHAR(4), IN p_county CHAR(6), IN p_state VARCHAR(16), IN p_handling VARCHAR(12),
  IN p_due DATE, IN p_delta INT)
BEGIN
  DECLARE v_type VARCHAR(24) DEFAULT NULL;
  DECLARE v_state VARCHAR(24) DEFAULT NULL;
  DECLARE v_deadline, v_arb_due DATE DEFAULT NULL;
  DECLARE v_shard TINYINT UNSIGNED DEFAULT p_gid % 16;
  SELECT type, state, deadline, arb_due_date INTO v_type, v_state, v_deadline, v_arb_due
    FROM problem_group WHERE id = p_gid;
  CALL count_add(p_prov, p_city, p_county, p_school, 'm', v_type, p_state, COALESCE(p_handling, ''), '1000-01-01', p_delta);
  IF p_due IS NOT NULL THEN
    CALL count_add(p_prov, p_city, p_county, p_school, 'd', p_state, '', '', p_due, p_delta);
  END IF;
  -- presence: a unit holding another member of the group keeps the group counted (and so do its parents)
  IF NOT EXISTS (SELECT 1 FROM group_member WHERE group_id = p_gid AND id <> p_mid AND school_id = p_school) THEN
    CALL count_group_at(0, 4, CONCAT(p_county, '/', p_school), v_type, v_state, v_deadline, v_arb_due, p_delta);
    IF NOT EXISTS (SELECT 1 FROM group_member WHERE group_id = p_gid AND id <> p_mid AND county_code = p_county) THEN
      CALL count_group_at(0, 3, p_county, v_type, v_state, v_deadline, v_arb_due, p_delta);
      IF NOT EXISTS (SELECT 1 FROM group_member WHERE group_id = p_gid AND id <> p_mid AND city_code = p_city) THEN
        CALL count_group_at(v_shard, 2, p_city, v_type, v_state, v_deadline, v_arb_due, p_delta);
        IF NOT EXISTS (SELECT 1 FROM group_member WHERE group_id = p_gid AND id <> p_mid AND province_code = p_prov) THEN
          CALL count_group_at(v_shard, 1, p_prov, v_type, v_state, v_deadline, v_arb_due, p_delta);
          IF NOT EXISTS (SELECT 1 FROM group_member WHERE group_id = p_gid AND id <> p_mid) THEN
            CALL count_group_at(CAST(p_prov AS UNSIGNED), 0, '', v_type, v_state, v_deadline, v_arb_due, p_delta);
          END IF;
        END IF;
      END IF;
    END IF;
  END IF;
END//

-- a group's type, state or dates change: its presence at every unit moves to the new key (a county's and a school's in
-- their one row, the country's through the shard of its members' first province)
CREATE TRIGGER count_group_update AFTER UPDATE ON problem_group FOR EACH ROW
BEGIN
  IF @xj_bulk_load IS NULL AND NOT (OLD.type <=> NEW.type AND OLD.state <=> NEW.state AND OLD.deadline <=> NEW.deadline
          AND OLD.arb_due_date <=> NEW.arb_due_date) THEN
    INSERT INTO count_group (level, unit_key, kind, k1, k2, day, shard, n)
      SELECT u.lvl, u.ukey, x.kind, x.k1, x.k2, x.day, u.shard, x.d
      FROM (SELECT DISTINCT 4 lvl, CONCAT(county_code, '/', school_id) ukey, 0 shard FROM group_member WHERE group_id = NEW.id
            UNION SELECT DISTINCT 3, county_code, 0 FROM group_member WHERE group_id = NEW.id
            UNION SELECT DISTINCT 2, city_code, NEW.id % 16 FROM group_member WHERE group_id = NEW.id
            UNION SELECT DISTINCT 1, province_code, NEW.id % 16 FROM group_member WHERE group_id = NEW.id
            UNION SELECT 0, '', CAST(MIN(province_code) AS UNSIGNED) FROM group_member WHERE group_id = NEW.id
              HAVING COUNT(*) > 0) u
      JOIN (SELECT 'g' kind, OLD.type k1, OLD.state k2, DATE '1000-01-01' day, -1 d
            UNION ALL SELECT 'g', NEW.type, NEW.state, DATE '1000-01-01', 1
            UNION ALL SELECT 'l', OLD.type, '', OLD.deadline, -1 FROM DUAL
              WHERE OLD.state <> 'done' AND OLD.deadline IS NOT NULL
            UNION ALL SELECT 'l', NEW.type, '', NEW.deadline, 1 FROM DUAL
              WHERE NEW.state <> 'done' AND NEW.deadline IS NOT NULL
            UNION ALL SELECT 'a', OLD.type, '', OLD.arb_due_date, -1 FROM DUAL
              WHERE OLD.state = 'awaiting_arbitration' AND OLD.arb_due_date IS NOT NULL
            UNION ALL SELECT 'a', NEW.type, '', NEW.arb_due_date, 1 FROM DUAL
              WHERE NEW.state = 'awaiting_arbitration' AND NEW.arb_due_date IS NOT NULL) x ON 1 = 1
      ON DUPLICATE KEY UPDATE n = n + VALUES(n);
  END IF;
END//

DELIMITER ;

-- the COUNT(*) the counters must equal (320's view, with the shards above): --check-counters and --rebuild-counters
CREATE OR REPLACE VIEW count_group_expected AS
  SELECT u.lvl level, u.ukey unit_key, kk.kind, g.type k1, IF(kk.kind = 'g', g.state, '') k2,
         CASE kk.kind WHEN 'g' THEN DATE '1000-01-01' WHEN 'l' THEN g.deadline ELSE g.arb_due_date END day,
         IF(u.lvl >= 3, 0, g.id % 16) shard, COUNT(*) n
  FROM (SELECT DISTINCT group_id, 4 lvl, CONCAT(county_code, '/', school_id) ukey FROM group_member
        UNION SELECT DISTINCT group_id, 3, county_code FROM group_member
        UNION SELECT DISTINCT group_id, 2, city_code FROM group_member
        UNION SELECT DISTINCT group_id, 1, province_code FROM group_member
        UNION SELECT DISTINCT group_id, 0, '' FROM group_member) u
  JOIN problem_group g ON g.id = u.group_id
  JOIN (SELECT 'g' kind UNION ALL SELECT 'l' UNION ALL SELECT 'a') kk
    ON kk.kind = 'g' OR (kk.kind = 'l' AND g.state <> 'done' AND g.deadline IS NOT NULL)
       OR (kk.kind = 'a' AND g.state = 'awaiting_arbitration' AND g.arb_due_date IS NOT NULL)
  GROUP BY 1, 2, 3, 4, 5, 6, 7;

-- the rows written before: a county's and a school's shards summed into their one row
CREATE TEMPORARY TABLE count_group_330 AS
  SELECT level, unit_key, kind, k1, k2, day, SUM(n) n FROM count_group WHERE level >= 3 AND shard <> 0
  GROUP BY level, unit_key, kind, k1, k2, day;
INSERT INTO count_group (level, unit_key, kind, k1, k2, day, shard, n)
  SELECT level, unit_key, kind, k1, k2, day, 0, n FROM count_group_330
  ON DUPLICATE KEY UPDATE n = count_group.n + VALUES(n);
DELETE FROM count_group WHERE level >= 3 AND shard <> 0;
DROP TEMPORARY TABLE count_group_330;
