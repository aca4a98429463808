// detect-table.test.mjs: issue 10: the state changes detection makes (R9, s.6, R21) are rows of the workflow table
// (fcgi/workflow.c): a member whose record leaves the clash closes with the table's effects (its pending handling is
// cleared), one that clashes again re-opens, a group whose clash is gone is done, and a re-open case (R22) is never
// detection's to settle. Every system event in the history is checked against the table's system rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { sql, VARDIR } from '../lib/api.mjs';
import { province, record, register, residentId, SCHOOLS, sameId } from '../lib/registry.mjs';
import { login, act, ok, member, history } from '../lib/workflow.mjs';

/** The workflow table's system rows that detection uses (workflow.c), as "from>to" per history action and group
 * type: the one statement of the rows here; the C test tests/unit/test_detect_sql.c checks the SQL against the table. */
const PENDING = ['unconfirmed', 'open', 'awaiting_leader', 'awaiting_review'];
function tableAllows(action, type, from, to) {
  if (action === 'clash_gone') return PENDING.includes(from) && to === 'closed';
  if (action === 'member_reopened') return ['closed', 'changed'].includes(from) && to === (type === 'id_changed' ? 'unconfirmed' : 'open');
  if (action === 'group_done') return ['open', 'awaiting_arbitration'].includes(from) && to === 'done';
  return true;
}

/** Detection on one record: the province's register result for it (R10) touches it and runs the check (R9). */
async function detectOn(studentId, result = 'verified') {
  const r = await (await province('13')).post('/api/v1/register-results', { results: [{ student_id: studentId, result }] });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.results[0].status, 'applied', JSON.stringify(r.body.results[0]));
}

function memberOf(groupId, studentId) {
  return Number(sql(`SELECT id FROM group_member WHERE group_id=${groupId} AND student_id=${studentId}`)[0][0]);
}

test('s.6 R9 R21: detection closes a member (handling cleared, table effect), re-opens it when it clashes again, marks the group done', async () => {
  const a = await register('clerk_a', record(SCHOOLS.a));
  const b = await register('clerk_b', sameId(a, SCHOOLS.b));
  const c = await register('clerk_c', sameId(a, SCHOOLS.c));
  const gid = c.problems.find((p) => p.type === 'id_dup').group_id;
  const mc = memberOf(gid, c.student_id);
  // school c asks to delete its record: awaiting the leader, handling 'delete'
  await ok(await login('clerk_c'), mc, 'submit_delete', { confirm: true });
  assert.deepEqual([member(mc).state, member(mc).handling], ['awaiting_leader', 'delete']);

  // c's number is corrected elsewhere (stand-in for another path): it leaves the clash; a and b still clash
  const old = a.student.id_number;
  const fresh = residentId('130202', c.student.birth_date, c.student.gender);
  sql(`UPDATE student SET id_number='${fresh}' WHERE id=${c.student_id}`);
  await detectOn(c.student_id);
  assert.deepEqual([member(mc).state, member(mc).handling], ['closed', null], 'closed by the system, handling cleared (WE_CLEAR_HANDLING)');
  assert.equal(sql(`SELECT state FROM problem_group WHERE id=${gid}`)[0][0], 'open');
  // the pending deletion cannot go on: the leader has nothing to confirm
  const refused = await act(await login('wf_leader_c'), mc, 'leader_confirm', { confirm: true });
  assert.equal(refused.status, 409, refused.text);

  // the number comes back: c clashes again while the group is open, and re-opens (closed -> open, R9)
  sql(`UPDATE student SET id_number='${old}' WHERE id=${c.student_id}`);
  await detectOn(c.student_id);
  assert.deepEqual([member(mc).state, member(mc).handling], ['open', null]);
  assert.ok(member(mc).due_date, 'R24: the school\'s step is due again');

  // a and c leave; b alone: the clash is gone, b closes and the group is done (R21)
  sql(`UPDATE student SET status='deleted' WHERE id IN (${a.student_id}, ${c.student_id})`);
  await detectOn(b.student_id);
  assert.equal(sql(`SELECT state FROM problem_group WHERE id=${gid}`)[0][0], 'done');

  const h = history(gid).filter((e) => e.role === 'system' && e.member_id !== null && e.before);
  const mine = h.filter((e) => e.member_id === mc).map((e) => [e.action, e.before, e.after]);
  assert.deepEqual(mine, [['clash_gone', 'awaiting_leader', 'closed'], ['member_reopened', 'closed', 'open'], ['clash_gone', 'open', 'closed']]);
  const done = history(gid).filter((e) => e.action === 'group_done');
  assert.deepEqual(done.map((e) => [e.before, e.after]), [['open', 'done']]);
});

test('R22: a re-open case is its school\'s alone: detection (a register result, a full re-detection) leaves it open', async () => {
  const a = await register('clerk_a', record(SCHOOLS.a));
  const b = await register('clerk_b', sameId(a, SCHOOLS.b));
  const gid = b.problems.find((p) => p.type === 'id_dup').group_id;
  sql(`UPDATE student SET status='deleted' WHERE id=${b.student_id}`);
  await detectOn(a.student_id); // the clash is gone: a's member closes, the group is done
  const ma = memberOf(gid, a.student_id);
  assert.equal(member(ma).state, 'closed');
  const r = await ok(await login('clerk_a'), ma, 'reopen', { confirm: true, reason: '应为重复学籍' });
  const ng = r.new_group_id;
  const nm = r.new_member_id;
  assert.equal(member(nm).state, 'open');
  await detectOn(a.student_id, 'name_mismatch'); // detection touches a again (and finds an ID error: another group)
  assert.equal(member(nm).state, 'open', 'the re-open case is not closed by detection');
  assert.equal(sql(`SELECT state FROM problem_group WHERE id=${ng}`)[0][0], 'open');
  const secrets = Object.fromEntries(readFileSync(`${VARDIR}/secrets.env`, 'utf8').trim().split('\n').map((l) => l.split('=')));
  execFileSync(`${process.env.XJ_BUILD}/xueji`, ['--redetect'], {
    encoding: 'utf8', env: { ...process.env, XJ_DB_SOCKET: `${VARDIR}/run/db.sock`, XJ_DB_PASSWORD: secrets.XJ_DB_PASSWORD },
  });
  assert.equal(member(nm).state, 'open', 'nor by a full re-detection');
  assert.equal(sql(`SELECT state FROM problem_group WHERE id=${ng}`)[0][0], 'open');
});

test('every system state change in the history (all suites so far) is a row of the workflow table', () => {
  const rows = sql(`SELECT h.action, g.type, COALESCE(h.state_before,''), COALESCE(h.state_after,''), h.member_id IS NULL
    FROM history h JOIN problem_group g ON g.id=h.group_id WHERE h.actor_role='system' AND h.state_before IS NOT NULL`);
  assert.ok(rows.length > 0);
  for (const [action, type, from, to] of rows)
    assert.ok(tableAllows(action, type, from, to), `${action} ${type} ${from} -> ${to}`);
});
