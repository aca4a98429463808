-- 350_count_batch: the student counters of a bulk insert, set-based (issue 14 item 1, R30). The service's bulk path
-- (db_load with DB_LOAD_UNCOUNTED: LOAD DATA LOCAL of an import chunk or an initial load) skips the per-row trigger
-- count_student_insert for exactly that statement (@xj_bulk_load, 320) and then, in the same transaction, calls this
-- procedure once: the batch's rows grouped by school and status, each group one count_add with its row count, so the
-- counters are the ones the triggers would have written (one place for the counter formulas: count_add).
DELIMITER //

CREATE PROCEDURE count_students_batch(IN p_batch BIGINT UNSIGNED)
BEGIN
  DECLARE v_done INT DEFAULT 0;
  DECLARE v_prov CHAR(2);
  DECLARE v_city CHAR(4);
  DECLARE v_county CHAR(6);
  DECLARE v_school INT UNSIGNED;
  DECLARE v_status VARCHAR(24);
  DECLARE v_n INT;
  DECLARE c CURSOR FOR
    SELECT province_code, city_code, county_code, school_id, status, COUNT(*) FROM student FORCE INDEX (k_student_touch)
    WHERE touch_batch = p_batch GROUP BY province_code, city_code, county_code, school_id, status
    ORDER BY county_code, school_id, status;
  DECLARE CONTINUE HANDLER FOR NOT FOUND SET v_done = 1;
  OPEN c;
  each_group: LOOP
    FETCH c INTO v_prov, v_city, v_county, v_school, v_status, v_n;
    IF v_done THEN
      LEAVE each_group;
    END IF;
    CALL count_add(v_prov, v_city, v_county, v_school, 's', v_status, '', '', '1000-01-01', v_n);
  END LOOP;
  CLOSE c;
END//

DELIMITER ;
