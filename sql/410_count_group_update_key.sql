-- 410_count_group_update_key: R30 (issue 15/13; daily work): the group trigger of sql/386 reads the group's members on
-- uk_member, forced, like the decision's own load (fcgi/db_workflow.c, session 27). Its five DISTINCT reads of
-- "group_member WHERE group_id = NEW.id" are also served by walking a (unit, group) key in unit order, the kind of plan
-- the optimizer once chose for the decision's load (the primary key walked, every member passed locked): this
-- INSERT ... SELECT takes shared locks on what it reads, in the decision's transaction. Same statement otherwise.
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
