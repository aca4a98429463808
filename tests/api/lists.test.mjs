// lists.test.mjs: issue 10 item 6 / issue 13 (R30): one envelope for every list, {items: [...], next_cursor}, keyset
// paging by an opaque cursor that is refused (422, field "cursor") when tampered, from another list or another user.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, sql } from '../lib/api.mjs';
import { as } from '../lib/registry.mjs';
import { login, makeGroup, settleGroups, todayCN, SCHOOLS as S } from '../lib/workflow.mjs';

const LISTS = [
  ['county_130102', '/api/v1/students'], ['county_130102', '/api/v1/groups'], ['admin_13', '/api/v1/users'],
  ['admin_13', '/api/v1/units'], ['admin_13', '/api/v1/credentials'], ['admin_13', '/api/v1/security-log'],
  ['county_130102', '/api/v1/queue'], ['county_130102', '/api/v1/overdue'], ['city_1301', '/api/v1/stats/schools'],
  ['county_130102', '/api/v1/reminders'],
];

test('issue 10.6 every list answers the one envelope {items, next_cursor} and nothing of a total', async () => {
  for (const [user, path] of LISTS) {
    const r = await (await login(user)).get(`${path}?limit=1`);
    assert.equal(r.status, 200, `${path}: ${r.text}`);
    assert.ok(Array.isArray(r.body.items), `${path}: items`);
    assert.ok('next_cursor' in r.body, `${path}: next_cursor`);
    for (const k of ['students', 'groups', 'events', 'offset', 'next_after', 'next_before']) assert.ok(!(k in r.body), `${path}: no ${k}`);
  }
});

test('issue 10.6 R30 a cursor walks every page without repeats; a tampered cursor, one of another list or of another user is 422', async () => {
  const c = await as('county_130102');
  const seen = new Set();
  let cursor = '';
  for (let i = 0; i < 50; i++) {
    const r = await c.get(`/api/v1/students?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(r.status, 200, r.text);
    for (const s of r.body.items) { assert.ok(!seen.has(s.id), `student ${s.id} repeated`); seen.add(s.id); }
    if (!r.body.next_cursor) break;
    cursor = r.body.next_cursor;
  }
  const first = await c.get('/api/v1/students?limit=1');
  const cur = first.body.next_cursor;
  assert.ok(cur);
  const bad = async (client, path, why) => {
    const r = await client.get(path);
    assertError(r, 422, 'invalid');
    assert.equal(r.body.error.field, 'cursor', why);
  };
  const flip = cur.slice(0, -2) + (cur.at(-2) === 'A' ? 'B' : 'A') + cur.at(-1);
  await bad(c, `/api/v1/students?cursor=${flip}`, 'tampered');
  await bad(c, '/api/v1/students?cursor=12345', 'made up');
  await bad(c, `/api/v1/students?cursor=${'x'.repeat(500)}`, 'over-long');
  await bad(c, `/api/v1/groups?cursor=${cur}`, 'from another list');
  await bad(await as('county_130104'), `/api/v1/students?cursor=${cur}`, 'from another user');
});

/** Every item of the caller's work queue, page by page (limit per page), and the first page's counts. */
async function walkQueue(client, limit, queue) {
  const out = [];
  let cursor = null, counts = null;
  do {
    const r = await client.get(`/api/v1/queue?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(r.status, 200, r.text);
    if (queue) assert.equal(r.body.queue, queue);
    out.push(...r.body.items);
    counts ??= r.body.counts;
    cursor = r.body.next_cursor;
  } while (cursor);
  return { out, counts };
}

test('issue 13.1 R24/R30: a county\'s review queue pages by cursor through its overdue and other reviews (two reads in the queue key\'s order, sql/398): every review once, overdue first, oldest step first', async () => {
  const day = (n) => new Date(Date.parse(todayCN() + 'T00:00:00Z') + n * 86400e3).toISOString().slice(0, 10);
  const made = [];
  for (let i = 0; i < 12; i++) {
    const g = makeGroup({ type: 'id_dup', members: [{ school: S.a, state: 'awaiting_review', dueDate: day(i % 3 ? 5 - i : -i) },
      { school: S.a2, state: 'awaiting_review', dueDate: i % 4 ? day(2) : null }] });
    // steps started in an order unlike the ids, some at the same instant (the id decides)
    sql(`UPDATE group_member SET step_started_at = UTC_TIMESTAMP(6) - INTERVAL ${(i * 7) % 5} HOUR WHERE group_id = ${g.id}`);
    made.push(g.id);
  }
  const county = await login('county_130102');
  const walk = (limit) => walkQueue(county, limit);
  const all = await walk(500);
  const ids = all.out.map((x) => x.member_id);
  assert.equal(new Set(ids).size, ids.length, 'no review twice');
  assert.equal(ids.length, all.counts.total, 'the walk holds the whole queue (counts.total)');
  assert.equal(all.out.filter((x) => x.overdue).length, all.counts.overdue);
  const first = all.out.findIndex((x) => !x.overdue);
  assert.ok(first > 0 && all.out.slice(first).every((x) => !x.overdue), 'the overdue reviews first');
  for (const part of [all.out.slice(0, first), all.out.slice(first)])
    for (let i = 1; i < part.length; i++)
      assert.ok(part[i - 1].age_seconds >= part[i].age_seconds, `oldest step first: ${part[i - 1].member_id}, ${part[i].member_id}`);
  for (const id of made) assert.ok(all.out.some((x) => x.group_id === id), `group ${id} listed`);
  assert.deepEqual((await walk(3)).out.map((x) => x.member_id), ids, 'pages of 3 list the same reviews in the same order');
  settleGroups(made);
});

test('issue 13.1 R25/R30: a bureau\'s arbitration list pages by cursor through its overdue and other arbitrations (two reads of k_group_arbiter, sql/399): every group once, overdue first, longest waiting first', async () => {
  const day = (n) => new Date(Date.parse(todayCN() + 'T00:00:00Z') + n * 86400e3).toISOString().slice(0, 10);
  const made = [];
  for (let i = 0; i < 10; i++) {
    const g = makeGroup({ type: 'id_dup', members: [{ school: S.a }, { school: S.b }] }); // two counties: the city arbitrates
    sql(`UPDATE problem_group SET state = 'awaiting_arbitration', arb_since = UTC_TIMESTAMP(6) - INTERVAL ${(i * 3) % 4} DAY,
      arb_due_date = '${day(i % 3 ? 4 - i : 3)}' WHERE id = ${g.id}`);
    made.push(g.id);
  }
  const city = await login('city_1301');
  const walk = (limit) => walkQueue(city, limit, 'arbitrations');
  const all = await walk(500);
  const ids = all.out.map((x) => x.group_id);
  assert.equal(new Set(ids).size, ids.length, 'no group twice');
  assert.equal(ids.length, all.counts.total);
  assert.equal(all.out.filter((x) => x.overdue).length, all.counts.overdue);
  const first = all.out.findIndex((x) => !x.overdue);
  assert.ok(first > 0 && all.out.slice(first).every((x) => !x.overdue), 'the overdue arbitrations first');
  for (const part of [all.out.slice(0, first), all.out.slice(first)])
    for (let i = 1; i < part.length; i++) assert.ok(part[i - 1].age_seconds >= part[i].age_seconds, 'longest waiting first');
  for (const id of made) assert.ok(ids.includes(id), `group ${id} listed`);
  assert.deepEqual((await walk(2)).out.map((x) => x.group_id), ids, 'pages of 2 list the same groups in the same order');
  settleGroups(made);
});
