// error-shape.test.mjs: issue 10 item 5: one error body for every route and every layer (router, JSON readers, auth,
// registry, workflow, evidence, nginx's own pages): {"error":{"code","message","message_en","field",...}} with the Chinese
// text in `message` and the English one in `message_en`, never both languages in one string.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { http, sqlCount } from '../lib/api.mjs';
import { as, record, SCHOOLS } from '../lib/registry.mjs';
import { login, makeGroup, member, SCHOOLS as WS, CLERK } from '../lib/workflow.mjs';

const HAN = /[\u4e00-\u9fff]/;

/** The one shape: code, Chinese message, English message_en, field (string or null), nothing more required. */
function assertShape(r, status, where) {
  assert.equal(r.status, status, `${where}: ${r.text}`);
  const e = r.body?.error;
  assert.ok(e && typeof e === 'object', `${where}: a JSON error body: ${r.text}`);
  assert.equal(typeof e.code, 'string', where);
  assert.match(e.message, HAN, `${where}: message is Chinese: ${e.message}`);
  assert.equal(typeof e.message_en, 'string', where);
  assert.doesNotMatch(e.message_en, HAN, `${where}: message_en is English: ${e.message_en}`);
  assert.ok('field' in e && (e.field === null || typeof e.field === 'string'), `${where}: field`);
  for (const k of Object.keys(r.body)) assert.equal(k, 'error', `${where}: nothing beside "error" (${k})`);
  return e;
}

test('issue 10.5 the router, the HTTP layer and sign-in answer the one error shape', async () => {
  assertShape(await http('GET', '/api/v1/nope'), 404, 'no route');
  assertShape(await http('POST', '/api/v1/health', { body: {} }), 405, 'wrong method');
  assertShape(await http('GET', '/api/v1/queue'), 401, 'not signed in');
  assertShape(await http('POST', '/api/v1/session', { raw: '{"username":', headers: { 'content-type': 'application/json' } }), 400, 'bad JSON');
  const wrong = assertShape(await http('POST', '/api/v1/session', { body: { username: 'clerk_a', password: 'not-the-password-1' } }), 401, 'wrong password');
  assert.match(wrong.message, /密码/);
  const c = await login(CLERK.a);
  assertShape(await c.get('/api/v1/users'), 403, 'role');
  const f = assertShape(await c.put('/api/v1/session/password', { old_password: 1 }), 422, 'a field of the wrong type');
  assert.equal(f.field, 'old_password');
});

test('issue 10.5 registry refusals: the one shape, field errors in details, nothing stored', async () => {
  const before = sqlCount('SELECT COUNT(*) FROM student');
  const r = await (await as('clerk_a')).post('/api/v1/students', record(SCHOOLS.a, { gender: 'X', birth_date: 'soon' }));
  const e = assertShape(r, 422, 'registration');
  assert.ok(Array.isArray(e.details) && e.details.length >= 2, 'every field error is listed in details');
  for (const d of e.details) {
    assert.match(d.message, HAN, d.field);
    assert.doesNotMatch(d.message_en, HAN, d.field);
  }
  assert.equal(sqlCount('SELECT COUNT(*) FROM student'), before);
});

test('issue 10.5 workflow and evidence refusals: the one shape, each language on its own', async () => {
  const g = makeGroup({ type: 'id_dup', members: [{ school: WS.a }, { school: WS.b }] });
  const c = await login(CLERK.a);
  const id = g.members[0].id, v = member(id).version;
  const missing = assertShape(await c.post(`/api/v1/members/${id}/actions`, { action: 'submit_corroborate', opinion: '在读', expected_version: v }), 422, 'evidence missing');
  assert.equal(missing.field, 'evidence_ids');
  assertShape(await c.post(`/api/v1/members/${id}/actions`, { action: 'no_such_action', expected_version: v }), 422, 'unknown action');
  assertShape(await c.post(`/api/v1/members/${id}/actions`, { action: 'submit_corroborate', opinion: '在读', expected_version: v + 7 }), 409, 'stale version');
  assertShape(await c.req('POST', '/api/v1/evidence', { raw: 'x', headers: { 'content-type': 'text/plain' } }), 415, 'evidence: not multipart');
});

test('issue 10.5 nginx\'s own refusals use the same shape', async () => {
  const big = assertShape(await http('PUT', '/api/v1/session/password', { raw: 'x'.repeat(5000), headers: { 'content-type': 'application/json' } }), 413, 'nginx 413');
  assert.equal(big.code, 'too_large');
  assertShape(await http('GET', '/api/v1/students?q=' + 'x'.repeat(20000)), 414, 'nginx 414');
});
