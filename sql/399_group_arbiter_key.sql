-- 399_group_arbiter_key: issue 13 item 1 (R25, R30): a bureau's arbitration list reads its page and its counts off one
-- index, as the member queues do (sql/398). The list is ordered overdue first, then by the time arbitration began,
-- then id; its counts are the list's size, overdue and oldest. k_group_arbiter (arbiter, state) now also holds the
-- start, the id and the due day, so the page is two ordered reads that stop at the page (fcgi/db_workflow.c
-- Q_QUEUE_ARB) and the counts come from the key alone. Before, the ministry's list read and sorted every group awaiting
-- its arbitration (10M records: 1,045 groups, 28 ms a page at c=8).
ALTER TABLE problem_group
  DROP KEY k_group_arbiter, ADD KEY k_group_arbiter (arbiter_unit_id, state, arb_since, id, arb_due_date);
