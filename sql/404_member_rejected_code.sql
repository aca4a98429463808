-- 404_member_rejected_code: R17, R20 (issue 11 item 10, issue 13 item 1): "rejected, to handle again" is one concept:
-- a member back with the school with a rejection, the bureau's words (reject_reason) or an automatic decision's code
-- (reject_code, sql/291: R17's auto_reject, R15's clash_remains, ...). sql/384 read only the words, so the problem
-- list's filter (rejected=1) left out what the work queue's filter and its count (q_rejected, sql/398) showed.
ALTER TABLE group_member
  MODIFY COLUMN rejected_open TINYINT UNSIGNED
    AS (IF((reject_reason IS NOT NULL OR reject_code IS NOT NULL) AND state IN ('unconfirmed', 'open'), 1, NULL))
    PERSISTENT COMMENT 'R20: rejected (words or a system code), with the school to handle again (sql/384, sql/404)';
