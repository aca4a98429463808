// overdue-paging.test.mjs: issue 13 item 1 (R24, R30): the overdue list is keyset-paged by the signed cursor (one
// envelope {items, next_cursor}), most overdue first (due day, group, member, kind); walking it while overdue steps are
// added between pages repeats nothing and skips nothing that was there; a group's arbitration and deadline rows are one
// row each however many of its members the caller holds; a tampered cursor, one of another list, of the same list with
// other filters or of another user is 422 naming "cursor".
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, sql } from '../lib/api.mjs';
import { SCHOOLS as S, login, settledGroups, todayCN } from '../lib/workflow.mjs';

// this suite's groups leave the work lists afterwards, so other suites' first pages of the overdue list are theirs
const groups = settledGroups();
const makeGroup = groups.make;
after(groups.settle);

// due days older than any other suite's (escalation uses 2001): these rows come first in the list
const D = (n) => `2000-01-${String(n).padStart(2, '0')}`;
const yesterday = () => new Date(Date.parse(todayCN() + 'T00:00:00Z') - 86400e3).toISOString().slice(0, 10);
const RANK = { member: 0, arbitration: 1, deadline: 2 };
const keyOf = (x) => `${x.kind}:${x.group_id}:${x.member_id ?? 0}`;
const cmp = (a, b) => (a.due_date < b.due_date ? -1 : a.due_date > b.due_date ? 1 : 0) || a.group_id - b.group_id
  || (a.member_id ?? 0) - (b.member_id ?? 0) || RANK[a.kind] - RANK[b.kind];

/** Every row of an overdue list, page by page (limit per page). */
async function walk(c, path, limit) {
  const out = [];
  let cursor = null;
  for (let i = 0; i < 10000; i++) {
    const r = await c.get(`${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(r.status, 200, r.text);
    out.push(...r.body.items);
    cursor = r.body.next_cursor;
    if (!cursor) return out;
  }
  throw new Error('no end');
}

test('issue 13.1 R24/R30: the overdue list pages by cursor, stable under inserts between pages (no repeats, no gaps), most overdue first', async () => {
  const two = { type: 'id_dup', members: [{ school: S.a, dueDate: D(5) }, { school: S.a2, dueDate: D(6) }] };
  const groups = [makeGroup(two), makeGroup(two), makeGroup(two), makeGroup({ ...two, deadline: D(7) })];
  const arb = groups[3];
  sql(`UPDATE problem_group SET state = 'awaiting_arbitration', arb_since = UTC_TIMESTAMP(6) - INTERVAL 3 DAY,
       arb_due_date = '${D(7)}' WHERE id = ${arb.id}`);
  const county = await login('county_130102');
  const before = await walk(county, '/api/v1/overdue', 1000);
  const mine = new Set(groups.flatMap((g) => g.members.map((m) => `member:${g.id}:${m.id}`)));
  for (const k of mine) assert.ok(before.some((x) => keyOf(x) === k), `${k} listed`);
  // the group with two of the county's members: its arbitration and its deadline are one row each
  assert.equal(before.filter((x) => keyOf(x) === `arbitration:${arb.id}:0`).length, 1);
  assert.equal(before.filter((x) => keyOf(x) === `deadline:${arb.id}:0`).length, 1);

  // page by page (3 rows), adding overdue steps before the cursor and after it between the pages
  const seen = [];
  let cursor = null, early = null, late = null;
  for (let page = 0; page < 10000; page++) {
    const limit = page < 3 ? 3 : 200;
    const r = await county.get(`/api/v1/overdue?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.body.items.length <= limit);
    seen.push(...r.body.items);
    if (page === 0) { // due before the cursor: on no later page; due yesterday, after the cursor: on a later page
      early = makeGroup({ type: 'id_dup', members: [{ school: S.a, dueDate: D(1) }, { school: S.a2, dueDate: D(1) }] });
      late = makeGroup({ type: 'id_dup', members: [{ school: S.a, dueDate: yesterday() }, { school: S.b, dueDate: yesterday() }] });
    }
    cursor = r.body.next_cursor;
    if (!cursor) break;
  }
  const keys = seen.map(keyOf);
  assert.equal(new Set(keys).size, keys.length, `no row repeated: ${keys.filter((k, i) => keys.indexOf(k) !== i)}`);
  for (const x of before) assert.ok(keys.includes(keyOf(x)), `no gap: ${keyOf(x)} was there before the walk`);
  for (let i = 1; i < seen.length; i++) assert.ok(cmp(seen[i - 1], seen[i]) < 0, `ordered: ${keyOf(seen[i - 1])} before ${keyOf(seen[i])}`);
  assert.ok(!keys.includes(`member:${early.id}:${early.members[0].id}`), 'a step added before the cursor is not on a later page');
  assert.ok(keys.includes(`member:${late.id}:${late.members[0].id}`), 'a step added after the cursor is on a later page');
  assert.ok(!keys.includes(`member:${late.id}:${late.members[1].id}`), 'another county\'s member is not the county\'s (R1–R3)');
  const first = (await county.get('/api/v1/overdue?limit=3')).body.items;
  assert.equal(keyOf(first[0]), `member:${early.id}:${early.members[0].id}`, 'a fresh first page starts with the most overdue');
});

test('issue 13.1 R30: an overdue-list cursor tampered, made up, from another list, with other filters or of another user is 422 "cursor"', async () => {
  makeGroup({ type: 'id_dup', members: [{ school: S.a, dueDate: D(8) }, { school: S.a2, dueDate: D(8) }] });
  const county = await login('county_130102');
  const r = await county.get('/api/v1/overdue?limit=1');
  assert.equal(r.status, 200, r.text);
  const cur = r.body.next_cursor;
  assert.ok(cur, 'a full page has a next cursor');
  const queueCur = (await county.get('/api/v1/queue?limit=1')).body.next_cursor;
  const bad = async (client, path, why) => {
    const x = await client.get(path);
    assertError(x, 422, 'invalid');
    assert.equal(x.body.error.field, 'cursor', why);
  };
  const flip = cur.slice(0, -2) + (cur.at(-2) === 'A' ? 'B' : 'A') + cur.at(-1);
  await bad(county, `/api/v1/overdue?cursor=${flip}`, 'tampered');
  await bad(county, '/api/v1/overdue?cursor=garbage', 'made up');
  await bad(county, `/api/v1/overdue?cursor=${'A'.repeat(900)}`, 'over-long');
  if (queueCur) await bad(county, `/api/v1/overdue?cursor=${queueCur}`, 'from the queue');
  await bad(county, `/api/v1/groups?cursor=${cur}`, 'an overdue cursor on the problem list');
  await bad(county, `/api/v1/overdue?type=nbg_dup&cursor=${cur}`, 'the same list with another filter');
  await bad(await login('county_130104'), `/api/v1/overdue?cursor=${cur}`, 'another user');
  assert.equal((await county.get(`/api/v1/overdue?limit=1&cursor=${cur}`)).status, 200, 'the cursor itself still works');
});

test('issue 13.1 R24/R30: pages read up to a bound (the n-th late member\'s day) list exactly what one page lists: small pages, a sparse name search, a cursor', async () => {
  // more late members than a small page's bound reads (4 x limit + 64), their rows' days interleaved: half the groups
  // are past their clearance deadline before their members are late (the member's first late day is the group's),
  // some await arbitration, and members of other units' groups are late too
  const E = (n) => `2000-02-${String(1 + (n % 27)).padStart(2, '0')}`;
  const made = [];
  for (let i = 0; i < 40; i++) {
    const g = makeGroup({
      type: i % 5 === 0 ? 'nbg_dup' : 'id_dup', deadline: i % 2 ? E(i) : null,
      members: [{ school: S.a, dueDate: E(i + 3) }, { school: i % 3 ? S.a2 : S.b, dueDate: E(i * 7) }],
    });
    if (i % 4 === 1) sql(`UPDATE problem_group SET state = 'awaiting_arbitration', arb_since = UTC_TIMESTAMP(6) - INTERVAL 9 DAY,
      arb_due_date = '${E(i * 11)}' WHERE id = ${g.id}`);
    made.push(g);
  }
  const county = await login('county_130102');
  const all = await walk(county, '/api/v1/overdue', 1000);
  assert.ok(all.length > 100, `the county lists more rows than the bound of a 1-row page (${all.length})`);
  for (const g of made) assert.ok(all.some((x) => x.group_id === g.id), `group ${g.id} listed`);
  for (const limit of [1, 2, 7]) {
    const paged = await walk(county, '/api/v1/overdue', limit);
    assert.deepEqual(paged.map(keyOf), all.map(keyOf), `pages of ${limit} list the same rows in the same order`);
  }
  // a search matching few of the many late members: the bound widens until the page is full or the list ends
  const g = made.find((x) => x.type === 'nbg_dup');
  const named = await walk(county, `/api/v1/overdue?name=${encodeURIComponent(g.name)}`, 1000);
  assert.ok(named.some((x) => x.kind === 'member' && x.group_id === g.id), 'the searched member is listed');
  assert.deepEqual((await walk(county, `/api/v1/overdue?name=${encodeURIComponent(g.name)}`, 1)).map(keyOf), named.map(keyOf));
  // the ministry by the name's first character (a surname: read on (s_initial, ov_day), sql/401)
  const ministry = await login('ministry');
  const sur = encodeURIComponent([...g.name][0]);
  const bySurname = await walk(ministry, `/api/v1/overdue?name=${sur}`, 1000);
  assert.ok(bySurname.some((x) => x.kind === 'member' && x.group_id === g.id), 'the searched member is listed by its surname');
  assert.deepEqual((await walk(ministry, `/api/v1/overdue?name=${sur}`, 1)).map(keyOf), bySurname.map(keyOf));
  // the same from the city above, by type: the bound is the city's
  const city = await login('city_1301');
  const nbg = await walk(city, '/api/v1/overdue?type=nbg_dup', 1000);
  assert.deepEqual((await walk(city, '/api/v1/overdue?type=nbg_dup', 3)).map(keyOf), nbg.map(keyOf));
});
