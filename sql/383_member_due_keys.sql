-- 383_member_due_keys: issue 13 item 1 (R24, R30): the overdue list reads only the members past their due date in the
-- caller's jurisdiction, on (path, due_date) at each level and (due_date) for the ministry (a member's due date is set
-- while its step is pending and cleared after, so the range holds the overdue steps and little else), plus the members of
-- the groups whose arbitration or clearance deadline is past (fcgi/db_workflow.c, OV_CANDIDATES). Before, it read every
-- member of the jurisdiction (10M records: a province 1-2 s).
ALTER TABLE group_member
  ADD KEY k_member_due_date (due_date),
  ADD KEY k_member_province_due (province_code, due_date),
  ADD KEY k_member_city_due (city_code, due_date),
  ADD KEY k_member_county_due (county_code, due_date),
  ADD KEY k_member_school_due (school_id, due_date);
