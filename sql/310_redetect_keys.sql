-- 310_redetect_keys: issue 14 item 2: a full re-detection (xueji --redetect) finds the records whose ID error (R8.2),
-- ID change (R8.3) or G number (R5) it must look at through an index, not a scan of every record: the ID check result
-- (almost always 'ok') and the register finding with the number's first letter (a verified record still on its L
-- number). Both keys grow at their end as records arrive (id order within one value), so imports pay little for them.
ALTER TABLE student
  ADD KEY k_student_idcheck (id_check),
  ADD KEY k_student_verify (verify_state, student_no(1));
