// lists.test.mjs: issue 10 item 6 / issue 13 (R30): one envelope for every list, {items: [...], next_cursor}, keyset
// paging by an opaque cursor that is refused (422, field "cursor") when tampered, from another list or another user.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertError } from '../lib/api.mjs';
import { as } from '../lib/registry.mjs';
import { login } from '../lib/workflow.mjs';

const LISTS = [
  ['county_130102', '/api/v1/students'], ['county_130102', '/api/v1/groups'], ['admin_13', '/api/v1/users'],
  ['admin_13', '/api/v1/units'], ['admin_13', '/api/v1/credentials'], ['admin_13', '/api/v1/security-log'],
  ['county_130102', '/api/v1/queue'], ['county_130102', '/api/v1/overdue'],
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
