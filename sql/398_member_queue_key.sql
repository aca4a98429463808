-- 398_member_queue_key: issue 13 item 1 (R24, R30): a work queue reads its page and its counts off one index. The
-- queues (a school's handling and its leader's confirmations on (school_id, state), a county's reviews on (county_code,
-- state)) are ordered overdue first, then by the step's start, then id; the counts are the queue's size, overdue, oldest
-- step and rejected. Both keys now hold the step's start and the id (the page's order), the due date and q_rejected (a
-- persistent column: a rejection reason or a system rejection code, the queue's filter "rejected, to handle again",
-- issue 11 item 7), so the page is two ordered reads that stop at the page (the overdue part and the rest, fcgi/db_workflow.c QUEUE_ITEMS) and the counts and
-- the reminders' due dates are read from the key alone. Before, a county's queue read and sorted every waiting review
-- (10M records: 934 reviews, 45 ms a page at c=8).
ALTER TABLE group_member
  ADD COLUMN q_rejected TINYINT UNSIGNED AS (reject_reason IS NOT NULL OR reject_code IS NOT NULL) PERSISTENT
    COMMENT 'rejected, to handle again: the work queue''s filter (sql/398)',
  DROP KEY k_member_school, ADD KEY k_member_school (school_id, state, step_started_at, id, due_date, q_rejected),
  DROP KEY k_member_county, ADD KEY k_member_county (county_code, state, step_started_at, id, due_date, q_rejected);
