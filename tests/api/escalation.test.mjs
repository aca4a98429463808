// escalation.test.mjs: issue 11 item 9 (R24): overdue reaches the next level. The overdue list names the unit whose
// step it is, how long it waited and whether it is escalated (more than XJ_ESCALATE_WORKING_DAYS, default 5, working
// days past due); the unit directly above is reminded in its work queue (schools -> county, county reviews -> city,
// a city's arbitration -> province); who decides does not change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from '../lib/api.mjs';
import { SCHOOLS as S, login, makeGroup, act, todayCN } from '../lib/workflow.mjs';

// a due date older than any other test's, so these steps come first in the lists (most overdue first)
const LONG_AGO = '2001-02-05';
const yesterday = () => new Date(Date.parse(todayCN() + 'T00:00:00Z') - 86400e3).toISOString().slice(0, 10);
const unitName = (code) => sql(`SELECT name FROM unit WHERE code = '${code}'`)[0][0];

/** Walk the first page of an overdue list / reminders for the item of member m (or group g). */
const find = (items, m, g) => (items || []).find((x) => (m ? x.member_id === m : x.kind === 'arbitration' && x.group_id === g));

/** Every reminder of a county or bureau, page by page (GET /api/v1/reminders, keyset-paged). */
async function reminders(client, limit = 50) {
  const out = [];
  let cursor = null;
  do {
    const r = await client.get(`/api/v1/reminders?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(r.status, 200, r.text);
    out.push(...r.body.items);
    cursor = r.body.next_cursor;
  } while (cursor);
  return out;
}

test('issue 11.9 R24: the overdue list gives each step\'s unit, age and escalation; a step just overdue is not escalated', async () => {
  const g = makeGroup({ type: 'id_dup', members: [{ school: S.a, dueDate: LONG_AGO }, { school: S.b, dueDate: yesterday() }] });
  const [A, B] = g.members;
  sql(`UPDATE group_member SET step_started_at = UTC_TIMESTAMP(6) - INTERVAL 40 DAY WHERE id = ${A.id}`);
  const city = await login('city_1301');
  const r = await city.get('/api/v1/overdue?limit=1000');
  assert.equal(r.status, 200, r.text);
  const a = find(r.body.items, A.id), b = find(r.body.items, B.id);
  assert.ok(a && b, 'both overdue steps listed');
  assert.deepEqual(a.unit, { code: S.a, name: unitName(S.a), level: 4 });
  assert.equal(a.escalated, true);
  assert.equal(a.age_days, 40);
  assert.equal(b.escalated, false, 'one day overdue: not escalated');
  assert.equal(b.unit.code, S.b);
});

test('issue 11.9 R24: escalated school steps remind their county; a county\'s escalated review reminds the city; a city\'s arbitration the province', async () => {
  // school step (open) long overdue at school a: the county 130102 is reminded, the city is not (not directly above)
  const g1 = makeGroup({ type: 'id_dup', members: [{ school: S.a, dueDate: LONG_AGO }, { school: S.a2, dueDate: yesterday() }] });
  // a county review (awaiting_review) long overdue in county 130104: the city is reminded
  const g2 = makeGroup({ type: 'id_dup', members: [{ school: S.b, state: 'awaiting_review', dueDate: LONG_AGO }, { school: S.b }] });
  // a city's arbitration (schools of two counties of 石家庄) long overdue: the province is reminded
  const g3 = makeGroup({ type: 'id_dup', members: [{ school: S.a, state: 'approved' }, { school: S.b, state: 'approved' }] });
  sql(`UPDATE problem_group SET state = 'awaiting_arbitration', arb_since = UTC_TIMESTAMP(6) - INTERVAL 60 DAY, arb_due_date = '${LONG_AGO}' WHERE id = ${g3.id}`);
  const county = await login('county_130102'), city = await login('city_1301'), prov = await login('prov_13');
  const qc = { reminders: await reminders(county) }, qm = { reminders: await reminders(city) }, qp = { reminders: await reminders(prov) };
  const r1 = find(qc.reminders, g1.members[0].id);
  assert.ok(r1, 'the county is reminded of its school\'s step');
  assert.equal(r1.unit.code, S.a);
  assert.equal(r1.escalated, true);
  assert.equal(find(qc.reminders, g1.members[1].id), undefined, 'a step just overdue is no reminder');
  assert.equal(find(qm.reminders, g1.members[0].id), undefined, 'the city is not directly above a school');
  const r2 = find(qm.reminders, g2.members[0].id);
  assert.ok(r2, 'the city is reminded of its county\'s review');
  assert.equal(r2.unit.code, '130104');
  assert.equal(r2.state, 'awaiting_review');
  const r3 = find(qp.reminders, null, g3.id);
  assert.ok(r3, 'the province is reminded of its city\'s arbitration');
  assert.equal(r3.unit.code, '130100');
  assert.equal(r3.age_days, 60);
  // a reminder does not change who decides: the city cannot act on the school's step, the province cannot arbitrate
  assert.ok([403, 409].includes((await act(county, g1.members[0].id, 'submit_corroborate', { opinion: 'x' })).status));
  assert.equal(sql(`SELECT state FROM group_member WHERE id = ${g1.members[0].id}`)[0][0], 'open', 'nothing changed');
  assert.equal((await prov.post(`/api/v1/groups/${g3.id}/arbitration`, { member_id: g3.members[0].id, reason: 'x' })).status, 403);
  // the school itself has no reminders list; the work queue does not carry them
  assert.equal((await (await login('clerk_a')).get('/api/v1/reminders')).status, 403);
  assert.equal((await county.get('/api/v1/queue?limit=1')).body.reminders, undefined);
});

test('issue 11.9 R24, R30: a county\'s reminders are keyset-paged: every escalated step once, most overdue first, on every page', async () => {
  // more reminders than a page: before, the queue's first page answered the first 100 and left the rest out
  const days = ['2001-03-03', '2001-03-04', '2001-03-04', '2001-03-05']; // (after the browser test's steps: they stay on its first page)
  const mine = [];
  for (const d of days) {
    const g = makeGroup({ type: 'id_dup', members: [{ school: S.a, dueDate: d }, { school: S.a2, dueDate: d }] });
    mine.push(...g.members.map((x) => x.id));
  }
  const county = await login('county_130102');
  const all = await reminders(county, 50);
  for (const limit of [1, 3]) {
    const paged = await reminders(county, limit);
    assert.deepEqual(paged.map((x) => `${x.kind}:${x.group_id}:${x.member_id}`), all.map((x) => `${x.kind}:${x.group_id}:${x.member_id}`),
      `pages of ${limit}: the same reminders in the same order`);
  }
  const key = (x) => [x.due_date, x.group_id, x.member_id ?? 0];
  for (let i = 1; i < all.length; i++) {
    const [a, b] = [key(all[i - 1]), key(all[i])];
    assert.ok(a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] < b[2]))), `in order: ${a} before ${b}`);
  }
  for (const id of mine) assert.equal(all.filter((x) => x.member_id === id).length, 1, `member ${id}: once`);
  // a cursor of another list, or tampered, is refused (422 cursor) and answers nothing
  const first = await county.get('/api/v1/reminders?limit=1');
  assert.ok(first.body.next_cursor);
  const bad = await county.get(`/api/v1/reminders?limit=1&cursor=${encodeURIComponent(first.body.next_cursor.slice(0, -2) + 'xx')}`);
  assert.equal(bad.status, 422, bad.text);
  assert.equal(bad.body.error.field, 'cursor');
  const other = (await county.get('/api/v1/overdue?limit=1')).body.next_cursor;
  if (other) assert.equal((await county.get(`/api/v1/reminders?limit=1&cursor=${encodeURIComponent(other)}`)).status, 422);
  assert.equal((await county.get('/api/v1/reminders?limit=0')).status, 422);
  assert.equal((await county.get('/api/v1/reminders?limit=201')).status, 422);
});
