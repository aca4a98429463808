-- 291_reject_code: issue 11 item 10: a system rejection of a member is stored as its code (the workflow action that made
-- it: auto_reject, arbitration_lost, clash_remains, member_reopened, ...) beside the person's own text (the arbitrator's
-- reason), never as one mixed "中文 (R17: English)" string: the service serves each language's text from one table
-- (fcgi/workflow.c), the screens show the one of the chosen language. History rows are append-only (R25) and keep
-- what they were written with; from now on a system event's history reason holds only the person's text.
ALTER TABLE group_member
  ADD COLUMN IF NOT EXISTS reject_code VARCHAR(32) NULL COMMENT 'system rejection: the workflow action whose text (zh, en) applies' AFTER reject_reason;
-- the mixed strings written before: their code, and the arbitrator's text that followed the R18 one
UPDATE group_member SET reject_code = 'auto_reject', reject_reason = NULL
  WHERE reject_reason = '同一区县已核办通过本组另一条佐证，本条自动不通过。 (R17: the county approved another corroboration in this group; this one is rejected automatically.)';
UPDATE group_member SET reject_code = 'arbitration_lost',
    reject_reason = NULLIF(TRIM(SUBSTRING(reject_reason, CHAR_LENGTH('仲裁认定本组另一条学籍，本条驳回学校重新处理。 (R18: the arbitrator upheld another record; handle this one again.)') + 1)), '')
  WHERE reject_reason LIKE '仲裁认定本组另一条学籍，本条驳回学校重新处理。 (R18: the arbitrator upheld another record; handle this one again.)%';
UPDATE group_member SET reject_code = 'clash_gone', reject_reason = NULL
  WHERE reject_reason = '与之重复的学籍均已删除或变更，问题已消除。 (The clash is gone: every other record was deleted or changed.)';
UPDATE group_member SET reject_code = 'clash_remains', reject_reason = NULL
  WHERE reject_reason = '变更后仍与本组学籍重复，请重新处理。 (R15: the change did not remove the clash; handle the record again.)';
UPDATE group_member SET reject_code = 'record_gone', reject_reason = NULL
  WHERE reject_reason = '该学籍已在其他问题学籍组中删除。 (The record was deleted through another problem group.)';
UPDATE group_member SET reject_code = 'member_reopened', reject_reason = NULL
  WHERE reject_reason = '该学籍仍与本组重复，请重新处理。 (R9: the record clashes again; handle it again.)';
