// workflow-deadlock.test.mjs: issue 5 "Concurrency": a transition that the database picks as a deadlock victim
// (1213) is retried by the service (db_tx), so the caller gets its result once, with one history event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { VARDIR } from '../lib/api.mjs';
import { explainRows } from '../lib/explain.mjs';
import {
  SCHOOLS, CLERK, COUNTY, login, makeGroup, makeEvidence, member, groupState, act, corroborate, history } from '../lib/workflow.mjs';

/** Run a SQL script as root on its own connection, in the background; resolves {code, err}. */
function sqlSession(script) {
  return new Promise((resolve) => {
    const p = spawn('mariadb', ['--no-defaults', '-uroot', `--socket=${VARDIR}/run/db.sock`, '-N', '-B', 'xueji'],
      { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (code) => resolve({ code, err }));
    p.stdin.end(script);
  });
}

test('concurrency: an approval chosen as the deadlock victim (1213) is retried and applied once', async () => {
  const g = makeGroup({ type: 'nbg_dup', members: [{ school: SCHOOLS.a }, { school: SCHOOLS.b }] });
  const [A] = g.members;
  await corroborate(await login(CLERK.a), A);
  const county = await login(COUNTY[130102]);
  const before = history(g.id).length;
  // Another transaction locks A's student row and, while the approval waits for it (after locking the group
  // row), asks for the group row: a lock cycle. It has written more (many undo records), so InnoDB rolls back
  // the approval's transaction as the cheaper victim; the service must retry it after the other ends.
  const other = sqlSession(`
    SET SESSION innodb_lock_wait_timeout = 20;
    START TRANSACTION;
    UPDATE unit SET name = CONCAT(name, '~') WHERE level = 3;
    SELECT id FROM student WHERE id = ${A.studentId} FOR UPDATE;
    SELECT SLEEP(1.5);
    SELECT id FROM problem_group WHERE id = ${g.id} FOR UPDATE;
    SELECT SLEEP(0.5);
    ROLLBACK;`);
  await new Promise((r) => setTimeout(r, 500));
  const t0 = Date.now();
  const r = await act(county, A.id, 'approve');
  const o = await other;
  assert.equal(o.code, 0, `the other transaction was not the victim: ${o.err}`);
  assert.equal(r.status, 200, r.text);
  assert.ok(Date.now() - t0 >= 1000, 'the approval waited for the lock cycle');
  assert.equal(member(A.id).state, 'approved');
  assert.equal(groupState(g.id), 'open');
  const h = history(g.id).slice(before);
  assert.deepEqual(h.map((x) => [x.action, x.member_id]), [['approve', A.id]], 'exactly one history event');
});

test('concurrency (R30): a decision locks only its own group\'s members, read on uk_member', async () => {
  // A fresh instance given 20,000 members at once once read a group's members by walking group_member's primary key in
  // id order (SHOW EXPLAIN: "m index PRIMARY rows 20020"), locking every member it passed: the county's decisions ran
  // one at a time (68 a second against 450-580). The load now forces uk_member.
  const other = makeGroup({ type: 'nbg_dup', members: [{ school: SCHOOLS.a }, { school: SCHOOLS.b }] });
  const g = makeGroup({ type: 'nbg_dup', members: [{ school: SCHOOLS.a }, { school: SCHOOLS.b }] });
  const later = makeGroup({ type: 'nbg_dup', members: [{ school: SCHOOLS.a }, { school: SCHOOLS.b }] });
  const r = await act(await login(CLERK.a), g.members[0].id, 'submit_corroborate',
    { opinion: '本校学生信息真实，在校就读。', evidence_ids: [makeEvidence(SCHOOLS.a)] }, { 'x-test-explain': '1' });
  assert.equal(r.status, 200, r.text);
  const members = explainRows(r.headers.get('x-explain')).filter((x) => x.table === 'm');
  assert.ok(members.length > 0, `no EXPLAIN of the members: ${r.headers.get('x-explain')}`);
  for (const row of members) assert.ok(row.type === 'ref' && row.key === 'uk_member', `members read on uk_member only: ${row.raw}`);

  // the members of the groups before and after it held by another transaction: the decision does not wait for them
  const held = [...other.members, ...later.members].map((m) => m.id).join(',');
  const clerkB = await login(CLERK.b);
  const hold = sqlSession(`SET innodb_lock_wait_timeout = 20; START TRANSACTION;
    SELECT id FROM group_member WHERE id IN (${held}) FOR UPDATE; SELECT SLEEP(6); COMMIT;`);
  await new Promise((res) => setTimeout(res, 500));
  const t0 = Date.now();
  const d = await corroborate(clerkB, g.members[1]);
  assert.equal(d.member.state, 'awaiting_review');
  assert.ok(Date.now() - t0 < 3000, `the decision waited ${Date.now() - t0} ms for other groups' members`);
  assert.equal((await hold).code, 0);
});
