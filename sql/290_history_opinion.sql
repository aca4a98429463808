-- 290_history_opinion: issue 11 item 8 (R25, R27, R28): the opinion an action carried (a school's corroboration opinion, a
-- bureau's approval comment) is kept in the history beside the reason, so the arbitrator reads every bureau's approval
-- opinion and the history says what was decided and why even after the member's current opinion changed.
ALTER TABLE history
  ADD COLUMN IF NOT EXISTS opinion TEXT NULL COMMENT 'the opinion the action carried (R16 school opinion, R17 approval comment)' AFTER reason;
