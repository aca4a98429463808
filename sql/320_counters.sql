-- 320_counters: counts without scanning (issue 13 item 3, R30): the home tiles and statistics read counters that
-- the database keeps in the same transaction as every change of student, group_member and problem_group, whoever
-- writes it (registration, provincial batch, file import, R15 changes, workflow actions, detection, school merge,
-- operators' SQL). The counters are kept by triggers, so no write path can forget them; `xueji --check-counters`
-- compares every counter with a COUNT(*) of the rows, `xueji --rebuild-counters` recomputes them (fcgi/db_counters.c).
--
-- count_school: additive counts per school (R1-R3: the primary key starts with the county code, whose prefixes are the
-- city and province codes, so the schools of a county or city are one range of the clustered index).
--   kind 's': students by k1 = status (R6)
--   kind 'm': group members by k1 = group type, k2 = member state, k3 = handling
--   kind 'd': group members with a due date (R24) by k1 = member state, day = due date; overdue = day < today
-- count_rollup: the same sums per county, city, province and for the country (level 3..0, unit_key its code), by
--   k1 = status ('s'), member state ('m'), member state and due day ('d'), so a bureau reads its own few rows.
-- count_group: groups counted once per unit they touch, at every level (a group with members in two schools of one
-- county counts once for the county, once for each school), so a bureau reads its own row instead of a distinct count.
--   kind 'g': groups by k1 = type, k2 = state
--   kind 'l': groups not done with a clearance deadline (R24) by k1 = type, day = deadline
--   kind 'a': groups awaiting arbitration by k1 = type, day = the arbitration's due date
-- A row per school x key, and per unit x key x shard above (school id mod 8 above a county for count_rollup, group id
-- mod 16 for count_group): concurrent changes of different schools or groups rarely meet on one row (no hot row for Galera's
-- certification, no InnoDB lock queue behind a province's row); the reader sums a few rows.
-- A bulk load by an operator (a bench's LOAD DATA) may set the session variable @xj_bulk_load = 1 to skip the triggers and
-- then run `xueji --rebuild-counters`; the service never sets it, and --check-counters finds any drift.

CREATE TABLE count_school (
  province_code CHAR(2) NOT NULL,
  city_code CHAR(4) NOT NULL,
  county_code CHAR(6) NOT NULL,
  school_id INT UNSIGNED NOT NULL,
  kind CHAR(1) NOT NULL COMMENT 's students, m members, d members by due date',
  k1 VARCHAR(24) NOT NULL DEFAULT '',
  k2 VARCHAR(24) NOT NULL DEFAULT '',
  k3 VARCHAR(24) NOT NULL DEFAULT '',
  day DATE NOT NULL DEFAULT '1000-01-01',
  n BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (county_code, school_id, kind, k1, k2, k3, day),
  KEY k_count_school (school_id, kind)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE count_rollup (
  level TINYINT UNSIGNED NOT NULL COMMENT '0 the country, 1 province, 2 city, 3 county',
  unit_key CHAR(6) NOT NULL COMMENT '"" | province code | city code | county code',
  kind CHAR(1) NOT NULL COMMENT 's students by status, m members by state, d members by state and due date',
  k1 VARCHAR(24) NOT NULL DEFAULT '',
  day DATE NOT NULL DEFAULT '1000-01-01',
  shard TINYINT UNSIGNED NOT NULL COMMENT 'school id mod 8 above a county, 0 for a county',
  n BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (level, unit_key, kind, k1, day, shard)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE count_group (
  level TINYINT UNSIGNED NOT NULL COMMENT '0 ministry, 1 province, 2 city, 3 county, 4 school',
  unit_key VARCHAR(20) NOT NULL COMMENT '"" | province code | city code | county code | county code "/" school id',
  kind CHAR(1) NOT NULL COMMENT 'g by type and state, l deadline of groups not done, a arbitration due date',
  k1 VARCHAR(24) NOT NULL DEFAULT '',
  k2 VARCHAR(24) NOT NULL DEFAULT '',
  day DATE NOT NULL DEFAULT '1000-01-01',
  shard TINYINT UNSIGNED NOT NULL COMMENT 'group id mod 16',
  n BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (level, unit_key, kind, k1, k2, day, shard)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

DELIMITER //

-- one counted row changes (delta 1 or -1): its school's counter and its county's, city's, province's and the country's
CREATE PROCEDURE count_add(IN p_prov CHAR(2), IN p_city CHAR(4), IN p_county CHAR(6), IN p_school INT UNSIGNED,
  IN p_kind CHAR(1), IN p_k1 VARCHAR(24), IN p_k2 VARCHAR(24), IN p_k3 VARCHAR(24), IN p_day DATE, IN p_delta INT)
BEGIN
  DECLARE v_key VARCHAR(24) DEFAULT IF(p_kind = 'm', p_k2, p_k1);
  INSERT INTO count_school (province_code, city_code, county_code, school_id, kind, k1, k2, k3, day, n)
    VALUES (p_prov, p_city, p_county, p_school, p_kind, p_k1, p_k2, p_k3, p_day, p_delta)
    ON DUPLICATE KEY UPDATE n = n + VALUES(n);
  INSERT INTO count_rollup (level, unit_key, kind, k1, day, shard, n) VALUES
    (3, p_county, p_kind, v_key, p_day, 0, p_delta), (2, p_city, p_kind, v_key, p_day, p_school % 8, p_delta),
    (1, p_prov, p_kind, v_key, p_day, p_school % 8, p_delta), (0, '', p_kind, v_key, p_day, CAST(p_prov AS UNSIGNED), p_delta)
    ON DUPLICATE KEY UPDATE n = n + VALUES(n);
END//

-- a group's presence at one unit, added (delta 1) or taken away (-1), with the group's values
CREATE PROCEDURE count_group_at(IN p_gid BIGINT UNSIGNED, IN p_level TINYINT UNSIGNED, IN p_key VARCHAR(20),
  IN p_type VARCHAR(24), IN p_state VARCHAR(24), IN p_deadline DATE, IN p_arb_due DATE, IN p_delta INT)
BEGIN
  INSERT INTO count_group (level, unit_key, kind, k1, k2, day, shard, n)
    VALUES (p_level, p_key, 'g', p_type, p_state, '1000-01-01', p_gid % 16, p_delta)
    ON DUPLICATE KEY UPDATE n = n + VALUES(n);
  IF p_state <> 'done' AND p_deadline IS NOT NULL THEN
    INSERT INTO count_group (level, unit_key, kind, k1, k2, day, shard, n)
      VALUES (p_level, p_key, 'l', p_type, '', p_deadline, p_gid % 16, p_delta)
      ON DUPLICATE KEY UPDATE n = n + VALUES(n);
  END IF;
  IF p_state = 'awaiting_arbitration' AND p_arb_due IS NOT NULL THEN
    INSERT INTO count_group (level, unit_key, kind, k1, k2, day, shard, n)
      VALUES (p_level, p_key, 'a', p_type, '', p_arb_due, p_gid % 16, p_delta)
      ON DUPLICATE KEY UPDATE n = n + VALUES(n);
  END IF;
END//

-- one member (id p_mid, at the given school path, with its state, handling and due date) joins (1) or leaves (-1) a
-- group: its member counters, and the group's presence at each unit of its path no other member of the group holds
CREATE PROCEDURE count_member(IN p_gid BIGINT UNSIGNED, IN p_mid BIGINT UNSIGNED, IN p_school INT UNSIGNED,
  IN p_prov CHAR(2), IN p_city CHAR(4), IN p_county CHAR(6), IN p_state VARCHAR(16), IN p_handling VARCHAR(12),
  IN p_due DATE, IN p_delta INT)
BEGIN
  DECLARE v_type VARCHAR(24) DEFAULT NULL;
  DECLARE v_state VARCHAR(24) DEFAULT NULL;
  DECLARE v_deadline, v_arb_due DATE DEFAULT NULL;
  SELECT type, state, deadline, arb_due_date INTO v_type, v_state, v_deadline, v_arb_due
    FROM problem_group WHERE id = p_gid;
  CALL count_add(p_prov, p_city, p_county, p_school, 'm', v_type, p_state, COALESCE(p_handling, ''), '1000-01-01', p_delta);
  IF p_due IS NOT NULL THEN
    CALL count_add(p_prov, p_city, p_county, p_school, 'd', p_state, '', '', p_due, p_delta);
  END IF;
  -- presence: a unit holding another member of the group keeps the group counted (and so do its parents)
  IF NOT EXISTS (SELECT 1 FROM group_member WHERE group_id = p_gid AND id <> p_mid AND school_id = p_school) THEN
    CALL count_group_at(p_gid, 4, CONCAT(p_county, '/', p_school), v_type, v_state, v_deadline, v_arb_due, p_delta);
    IF NOT EXISTS (SELECT 1 FROM group_member WHERE group_id = p_gid AND id <> p_mid AND county_code = p_county) THEN
      CALL count_group_at(p_gid, 3, p_county, v_type, v_state, v_deadline, v_arb_due, p_delta);
      IF NOT EXISTS (SELECT 1 FROM group_member WHERE group_id = p_gid AND id <> p_mid AND city_code = p_city) THEN
        CALL count_group_at(p_gid, 2, p_city, v_type, v_state, v_deadline, v_arb_due, p_delta);
        IF NOT EXISTS (SELECT 1 FROM group_member WHERE group_id = p_gid AND id <> p_mid AND province_code = p_prov) THEN
          CALL count_group_at(p_gid, 1, p_prov, v_type, v_state, v_deadline, v_arb_due, p_delta);
          IF NOT EXISTS (SELECT 1 FROM group_member WHERE group_id = p_gid AND id <> p_mid) THEN
            CALL count_group_at(p_gid, 0, '', v_type, v_state, v_deadline, v_arb_due, p_delta);
          END IF;
        END IF;
      END IF;
    END IF;
  END IF;
END//

CREATE TRIGGER count_student_insert AFTER INSERT ON student FOR EACH ROW
BEGIN
  IF @xj_bulk_load IS NULL THEN
    CALL count_add(NEW.province_code, NEW.city_code, NEW.county_code, NEW.school_id, 's', NEW.status, '', '', '1000-01-01', 1);
  END IF;
END//

CREATE TRIGGER count_student_update AFTER UPDATE ON student FOR EACH ROW
BEGIN
  IF @xj_bulk_load IS NULL AND NOT (OLD.status <=> NEW.status AND OLD.school_id <=> NEW.school_id AND OLD.county_code <=> NEW.county_code
          AND OLD.city_code <=> NEW.city_code AND OLD.province_code <=> NEW.province_code) THEN
    CALL count_add(OLD.province_code, OLD.city_code, OLD.county_code, OLD.school_id, 's', OLD.status, '', '', '1000-01-01', -1);
    CALL count_add(NEW.province_code, NEW.city_code, NEW.county_code, NEW.school_id, 's', NEW.status, '', '', '1000-01-01', 1);
  END IF;
END//

CREATE TRIGGER count_student_delete AFTER DELETE ON student FOR EACH ROW
BEGIN
  IF @xj_bulk_load IS NULL THEN
    CALL count_add(OLD.province_code, OLD.city_code, OLD.county_code, OLD.school_id, 's', OLD.status, '', '', '1000-01-01', -1);
  END IF;
END//

CREATE TRIGGER count_member_insert AFTER INSERT ON group_member FOR EACH ROW
BEGIN
  IF @xj_bulk_load IS NULL THEN
    CALL count_member(NEW.group_id, NEW.id, NEW.school_id, NEW.province_code, NEW.city_code, NEW.county_code,
                      NEW.state, NEW.handling, NEW.due_date, 1);
  END IF;
END//

CREATE TRIGGER count_member_update AFTER UPDATE ON group_member FOR EACH ROW
BEGIN
  IF @xj_bulk_load IS NULL AND NOT (OLD.group_id <=> NEW.group_id AND OLD.school_id <=> NEW.school_id AND OLD.county_code <=> NEW.county_code
          AND OLD.city_code <=> NEW.city_code AND OLD.province_code <=> NEW.province_code AND OLD.state <=> NEW.state
          AND OLD.handling <=> NEW.handling AND OLD.due_date <=> NEW.due_date) THEN
    CALL count_member(OLD.group_id, OLD.id, OLD.school_id, OLD.province_code, OLD.city_code, OLD.county_code,
                      OLD.state, OLD.handling, OLD.due_date, -1);
    CALL count_member(NEW.group_id, NEW.id, NEW.school_id, NEW.province_code, NEW.city_code, NEW.county_code,
                      NEW.state, NEW.handling, NEW.due_date, 1);
  END IF;
END//

CREATE TRIGGER count_member_delete AFTER DELETE ON group_member FOR EACH ROW
BEGIN
  IF @xj_bulk_load IS NULL THEN
    CALL count_member(OLD.group_id, OLD.id, OLD.school_id, OLD.province_code, OLD.city_code, OLD.county_code,
                      OLD.state, OLD.handling, OLD.due_date, -1);
  END IF;
END//

-- a group's type, state or dates change: its presence at every unit moves to the new key
CREATE TRIGGER count_group_update AFTER UPDATE ON problem_group FOR EACH ROW
BEGIN
  IF @xj_bulk_load IS NULL AND NOT (OLD.type <=> NEW.type AND OLD.state <=> NEW.state AND OLD.deadline <=> NEW.deadline
          AND OLD.arb_due_date <=> NEW.arb_due_date) THEN
    INSERT INTO count_group (level, unit_key, kind, k1, k2, day, shard, n)
      SELECT u.lvl, u.ukey, x.kind, x.k1, x.k2, x.day, NEW.id % 16, x.d
      FROM (SELECT DISTINCT 4 lvl, CONCAT(county_code, '/', school_id) ukey FROM group_member WHERE group_id = NEW.id
            UNION SELECT DISTINCT 3, county_code FROM group_member WHERE group_id = NEW.id
            UNION SELECT DISTINCT 2, city_code FROM group_member WHERE group_id = NEW.id
            UNION SELECT DISTINCT 1, province_code FROM group_member WHERE group_id = NEW.id
            UNION SELECT DISTINCT 0, '' FROM group_member WHERE group_id = NEW.id) u
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

-- What the counters must hold, as a COUNT(*) of the rows: `xueji --check-counters` compares, `--rebuild-counters`
-- copies (fcgi/db_counters.c); also the starting values for the rows written before this migration.
CREATE VIEW count_school_expected AS
  SELECT province_code, city_code, county_code, school_id, 's' kind, status k1, '' k2, '' k3, DATE '1000-01-01' day, COUNT(*) n
  FROM student GROUP BY province_code, city_code, county_code, school_id, status
  UNION ALL
  SELECT m.province_code, m.city_code, m.county_code, m.school_id, 'm', g.type, m.state, COALESCE(m.handling, ''),
         DATE '1000-01-01', COUNT(*)
  FROM group_member m JOIN problem_group g ON g.id = m.group_id
  GROUP BY m.province_code, m.city_code, m.county_code, m.school_id, g.type, m.state, COALESCE(m.handling, '')
  UNION ALL
  SELECT province_code, city_code, county_code, school_id, 'd', state, '', '', due_date, COUNT(*)
  FROM group_member WHERE due_date IS NOT NULL
  GROUP BY province_code, city_code, county_code, school_id, state, due_date;

CREATE VIEW count_rollup_expected AS
  SELECT l.level, CASE l.level WHEN 3 THEN c.county_code WHEN 2 THEN c.city_code WHEN 1 THEN c.province_code ELSE '' END unit_key,
         c.kind, IF(c.kind = 'm', c.k2, c.k1) k1, c.day, CASE l.level WHEN 3 THEN 0 WHEN 0 THEN CAST(c.province_code AS UNSIGNED) ELSE c.school_id % 8 END shard, SUM(c.n) n
  FROM count_school_expected c JOIN (SELECT 0 level UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) l ON 1 = 1
  GROUP BY 1, 2, 3, 4, 5, 6;

CREATE VIEW count_group_expected AS
  SELECT u.lvl level, u.ukey unit_key, kk.kind, g.type k1, IF(kk.kind = 'g', g.state, '') k2,
         CASE kk.kind WHEN 'g' THEN DATE '1000-01-01' WHEN 'l' THEN g.deadline ELSE g.arb_due_date END day,
         g.id % 16 shard, COUNT(*) n
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

-- rows written before this migration
INSERT INTO count_school SELECT * FROM count_school_expected;
INSERT INTO count_group SELECT * FROM count_group_expected;
INSERT INTO count_rollup SELECT * FROM count_rollup_expected;
