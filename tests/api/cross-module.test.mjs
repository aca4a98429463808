// cross-module.test.mjs: rules that span modules once merged: the workflow's approved change runs the registry's
// national check in the same transaction (R15 + R9), and evidence cited by an action is visible to the case's bureau (R23).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { BASE, sql, sqlCount } from '../lib/api.mjs';
import { SCHOOLS as S, CLERK, COUNTY, login, makeGroup, makeStudent, makeEvidence, newIdNumber, student, ok, ensureUsers } from '../lib/workflow.mjs';

test('R15 + R9: an approved change to a number another live record holds opens a new ID-duplicate group in the same transaction', async () => {
  ensureUsers();
  const g = makeGroup({ type: 'id_dup', members: [{ school: S.a }, { school: S.a2 }] });
  const [m] = g.members;
  const before = student(m.studentId);
  // a record at a school of another county holds the number the clerk will change to
  const target = newIdNumber('130104', before.birth_date, before.gender);
  const holder = makeStudent(S.b, { idNumber: target, birth: before.birth_date, gender: before.gender, status: 'formal', everApproved: 1 });
  assert.equal(sqlCount(`SELECT COUNT(*) FROM group_member WHERE student_id IN (${m.studentId}, ${holder.id ?? holder})`), 1);
  const clerk = await login(CLERK.a), county = await login(COUNTY[130102]);
  await ok(clerk, m.id, 'submit_change', { changes: { id_number: target }, evidence_ids: [makeEvidence(S.a)], opinion: '证件号录入错误' });
  await ok(county, m.id, 'approve');
  assert.equal(student(m.studentId).id_number, target);
  const groups = sql(`SELECT g.id, g.type, g.state, g.scope_level FROM problem_group g JOIN group_member gm ON gm.group_id = g.id
      WHERE gm.student_id = ${m.studentId} AND g.id <> ${g.id}`);
  assert.equal(groups.length, 1, 'one new group for the new clash');
  const [gid, type, state, scope] = groups[0];
  assert.equal(type, 'id_dup');
  assert.equal(state, 'open');
  assert.equal(scope, '2', 'two counties of one city: the city arbitrates (R2)');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM group_member WHERE group_id = ${gid}`), 2);
  assert.equal(sqlCount(`SELECT COUNT(*) FROM group_member WHERE group_id = ${gid} AND student_id = ${holder.id ?? holder}`), 1);
});

test('R23 + R27/R28: evidence a school cites in its corroboration is visible to the other side\'s bureau and the arbiter, not to strangers', async () => {
  ensureUsers();
  const g = makeGroup({ type: 'id_dup', members: [{ school: S.a }, { school: S.b }] });
  const [m] = g.members;
  const clerk = await login(CLERK.a);
  const fd = new FormData();
  // a fresh file (a few random bytes after the JPEG end marker), so no earlier upload of the fixture is reused
  const jpeg = Buffer.concat([readFileSync(new URL('../fixtures/evidence/ok-baseline.jpg', import.meta.url)), randomBytes(16)]);
  fd.append('files', new Blob([jpeg], { type: 'image/jpeg' }), '证明.jpg');
  const up = await fetch(`${BASE}/api/v1/evidence`, { method: 'POST', body: fd, headers: { cookie: clerk.cookie, 'x-csrf-token': clerk.csrf } });
  assert.equal(up.status, 201);
  const [ev] = await up.json();
  const otherCounty = await login(COUNTY[130104]), arbiter = await login('city_1301'), stranger = await login('clerk_d');
  assert.equal((await otherCounty.get(`/api/v1/evidence/${ev.id}/meta`)).status, 404, 'not cited yet: only the uploader\'s jurisdiction');
  await ok(clerk, m.id, 'submit_corroborate', { opinion: '本校学生，证件真实。', evidence_ids: [ev.id] });
  assert.equal((await otherCounty.get(`/api/v1/evidence/${ev.id}/meta`)).status, 200, 'the other side\'s bureau sees the cited file');
  assert.equal((await arbiter.get(`/api/v1/evidence/${ev.id}/meta`)).status, 200, 'the common superior sees it');
  assert.equal((await stranger.get(`/api/v1/evidence/${ev.id}/meta`)).status, 404, 'a school of another province does not');
});

test('R24 + R9: a group that detection opens at registration makes each school\'s first step due in 10 working days', async () => {
  const reg = await import('../lib/registry.mjs');
  const a = await reg.register('clerk_a', reg.record(reg.SCHOOLS.a));
  const b = await reg.register('clerk_b', reg.sameId(a.student, reg.SCHOOLS.b));
  const gid = b.problems.find((p) => p.type === 'id_dup').group_id;
  const county = await login(COUNTY[130102]);
  const g = await county.get(`/api/v1/groups/${gid}`);
  assert.equal(g.status, 200, g.text);
  assert.equal(g.body.members.length, 2);
  // the date a step taken today is due by (the same rule, holidays included): a corroboration's review
  const other = makeGroup({ type: 'nbg_dup', members: [{ school: S.a }, { school: S.b }] });
  const sub = await ok(await login(CLERK.a), other.members[0].id, 'submit_corroborate', { evidence_ids: [makeEvidence(S.a)], opinion: '同一学生' });
  const due = sub.member.due_date;
  assert.match(due, /^\d{4}-\d\d-\d\d$/);
  for (const m of g.body.members) {
    assert.equal(m.state, 'open');
    assert.equal(m.due_date, due, 'the school\'s first step is due like any other step');
    assert.equal(m.overdue, false);
  }
});
