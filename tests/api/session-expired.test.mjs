// session-expired.test.mjs: issue 11 item 11 (R3): a request with a session that ended says so (error.reason
// session_expired), apart from one without any session and from a wrong password at sign-in; the session tells the app
// its idle timeout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, http, sql, assertError } from '../lib/api.mjs';

test('issue 11.11 R3: GET /api/v1/session gives the idle timeout (1800 s)', async () => {
  const c = await Client.login('clerk_a');
  const r = await c.get('/api/v1/session');
  assert.equal(r.status, 200);
  assert.equal(r.body.idle_timeout_seconds, 1800);
});

test('issue 11.11 R3: an idle session answers 401 session_expired; no session: plain 401; a wrong password: its own words', async () => {
  const c = await Client.login('clerk_a');
  const sid = sql(`SELECT id FROM session WHERE token_hash = UNHEX(SHA2('${c.cookie.split('=')[1]}', 256))`)[0][0];
  assert.equal((await c.get('/api/v1/queue?limit=1')).status, 200);
  sql(`UPDATE session SET last_seen = UTC_TIMESTAMP(6) - INTERVAL 1801 SECOND WHERE id = ${sid}`);
  const r = await c.get('/api/v1/queue?limit=1');
  assertError(r, 401, 'unauthenticated');
  assert.equal(r.body.error.reason, 'session_expired');
  assert.match(r.body.error.message, /登录已超时/);
  assert.match(r.body.error.message_en, /session has ended/);
  // the minutes it names are the idle timeout the session states (POLICY_SESSION_IDLE_SECONDS), not a copy
  const min = (await (await Client.login('clerk_a')).get('/api/v1/session')).body.idle_timeout_seconds / 60;
  assert.ok(r.body.error.message.includes(`（${min} 分钟没有操作）`), r.body.error.message);
  assert.ok(r.body.error.message_en.includes(`(${min} minutes without activity`), r.body.error.message_en);
  // signed out: the same (the cookie names an ended session)
  const d = await Client.login('clerk_a');
  const cookie = d.cookie;
  assert.equal((await d.del('/api/v1/session')).status, 204);
  const after = await http('GET', '/api/v1/queue?limit=1', { headers: { cookie } });
  assert.equal(after.body.error.reason, 'session_expired');
  // no cookie at all: please sign in, no reason
  const none = await http('GET', '/api/v1/queue?limit=1');
  assertError(none, 401, 'unauthenticated');
  assert.equal(none.body.error.reason, undefined);
  assert.doesNotMatch(none.body.error.message, /超时/);
  // a wrong password says so, not "expired"
  const wrong = await http('POST', '/api/v1/session', { body: { username: 'clerk_a', password: 'wrong-password-1' }, headers: { cookie } });
  assertError(wrong, 401, 'unauthenticated');
  assert.match(wrong.body.error.message, /用户名或密码错误/);
  assert.equal(wrong.body.error.reason, undefined);
});
