// workflow-scenarios.test.mjs: issue 5: the walk-throughs of the source document (seed-help-2017.zh.txt), end to end through the API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, sql } from '../lib/api.mjs';
import {
  SCHOOLS as S, CLERK, LEADER, COUNTY, login, makeGroup, makeEvidence, member, groupState, student, act, ok, corroborate,
  history, newIdNumber, findInQueue } from '../lib/workflow.mjs';

/** The group as client c sees it. */
async function view(c, gid) {
  const r = await c.get(`/api/v1/groups/${gid}`);
  assert.equal(r.status, 200, r.text);
  return r.body;
}
const actionsOf = (g, mid) => g.members.find((m) => m.id === mid).allowed_actions;

test('walk-through 1 (第二部分 1): an L record and a G record corroborate; the bureau reviews as usual', async () => {
  // L学籍号学生 at 育红小学 clashes with a G学籍号学生 at 第一实验小学, same county (长安区)
  const g = makeGroup({ type: 'id_dup', members: [{ school: S.a, prefix: 'G', status: 'formal', everApproved: true }, { school: S.a2 }] });
  const [G, L] = g.members;
  const cl = await login(CLERK.a2), cg = await login(CLERK.a), county = await login(COUNTY[130102]);
  // 2017: the L side may corroborate although the other holds the G number
  assert.deepEqual(actionsOf(await view(cl, g.id), L.id), ['submit_corroborate', 'submit_change', 'submit_delete']);
  await ok(cl, L.id, 'submit_corroborate', { opinion: '该生信息无误，系本校在读学生', evidence_ids: [makeEvidence(S.a2), makeEvidence(S.a2)] });
  // and so may the G side
  await corroborate(cg, G, '该生为本校正式学籍学生');
  // 学校主管教育局 reviews: it may approve only one (R17), the other is rejected automatically
  const v = await view(county, g.id);
  assert.deepEqual(actionsOf(v, L.id), ['approve', 'reject']);
  assert.deepEqual(actionsOf(v, G.id), ['approve', 'reject']);
  const b = await ok(county, L.id, 'approve');
  assert.deepEqual(b.events.map((e) => [e.member_id, e.action, e.state_after]),
    [[L.id, 'approve', 'approved'], [G.id, 'auto_reject', 'open']]);
  // the G side is back at its school with the system's reason, and deletes (walk-through 2 shows the deletion in full)
  const back = (await view(cg, g.id)).members.find((m) => m.id === G.id);
  assert.match(back.reject_system.message, /自动不通过/);
  await ok(cg, G.id, 'submit_delete', { confirm: true });
  await ok(await login(LEADER.a), G.id, 'leader_confirm', { confirm: true });
  const d = await ok(county, G.id, 'approve');
  assert.equal(d.group.state, 'done');
  assert.equal(student(L.studentId).status, 'formal');
  assert.equal(student(G.studentId).status, 'deleted');
});

test('walk-through 2 (第二部分 2): a G record no longer at the school is deleted: confirm, confirm again, the bureau reviews', async () => {
  const g = makeGroup({ type: 'id_dup', members: [{ school: S.b, prefix: 'G', status: 'formal', everApproved: true }, { school: S.c }] });
  const [G, other] = g.members;
  const clerk = await login(CLERK.b), leader = await login(LEADER.b), county = await login(COUNTY[130104]);
  assert.match(sql(`SELECT student_no FROM student WHERE id = ${G.studentId}`)[0][0], /^G/);
  // 提示确认删除 / 再次确认: the API insists on the explicit confirmation
  assertError(await act(clerk, G.id, 'submit_delete'), 422, 'invalid');
  await ok(clerk, G.id, 'submit_delete', { confirm: true, opinion: '该生已不在本校就读' });
  assertError(await act(leader, G.id, 'leader_confirm'), 422, 'invalid');
  const lc = await ok(leader, G.id, 'leader_confirm', { confirm: true });
  assert.equal(lc.member.state, 'awaiting_review', 'a G record was approved before: the bureau reviews (R14)');
  // 学校主管教育局进入问题学籍处理审核界面，审核学校的删除申请
  const q = (await county.get('/api/v1/queue?limit=500')).body;
  assert.equal(q.queue, 'reviews');
  const item = q.items.find((x) => x.member_id === G.id);
  assert.equal(item.handling, 'delete');
  const d = await ok(county, G.id, 'approve');
  assert.deepEqual(d.events.map((e) => e.action), ['approve', 'clash_gone', 'group_done']);
  assert.equal(student(G.studentId).status, 'deleted');
  assert.equal(member(other.id).state, 'closed');
  assert.equal(student(other.studentId).status, 'formal');
});

test('walk-through 3 (第二部分 3): a done group is re-opened by one school and the record deleted, the other side not involved', async () => {
  // a corroboration that should have been a deletion: both sides corroborated, the bureau approved this one
  const g = makeGroup({ type: 'id_dup', members: [{ school: S.a }, { school: S.a2 }] });
  const [A, B] = g.members;
  const ca = await login(CLERK.a), cb = await login(CLERK.a2), county = await login(COUNTY[130102]);
  await corroborate(ca, A);
  await corroborate(cb, B);
  await ok(county, A.id, 'approve'); // B rejected automatically
  // 是否需要仲裁: 等待 → the group is not finished: re-open refused
  assert.equal((await view(ca, g.id)).arbitration, 'waiting');
  const refused = await act(ca, A.id, 'reopen', { confirm: true });
  assertError(refused, 409, 'conflict');
  assert.match(refused.body.error.message_en, /not allowed now/);
  // the other school deletes its record; the group is done
  await ok(cb, B.id, 'submit_delete', { confirm: true });
  await ok(await login(LEADER.a2), B.id, 'leader_confirm', { confirm: true });
  assert.equal(groupState(g.id), 'done');
  assert.deepEqual(actionsOf(await view(ca, g.id), A.id), ['reopen']);
  // 发起重新处理: 确定, then 是 (the API's confirm), 重新发起成功
  assertError(await act(ca, A.id, 'reopen'), 422, 'invalid');
  const r = await ok(ca, A.id, 'reopen', { confirm: true, reason: '经核实应为重复学籍，佐证有误' });
  const ng = r.new_group_id;
  // 看到有一条新的待处理问题学籍
  assert.ok(await findInQueue(ca, (x) => x.group_id === ng && x.state === 'open'));
  const nv = await view(ca, ng);
  assert.equal(nv.members.length, 1);
  assert.equal(nv.reopened_from, g.id);
  // 以学校重新发起删除处理为例: the record was approved before, so after the leader it awaits the bureau (主管教育局未审核)
  const nm = nv.members[0].id;
  await ok(ca, nm, 'submit_delete', { confirm: true });
  const lc = await ok(await login(LEADER.a), nm, 'leader_confirm', { confirm: true });
  assert.equal(lc.member.state, 'awaiting_review');
  // the other school is not involved: it does not even see the new case
  assertError(await cb.get(`/api/v1/groups/${ng}`), 404, 'not_found');
  const d = await ok(county, nm, 'approve');
  assert.equal(d.group.state, 'done');
  assert.equal(student(A.studentId).status, 'deleted');
  const h = history(ng).map((x) => x.action);
  assert.deepEqual(h, ['reopen', 'submit_delete', 'leader_confirm', 'approve', 'group_done']);
});

test('walk-through 4 (附件 1.2 第二种情况, 跨省): a cross-province double corroboration is settled by the ministry', async () => {
  const g = makeGroup({ type: 'id_dup', members: [{ school: S.a }, { school: S.d }] });
  const [A, D] = g.members;
  assert.equal(g.arbiter, 1, 'provinces differ: the ministry arbitrates (R2)');
  const ca = await login(CLERK.a), cd = await login(CLERK.d);
  await corroborate(ca, A, '河北学校：学生在读，户籍证明齐全');
  await corroborate(cd, D, '山东学校：学生在读，户籍证明齐全');
  // each bureau sees and reviews only its own
  const hb = await login(COUNTY[130102]), sd = await login(COUNTY[370102]);
  assertError(await act(hb, D.id, 'approve'), 403, 'forbidden');
  await ok(hb, A.id, 'approve');
  const b = await ok(sd, D.id, 'approve');
  assert.equal(b.group.state, 'awaiting_arbitration');
  // neither province decides; the ministry's queue has it
  assertError(await (await login('prov_13')).post(`/api/v1/groups/${g.id}/arbitration`, { member_id: A.id, reason: 'x' }), 403, 'forbidden');
  assertError(await (await login('prov_37')).post(`/api/v1/groups/${g.id}/arbitration`, { member_id: D.id, reason: 'x' }), 403, 'forbidden');
  const min = await login('ministry');
  const q = (await min.get('/api/v1/queue?limit=500')).body;
  assert.equal(q.queue, 'arbitrations');
  const item = q.items.find((x) => x.group_id === g.id);
  assert.equal(item.approved, 2);
  // both sides' evidence side by side (R28)
  const v = await view(min, g.id);
  assert.ok(v.members.every((m) => m.opinion && m.state === 'approved'));
  assert.ok(v.history.filter((h) => h.action === 'submit_corroborate').every((h) => h.evidence_ids.length === 1));
  // re-open is refused while waiting for arbitration
  assertError(await act(ca, A.id, 'reopen', { confirm: true }), 409, 'conflict');
  const r = await min.post(`/api/v1/groups/${g.id}/arbitration`, { member_id: D.id, reason: '公安户籍部门确认该号码属山东学生；河北学生须到公安部门变更身份证号' });
  assert.equal(r.status, 200, r.text);
  assert.equal(member(D.id).state, 'upheld');
  assert.equal(member(A.id).state, 'open');
  // the losing student obtains a new number and is handled by change (R18)
  const fresh = newIdNumber('130102', g.birth, g.gender);
  await ok(ca, A.id, 'submit_change', { changes: { id_number: fresh }, evidence_ids: [makeEvidence(S.a)], opinion: '已变更身份证号' });
  const d = await ok(hb, A.id, 'approve');
  assert.equal(d.group.state, 'done');
  assert.equal(student(A.studentId).id_number, fresh);
  assert.equal(student(A.studentId).status, 'formal');
  assert.equal(student(D.studentId).status, 'formal');
});

test('walk-through 5 (第二部分 4): an ID number the register reports as changed is confirmed, then changed to the current number', async () => {
  const g = makeGroup({ type: 'id_changed', members: [{ school: S.e }] });
  const [m] = g.members;
  const clerk = await login(CLERK.e);
  const reg = sql(`SELECT register_id_number FROM student WHERE id = ${m.studentId}`)[0][0];
  assert.deepEqual(actionsOf(await view(clerk, g.id), m.id), ['confirm_register']);
  await ok(clerk, m.id, 'confirm_register');
  await ok(clerk, m.id, 'submit_change', { changes: { id_number: reg }, evidence_ids: [makeEvidence(S.e)], opinion: '按人口库更新身份证号' });
  const d = await ok(await login(COUNTY[370202]), m.id, 'approve');
  assert.deepEqual(d.events.map((e) => [e.action, e.state_after]), [['approve', 'changed'], ['group_done', 'done']]);
  const s = student(m.studentId);
  assert.equal(s.id_number, reg);
  assert.equal(s.verify_state, 'unverified', 'the new number goes back to the register');
  assert.equal(s.status, 'formal');
});

test('walk-through 6 (附件 1.2): no-ID duplicates of one county may all be approved; an ID error is changed', async () => {
  const g = makeGroup({ type: 'nbg_dup', members: [{ school: S.a }, { school: S.a2 }] });
  await corroborate(await login(CLERK.a), g.members[0]);
  await corroborate(await login(CLERK.a2), g.members[1]);
  const county = await login(COUNTY[130102]);
  await ok(county, g.members[0].id, 'approve');
  assert.equal((await ok(county, g.members[1].id, 'approve')).group.state, 'done');
  const e = makeGroup({ type: 'id_error', members: [{ school: S.a }] });
  const s = student(e.members[0].studentId);
  const clerk = await login(CLERK.a);
  await ok(clerk, e.members[0].id, 'submit_change', { changes: { id_number: newIdNumber('130102', s.birth_date, s.gender) }, evidence_ids: [makeEvidence(S.a)] });
  assert.equal((await ok(county, e.members[0].id, 'approve')).group.state, 'done');
});
