-- 406_member_state_group: issue 13 item 1 (R15-R24, R30): a problem list filtered by a member's handling state reads
-- the members in that state of the narrowest path in group order, (path, state, group_id), and stops at the page's
-- last group. Before, the path's members were read in group order and each checked for its state: the cost grew with
-- the members in other states above the page (measured at 10M records after imports added 20,000 open groups at the
-- top: the ministry's member_state=awaiting_review took 202 ms at the median, session 19's 11 ms). The due date ends
-- each key: overdue or due before a day reads each pending state's members on it, the day checked in the key before a
-- member row is read (overdue=1 for the ministry 106 -> 18 ms at c=4). The (province, state) and (city, state) keys
-- gain the group id and the due date (their prefix is kept for the reads that used them).
ALTER TABLE group_member
  DROP KEY k_member_province_state, ADD KEY k_member_province_state (province_code, state, group_id, due_date),
  DROP KEY k_member_city_state, ADD KEY k_member_city_state (city_code, state, group_id, due_date),
  ADD KEY k_member_county_state (county_code, state, group_id, due_date),
  ADD KEY k_member_school_state (school_id, state, group_id, due_date),
  ADD KEY k_member_state_group (state, group_id, due_date);
