-- 412_count_group_net: R30 (issue 15, daily work): the group trigger of sql/410 writes each counter key's net change
-- once. A group moving between two states that are not done with its deadline unchanged wrote its deadline row ('l')
-- -1 and +1 at each of its units (up to five: school, county, city, province, country): ten row changes that leave
-- every count as it was, each one in the writeset every Galera node certifies and applies; a deadline moved with the
-- state unchanged did the same to the state rows ('g'). The old and new rows are now summed per key and only the keys
-- whose sum is not 0 are written. Same statement otherwise (the counts are the same sums: --check-counters); restated
-- whole, as MariaDB has no ALTER TRIGGER.
DROP TRIGGER IF EXISTS count_group_update;

DELIMITER //
CREATE TRIGGER count_group_update AFTER UPDATE ON problem_group FOR EACH ROW
BEGIN
  IF @xj_bulk_load IS NULL AND NOT (OLD.type <=> NEW.type AND OLD.state <=> NEW.state AND OLD.deadline <=> NEW.deadline
          AND OLD.arb_due_date <=> NEW.arb_due_date) THEN
    INSERT INTO count_group (level, unit_key, kind, k1, k2, day, shard, n)
      SELECT u.lvl, u.ukey, x.kind, x.k1, x.k2, x.day, u.shard, x.d
      FROM (SELECT DISTINCT 4 lvl, CONCAT(county_code, '/', school_id) ukey, NEW.id % 16 shard FROM group_member FORCE INDEX (uk_member)
              WHERE group_id = NEW.id
            UNION SELECT DISTINCT 3, county_code, NEW.id % 16 FROM group_member FORCE INDEX (uk_member)
              WHERE group_id = NEW.id
            UNION SELECT DISTINCT 2, city_code, NEW.id % 16 FROM group_member FORCE INDEX (uk_member)
              WHERE group_id = NEW.id
            UNION SELECT DISTINCT 1, province_code, NEW.id % 16 FROM group_member FORCE INDEX (uk_member)
              WHERE group_id = NEW.id
            UNION SELECT 0, '', CAST(MIN(province_code) AS UNSIGNED) * 16 + NEW.id % 16 FROM group_member FORCE INDEX (uk_member)
              WHERE group_id = NEW.id
              HAVING COUNT(*) > 0) u
      JOIN (SELECT y.kind, y.k1, y.k2, y.day, SUM(y.d) d FROM (
            SELECT 'g' kind, OLD.type k1, OLD.state k2, DATE '1000-01-01' day, -1 d
            UNION ALL SELECT 'g', NEW.type, NEW.state, DATE '1000-01-01', 1
            UNION ALL SELECT 'l', OLD.type, '', OLD.deadline, -1 FROM DUAL
              WHERE OLD.state <> 'done' AND OLD.deadline IS NOT NULL
            UNION ALL SELECT 'l', NEW.type, '', NEW.deadline, 1 FROM DUAL
              WHERE NEW.state <> 'done' AND NEW.deadline IS NOT NULL
            UNION ALL SELECT 'a', OLD.type, '', OLD.arb_due_date, -1 FROM DUAL
              WHERE OLD.state = 'awaiting_arbitration' AND OLD.arb_due_date IS NOT NULL
            UNION ALL SELECT 'a', NEW.type, '', NEW.arb_due_date, 1 FROM DUAL
              WHERE NEW.state = 'awaiting_arbitration' AND NEW.arb_due_date IS NOT NULL) y
            GROUP BY y.kind, y.k1, y.k2, y.day HAVING SUM(y.d) <> 0) x ON 1 = 1
      ON DUPLICATE KEY UPDATE n = n + VALUES(n);
  END IF;
END//

DELIMITER ;
