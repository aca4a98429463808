// ministry-credential.test.mjs: issue 16 item 5 (R29): a ministry-level credential for national systems: the ministry's
// administrator creates it; it reads across the country (like a provincial credential, scoped to the country) and
// writes nothing: every unsafe method is 403, logged as denied, nothing stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sqlCount, assertError } from '../lib/api.mjs';
import { remember, BearerClient, login } from '../lib/auth.mjs';
import { record } from '../lib/registry.mjs';

test('issue 16.5 R29 the ministry credential reads nationally and writes nothing', async () => {
  const admin = await login('admin');
  const r = await admin.post('/api/v1/credentials', { name: '国家学籍系统' });
  assert.equal(r.status, 201, r.text);
  remember(r.body.token);
  assert.equal(r.body.credential.unit.code, '000000');
  const nat = new BearerClient(r.body.token);
  const list = await nat.get('/api/v1/students?limit=200');
  assert.equal(list.status, 200, list.text);
  assert.ok(list.body.items.length > 0);
  for (const p of ['/api/v1/feed', '/api/v1/stats', '/api/v1/overdue']) {
    const g = await nat.get(p);
    assert.ok(g.status < 500, `${p}: ${g.status} ${g.text}`);
  }
  const before = sqlCount('SELECT COUNT(*) FROM student');
  const denied = () => sqlCount(`SELECT COUNT(*) FROM security_log WHERE event = 'denied' AND actor_credential_id = ${r.body.credential.id}`);
  const d0 = denied();
  assertError(await nat.post('/api/v1/students/batch', { records: [record({ code: '1301020001' })] }), 403, 'forbidden');
  assertError(await nat.post('/api/v1/register-results', { results: [] }), 403, 'forbidden');
  assertError(await nat.post('/api/v1/imports', 'x', { headers: { 'content-type': 'text/csv' } }), 403, 'forbidden');
  assert.equal(sqlCount('SELECT COUNT(*) FROM student'), before, 'nothing stored');
  assert.equal(denied(), d0 + 3, 'each refusal is in the security log');
});
