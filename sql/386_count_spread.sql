-- 386_count_spread: issue 15 / issue 13 item 3 (R30; R24 due days): concurrent decisions no longer wait on the same
-- counter rows. Before, every member change of a school wrote the school's one count_school row per key, every change
-- in a county the county's one count_rollup row per key (shard 0), every change in a province the country's one row per
-- key (shard = the province), and every group change its school's and county's one count_group row: all decisions of a
-- county queued on those rows (InnoDB row-lock waits; on Galera the same rows in every writeset, certification
-- conflicts). Every counter is now spread over 16 sub-rows per key by a deterministic key of the change, the shard column
-- (part of each counter table's primary key):
--   a member's counters ('m', 'd': count_school and count_rollup) and a group's presence (count_group): group id mod 16,
--   so two decisions meet on a row only when their groups' ids are equal mod 16 (consecutive groups never);
--   a student's counters ('s'): student id mod 16;
--   the country's rows (level 0): province x 16 + the same, so two provinces never share a country row (sql/330).
-- One decision writes as many rows as before (one sub-row per key and level, sql/385). Every reader sums over the
-- shards (fcgi/db_counters.c: GROUP BY the unit and key, an index range of (level, kind, unit_key), sql/331; a school's
-- rows one range of count_school's key), so the statistics and home tiles read the same ranges, up to 16 short rows per
-- key instead of one. The sums are exact; which sub-row holds a part of a sum is no fact (count_students_batch of sql/400
-- keeps its own shards for an import chunk, and a group's country presence may be added through one province's sub-row
-- and removed through another's, sql/330), so `xueji --check-counters` compares each key's sum over its shards
-- (fcgi/db_counters.c) and `--rebuild-counters` writes the views' shards below. The counter tables are rebuilt here
-- exactly from the rows (the views).
ALTER TABLE count_school ADD COLUMN shard TINYINT UNSIGNED NOT NULL DEFAULT 0
    COMMENT 'group id mod 16 (members), student id mod 16 (students), sql/386' AFTER day,
  DROP PRIMARY KEY, ADD PRIMARY KEY (county_code, school_id, kind, k1, k2, k3, day, shard);
ALTER TABLE count_rollup MODIFY shard SMALLINT UNSIGNED NOT NULL
  COMMENT 'group id (members) or student id (students) mod 16; the country: province x 16 + it (sql/386)';
ALTER TABLE count_group MODIFY shard SMALLINT UNSIGNED NOT NULL
  COMMENT 'group id mod 16; the country: province x 16 + group id mod 16 (sql/386)';

DROP PROCEDURE IF EXISTS count_add;
DROP PROCEDURE IF EXISTS count_group_at;
DROP PROCEDURE IF EXISTS count_member;
DROP PROCEDURE IF EXISTS count_member_change;
DROP TRIGGER IF EXISTS count_group_update;
DROP TRIGGER IF EXISTS count_student_insert;
DROP TRIGGER IF EXISTS count_student_update;
DROP TRIGGER IF EXISTS count_student_delete;

DELIMITER //

-- one counted row changes (delta 1 or -1): its school's counter and its county's, city's, province's and the country's,
-- each in sub-row p_spread (0..15: the group id or student id mod 16; the country's: province x 16 + p_spread)
CREATE PROCEDURE count_add(IN p_prov CHAR(2), IN p_city CHAR(4), IN p_county CHAR(6), IN p_school INT UNSIGNED,
  IN p_kind CHAR(1), IN p_k1 VARCHAR(24), IN p_k2 VARCHAR(24), IN p_k3 VARCHAR(24), IN p_day DATE, IN p_delta INT,
  IN p_spread TINYINT UNSIGNED)
BEGIN
  DECLARE v_key VARCHAR(24) DEFAULT IF(p_kind = 'm', p_k2, p_k1);
  INSERT INTO count_school (province_code, city_code, county_code, school_id, kind, k1, k2, k3, day, shard, n)
    VALUES (p_prov, p_city, p_county, p_school, p_kind, p_k1, p_k2, p_k3, p_day, p_spread, p_delta)
    ON DUPLICATE KEY UPDATE n = n + VALUES(n);
  INSERT INTO count_rollup (level, unit_key, kind, k1, day, shard, n) VALUES
    (3, p_county, p_kind, v_key, p_day, p_spread, p_delta), (2, p_city, p_kind, v_key, p_day, p_spread, p_delta),
    (1, p_prov, p_kind, v_key, p_day, p_spread, p_delta),
    (0, '', p_kind, v_key, p_day, CAST(p_prov AS UNSIGNED) * 16 + p_spread, p_delta)
    ON DUPLICATE KEY UPDATE n = n + VALUES(n);
END//

-- a group's presence at one unit, added (delta 1) or taken away (-1), with the group's values, in counter shard p_shard
CREATE PROCEDURE count_group_at(IN p_shard SMALLINT UNSIGNED, IN p_level TINYINT UNSIGNED, IN p_key VARCHAR(20),
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
-- group: its member counters, and the group's presence at each unit of its path no other member of the group holds,
-- all in the group's sub-rows
CREATE PROCEDURE count_member(IN p_gid BIGINT UNSIGNED, IN p_mid BIGINT UNSIGNED, IN p_school INT UNSIGNED,
  IN p_prov CHAR(2), IN p_city CHAR(4), IN p_county CHAR(6), IN p_state VARCHAR(16), IN p_handling VARCHAR(12),
  IN p_due DATE, IN p_delta INT)
BEGIN
  DECLARE v_type VARCHAR(24) DEFAULT NULL;
  DECLARE v_state VARCHAR(24) DEFAULT NULL;
  DECLARE v_deadline, v_arb_due DATE DEFAULT NULL;
  DECLARE v_shard SMALLINT UNSIGNED DEFAULT p_gid % 16;
  SELECT type, state, deadline, arb_due_date INTO v_type, v_state, v_deadline, v_arb_due
    FROM problem_group WHERE id = p_gid;
  CALL count_add(p_prov, p_city, p_county, p_school, 'm', v_type, p_state, COALESCE(p_handling, ''), '1000-01-01', p_delta,
                 v_shard);
  IF p_due IS NOT NULL THEN
    CALL count_add(p_prov, p_city, p_county, p_school, 'd', p_state, '', '', p_due, p_delta, v_shard);
  END IF;
  -- presence: a unit holding another member of the group keeps the group counted (and so do its parents)
  IF NOT EXISTS (SELECT 1 FROM group_member WHERE group_id = p_gid AND id <> p_mid AND school_id = p_school) THEN
    CALL count_group_at(v_shard, 4, CONCAT(p_county, '/', p_school), v_type, v_state, v_deadline, v_arb_due, p_delta);
    IF NOT EXISTS (SELECT 1 FROM group_member WHERE group_id = p_gid AND id <> p_mid AND county_code = p_county) THEN
      CALL count_group_at(v_shard, 3, p_county, v_type, v_state, v_deadline, v_arb_due, p_delta);
      IF NOT EXISTS (SELECT 1 FROM group_member WHERE group_id = p_gid AND id <> p_mid AND city_code = p_city) THEN
        CALL count_group_at(v_shard, 2, p_city, v_type, v_state, v_deadline, v_arb_due, p_delta);
        IF NOT EXISTS (SELECT 1 FROM group_member WHERE group_id = p_gid AND id <> p_mid AND province_code = p_prov) THEN
          CALL count_group_at(v_shard, 1, p_prov, v_type, v_state, v_deadline, v_arb_due, p_delta);
          IF NOT EXISTS (SELECT 1 FROM group_member WHERE group_id = p_gid AND id <> p_mid) THEN
            CALL count_group_at(CAST(p_prov AS UNSIGNED) * 16 + v_shard, 0, '', v_type, v_state, v_deadline, v_arb_due, p_delta);
          END IF;
        END IF;
      END IF;
    END IF;
  END IF;
END//

-- one member of group p_gid at school p_school (path unchanged) changes state, handling or due date: the counters of
-- the old keys -1, of the new keys +1, only where the key differs (sql/385), in the group's sub-rows
CREATE PROCEDURE count_member_change(IN p_gid BIGINT UNSIGNED, IN p_school INT UNSIGNED, IN p_prov CHAR(2),
  IN p_city CHAR(4), IN p_county CHAR(6), IN p_old_state VARCHAR(16), IN p_new_state VARCHAR(16),
  IN p_old_handling VARCHAR(12), IN p_new_handling VARCHAR(12), IN p_old_due DATE, IN p_new_due DATE)
BEGIN
  DECLARE v_type VARCHAR(24) DEFAULT NULL;
  DECLARE v_s TINYINT UNSIGNED DEFAULT p_gid % 16;
  IF NOT (p_old_state <=> p_new_state) THEN
    SELECT type INTO v_type FROM problem_group WHERE id = p_gid;
    CALL count_add(p_prov, p_city, p_county, p_school, 'm', v_type, p_old_state, COALESCE(p_old_handling, ''), '1000-01-01', -1, v_s);
    CALL count_add(p_prov, p_city, p_county, p_school, 'm', v_type, p_new_state, COALESCE(p_new_handling, ''), '1000-01-01', 1, v_s);
  ELSEIF COALESCE(p_old_handling, '') <> COALESCE(p_new_handling, '') THEN
    -- the handling is a key of the school's row only (k3); the levels above count by state (count_add's v_key)
    SELECT type INTO v_type FROM problem_group WHERE id = p_gid;
    INSERT INTO count_school (province_code, city_code, county_code, school_id, kind, k1, k2, k3, day, shard, n) VALUES
      (p_prov, p_city, p_county, p_school, 'm', v_type, p_old_state, COALESCE(p_old_handling, ''), '1000-01-01', v_s, -1),
      (p_prov, p_city, p_county, p_school, 'm', v_type, p_new_state, COALESCE(p_new_handling, ''), '1000-01-01', v_s, 1)
      ON DUPLICATE KEY UPDATE n = n + VALUES(n);
  END IF;
  IF NOT (p_old_state <=> p_new_state AND p_old_due <=> p_new_due) THEN
    IF p_old_due IS NOT NULL THEN
      CALL count_add(p_prov, p_city, p_county, p_school, 'd', p_old_state, '', '', p_old_due, -1, v_s);
    END IF;
    IF p_new_due IS NOT NULL THEN
      CALL count_add(p_prov, p_city, p_county, p_school, 'd', p_new_state, '', '', p_new_due, 1, v_s);
    END IF;
  END IF;
END//

-- a student's counters, in the student's sub-rows
CREATE TRIGGER count_student_insert AFTER INSERT ON student FOR EACH ROW
BEGIN
  IF @xj_bulk_load IS NULL THEN
    CALL count_add(NEW.province_code, NEW.city_code, NEW.county_code, NEW.school_id, 's', NEW.status, '', '', '1000-01-01', 1,
                   NEW.id % 16);
  END IF;
END//

CREATE TRIGGER count_student_update AFTER UPDATE ON student FOR EACH ROW
BEGIN
  IF @xj_bulk_load IS NULL AND NOT (OLD.status <=> NEW.status AND OLD.school_id <=> NEW.school_id AND OLD.county_code <=> NEW.county_code
          AND OLD.city_code <=> NEW.city_code AND OLD.province_code <=> NEW.province_code) THEN
    CALL count_add(OLD.province_code, OLD.city_code, OLD.county_code, OLD.school_id, 's', OLD.status, '', '', '1000-01-01', -1,
                   OLD.id % 16);
    CALL count_add(NEW.province_code, NEW.city_code, NEW.county_code, NEW.school_id, 's', NEW.status, '', '', '1000-01-01', 1,
                   NEW.id % 16);
  END IF;
END//

CREATE TRIGGER count_student_delete AFTER DELETE ON student FOR EACH ROW
BEGIN
  IF @xj_bulk_load IS NULL THEN
    CALL count_add(OLD.province_code, OLD.city_code, OLD.county_code, OLD.school_id, 's', OLD.status, '', '', '1000-01-01', -1,
                   OLD.id % 16);
  END IF;
END//

-- a group's type, state or dates change: its presence at every unit moves to the new key, in the group's sub-rows (the
-- country's through its members' first province)
CREATE TRIGGER count_group_update AFTER UPDATE ON problem_group FOR EACH ROW
BEGIN
  IF @xj_bulk_load IS NULL AND NOT (OLD.type <=> NEW.type AND OLD.state <=> NEW.state AND OLD.deadline <=> NEW.deadline
          AND OLD.arb_due_date <=> NEW.arb_due_date) THEN
    INSERT INTO count_group (level, unit_key, kind, k1, k2, day, shard, n)
      SELECT u.lvl, u.ukey, x.kind, x.k1, x.k2, x.day, u.shard, x.d
      FROM (SELECT DISTINCT 4 lvl, CONCAT(county_code, '/', school_id) ukey, NEW.id % 16 shard FROM group_member WHERE group_id = NEW.id
            UNION SELECT DISTINCT 3, county_code, NEW.id % 16 FROM group_member WHERE group_id = NEW.id
            UNION SELECT DISTINCT 2, city_code, NEW.id % 16 FROM group_member WHERE group_id = NEW.id
            UNION SELECT DISTINCT 1, province_code, NEW.id % 16 FROM group_member WHERE group_id = NEW.id
            UNION SELECT 0, '', CAST(MIN(province_code) AS UNSIGNED) * 16 + NEW.id % 16 FROM group_member WHERE group_id = NEW.id
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

-- the COUNT(*) the counters must equal, in the shards above (what --rebuild-counters writes)
CREATE OR REPLACE VIEW count_school_expected AS
  SELECT province_code, city_code, county_code, school_id, 's' kind, status k1, '' k2, '' k3, DATE '1000-01-01' day,
         id % 16 shard, COUNT(*) n
  FROM student GROUP BY province_code, city_code, county_code, school_id, status, id % 16
  UNION ALL
  SELECT m.province_code, m.city_code, m.county_code, m.school_id, 'm', g.type, m.state, COALESCE(m.handling, ''),
         DATE '1000-01-01', m.group_id % 16, COUNT(*)
  FROM group_member m JOIN problem_group g ON g.id = m.group_id
  GROUP BY m.province_code, m.city_code, m.county_code, m.school_id, g.type, m.state, COALESCE(m.handling, ''), m.group_id % 16
  UNION ALL
  SELECT province_code, city_code, county_code, school_id, 'd', state, '', '', due_date, group_id % 16, COUNT(*)
  FROM group_member WHERE due_date IS NOT NULL
  GROUP BY province_code, city_code, county_code, school_id, state, due_date, group_id % 16;
CREATE OR REPLACE VIEW count_rollup_expected AS
  SELECT l.level, CASE l.level WHEN 3 THEN c.county_code WHEN 2 THEN c.city_code WHEN 1 THEN c.province_code ELSE '' END unit_key,
         c.kind, IF(c.kind = 'm', c.k2, c.k1) k1, c.day,
         IF(l.level = 0, CAST(c.province_code AS UNSIGNED) * 16, 0) + c.shard shard, SUM(c.n) n
  FROM count_school_expected c JOIN (SELECT 0 level UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) l ON 1 = 1
  GROUP BY 1, 2, 3, 4, 5, 6;
CREATE OR REPLACE VIEW count_group_expected AS
  SELECT u.lvl level, u.ukey unit_key, kk.kind, g.type k1, IF(kk.kind = 'g', g.state, '') k2,
         CASE kk.kind WHEN 'g' THEN DATE '1000-01-01' WHEN 'l' THEN g.deadline ELSE g.arb_due_date END day,
         IF(u.lvl = 0, CAST(u.prov AS UNSIGNED) * 16, 0) + g.id % 16 shard, COUNT(*) n
  FROM (SELECT DISTINCT group_id, 4 lvl, CONCAT(county_code, '/', school_id) ukey, '00' prov FROM group_member
        UNION SELECT DISTINCT group_id, 3, county_code, '00' FROM group_member
        UNION SELECT DISTINCT group_id, 2, city_code, '00' FROM group_member
        UNION SELECT DISTINCT group_id, 1, province_code, '00' FROM group_member
        UNION SELECT group_id, 0, '', MIN(province_code) FROM group_member GROUP BY group_id) u
  JOIN problem_group g ON g.id = u.group_id
  JOIN (SELECT 'g' kind UNION ALL SELECT 'l' UNION ALL SELECT 'a') kk
    ON kk.kind = 'g' OR (kk.kind = 'l' AND g.state <> 'done' AND g.deadline IS NOT NULL)
       OR (kk.kind = 'a' AND g.state = 'awaiting_arbitration' AND g.arb_due_date IS NOT NULL)
  GROUP BY 1, 2, 3, 4, 5, 6, 7;

-- the counters rebuilt exactly from the rows, in the new shards
DELETE FROM count_school;
INSERT INTO count_school SELECT * FROM count_school_expected;
DELETE FROM count_rollup;
INSERT INTO count_rollup (level, unit_key, kind, k1, day, shard, n) SELECT * FROM count_rollup_expected;
DELETE FROM count_group;
INSERT INTO count_group (level, unit_key, kind, k1, k2, day, shard, n) SELECT * FROM count_group_expected;
