// workflow-random.test.mjs: issue 5: long random sequences of legal and illegal actions by random actors, and 50 parallel
// clients with conflicting decisions; the invariants of the state machine are checked against the database after every step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from '../lib/api.mjs';
import {
  SCHOOLS as S, CLERK, LEADER, COUNTY, login, makeGroup, makeEvidence, school, rng, pick, randomStep,
} from '../lib/workflow.mjs';

const PENDING = new Set(['unconfirmed', 'open', 'awaiting_leader', 'awaiting_review']);

// Every (action, before, after) the transition table admits (fcgi/workflow.c), written out independently.
const LEGAL = new Set([
  'confirm_register:unconfirmed:open', 'submit_corroborate:open:awaiting_review', 'submit_change:open:awaiting_review',
  'submit_delete:open:awaiting_leader', 'leader_confirm:awaiting_leader:deleted', 'leader_confirm:awaiting_leader:awaiting_review',
  'leader_decline:awaiting_leader:open', 'approve:awaiting_review:approved', 'approve:awaiting_review:changed',
  'approve:awaiting_review:deleted', 'reject:awaiting_review:open', 'arbitrate:approved:upheld',
  ...['approved', 'upheld', 'changed', 'closed'].map((s) => `reopen:${s}:reopened`),
  'auto_reject:awaiting_review:open', 'arbitration_lost:approved:open', 'clash_remains:changed:open',
  ...[...PENDING].map((s) => `clash_gone:${s}:closed`),
  ...[...PENDING, 'approved', 'upheld'].map((s) => `record_gone:${s}:deleted`),
]);
const GROUP_EVENTS = { group_awaiting_arbitration: 'awaiting_arbitration', group_done: 'done', group_open: 'open' };

/** What the group's state must be from its members (R18, R21), unless it is done already. */
function expectedGroupState(type, states, current) {
  if (current === 'done') return 'done';
  const approved = states.filter((s) => s === 'approved').length;
  const standing = states.filter((s) => s === 'approved' || s === 'upheld').length;
  const pending = states.some((s) => PENDING.has(s));
  if (type === 'id_dup' && approved >= 2) return 'awaiting_arbitration';
  if (!pending && (type !== 'id_dup' || standing <= 1)) return 'done';
  return 'open';
}

/** Check every invariant of the given groups against the database; throws with the group id on failure. */
function checkInvariants(groupIds) {
  if (!groupIds.length) return;
  const ids = groupIds.join(',');
  // one round trip: groups, members, history and the jurisdiction check, separated by marker rows
  const out = sql(`SELECT 'G', id, type, state, arbiter_unit_id FROM problem_group WHERE id IN (${ids});
    SELECT 'M', id, group_id, state, version, county_code, school_id FROM group_member WHERE group_id IN (${ids});
    SELECT 'H', h.group_id, COALESCE(h.member_id, 0), h.action, COALESCE(h.state_before, ''), COALESCE(h.state_after, '')
      FROM history h WHERE h.group_id IN (${ids}) ORDER BY h.id;
    SELECT 'X', h.id, h.action, u.role, un.code FROM history h JOIN app_user u ON u.id = h.actor_user_id JOIN unit un ON un.id = u.unit_id
      JOIN group_member m ON m.id = h.member_id JOIN problem_group g ON g.id = h.group_id
      WHERE h.group_id IN (${ids}) AND h.action <> 'set_deadline' AND NOT (
        (u.role IN ('school_clerk','school_leader') AND u.unit_id = m.school_id) OR
        (u.role = 'county' AND un.code = m.county_code) OR
        (u.role = 'bureau' AND u.unit_id = g.arbiter_unit_id));`);
  const rows = (t) => out.filter((r) => r[0] === t).map((r) => r.slice(1));
  const groups = new Map(rows('G').map((r) => [Number(r[0]), { type: r[1], state: r[2], arbiter: Number(r[3]), members: [] }]));
  for (const r of rows('M'))
    groups.get(Number(r[1])).members.push({ id: Number(r[0]), state: r[2], version: Number(r[3]), county: r[4], school: Number(r[5]) });
  for (const [gid, g] of groups) {
    const states = g.members.map((m) => m.state);
    // at most one approved member per county, one upheld, one standing outside arbitration (R17, R18, R21)
    if (g.type === 'id_dup') {
      const byCounty = {};
      for (const m of g.members) if (m.state === 'approved') byCounty[m.county] = (byCounty[m.county] ?? 0) + 1;
      assert.ok(Object.values(byCounty).every((n) => n <= 1), `group ${gid}: two approved in one county ${JSON.stringify(states)}`);
      assert.ok(states.filter((s) => s === 'upheld').length <= 1, `group ${gid}: two upheld`);
      if (g.state !== 'awaiting_arbitration')
        assert.ok(states.filter((s) => s === 'approved' || s === 'upheld').length <= 1, `group ${gid}: two standing ${JSON.stringify(states)}`);
    }
    // a done group has no pending member
    if (g.state === 'done') assert.ok(!states.some((s) => PENDING.has(s)), `group ${gid}: done with a pending member ${states}`);
    assert.equal(g.state, expectedGroupState(g.type, states, g.state), `group ${gid}: state ${g.state} vs members ${states}`);
  }
  // no transition outside the table; exactly one history event per state change
  const hist = rows('H');
  const perMember = new Map();
  const groupChain = new Map();
  for (const [gidS, midS, action, before, after] of hist) {
    const gid = Number(gidS), mid = Number(midS);
    if (action === 'detected' || action === 'set_deadline') continue;
    if (mid && before === '') { assert.equal(action, 'reopen', 'creation rows are re-open cases'); continue; }
    if (!mid) {
      assert.ok(action in GROUP_EVENTS, `group ${gid}: unknown group event ${action}`);
      assert.equal(after, GROUP_EVENTS[action]);
      const prev = groupChain.get(gid) ?? 'open';
      assert.equal(before, prev, `group ${gid}: group event from ${before}, but the group was ${prev}`);
      assert.notEqual(before, after);
      groupChain.set(gid, after);
      continue;
    }
    assert.ok(LEGAL.has(`${action}:${before}:${after}`), `group ${gid}: transition ${action} ${before} -> ${after} is not in the table`);
    const chain = perMember.get(mid) ?? [];
    if (chain.length) assert.equal(before, chain[chain.length - 1], `member ${mid}: event from ${before} after ${chain.at(-1)}`);
    chain.push(after);
    perMember.set(mid, chain);
  }
  for (const [gid, g] of groups) {
    assert.equal(groupChain.get(gid) ?? 'open', g.state, `group ${gid}: history ends in ${groupChain.get(gid)}, group is ${g.state}`);
    for (const m of g.members) {
      const chain = perMember.get(m.id) ?? [];
      assert.equal(chain.length, m.version - 1, `member ${m.id}: ${chain.length} events for ${m.version - 1} changes`);
      if (chain.length) assert.equal(chain.at(-1), m.state);
    }
  }
  // nobody acted outside their jurisdiction: each person's event matches their unit
  assert.deepEqual(rows('X'), [], 'actions outside the actor\'s jurisdiction');
}

test('randomized: long random sequences of legal and illegal actions by random actors keep every invariant', async (t) => {
  const r = rng(20170401);
  const layouts = [
    ['id_dup', [S.a, S.a2]], ['id_dup', [S.a, S.a2, S.a]], ['id_dup', [S.a, S.b]], ['id_dup', [S.a, S.d]], ['id_dup', [S.b, S.c, S.e]],
    ['nbg_dup', [S.a, S.a2]], ['nbg_dup', [S.c, S.d, S.e]], ['id_error', [S.b]], ['id_changed', [S.d]],
  ];
  const groups = [];
  for (let i = 0; i < 14; i++) {
    const [type, schools] = layouts[i % layouts.length];
    const everApproved = r() < 0.3;
    groups.push(makeGroup({ type, members: schools.map((s) => ({ school: s, everApproved, status: everApproved ? 'formal' : 'problem' })) }).id);
  }
  const stats = {};
  for (let step = 0; step < 400; step++) {
    const gid = pick(r, groups);
    const res = await randomStep(r, gid, stats);
    if (res.status === 200 && res.body.new_group_id) groups.push(res.body.new_group_id);
    checkInvariants([gid, ...(res.body?.new_group_id ? [res.body.new_group_id] : [])]);
    if (step % 50 === 49) checkInvariants(groups);
  }
  checkInvariants(groups);
  const done = Number(sql(`SELECT COUNT(*) FROM problem_group WHERE id IN (${groups.join(',')}) AND state = 'done'`)[0][0]);
  t.diagnostic(`statuses ${JSON.stringify(stats)}, ${groups.length} groups, ${done} done`);
  assert.ok(stats[200] > 100, `enough legal actions happened: ${JSON.stringify(stats)}`);
  assert.ok((stats[409] ?? 0) + (stats[403] ?? 0) + (stats[422] ?? 0) > 50, `and enough illegal ones: ${JSON.stringify(stats)}`);
  assert.ok(done >= 3, `some groups finished (${done})`);
});

/** Put both members of a fresh group into awaiting_review with a corroboration (fixture shortcut). */
function pendingPair(type, schools) {
  const g = makeGroup({ type, members: schools.map((s) => ({ school: s })) });
  sql(`UPDATE group_member SET state = 'awaiting_review', handling = 'corroborate', version = 2 WHERE group_id = ${g.id}`);
  for (const m of g.members)
    sql(`INSERT INTO history (group_id, member_id, student_id, actor_role, action, state_before, state_after)
         VALUES (${g.id}, ${m.id}, ${m.studentId}, 'school_clerk', 'submit_corroborate', 'open', 'awaiting_review')`);
  return g;
}

test('race: 50 parallel clients with conflicting decisions; one winner where only one may win, invariants hold', async () => {
  const same = Array.from({ length: 20 }, () => pendingPair('id_dup', [S.a, S.a2]));
  const cross = Array.from({ length: 12 }, () => pendingPair('id_dup', [S.a, S.b]));
  const nbg = Array.from({ length: 8 }, () => pendingPair('nbg_dup', [S.a, S.b]));
  // the fixtures' sql() calls block the event loop (on a Galera cluster for over nginx's 30 s keep-alive): let the HTTP
  // client's idle timers drop the connections nginx closed meanwhile, before 40 requests go out at once on them
  await new Promise((r) => setTimeout(r, 1500));
  const c1 = await login(COUNTY[130102]), c1b = await login('wf_county_130102b'), c2 = await login(COUNTY[130104]);
  const city = await login('city_1301');
  const statuses = [];
  const post = async (c, mid, body) => { const x = await c.post(`/api/v1/members/${mid}/actions`, body); statuses.push(x.status); return x; };

  // phase 1: two clerks of the same county approve the two members of each same-county group at the same moment
  const p1 = await Promise.all(same.flatMap((g) => [
    post(c1, g.members[0].id, { action: 'approve', expected_version: 2 }),
    post(c1b, g.members[1].id, { action: 'approve', expected_version: 2 }),
  ]));
  for (let i = 0; i < same.length; i++) {
    const pair = [p1[2 * i], p1[2 * i + 1]];
    assert.equal(pair.filter((x) => x.status === 200).length, 1, `group ${same[i].id}: exactly one approval wins: ${pair.map((x) => x.status)}`);
    assert.ok(pair.every((x) => x.status === 200 || x.status === 409));
  }
  // phase 2: cross-county approvals by both bureaus at once, then the arbitrator upholds both members at the same moment
  await Promise.all(cross.flatMap((g) => [
    post(c1, g.members[0].id, { action: 'approve', expected_version: 2 }),
    post(c2, g.members[1].id, { action: 'approve', expected_version: 2 }),
  ]));
  for (const g of cross) assert.equal(sql(`SELECT state FROM problem_group WHERE id = ${g.id}`)[0][0], 'awaiting_arbitration');
  const arb = await Promise.all(cross.flatMap((g) => g.members.map((m) =>
    city.post(`/api/v1/groups/${g.id}/arbitration`, { member_id: m.id, reason: '并发仲裁测试' }))));
  for (let i = 0; i < cross.length; i++)
    assert.equal([arb[2 * i], arb[2 * i + 1]].filter((x) => x.status === 200).length, 1, `group ${cross[i].id}: one arbitration wins`);

  // phase 3: 50 workers making random conflicting decisions on all these groups at once
  const all = [...same, ...cross, ...nbg];
  const clients = {
    [S.a]: { clerk: await login(CLERK.a), leader: await login(LEADER.a), county: [c1, c1b] },
    [S.a2]: { clerk: await login(CLERK.a2), leader: await login(LEADER.a2), county: [c1, c1b] },
    [S.b]: { clerk: await login(CLERK.b), leader: await login(LEADER.b), county: [c2] },
  };
  const r = rng(42);
  const worker = async (w) => {
    for (let k = 0; k < 12; k++) {
      const g = pick(r, all);
      const gv = await city.get(`/api/v1/groups/${g.id}`);
      assert.equal(gv.status, 200);
      const m = pick(r, gv.body.members);
      const who = clients[m.school.code];
      const kind = pick(r, ['approve', 'approve', 'reject', 'corroborate', 'delete', 'confirm', 'arbitrate']);
      let x;
      if (kind === 'approve') x = await post(pick(r, who.county), m.id, { action: 'approve', expected_version: m.version });
      else if (kind === 'reject') x = await post(pick(r, who.county), m.id, { action: 'reject', expected_version: m.version, reason: `worker ${w}` });
      else if (kind === 'corroborate') x = await post(who.clerk, m.id, { action: 'submit_corroborate', expected_version: m.version, opinion: '并发', evidence_ids: [makeEvidence(m.school.code)] });
      else if (kind === 'delete') x = await post(who.clerk, m.id, { action: 'submit_delete', expected_version: m.version, confirm: true });
      else if (kind === 'confirm') x = await post(who.leader, m.id, { action: 'leader_confirm', expected_version: m.version, confirm: true });
      else x = await city.post(`/api/v1/groups/${g.id}/arbitration`, { member_id: m.id, reason: `worker ${w}` });
      assert.ok([200, 403, 404, 409, 422].includes(x.status), `${kind}: ${x.status} ${x.text}`);
    }
  };
  await Promise.all(Array.from({ length: 50 }, (_, w) => worker(w)));
  assert.ok(!statuses.some((s) => s >= 500), 'no server error under contention');
  checkInvariants(all.map((g) => g.id));
  void school;
});
