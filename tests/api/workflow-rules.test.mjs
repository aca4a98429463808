// workflow-rules.test.mjs: issue 5: one API test per rule R11-R25 (named after it), and the bad input of the workflow API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, assertIdemError, BAD_IDEM_KEYS, sql, sqlCount } from '../lib/api.mjs';
import {
  SCHOOLS, CLERK, LEADER, COUNTY, login, makeGroup, makeEvidence, member, groupState, student, act, ok, corroborate, history,
  todayCN, addWorkingDays, newIdNumber, school, sqlTry, findInQueue } from '../lib/workflow.mjs';

const S = SCHOOLS;

/** Allowed actions of member index i in GET /groups/{id} as seen by client c. */
async function allowed(c, g, i) {
  const r = await c.get(`/api/v1/groups/${g.id}`);
  assert.equal(r.status, 200, r.text);
  return r.body.members.find((m) => m.id === g.members[i].id).allowed_actions;
}

test('R11 allowed handling per type: ID duplicate and name-gender-birth duplicate corroborate, change or delete', async () => {
  const clerk = await login(CLERK.a);
  for (const type of ['id_dup', 'nbg_dup']) {
    const g = makeGroup({ type, members: [{ school: S.a }, { school: S.a2 }] });
    assert.deepEqual(await allowed(clerk, g, 0), ['submit_corroborate', 'submit_change', 'submit_delete']);
    assert.deepEqual(await allowed(clerk, g, 1), [], 'not its school: no action');
  }
});

test('R11 allowed handling per type: an ID error is changed or deleted, never corroborated (409 naming the allowed ones)', async () => {
  const clerk = await login(CLERK.a);
  const g = makeGroup({ type: 'id_error', members: [{ school: S.a }] });
  assert.deepEqual(await allowed(clerk, g, 0), ['submit_change', 'submit_delete']);
  const r = await act(clerk, g.members[0].id, 'submit_corroborate', { opinion: '真实', evidence_ids: [makeEvidence(S.a)] });
  assertError(r, 409, 'conflict');
  assert.match(r.body.error.message_en, /Allowed: submit_change, submit_delete/);
  assert.deepEqual(r.body.error.current.allowed_actions, ['submit_change', 'submit_delete']);
  assert.equal(r.body.error.current.state, 'open');
  assert.equal(member(g.members[0].id).state, 'open');
});

test('R11 allowed handling per type: an ID-changed record first confirms the register\'s finding, then is handled', async () => {
  const clerk = await login(CLERK.a);
  const g = makeGroup({ type: 'id_changed', members: [{ school: S.a }] });
  const m = g.members[0];
  assert.deepEqual(await allowed(clerk, g, 0), ['confirm_register']);
  assertError(await act(clerk, m.id, 'submit_corroborate', { opinion: '真实', evidence_ids: [makeEvidence(S.a)] }), 409, 'conflict');
  const b = await ok(clerk, m.id, 'confirm_register');
  assert.equal(b.member.state, 'open');
  assert.deepEqual(b.member.allowed_actions, ['submit_corroborate', 'submit_change', 'submit_delete']);
  const h = history(g.id).filter((x) => x.member_id === m.id);
  assert.deepEqual(h.map((x) => [x.action, x.before, x.after]), [['confirm_register', 'unconfirmed', 'open']]);
});

test('R12 G and L alike: an L record and a G record may both corroborate, and a G record may be deleted', async () => {
  // G record: formal with a G number at school b; L record at school c (another county: no automatic rejection)
  const g = makeGroup({ type: 'id_dup', members: [{ school: S.b, prefix: 'G', status: 'formal', everApproved: true }, { school: S.c }] });
  const [G, L] = g.members;
  assert.match(sql(`SELECT student_no FROM student WHERE id = ${G.studentId}`)[0][0], /^G/);
  assert.match(sql(`SELECT student_no FROM student WHERE id = ${L.studentId}`)[0][0], /^L/);
  const cb = await login(CLERK.b), cc = await login(CLERK.c);
  assert.equal((await corroborate(cc, L)).member.state, 'awaiting_review');
  assert.equal((await corroborate(cb, G)).member.state, 'awaiting_review');
  // the G side is rejected and deletes instead: allowed although it holds the G number
  await ok(await login(COUNTY[130104]), G.id, 'reject', { reason: '证据不足，请核实是否在本校就读' });
  assert.deepEqual(await allowed(cb, g, 0), ['submit_corroborate', 'submit_change', 'submit_delete']);
  assert.equal((await ok(cb, G.id, 'submit_delete', { confirm: true })).member.state, 'awaiting_leader');
});

test('R13 delete, record never approved: clerk submits, leader confirms (explicitly), deleted without the bureau', async () => {
  const g = makeGroup({ type: 'id_dup', members: [{ school: S.a }, { school: S.a2 }] });
  const [m, other] = g.members;
  const clerk = await login(CLERK.a), leader = await login(LEADER.a);
  assertError(await act(clerk, m.id, 'submit_delete'), 422, 'invalid'); // confirm: true required
  assert.equal((await ok(clerk, m.id, 'submit_delete', { confirm: true, opinion: '重复录入' })).member.state, 'awaiting_leader');
  assert.deepEqual(await allowed(leader, g, 0), ['leader_confirm', 'leader_decline']);
  assert.deepEqual(await allowed(clerk, g, 0), [], 'the clerk cannot confirm its own deletion');
  const noConfirm = await act(leader, m.id, 'leader_confirm');
  assertError(noConfirm, 422, 'invalid');
  assert.equal(noConfirm.body.error.field, 'confirm');
  const b = await ok(leader, m.id, 'leader_confirm', { confirm: true });
  assert.equal(b.member.state, 'deleted');
  assert.equal(student(m.studentId).status, 'deleted');
  // no bureau step; the other record's clash is gone, the group is done
  assert.deepEqual(b.events.map((e) => [e.action, e.state_after]),
    [['leader_confirm', 'deleted'], ['clash_gone', 'closed'], ['group_done', 'done']]);
  assert.equal(member(other.id).state, 'closed');
  assert.equal(groupState(g.id), 'done');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM history WHERE group_id = ${g.id} AND actor_role = 'county'`), 0);
});

test('R13 the leader may decline a deletion: back to the school', async () => {
  const g = makeGroup({ type: 'nbg_dup', members: [{ school: S.a }, { school: S.b }] });
  const m = g.members[0];
  await ok(await login(CLERK.a), m.id, 'submit_delete', { confirm: true });
  const b = await ok(await login(LEADER.a), m.id, 'leader_decline', { reason: '经核实学生在读，不应删除' });
  assert.equal(b.member.state, 'open');
  assert.equal(b.member.handling, null);
  assert.equal(member(m.id).reject_reason, '经核实学生在读，不应删除');
});

test('R14 delete, record already approved: after the leader, the bureau reviews; approval deletes', async () => {
  const g = makeGroup({ type: 'id_dup', members: [{ school: S.a, status: 'formal', everApproved: true }, { school: S.b }] });
  const m = g.members[0];
  const clerk = await login(CLERK.a), leader = await login(LEADER.a), county = await login(COUNTY[130102]);
  await ok(clerk, m.id, 'submit_delete', { confirm: true });
  const b = await ok(leader, m.id, 'leader_confirm', { confirm: true });
  assert.equal(b.member.state, 'awaiting_review');
  assert.equal(student(m.studentId).status, 'formal', 'not deleted before the bureau approves');
  assert.deepEqual(await allowed(county, g, 0), ['approve', 'reject']);
  // the other county's bureau sees the group but cannot review this member
  const other = await act(await login(COUNTY[130104]), m.id, 'approve');
  assertError(other, 403, 'forbidden');
  const d = await ok(county, m.id, 'approve');
  assert.equal(d.member.state, 'deleted');
  assert.equal(student(m.studentId).status, 'deleted');
  assert.equal(groupState(g.id), 'done');
});

test('R14 a record approved in an earlier review counts as approved', async () => {
  // first round: corroboration approved (ever_approved := 1), then the arbitration goes against it, then the school deletes it
  const g = makeGroup({ type: 'id_dup', members: [{ school: S.a }, { school: S.b }] });
  const [A, B] = g.members;
  await corroborate(await login(CLERK.a), A);
  await corroborate(await login(CLERK.b), B);
  await ok(await login(COUNTY[130102]), A.id, 'approve');
  assert.equal(student(A.studentId).ever_approved, true);
  await ok(await login(COUNTY[130104]), B.id, 'approve');
  await (await login('city_1301')).post(`/api/v1/groups/${g.id}/arbitration`, { member_id: B.id, reason: '乙校证据充分' });
  assert.equal(member(A.id).state, 'open');
  await ok(await login(CLERK.a), A.id, 'submit_delete', { confirm: true });
  const b = await ok(await login(LEADER.a), A.id, 'leader_confirm', { confirm: true });
  assert.equal(b.member.state, 'awaiting_review');
});

test('R15 change: new values with evidence, bureau approves, the record takes them and detection runs again', async () => {
  const g = makeGroup({ type: 'id_dup', members: [{ school: S.a }, { school: S.a2 }] });
  const [m, other] = g.members;
  const clerk = await login(CLERK.a), county = await login(COUNTY[130102]);
  const before = student(m.studentId);
  const fresh = newIdNumber('130102', before.birth_date, before.gender);
  // bad inputs first
  assertError(await act(clerk, m.id, 'submit_change', { changes: { id_number: fresh } }), 422, 'invalid'); // no evidence
  const same = await act(clerk, m.id, 'submit_change', { changes: { id_number: before.id_number }, evidence_ids: [makeEvidence(S.a)] });
  assertError(same, 422, 'invalid');
  const bad = await act(clerk, m.id, 'submit_change', { changes: { id_number: fresh.slice(0, 17) + (fresh[17] === '0' ? '1' : '0') }, evidence_ids: [makeEvidence(S.a)] });
  assertError(bad, 422, 'invalid');
  assert.equal(bad.body.error.field, 'changes.id_number');
  const unknown = await act(clerk, m.id, 'submit_change', { changes: { school_id: 1 }, evidence_ids: [makeEvidence(S.a)] });
  assertError(unknown, 422, 'invalid');
  // the real change
  const sub = await ok(clerk, m.id, 'submit_change', { changes: { id_number: fresh.toLowerCase(), name: before.name + '华' }, evidence_ids: [makeEvidence(S.a)], opinion: '录入错误' });
  assert.equal(sub.member.state, 'awaiting_review');
  assert.equal(student(m.studentId).id_number, before.id_number, 'nothing changes before approval');
  const g1 = (await clerk.get(`/api/v1/groups/${g.id}`)).body.members.find((x) => x.id === m.id);
  assert.equal(g1.proposed.id_number, fresh.toUpperCase());
  const b = await ok(county, m.id, 'approve');
  assert.deepEqual(b.events.map((e) => [e.action, e.member_id, e.state_after]),
    [['approve', m.id, 'changed'], ['clash_gone', other.id, 'closed'], ['group_done', null, 'done']]);
  const after = student(m.studentId);
  assert.equal(after.id_number, fresh.toUpperCase());
  assert.equal(after.name, before.name + '华');
  assert.equal(after.status, 'formal'); // R21 survivors
  assert.equal(student(other.studentId).status, 'formal');
});

test('R15 change: an approved change that keeps the clash goes back to the school; a rejected one leaves the record as it was', async () => {
  const g = makeGroup({ type: 'id_dup', members: [{ school: S.a }, { school: S.a2 }] });
  const [m] = g.members;
  const clerk = await login(CLERK.a), county = await login(COUNTY[130102]);
  const before = student(m.studentId);
  await ok(clerk, m.id, 'submit_change', { changes: { name: before.name + '明' }, evidence_ids: [makeEvidence(S.a)] });
  const b = await ok(county, m.id, 'approve');
  assert.deepEqual(b.events.map((e) => [e.action, e.state_before, e.state_after, e.system]),
    [['approve', 'awaiting_review', 'changed', false], ['clash_remains', 'changed', 'open', true]]);
  assert.equal(student(m.studentId).name, before.name + '明');
  assert.equal(member(m.id).reject_code, 'clash_remains'); // R15: the system's reason, stored as its code (issue 11 item 10)
  // rejected change
  const fresh = newIdNumber('130102', before.birth_date, before.gender);
  await ok(clerk, m.id, 'submit_change', { changes: { id_number: fresh }, evidence_ids: [makeEvidence(S.a)] });
  const r = await ok(county, m.id, 'reject', { reason: '户口本复印件不清晰' });
  assert.equal(r.member.state, 'open');
  assert.equal(r.member.reject_reason, '户口本复印件不清晰');
  assert.equal(student(m.studentId).id_number, before.id_number);
});

test('R23 limits: one action cites at most XJ_EVIDENCE_MAX_FILES (10) evidence files, as one upload carries', async () => {
  const g = makeGroup({ type: 'nbg_dup', members: [{ school: S.a }, { school: S.b }] });
  const m = g.members[0];
  const clerk = await login(CLERK.a);
  const ids = Array.from({ length: 11 }, () => makeEvidence(S.a));
  const before = sqlCount(`SELECT COUNT(*) FROM history WHERE member_id = ${m.id}`);
  const tooMany = await act(clerk, m.id, 'submit_corroborate', { opinion: '真实', evidence_ids: ids });
  assertError(tooMany, 422, 'invalid');
  assert.equal(tooMany.body.error.field, 'evidence_ids');
  assert.match(tooMany.body.error.message_en, /at most 10\b/);
  assert.equal(sqlCount(`SELECT COUNT(*) FROM history WHERE member_id = ${m.id}`), before, 'nothing recorded');
  const r = await ok(clerk, m.id, 'submit_corroborate', { opinion: '真实', evidence_ids: ids.slice(0, 10) });
  assert.equal(r.member.state, 'awaiting_review');
});

test('R16 corroborate: the school\'s opinion and evidence are required; the bureau approves', async () => {
  const g = makeGroup({ type: 'nbg_dup', members: [{ school: S.a }, { school: S.b }] });
  const m = g.members[0];
  const clerk = await login(CLERK.a);
  const noOpinion = await act(clerk, m.id, 'submit_corroborate', { evidence_ids: [makeEvidence(S.a)] });
  assertError(noOpinion, 422, 'invalid');
  assert.equal(noOpinion.body.error.field, 'opinion');
  const noEvidence = await act(clerk, m.id, 'submit_corroborate', { opinion: '真实' });
  assertError(noEvidence, 422, 'invalid');
  assert.equal(noEvidence.body.error.field, 'evidence_ids');
  await corroborate(clerk, m, '该生为本校在籍学生');
  const gd = (await clerk.get(`/api/v1/groups/${g.id}`)).body.members.find((x) => x.id === m.id);
  assert.equal(gd.opinion, '该生为本校在籍学生');
  assert.equal(gd.handling, 'corroborate');
  const b = await ok(await login(COUNTY[130102]), m.id, 'approve');
  assert.equal(b.member.state, 'approved');
  assert.equal(student(m.studentId).ever_approved, true);
});

test('R17 one winner for a same-county ID duplicate: approving one rejects the others automatically', async () => {
  const g = makeGroup({ type: 'id_dup', members: [{ school: S.a }, { school: S.a2 }, { school: S.a }] });
  const [A, B, C] = g.members;
  await corroborate(await login(CLERK.a), A);
  await corroborate(await login(CLERK.a2), B);
  await corroborate(await login(CLERK.a), C);
  const county = await login(COUNTY[130102]);
  const b = await ok(county, B.id, 'approve');
  assert.equal(b.member.state, 'approved');
  const auto = b.events.filter((e) => e.action === 'auto_reject');
  assert.deepEqual(auto.map((e) => e.member_id).sort(), [A.id, C.id].sort());
  assert.ok(auto.every((e) => e.system && e.state_after === 'open'));
  for (const x of [A, C]) assert.deepEqual([member(x.id).reject_code, member(x.id).reject_reason], ['auto_reject', null]); // R17, issue 11 item 10
  const h = history(g.id).filter((x) => x.action === 'auto_reject');
  assert.ok(h.every((x) => x.role === 'system' && x.user === ''));
  // a second winner is impossible: a new corroboration can only be rejected
  await corroborate(await login(CLERK.a), A);
  assert.deepEqual(await allowed(county, g, 0), ['reject']);
  const second = await act(county, A.id, 'approve');
  assertError(second, 409, 'conflict');
  assert.deepEqual(second.body.error.current.allowed_actions, ['reject']);
});

test('R18 cross-county ID duplicate: each bureau reviews its own, two approvals await the common superior, which picks one', async () => {
  const g = makeGroup({ type: 'id_dup', members: [{ school: S.a }, { school: S.b }] });
  const [A, B] = g.members;
  assert.equal(g.arbiter, 130100); // R2: same city
  await corroborate(await login(CLERK.a), A);
  await corroborate(await login(CLERK.b), B);
  const a1 = await ok(await login(COUNTY[130102]), A.id, 'approve');
  assert.deepEqual(a1.events.map((e) => e.action), ['approve'], 'no automatic rejection across counties');
  const a2 = await ok(await login(COUNTY[130104]), B.id, 'approve');
  assert.deepEqual(a2.events.map((e) => [e.action, e.state_after]), [['approve', 'approved'], ['group_awaiting_arbitration', 'awaiting_arbitration']]);
  const city = await login('city_1301');
  const gd = (await city.get(`/api/v1/groups/${g.id}`)).body;
  assert.equal(gd.state, 'awaiting_arbitration');
  assert.equal(gd.arbitration, 'required');
  assert.equal(gd.arbiter.is_me, true);
  assert.ok(gd.arbitration_due_date);
  assert.deepEqual(gd.members.map((m) => m.allowed_actions), [['arbitrate'], ['arbitrate']]);
  // not the arbiter: the province sees the group but may not decide
  assertError(await (await login('prov_13')).post(`/api/v1/groups/${g.id}/arbitration`, { member_id: B.id, reason: 'x' }), 403, 'forbidden');
  // a county may not arbitrate at all (role)
  assertError(await (await login(COUNTY[130102])).post(`/api/v1/groups/${g.id}/arbitration`, { member_id: A.id, reason: 'x' }), 403, 'forbidden');
  // arbitration needs a reason (R20)
  assertError(await city.post(`/api/v1/groups/${g.id}/arbitration`, { member_id: B.id }), 422, 'invalid');
  // the member must belong to the group
  assertError(await city.post(`/api/v1/groups/${g.id}/arbitration`, { member_id: 999999999, reason: 'x' }), 404, 'not_found');
  const r = await city.post(`/api/v1/groups/${g.id}/arbitration`, { member_id: B.id, reason: '乙校学籍档案完整，甲校应变更身份证件号' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.events.map((e) => [e.action, e.member_id, e.state_after]),
    [['arbitrate', B.id, 'upheld'], ['arbitration_lost', A.id, 'open'], ['group_open', null, 'open']]);
  assert.match(member(A.id).reject_reason, /甲校应变更身份证件号/);
  // the loser cannot win by corroborating again; it is handled by change (R18)
  await corroborate(await login(CLERK.a), A);
  assert.deepEqual(await allowed(await login(COUNTY[130102]), g, 0), ['reject']);
  await ok(await login(COUNTY[130102]), A.id, 'reject', { reason: '仲裁已认定对方，请变更' });
  const fresh = newIdNumber('130102', g.birth, g.gender);
  await ok(await login(CLERK.a), A.id, 'submit_change', { changes: { id_number: fresh }, evidence_ids: [makeEvidence(S.a)] });
  const done = await ok(await login(COUNTY[130102]), A.id, 'approve');
  assert.equal(done.group.state, 'done');
  assert.equal(student(B.studentId).status, 'formal');
  assert.equal(student(A.studentId).status, 'formal');
});

test('R19 all may win for a name-gender-birth duplicate', async () => {
  const g = makeGroup({ type: 'nbg_dup', members: [{ school: S.a }, { school: S.a2 }, { school: S.a }] });
  const county = await login(COUNTY[130102]);
  await corroborate(await login(CLERK.a), g.members[0]);
  await corroborate(await login(CLERK.a2), g.members[1]);
  await corroborate(await login(CLERK.a), g.members[2]);
  await ok(county, g.members[0].id, 'approve');
  const b = await ok(county, g.members[1].id, 'approve');
  assert.deepEqual(b.events.map((e) => e.action), ['approve'], 'no automatic rejection (R19)');
  const c = await ok(county, g.members[2].id, 'approve');
  assert.equal(c.group.state, 'done');
  for (const m of g.members) {
    assert.equal(member(m.id).state, 'approved');
    assert.equal(student(m.studentId).status, 'formal');
  }
});

test('R20 a rejection needs a reason, which the school sees and must handle again', async () => {
  const g = makeGroup({ type: 'nbg_dup', members: [{ school: S.a }, { school: S.b }] });
  const m = g.members[0];
  const clerk = await login(CLERK.a), county = await login(COUNTY[130102]);
  await corroborate(clerk, m);
  const none = await act(county, m.id, 'reject');
  assertError(none, 422, 'invalid');
  assert.equal(none.body.error.field, 'reason');
  assertError(await act(county, m.id, 'reject', { reason: '' }), 422, 'invalid');
  assert.equal(member(m.id).state, 'awaiting_review');
  await ok(county, m.id, 'reject', { reason: '佐证材料与学生姓名不符' });
  const gd = (await clerk.get(`/api/v1/groups/${g.id}`)).body.members.find((x) => x.id === m.id);
  assert.equal(gd.reject_reason, '佐证材料与学生姓名不符');
  assert.deepEqual(gd.allowed_actions, ['submit_corroborate', 'submit_change', 'submit_delete']);
  // the queue pages by cursor (overdue first, oldest step first): walk it to the rejected record
  const item = await findInQueue(clerk, (x) => x.member_id === m.id);
  const q = (await clerk.get('/api/v1/queue?limit=1')).body;
  assert.equal(item.reject_reason, '佐证材料与学生姓名不符');
  assert.ok(q.counts.rejected >= 1);
  const h = history(g.id).find((x) => x.action === 'reject');
  assert.equal(h.reason, '佐证材料与学生姓名不符');
});

test('R21 group done: every member final, at most one standing; survivors formal, deleted records kept', async () => {
  const g = makeGroup({ type: 'id_dup', members: [{ school: S.a }, { school: S.a2 }, { school: S.a }] });
  const [A, B, C] = g.members;
  const clerk = await login(CLERK.a), county = await login(COUNTY[130102]);
  assert.equal((await clerk.get(`/api/v1/groups/${g.id}`)).body.arbitration, 'waiting'); // 是否需要仲裁: 等待
  await corroborate(clerk, A);
  await ok(county, A.id, 'approve');
  assert.equal(groupState(g.id), 'open', 'B and C still pending');
  await ok(clerk, C.id, 'submit_delete', { confirm: true });
  await ok(await login(LEADER.a), C.id, 'leader_confirm', { confirm: true });
  assert.equal(groupState(g.id), 'open');
  await ok(await login(CLERK.a2), B.id, 'submit_delete', { confirm: true });
  const b = await ok(await login(LEADER.a2), B.id, 'leader_confirm', { confirm: true });
  assert.equal(b.group.state, 'done');
  const gd = (await clerk.get(`/api/v1/groups/${g.id}`)).body;
  assert.equal(gd.arbitration, 'settled');
  assert.ok(gd.done_at);
  assert.equal(sql(`SELECT COALESCE(open_key, 'NULL') FROM problem_group WHERE id = ${g.id}`)[0][0], 'NULL', 'the clash key is free again');
  assert.equal(student(A.studentId).status, 'formal');
  for (const x of [B, C]) {
    assert.equal(student(x.studentId).status, 'deleted');
    assert.equal(sqlCount(`SELECT COUNT(*) FROM student WHERE id = ${x.studentId}`), 1, 'never erased (R6)');
  }
  // a done group accepts no further action
  assertError(await act(county, A.id, 'approve'), 409, 'conflict');
});

test('R21 a record still in another unfinished group stays a problem record', async () => {
  const g1 = makeGroup({ type: 'nbg_dup', members: [{ school: S.a }, { school: S.a2 }] });
  const A = g1.members[0];
  // A is also in an ID-error group of its own
  const g2 = Number(sql(`INSERT INTO problem_group (type, clash_key, open_key, scope_level, arbiter_unit_id) VALUES ('id_error', '${A.studentId}x', '${A.studentId}x', 3, 130102); SELECT LAST_INSERT_ID();`)[0][0]);
  const s = school(S.a);
  sql(`INSERT INTO group_member (group_id, student_id, school_id, province_code, city_code, county_code) VALUES (${g2}, ${A.studentId}, ${s.id}, '13', '1301', '130102')`);
  await ok(await login(CLERK.a2), g1.members[1].id, 'submit_delete', { confirm: true });
  const b = await ok(await login(LEADER.a2), g1.members[1].id, 'leader_confirm', { confirm: true });
  assert.equal(b.group.state, 'done');
  assert.equal(member(A.id).state, 'closed');
  assert.equal(student(A.studentId).status, 'problem');
});

test('R22 re-open: refused with an explanation while unfinished or awaiting arbitration; after done, a new case for that school alone', async () => {
  const g = makeGroup({ type: 'id_dup', members: [{ school: S.a }, { school: S.b }] });
  const [A, B] = g.members;
  const ca = await login(CLERK.a), cb = await login(CLERK.b);
  await corroborate(ca, A);
  await ok(await login(COUNTY[130102]), A.id, 'approve');
  const early = await act(ca, A.id, 'reopen', { confirm: true });
  assertError(early, 409, 'conflict');
  assert.match(early.body.error.message_en, /group open/);
  await corroborate(cb, B);
  await ok(await login(COUNTY[130104]), B.id, 'approve');
  const waiting = await act(ca, A.id, 'reopen', { confirm: true });
  assertError(waiting, 409, 'conflict');
  assert.match(waiting.body.error.message_en, /awaiting_arbitration/);
  await (await login('city_1301')).post(`/api/v1/groups/${g.id}/arbitration`, { member_id: A.id, reason: '甲校材料充分' });
  await ok(cb, B.id, 'submit_change', { changes: { id_number: newIdNumber('130104', g.birth, g.gender) }, evidence_ids: [makeEvidence(S.b)] });
  await ok(await login(COUNTY[130104]), B.id, 'approve');
  assert.equal(groupState(g.id), 'done');
  // done: re-open needs the second confirmation
  assertError(await act(ca, A.id, 'reopen'), 422, 'invalid');
  assertError(await act(cb, A.id, 'reopen', { confirm: true }), 403, 'forbidden'); // not its record
  const r = await ok(ca, A.id, 'reopen', { confirm: true, reason: '佐证有误，应删除' });
  assert.equal(r.member.state, 'reopened');
  const ng = r.new_group_id;
  assert.ok(ng);
  const nd = (await ca.get(`/api/v1/groups/${ng}`)).body;
  assert.equal(nd.reopened_from, g.id);
  assert.equal(nd.members.length, 1);
  assert.equal(nd.members[0].student.id, A.studentId);
  assert.equal(nd.members[0].state, 'open');
  assert.deepEqual(nd.members[0].allowed_actions, ['submit_corroborate', 'submit_change', 'submit_delete']);
  assert.equal(nd.arbiter.code, '130102');
  assert.equal(student(A.studentId).status, 'problem');
  // the other side's school and bureau are not involved: they do not even see it
  assertError(await cb.get(`/api/v1/groups/${ng}`), 404, 'not_found');
  assertError(await (await login(COUNTY[130104])).get(`/api/v1/groups/${ng}`), 404, 'not_found');
  // once only
  assertError(await act(ca, A.id, 'reopen', { confirm: true }), 409, 'conflict');
  // the old group stays done, its history tells where the case went
  assert.equal(groupState(g.id), 'done');
  assert.equal(sql(`SELECT reopened_as FROM group_member WHERE id = ${A.id}`)[0][0], String(ng));
});

test('R22 re-open: cross-province, once this side is done the school may re-open although the other side is not', async () => {
  const g = makeGroup({ type: 'id_dup', members: [{ school: S.a }, { school: S.d }] });
  const [A, D] = g.members;
  await corroborate(await login(CLERK.a), A);
  await ok(await login(COUNTY[130102]), A.id, 'approve');
  assert.equal(member(D.id).state, 'open');
  const cd = await login(CLERK.d);
  assertError(await act(cd, D.id, 'reopen', { confirm: true }), 409, 'conflict'); // its side is pending
  const r = await ok(await login(CLERK.a), A.id, 'reopen', { confirm: true });
  assert.ok(r.new_group_id);
  assert.equal(r.group.state, 'open');
});

test('R23 evidence: references must exist and belong to the member\'s school; cited evidence is recorded', async () => {
  const g = makeGroup({ type: 'nbg_dup', members: [{ school: S.a }, { school: S.b }] });
  const m = g.members[0];
  const clerk = await login(CLERK.a);
  const missing = await act(clerk, m.id, 'submit_corroborate', { opinion: '真实', evidence_ids: [987654321] });
  assertError(missing, 422, 'invalid');
  assert.equal(missing.body.error.field, 'evidence_ids');
  const foreign = await act(clerk, m.id, 'submit_corroborate', { opinion: '真实', evidence_ids: [makeEvidence(S.a), makeEvidence(S.b)] });
  assertError(foreign, 422, 'invalid');
  assertError(await act(clerk, m.id, 'submit_corroborate', { opinion: '真实', evidence_ids: ['1'] }), 422, 'invalid');
  assertError(await act(clerk, m.id, 'submit_corroborate', { opinion: '真实', evidence_ids: [] }), 422, 'invalid');
  assert.equal(member(m.id).state, 'open');
  const e1 = makeEvidence(S.a), e2 = makeEvidence(S.a);
  await ok(clerk, m.id, 'submit_corroborate', { opinion: '真实', evidence_ids: [e1, e2, e1] });
  const h = history(g.id).find((x) => x.action === 'submit_corroborate');
  assert.equal(h.evidence, `${e1},${e2}`);
  assert.equal(sqlCount(`SELECT COUNT(*) FROM action_evidence WHERE evidence_id IN (${e1}, ${e2}) AND member_id = ${m.id}`), 2);
  const gd = (await clerk.get(`/api/v1/groups/${g.id}`)).body;
  assert.deepEqual(gd.history.find((x) => x.action === 'submit_corroborate').evidence_ids, [e1, e2]);
});

test('R24 every step is due in 10 working days, skipping weekends and the holiday table', async () => {
  const admin = await login('admin');
  const today = todayCN();
  const year = Number(today.slice(0, 4));
  // two holidays on the next weekdays, and a working Saturday
  const d = new Date(today + 'T00:00:00Z');
  const ex = {};
  const days = [];
  let holidays = 0, sat = false;
  while (holidays < 2 || !sat) {
    d.setUTCDate(d.getUTCDate() + 1);
    const iso = d.toISOString().slice(0, 10);
    if (Number(iso.slice(0, 4)) !== year) break;
    const wd = d.getUTCDay();
    if (wd >= 1 && wd <= 5 && holidays < 2) { ex[iso] = false; days.push({ date: iso, name: '测试假日' }); holidays++; }
    else if (wd === 6 && !sat) { ex[iso] = true; days.push({ date: iso, working: true, name: '调休' }); sat = true; }
  }
  const saved = (await admin.get(`/api/v1/holidays?year=${year}`)).body.days;
  try {
    assertError(await (await login('wf_admin_13')).put('/api/v1/holidays', { year, days }), 403, 'forbidden');
    assertError(await admin.put('/api/v1/holidays', { year, days: [{ date: `${year + 1}-01-01` }] }), 422, 'invalid');
    const put = await admin.put('/api/v1/holidays', { year, days });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.days.length, days.length);
    assert.equal(put.body.due_working_days, 10);
    const g = makeGroup({ type: 'nbg_dup', members: [{ school: S.a }, { school: S.b }] });
    const b = await corroborate(await login(CLERK.a), g.members[0]);
    assert.equal(b.member.due_date, addWorkingDays(today, 10, ex));
    assert.notEqual(b.member.due_date, addWorkingDays(today, 10), 'the holidays moved the date');
  } finally {
    await admin.put('/api/v1/holidays', { year, days: saved });
  }
});

test('R24 overdue steps stand out: group flags, queues overdue first, the overdue list and statistics by jurisdiction', async () => {
  const g = makeGroup({ type: 'nbg_dup', members: [{ school: S.c }, { school: S.c }] });
  const clerk = await login(CLERK.c);
  sql(`UPDATE group_member SET due_date = '2020-01-10', step_started_at = '2020-01-01' WHERE id = ${g.members[1].id}`);
  const gd = (await clerk.get(`/api/v1/groups/${g.id}`)).body;
  assert.equal(gd.overdue.any, true);
  assert.equal(gd.members[1].overdue, true);
  assert.equal(gd.members[0].overdue, false);
  const q = (await clerk.get('/api/v1/queue?limit=500')).body;
  assert.equal(q.queue, 'school_records');
  const at = q.items.findIndex((x) => x.member_id === g.members[1].id);
  const firstOnTime = q.items.findIndex((x) => !x.overdue);
  assert.ok(at >= 0 && q.items[at].overdue);
  assert.ok(firstOnTime === -1 || at < firstOnTime, 'overdue first');
  assert.ok(q.items.slice(0, firstOnTime === -1 ? q.items.length : firstOnTime).every((x) => x.overdue));
  assert.ok(q.counts.overdue >= 1 && q.counts.oldest_age_days > 300);
  const county = await login(COUNTY[130202]);
  const od = (await county.get('/api/v1/overdue')).body;
  const it = od.items.find((x) => x.member_id === g.members[1].id);
  assert.equal(it.kind, 'member');
  assert.ok(it.days_overdue > 300);
  assert.ok(!od.items.some((x) => x.county_code && x.county_code !== '130202'), 'only its own county');
  const st = (await county.get('/api/v1/stats')).body;
  assert.ok(st.overdue.members >= 1);
  assert.ok(st.counties.every((c) => c.code === '130202'));
  // another province does not see it
  const other = (await login('prov_37')).get('/api/v1/overdue');
  assert.ok(!(await other).body.items.some((x) => x.group_id === g.id));
});

test('R24 a deadline for legacy groups, set by a province or the ministry for groups within its jurisdiction', async () => {
  const hebei = makeGroup({ type: 'id_dup', members: [{ school: S.a }, { school: S.c }] });
  const cross = makeGroup({ type: 'id_dup', members: [{ school: S.a }, { school: S.e }] });
  const prov = await login('prov_13');
  assertError(await (await login(COUNTY[130102])).put(`/api/v1/groups/${hebei.id}/deadline`, { deadline: '2027-06-30' }), 403, 'forbidden');
  assertError(await (await login('city_1301')).put(`/api/v1/groups/${hebei.id}/deadline`, { deadline: '2027-06-30' }), 403, 'forbidden');
  assertError(await prov.put(`/api/v1/groups/${hebei.id}/deadline`, { deadline: '2027-02-30' }), 422, 'invalid');
  const r = await prov.put(`/api/v1/groups/${hebei.id}/deadline`, { deadline: '2027-06-30' });
  assert.equal(r.status, 200, r.text);
  assert.equal((await prov.get(`/api/v1/groups/${hebei.id}`)).body.deadline, '2027-06-30');
  assert.ok(history(hebei.id).some((h) => h.action === 'set_deadline' && /2027-06-30/.test(h.reason)));
  assertError(await prov.put(`/api/v1/groups/${cross.id}/deadline`, { deadline: '2027-06-30' }), 403, 'forbidden');
  assertError(await (await login('prov_37')).put(`/api/v1/groups/${hebei.id}/deadline`, { deadline: '2027-06-30' }), 404, 'not_found');
  const min = await login('ministry');
  assert.equal((await min.put(`/api/v1/groups/${cross.id}/deadline`, { deadline: '2020-01-01' })).status, 200);
  const gd = (await min.get(`/api/v1/groups/${cross.id}`)).body;
  assert.equal(gd.overdue.deadline, true);
  const od = (await prov.get('/api/v1/overdue?limit=1000')).body;
  assert.ok(od.items.some((x) => x.kind === 'deadline' && x.group_id === cross.id));
  assert.ok((await prov.get('/api/v1/stats')).body.overdue.groups_past_deadline >= 1);
});

test('R25 history: one row per state change with actor, role, time, states, reason and evidence; never updated or deleted', async () => {
  const g = makeGroup({ type: 'nbg_dup', members: [{ school: S.a }, { school: S.b }] });
  const m = g.members[0];
  const ev = makeEvidence(S.a);
  await ok(await login(CLERK.a), m.id, 'submit_corroborate', { opinion: '真实', evidence_ids: [ev] });
  await ok(await login(COUNTY[130102]), m.id, 'reject', { reason: '材料不全' });
  const rows = sql(`SELECT h.action, h.actor_role, u.username, h.state_before, h.state_after, COALESCE(h.reason,''), COALESCE(h.evidence_ids,''), h.created_at
      FROM history h LEFT JOIN app_user u ON u.id = h.actor_user_id WHERE h.member_id = ${m.id} ORDER BY h.id`);
  assert.deepEqual(rows.map((r) => r.slice(0, 7)), [
    ['submit_corroborate', 'school_clerk', 'clerk_a', 'open', 'awaiting_review', '', String(ev)],
    ['reject', 'county', 'county_130102', 'awaiting_review', 'open', '材料不全', ''],
  ]);
  assert.ok(rows.every((r) => /^\d{4}-\d\d-\d\d /.test(r[7])));
  assert.equal(member(m.id).version - 1, rows.length, 'one history row per state change');
  const id = sql(`SELECT MIN(id) FROM history WHERE member_id = ${m.id}`)[0][0];
  for (const q of [`UPDATE history SET reason = 'x' WHERE id = ${id}`, `DELETE FROM history WHERE id = ${id}`]) {
    const r = sqlTry(q);
    assert.equal(r.ok, false, q);
    assert.match(r.err, /append-only \(R25\)/);
  }
});

// ---------- bad input ----------

test('a group outside the caller\'s jurisdiction is 404, as is an unknown one', async () => {
  const g = makeGroup({ type: 'id_dup', members: [{ school: S.a }, { school: S.b }] });
  for (const u of [CLERK.d, CLERK.c, COUNTY[370102], 'prov_37', COUNTY[130202]]) {
    const c = await login(u);
    assertError(await c.get(`/api/v1/groups/${g.id}`), 404, 'not_found');
    const r = await c.post(`/api/v1/members/${g.members[0].id}/actions`, { action: 'approve', expected_version: 1 });
    assertError(r, 404, 'not_found');
  }
  assertError(await (await login(CLERK.a)).get('/api/v1/groups/987654321'), 404, 'not_found');
  assertError(await (await login(CLERK.a)).get('/api/v1/groups/abc'), 404, 'not_found');
  // the city, the province and the ministry see it
  for (const u of ['city_1301', 'prov_13', 'ministry']) assert.equal((await (await login(u)).get(`/api/v1/groups/${g.id}`)).status, 200, u);
});

test('a stale expected_version is 409 with the current state and the allowed actions', async () => {
  const g = makeGroup({ type: 'nbg_dup', members: [{ school: S.a }, { school: S.b }] });
  const m = g.members[0];
  const clerk = await login(CLERK.a);
  await corroborate(clerk, m);
  const r = await act(clerk, m.id, 'submit_delete', { confirm: true, expected_version: 1 });
  assertError(r, 409, 'conflict');
  assert.equal(r.body.error.field, 'expected_version');
  assert.deepEqual(r.body.error.current, { member_id: m.id, state: 'awaiting_review', version: 2, group_state: 'open', allowed_actions: [] });
  assertError(await clerk.post(`/api/v1/members/${m.id}/actions`, { action: 'approve' }), 422, 'invalid'); // expected_version required
  assertError(await clerk.post(`/api/v1/members/${m.id}/actions`, { action: 'fly', expected_version: 2 }), 422, 'invalid');
  assertError(await clerk.post(`/api/v1/members/${m.id}/actions`, { action: 'auto_reject', expected_version: 2 }), 422, 'invalid');
});

test('roles: a school leader cannot review, a clerk cannot approve, an administrator cannot act', async () => {
  const g = makeGroup({ type: 'nbg_dup', members: [{ school: S.a }, { school: S.b }] });
  const m = g.members[0];
  await corroborate(await login(CLERK.a), m);
  for (const u of [CLERK.a, LEADER.a]) assertError(await act(await login(u), m.id, 'approve'), 409, 'conflict');
  assertError(await act(await login('admin_13'), m.id, 'approve'), 403, 'forbidden');
});

test('the same submission with the same Idempotency-Key gives the first result and one event', async () => {
  const g = makeGroup({ type: 'nbg_dup', members: [{ school: S.a }, { school: S.b }] });
  const m = g.members[0];
  const clerk = await login(CLERK.a);
  const body = { action: 'submit_corroborate', expected_version: 1, opinion: '真实', evidence_ids: [makeEvidence(S.a)] };
  const key = 'k-' + Math.random().toString(36).slice(2);
  const [r1, r2] = await Promise.all([
    clerk.post(`/api/v1/members/${m.id}/actions`, body, { headers: { 'idempotency-key': key } }),
    clerk.post(`/api/v1/members/${m.id}/actions`, body, { headers: { 'idempotency-key': key } }),
  ]);
  assert.equal(r1.status, 200, r1.text);
  assert.equal(r2.status, 200, r2.text);
  assert.equal(r1.text, r2.text);
  const r3 = await clerk.post(`/api/v1/members/${m.id}/actions`, body, { headers: { 'idempotency-key': key } });
  assert.equal(r3.text, r1.text);
  assert.equal(r3.headers.get('idempotent-replayed'), 'true');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM history WHERE member_id = ${m.id} AND action = 'submit_corroborate'`), 1);
  assert.equal(member(m.id).version, 2);
  // R29: the key is bound to the body's content: the same body with its members in another order replays
  const r4 = await clerk.post(`/api/v1/members/${m.id}/actions`, Object.fromEntries(Object.entries(body).reverse()), { headers: { 'idempotency-key': key } });
  assert.equal(r4.text, r1.text);
  assert.equal(r4.headers.get('idempotent-replayed'), 'true');
  // R29: another body under the key gets the one answer of every endpoint (a registration's too): 409 idempotency_key_reused
  const other = await clerk.post(`/api/v1/members/${m.id}/actions`, { ...body, opinion: '另一个' }, { headers: { 'idempotency-key': key } });
  assertError(other, 409, 'conflict');
  assertIdemError(other.body.error, 'reused', 'Idempotency-Key');
  assert.equal(other.body.error.current, undefined, 'no stale version: the key, not the member, is refused');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM history WHERE member_id = ${m.id} AND action = 'submit_corroborate'`), 1);
  assert.equal(member(m.id).version, 2);
  // without a key the repeat is a stale version
  assertError(await clerk.post(`/api/v1/members/${m.id}/actions`, body), 409, 'conflict');
});

test('R29 one rule of an Idempotency-Key on a workflow action and an arbitration: 101 characters, a byte that is not UTF-8 or a control character get the same 422 as on a registration and do nothing', async () => {
  const g = makeGroup({ type: 'nbg_dup', members: [{ school: S.a }, { school: S.b }] });
  const m = g.members[0];
  const clerk = await login(CLERK.a);
  const body = { action: 'submit_corroborate', expected_version: 1, opinion: '真实', evidence_ids: [makeEvidence(S.a)] };
  const keys = sqlCount('SELECT COUNT(*) FROM workflow_idempotency');
  const events = sqlCount(`SELECT COUNT(*) FROM history WHERE member_id = ${m.id}`);
  const city = await login('city_1301');
  for (const key of BAD_IDEM_KEYS) {
    const r = await clerk.post(`/api/v1/members/${m.id}/actions`, body, { headers: { 'idempotency-key': key } });
    assertError(r, 422, 'invalid');
    assertIdemError(r.body.error, 'invalid', 'Idempotency-Key');
    const a = await city.post(`/api/v1/groups/${g.id}/arbitration`, { member_id: m.id, reason: '仲裁' }, { headers: { 'idempotency-key': key } });
    assertError(a, 422, 'invalid');
    assertIdemError(a.body.error, 'invalid', 'Idempotency-Key');
  }
  assert.equal(member(m.id).version, 1, 'nothing done');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM history WHERE member_id = ${m.id}`), events, 'no event');
  assert.equal(sqlCount('SELECT COUNT(*) FROM workflow_idempotency'), keys, 'no key stored');
  const key = `${Date.now()}-${Math.random()}-`.padEnd(100, '~'); // the longest key is a key
  const r = await clerk.post(`/api/v1/members/${m.id}/actions`, body, { headers: { 'idempotency-key': key } });
  assert.equal(r.status, 200, r.text);
  assert.equal(member(m.id).version, 2);
});

test('a record deleted in one group leaves every other unfinished group too', async () => {
  const g1 = makeGroup({ type: 'nbg_dup', members: [{ school: S.a }, { school: S.a2 }] });
  const A = g1.members[0];
  const g2 = Number(sql(`INSERT INTO problem_group (type, clash_key, open_key, scope_level, arbiter_unit_id) VALUES ('id_error', 'x${A.studentId}', 'x${A.studentId}', 3, 130102); SELECT LAST_INSERT_ID();`)[0][0]);
  const s = school(S.a);
  const m2 = Number(sql(`INSERT INTO group_member (group_id, student_id, school_id, province_code, city_code, county_code) VALUES (${g2}, ${A.studentId}, ${s.id}, '13', '1301', '130102'); SELECT LAST_INSERT_ID();`)[0][0]);
  await ok(await login(CLERK.a), A.id, 'submit_delete', { confirm: true });
  const b = await ok(await login(LEADER.a), A.id, 'leader_confirm', { confirm: true });
  assert.ok(b.events.some((e) => e.group_id === g2 && e.action === 'record_gone' && e.member_id === m2));
  assert.equal(member(m2).state, 'deleted');
  assert.equal(groupState(g2), 'done');
});

test('issue 12.2 a member action whose COMMIT outcome cannot be known is 503 outcome_unknown with the token, never a 200 it may not have done', async () => {
  // the connection is lost at COMMIT and the server cannot be asked (test hook X-Test-Commit-Fault 3, XJ_TEST_HOOKS=1):
  // the action's answer, built inside the transaction, was sent as 200 "submitted" although nothing was known
  const g = makeGroup({ type: 'nbg_dup', members: [{ school: S.a }, { school: S.b }] });
  const m = g.members[0];
  const clerk = await login(CLERK.a);
  const body = { action: 'submit_corroborate', expected_version: 1, opinion: '真实', evidence_ids: [makeEvidence(S.a)] };
  const r = await clerk.post(`/api/v1/members/${m.id}/actions`, body, { headers: { 'x-test-commit-fault': '3' } });
  assertError(r, 503, 'outcome_unknown');
  assert.match(r.body.error.token, /^[0-9a-f]{32}$/);
  const ask = await clerk.get(`/api/v1/outcomes/${r.body.error.token}`);
  assert.deepEqual(ask.body, { token: r.body.error.token, committed: true }, 'the hook lets this COMMIT through: asked, it says so');
  assert.equal(member(m.id).version, 2, 'done once');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM history WHERE member_id = ${m.id} AND action = 'submit_corroborate'`), 1);
  // a COMMIT that did not reach the server runs again once: 200, stored once
  const g2 = makeGroup({ type: 'nbg_dup', members: [{ school: S.a }, { school: S.b }] });
  const r2 = await clerk.post(`/api/v1/members/${g2.members[0].id}/actions`, { ...body, evidence_ids: [makeEvidence(S.a)] },
    { headers: { 'x-test-commit-fault': '2' } });
  assert.equal(r2.status, 200, r2.text);
  assert.equal(sqlCount(`SELECT COUNT(*) FROM history WHERE member_id = ${g2.members[0].id} AND action = 'submit_corroborate'`), 1);
});
