// workflow-feed.test.mjs: issue 5: the provincial change feed (R29: in order, no gaps, no repeats, even when writers commit
// out of id order), work queues per role, statistics by jurisdiction, holidays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { assertError, sql, VARDIR } from '../lib/api.mjs';
import { SCHOOLS as S, CLERK, LEADER, COUNTY, login, makeGroup, ok, corroborate } from '../lib/workflow.mjs';

/** Read the feed from cursor until it is drained; returns {events, cursor}. */
async function drain(c, cursor, { limit = 1000, province } = {}) {
  const events = [];
  for (;;) {
    const q = new URLSearchParams({ limit: String(limit) });
    if (cursor) q.set('cursor', cursor);
    if (province) q.set('province', province);
    const r = await c.get(`/api/v1/feed?${q}`);
    assert.equal(r.status, 200, r.text);
    events.push(...r.body.items);
    cursor = r.body.next_cursor;
    if (!r.body.more) return { events, cursor };
  }
}

/** Every seq follows the previous one by exactly 1 and no history event appears twice. */
function assertDense(events, fromCursor) {
  let prev = Number(fromCursor || 0);
  const seen = new Set();
  for (const e of events) {
    assert.equal(e.seq, prev + 1, `seq ${e.seq} after ${prev}`);
    prev = e.seq;
    assert.ok(!seen.has(e.history_id), `history ${e.history_id} repeated`);
    seen.add(e.history_id);
  }
}

test('R29 feed: every event of the province from a cursor, in order, without gaps or repeats across calls', async () => {
  const prov = await login('prov_13');
  const start = await drain(prov, '');
  assertDense(start.events, '');
  // activity in Hebei, in Shandong, and across both, while a reader pages through with a small limit
  const hebei = makeGroup({ type: 'id_dup', members: [{ school: S.a }, { school: S.a2 }] });
  const shandong = makeGroup({ type: 'nbg_dup', members: [{ school: S.d }, { school: S.e }] });
  const cross = makeGroup({ type: 'id_dup', members: [{ school: S.b }, { school: S.d }] });
  let cursor = start.cursor;
  const got = [];
  const reader = (async () => {
    for (let i = 0; i < 30; i++) {
      const r = await prov.get(`/api/v1/feed?limit=3&cursor=${cursor}`);
      assert.equal(r.status, 200, r.text);
      got.push(...r.body.items);
      cursor = r.body.next_cursor;
      await new Promise((res) => setTimeout(res, 20));
    }
  })();
  await Promise.all([
    (async () => { await corroborate(await login(CLERK.a), hebei.members[0]); await corroborate(await login(CLERK.a2), hebei.members[1]); await ok(await login(COUNTY[130102]), hebei.members[1].id, 'approve'); })(),
    (async () => { await corroborate(await login(CLERK.d), shandong.members[0]); await ok(await login(COUNTY[370102]), shandong.members[0].id, 'approve'); })(),
    (async () => { await corroborate(await login(CLERK.b), cross.members[0]); await corroborate(await login(CLERK.d), cross.members[1]); })(),
  ]);
  await reader;
  const rest = await drain(prov, cursor, { limit: 2 });
  got.push(...rest.events);
  assertDense(got, start.cursor);
  // exactly the province's events: every event of the Hebei and the cross-province group, none of Shandong's
  const expected = sql(`SELECT h.id FROM history h WHERE h.group_id IN (${hebei.id}, ${cross.id}, ${shandong.id})
      AND EXISTS (SELECT 1 FROM group_member m WHERE m.group_id = h.group_id AND m.province_code = '13') ORDER BY h.id`).map((r) => Number(r[0]));
  const ours = new Set([hebei.id, cross.id, shandong.id]);
  const mine = got.filter((e) => ours.has(e.group_id)).map((e) => e.history_id).sort((x, y) => x - y);
  assert.deepEqual(mine, expected, 'exactly the province\'s events');
  assert.ok(got.some((e) => e.group_id === cross.id), 'a cross-province group reaches both provinces');
  assert.ok(!got.some((e) => e.group_id === shandong.id), 'another province\'s group does not');
  const auto = got.find((e) => e.action === 'auto_reject' && e.group_id === hebei.id);
  assert.equal(auto.actor_role, 'system');
  assert.equal(auto.group_type, 'id_dup');
  // Shandong's feed has the cross-province group too; the ministry reads any province
  const sd = await drain(await login('ministry'), '', { province: '37' });
  assertDense(sd.events, '');
  assert.ok(sd.events.some((e) => e.group_id === cross.id) && sd.events.some((e) => e.group_id === shandong.id));
  // the same cursor again gives the same events: nothing consumed, nothing repeated
  const again = await prov.get(`/api/v1/feed?limit=1000&cursor=${start.cursor}`);
  assert.deepEqual(again.body.items.map((e) => e.seq).slice(0, got.length), got.map((e) => e.seq));
});

test('R29 feed: a writer that commits after a later one is neither skipped nor repeated', async () => {
  const prov = await login('prov_13');
  const { cursor } = await drain(prov, '');
  const g = makeGroup({ type: 'nbg_dup', members: [{ school: S.c }, { school: S.c }] });
  const after0 = await drain(prov, cursor);
  // a slow writer takes a history id, holds its transaction open, and commits after a quicker one
  const slow = spawn('mariadb', ['--no-defaults', '-uroot', `--socket=${VARDIR}/run/db.sock`, 'xueji', '-e',
    `START TRANSACTION; INSERT INTO history (group_id, actor_role, action) VALUES (${g.id}, 'system', 'slow_writer');
     SELECT SLEEP(1.5); COMMIT;`], { stdio: 'ignore' });
  const slowDone = new Promise((res) => slow.on('exit', res));
  await new Promise((res) => setTimeout(res, 400));
  const b = await corroborate(await login(CLERK.c), g.members[0]);
  const quickId = b.events[0].history_id;
  const t0 = Date.now();
  const r1 = await drain(prov, after0.cursor);
  await slowDone;
  const r2 = await drain(prov, r1.cursor);
  const all = [...r1.events, ...r2.events];
  assertDense(all, after0.cursor);
  const ids = all.map((e) => e.history_id);
  assert.ok(ids.includes(quickId), 'the quick writer\'s event');
  const slowRow = Number(sql(`SELECT id FROM history WHERE group_id = ${g.id} AND action = 'slow_writer'`)[0][0]);
  assert.ok(ids.includes(slowRow), 'the slow writer\'s event, although its id is lower and it committed later');
  assert.ok(slowRow < quickId, 'the slow writer took the lower id');
  assert.equal(new Set(ids).size, ids.length);
  assert.ok(Date.now() - t0 < 10000);
});

test('R29 feed: only provincial systems and bureaus of a province (the ministry names one)', async () => {
  assertError(await (await login(COUNTY[130102])).get('/api/v1/feed'), 403, 'forbidden');
  assertError(await (await login(CLERK.a)).get('/api/v1/feed'), 403, 'forbidden');
  assertError(await (await login('city_1301')).get('/api/v1/feed'), 403, 'forbidden');
  assertError(await (await login('ministry')).get('/api/v1/feed'), 422, 'invalid');
  assertError(await (await login('prov_13')).get('/api/v1/feed?cursor=abc'), 422, 'invalid');
  assertError(await (await login('prov_13')).get('/api/v1/feed?limit=0'), 422, 'invalid');
});

test('queues: for me to act, per role, with counts and age', async () => {
  const g = makeGroup({ type: 'id_dup', members: [{ school: S.e }, { school: S.d }] });
  const [E, D] = g.members;
  const ce = await login(CLERK.e);
  let q = (await ce.get('/api/v1/queue?limit=500')).body;
  assert.equal(q.queue, 'school_records');
  assert.ok(q.items.some((x) => x.member_id === E.id));
  assert.ok(!q.items.some((x) => x.member_id === D.id), 'only its own school');
  assert.ok(q.counts.total >= 1);
  await ok(ce, E.id, 'submit_delete', { confirm: true });
  q = (await ce.get('/api/v1/queue?limit=500')).body;
  assert.ok(!q.items.some((x) => x.member_id === E.id), 'handed on');
  const lq = (await (await login(LEADER.e)).get('/api/v1/queue')).body;
  assert.equal(lq.queue, 'leader_confirmations');
  assert.ok(lq.items.some((x) => x.member_id === E.id && x.handling === 'delete'));
  await ok(await login(LEADER.e), E.id, 'leader_decline', { reason: '再核实' });
  await corroborate(ce, E);
  await corroborate(await login(CLERK.d), D);
  const cq = (await (await login(COUNTY[370202])).get('/api/v1/queue')).body;
  assert.equal(cq.queue, 'reviews');
  assert.ok(cq.items.some((x) => x.member_id === E.id));
  assert.ok(!cq.items.some((x) => x.member_id === D.id), 'only its own county');
  assert.equal(cq.items.find((x) => x.member_id === E.id).school_name, '市南区市南小学', 'a review item names the school (R27)');
  await ok(await login(COUNTY[370202]), E.id, 'approve');
  await ok(await login(COUNTY[370102]), D.id, 'approve');
  const aq = (await (await login('prov_37')).get('/api/v1/queue')).body;
  assert.equal(aq.queue, 'arbitrations');
  const it = aq.items.find((x) => x.group_id === g.id);
  assert.ok(it, 'the province arbitrates between its two cities');
  assert.equal(it.approved, 2);
  assert.ok(it.due_date);
  assert.ok(!(await (await login('ministry')).get('/api/v1/queue')).body.items.some((x) => x.group_id === g.id));
  const adm = (await (await login('admin')).get('/api/v1/queue')).body;
  assert.equal(adm.queue, 'none');
});

test('statistics count groups by type and state and members by county, within the caller\'s jurisdiction', async () => {
  const stat = async (u) => (await (await login(u)).get('/api/v1/stats')).body;
  const before = { c: await stat(COUNTY[130202]), p: await stat('prov_13'), m: await stat('ministry'), o: await stat('prov_37') };
  makeGroup({ type: 'id_error', members: [{ school: S.c }] });
  makeGroup({ type: 'nbg_dup', members: [{ school: S.c }, { school: S.c }] });
  const after = { c: await stat(COUNTY[130202]), p: await stat('prov_13'), m: await stat('ministry'), o: await stat('prov_37') };
  const n = (s, t) => s.groups.by_type[t]?.open ?? 0;
  for (const k of ['c', 'p', 'm']) {
    assert.equal(n(after[k], 'id_error'), n(before[k], 'id_error') + 1, k);
    assert.equal(n(after[k], 'nbg_dup'), n(before[k], 'nbg_dup') + 1, k);
  }
  assert.equal(n(after.o, 'nbg_dup'), n(before.o, 'nbg_dup'));
  assert.deepEqual(after.c.counties.map((c) => c.code), ['130202']);
  assert.equal(after.c.counties[0].name, '路南区');
  assert.ok(after.p.counties.every((c) => c.code.startsWith('13')));
  assert.ok(after.c.counties[0].members_by_state.open >= 3);
  assertError(await (await login(CLERK.c)).get('/api/v1/stats'), 403, 'forbidden');
});

test('holidays are readable by every user', async () => {
  const r = await (await login(CLERK.a)).get('/api/v1/holidays?year=2026');
  assert.equal(r.status, 200);
  assert.equal(r.body.year, 2026);
  assert.ok(Array.isArray(r.body.days));
  assertError(await (await login(CLERK.a)).get('/api/v1/holidays?year=abc'), 422, 'invalid');
  assertError(await (await login(CLERK.a)).put('/api/v1/holidays', { year: 2026, days: [] }), 403, 'forbidden');
});

test('R29 feed: a cursor past the feed\'s end (the registry restored to an earlier moment) is refused saying where the feed ends, not answered "nothing new"', async () => {
  // before: answered 200 with no events and the same cursor back; after a restore, the numbers after the end go to
  // new events, which such a cursor skips in silence
  const c = await login('prov_13');
  const { cursor } = await drain(c, null);
  const end = Number(cursor);
  const r = await c.get(`/api/v1/feed?cursor=${end + 500}`);
  assertError(r, 409, 'conflict');
  assert.equal(r.body.error.field, 'cursor');
  assert.match(r.body.error.message_en, new RegExp(`its last event is ${end}\\b.*continue from cursor ${end}\\.`));
  const at = await c.get(`/api/v1/feed?cursor=${end}`);
  assert.equal(at.status, 200, 'the end itself is a cursor like any other');
});
