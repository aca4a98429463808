// auth.test.mjs: issue 3: sessions, CSRF, passwords, back-off, users and roles (R3), units (R1), provincial
// credentials (R29), the security log, and that no password or token ever appears in a log or response.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { http, DEMO_PASSWORD, VARDIR, sql, sqlCount, assertError } from '../lib/api.mjs';
import {
  DEMO_TOKENS, SECRETS, remember, BearerClient, httpFrom, login, tokenOf, unitId, userId, uniqueName,
  makeUser, clearFailures, seclog,
} from '../lib/auth.mjs';

const sha = (t) => `UNHEX(SHA2('${t}', 256))`;
const json = (o) => ({ body: o });
let admin13, adminAll;

async function admins() {
  admin13 ??= await login('admin_13');
  adminAll ??= await login('admin');
  return { admin13, adminAll };
}

// ---------------------------------------------------------------- sessions

test('sign-in sets an HttpOnly SameSite=Strict cookie with a 256-bit token, stored only as its SHA-256', async () => {
  const r = await http('POST', '/api/v1/session', json({ username: 'clerk_a', password: DEMO_PASSWORD }));
  assert.equal(r.status, 201);
  const set = r.headers.get('set-cookie');
  assert.match(set, /^xj_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200/);
  assert.doesNotMatch(set, /Secure/); // XJ_SECURE_COOKIES=0 on the test instance (plain http)
  const token = /xj_session=([^;]+)/.exec(set)[1];
  remember(token, r.body.csrf_token);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.ok(!r.text.includes(token), 'token not in the body');
  assert.equal(r.body.user.username, 'clerk_a');
  assert.equal(r.body.must_change_password, false);
  assert.match(r.body.csrf_token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(sqlCount(`SELECT COUNT(*) FROM session WHERE token_hash = ${sha(token)}`), 1);
  assert.equal(sqlCount(`SELECT COUNT(*) FROM session WHERE token_hash = '${token}' OR csrf_token = '${token}' OR addr = '${token}'`), 0);
});

test('session fixation: a cookie set before sign-in is not the session after, and a prior session is ended', async () => {
  const planted = 'A'.repeat(43);
  const r = await http('POST', '/api/v1/session', { body: { username: 'clerk_a', password: DEMO_PASSWORD }, headers: { cookie: `xj_session=${planted}` } });
  assert.equal(r.status, 201);
  const issued = /xj_session=([^;]+)/.exec(r.headers.get('set-cookie'))[1];
  remember(issued);
  assert.notEqual(issued, planted);
  assertError(await http('GET', '/api/v1/session', { headers: { cookie: `xj_session=${planted}` } }), 401, 'unauthenticated');
  // signing in again with a live session cookie (a state-changing request of that session: it needs the session's
  // CSRF token, so no other site can swap the browser's account) issues a new token and ends the old session
  const withLive = { username: 'clerk_a', password: DEMO_PASSWORD };
  assertError(await http('POST', '/api/v1/session', { body: withLive, headers: { cookie: `xj_session=${issued}` } }), 403, 'csrf');
  const again = await http('POST', '/api/v1/session', { body: withLive, headers: { cookie: `xj_session=${issued}`, 'x-csrf-token': r.body.csrf_token } });
  assert.equal(again.status, 201);
  const second = /xj_session=([^;]+)/.exec(again.headers.get('set-cookie'))[1];
  remember(second);
  assert.notEqual(second, issued);
  assertError(await http('GET', '/api/v1/session', { headers: { cookie: `xj_session=${issued}` } }), 401);
  assert.equal((await http('GET', '/api/v1/session', { headers: { cookie: `xj_session=${second}` } })).status, 200);
});

test('idle timeout: a session unused for 30 minutes is refused', async () => {
  const c = await login('clerk_b');
  assert.equal((await c.get('/api/v1/session')).status, 200);
  sql(`UPDATE session SET last_seen = UTC_TIMESTAMP(6) - INTERVAL 31 MINUTE WHERE token_hash = ${sha(tokenOf(c))}`);
  assertError(await c.get('/api/v1/session'), 401, 'unauthenticated');
});

test('idle timeout slides with activity: 29 minutes idle is still valid and resets the clock', async () => {
  const c = await login('clerk_b');
  sql(`UPDATE session SET last_seen = UTC_TIMESTAMP(6) - INTERVAL 29 MINUTE WHERE token_hash = ${sha(tokenOf(c))}`);
  assert.equal((await c.get('/api/v1/session')).status, 200);
  const idle = sqlCount(`SELECT TIMESTAMPDIFF(SECOND, last_seen, UTC_TIMESTAMP(6)) FROM session WHERE token_hash = ${sha(tokenOf(c))}`);
  assert.ok(idle < 60, `last_seen refreshed (idle ${idle}s)`);
});

test('absolute timeout: a session past 12 hours is refused even while active', async () => {
  const c = await login('clerk_b');
  const expiry = sqlCount(`SELECT TIMESTAMPDIFF(MINUTE, created_at, expires_at) FROM session WHERE token_hash = ${sha(tokenOf(c))}`);
  assert.equal(expiry, 12 * 60);
  sql(`UPDATE session SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE token_hash = ${sha(tokenOf(c))}`);
  assertError(await c.get('/api/v1/session'), 401);
});

test('sign-out ends the session on the server: the old cookie is then 401', async () => {
  const c = await login('leader_a');
  const cookie = c.cookie;
  const r = await c.del('/api/v1/session');
  assert.equal(r.status, 204);
  assert.match(r.headers.get('set-cookie'), /xj_session=; .*Max-Age=0/);
  assert.equal(sqlCount(`SELECT COUNT(*) FROM session WHERE token_hash = ${sha(cookie.slice(11))} AND ended_at IS NOT NULL`), 1);
  assertError(await http('GET', '/api/v1/session', { headers: { cookie } }), 401);
  assertError(await http('DELETE', '/api/v1/session', { headers: { cookie } }), 401);
});

// ---------------------------------------------------------------- CSRF

test('CSRF: a state-changing request without the token is 403 and stores nothing', async () => {
  const { admin13: a } = await admins();
  const username = uniqueName('csrf');
  const before = sqlCount('SELECT COUNT(*) FROM app_user');
  const raw = await http('POST', '/api/v1/users', { body: { username, role: 'bureau', unit_id: unitId('130100') }, headers: { cookie: a.cookie } });
  assertError(raw, 403, 'csrf');
  assert.equal(sqlCount('SELECT COUNT(*) FROM app_user'), before);
  assertError(await http('PATCH', `/api/v1/users/${userId('clerk_a')}`, { body: { disabled: true }, headers: { cookie: a.cookie } }), 403, 'csrf');
  assert.equal(sqlCount("SELECT disabled FROM app_user WHERE username='clerk_a'"), 0);
  // sign-out without the token does not end the session
  assertError(await http('DELETE', '/api/v1/session', { headers: { cookie: a.cookie } }), 403, 'csrf');
  assert.equal((await a.get('/api/v1/session')).status, 200);
});

test('CSRF: a wrong token is 403 and stores nothing', async () => {
  const { admin13: a } = await admins();
  const before = sqlCount('SELECT COUNT(*) FROM api_credential');
  for (const bad of ['x', 'A'.repeat(43), a.csrf.slice(0, 42), a.csrf + 'A', a.csrf.toLowerCase() === a.csrf ? 'B'.repeat(43) : a.csrf.toLowerCase()]) {
    assertError(await a.req('POST', '/api/v1/credentials', { body: { name: 'never' }, headers: { 'x-csrf-token': bad } }), 403, 'csrf');
  }
  assert.equal(sqlCount('SELECT COUNT(*) FROM api_credential'), before);
});

test("CSRF: another session's token is 403, even of the same user", async () => {
  const one = await login('admin_13');
  const two = await login('admin_13');
  assert.notEqual(one.csrf, two.csrf);
  const before = sqlCount('SELECT COUNT(*) FROM api_credential');
  assertError(await one.req('POST', '/api/v1/credentials', { body: { name: 'never' }, headers: { 'x-csrf-token': two.csrf } }), 403, 'csrf');
  assert.equal(sqlCount('SELECT COUNT(*) FROM api_credential'), before);
  const denied = seclog(`event='denied' AND detail='csrf' AND actor_user_id=${userId('admin_13')}`);
  assert.ok(denied.length >= 1, 'denied request in the security log');
});

test('nothing changes on GET: every GET route of issue 3 leaves users, credentials and sessions as they were', async () => {
  const { admin13: a } = await admins();
  const snap = () => sql(`SELECT (SELECT COUNT(*) FROM app_user), (SELECT MAX(version) FROM app_user), (SELECT COUNT(*) FROM api_credential),
    (SELECT COUNT(*) FROM api_credential WHERE revoked_at IS NOT NULL), (SELECT COUNT(*) FROM session), (SELECT COUNT(*) FROM session WHERE ended_at IS NOT NULL),
    (SELECT COUNT(*) FROM login_failure)`)[0].join();
  const before = snap();
  for (const p of ['/api/v1/session', '/api/v1/users', '/api/v1/units', '/api/v1/credentials', '/api/v1/security-log',
    '/api/v1/session/password', '/api/v1/users/1/password-reset', '/api/v1/credentials/1']) {
    const r = await a.get(p);
    assert.ok([200, 405].includes(r.status), `${p}: ${r.status}`);
  }
  assert.equal(snap(), before);
});

// ---------------------------------------------------------------- passwords

test('passwords are stored as argon2id with at least 19 MiB and t=2', async () => {
  const hashes = sql("SELECT password_hash FROM app_user WHERE username IN ('clerk_a', 'admin')").map((r) => r[0]);
  for (const h of hashes) {
    const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=1\$/.exec(h);
    assert.ok(m, h.slice(0, 30));
    assert.ok(Number(m[1]) >= 19456 && Number(m[2]) >= 2);
  }
});

test('password change: policy refuses short, common, date-like, name-containing and unchanged passwords (422 new_password)', async () => {
  const { admin13: a } = await admins();
  const u = await makeUser(a, { role: 'bureau', unit: '130200' });
  for (const [pw, re] of [['Ab1!x', /at least 8/], ['password1', /too common/], ['WOAINI1314', /too common/], ['19870215', /date/],
    [`xx${u.username}yy`, /user name/], [u.password, /differ/], ['x'.repeat(129), /at most 128/]]) {
    const r = await u.client.put('/api/v1/session/password', { old_password: u.password, new_password: pw });
    assertError(r, 422, 'invalid');
    assert.equal(r.body.error.field, 'new_password', pw);
    assert.match(r.body.error.message_en, re, pw);
  }
  assert.equal((await login(u.username, u.password)).user.username, u.username); // still the old password
});

test('password change: wrong current password is 422 (old_password), and counts for the back-off', async () => {
  const { admin13: a } = await admins();
  const u = await makeUser(a, { role: 'county', unit: '130104' });
  const r = await u.client.put('/api/v1/session/password', { old_password: 'not-my-password', new_password: 'Brand-new-pass-42' });
  assertError(r, 422, 'invalid');
  assert.equal(r.body.error.field, 'old_password');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM login_failure WHERE username='${u.username}'`), 1);
  assert.equal(seclog(`event='password_change_failed' AND target_user_id=${u.id}`).length, 1);
  clearFailures({ users: [u.username] });
});

test('password change ends the other sessions, keeps the current one, and the new password works', async () => {
  const { admin13: a } = await admins();
  const u = await makeUser(a, { role: 'bureau', unit: '130300' });
  const other = await login(u.username, u.password);
  const next = 'Another-good-pass-77';
  remember(next);
  assert.equal((await u.client.put('/api/v1/session/password', { old_password: u.password, new_password: next })).status, 204);
  assertError(await other.get('/api/v1/session'), 401);
  assert.equal((await u.client.get('/api/v1/session')).status, 200);
  assertError(await http('POST', '/api/v1/session', json({ username: u.username, password: u.password })), 401);
  clearFailures({ users: [u.username] });
  assert.equal((await http('POST', '/api/v1/session', json({ username: u.username, password: next }))).status, 201);
  assert.equal(seclog(`event='password_changed' AND target_user_id=${u.id}`).length, 2); // first at makeUser
});

test('administrator reset: one-time temporary password, must be changed at next sign-in, old sessions end', async () => {
  const { admin13: a } = await admins();
  const u = await makeUser(a, { role: 'school_clerk', unit: '1301040002' });
  const r = await a.post(`/api/v1/users/${u.id}/password-reset`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  const temp = r.body.temporary_password;
  remember(temp);
  assert.match(temp, /^[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}$/);
  assertError(await u.client.get('/api/v1/session'), 401); // sessions ended
  assertError(await http('POST', '/api/v1/session', json({ username: u.username, password: u.password })), 401);
  const c = await login(u.username, temp);
  const me = await c.get('/api/v1/session');
  assert.equal(me.body.must_change_password, true);
  const blocked = await c.get('/api/v1/units');
  assertError(blocked, 403, 'forbidden');
  assert.match(blocked.body.error.message_en, /[Cc]hange your password/);
  const fresh = 'Fresh-after-reset-9';
  remember(fresh);
  assert.equal((await c.put('/api/v1/session/password', { old_password: temp, new_password: fresh })).status, 204);
  assert.equal((await c.get('/api/v1/units')).status, 200);
  assert.equal((await c.get('/api/v1/session')).body.must_change_password, false);
  clearFailures({ users: [u.username] });
  assertError(await http('POST', '/api/v1/session', json({ username: u.username, password: temp })), 401); // one-time
  clearFailures({ users: [u.username] });
  assert.equal(seclog(`event='password_reset' AND target_user_id=${u.id}`).length, 1);
});

test('an administrator cannot reset its own password through the reset endpoint', async () => {
  const { admin13: a } = await admins();
  assertError(await a.post(`/api/v1/users/${userId('admin_13')}/password-reset`), 422);
});

// ---------------------------------------------------------------- brute force

test('per-account back-off: after 5 failures in 15 minutes the account is refused with 429 and Retry-After, even with the right password', async () => {
  const { admin13: a } = await admins();
  const u = await makeUser(a, { role: 'bureau', unit: '130400' });
  const addrs = ['127.0.0.11', '127.0.0.12', '127.0.0.13', '127.0.0.14', '127.0.0.15', '127.0.0.16'];
  for (let i = 0; i < 5; i++) {
    const r = await httpFrom(addrs[i], 'POST', '/api/v1/session', json({ username: u.username, password: `wrong-${i}-password` }));
    assertError(r, 401, 'unauthenticated');
  }
  const blocked = await httpFrom(addrs[5], 'POST', '/api/v1/session', json({ username: u.username, password: u.password }));
  assertError(blocked, 429, 'rate_limited');
  const wait = Number(blocked.headers.get('retry-after'));
  assert.ok(wait > 0 && wait <= 15, `Retry-After ${wait}`);
  assert.equal(sqlCount(`SELECT COUNT(*) FROM login_failure WHERE username='${u.username}'`), 5, 'a refused attempt is not a failure');
  assert.ok(seclog(`event='login_throttled' AND actor_username='${u.username}'`).length >= 1);
  // once the delay has passed (failures moved 16 s into the past), the right password gets in and clears them
  sql(`UPDATE login_failure SET created_at = created_at - INTERVAL 16 SECOND WHERE username='${u.username}'`);
  const ok = await httpFrom(addrs[5], 'POST', '/api/v1/session', json({ username: u.username, password: u.password }));
  assert.equal(ok.status, 201, ok.text);
  remember(/xj_session=([^;]+)/.exec(ok.headers.get('set-cookie'))[1]);
  assert.equal(sqlCount(`SELECT COUNT(*) FROM login_failure WHERE username='${u.username}'`), 0);
  clearFailures({ addrs });
});

test('an address the account signed in from before is exempt from the account back-off: an attacker elsewhere cannot lock the owner out', async () => {
  const { admin13: a } = await admins();
  const u = await makeUser(a, { role: 'bureau', unit: '130600' }); // signed in from 127.0.0.1 (its "office")
  const mark = sqlCount('SELECT MAX(id) FROM security_log');
  for (let i = 0; i < 6; i++) await httpFrom('127.0.0.51', 'POST', '/api/v1/session', json({ username: u.username, password: `guess-${i}-guess` }));
  assertError(await httpFrom('127.0.0.51', 'POST', '/api/v1/session', json({ username: u.username, password: u.password })), 429);
  assertError(await httpFrom('127.0.0.52', 'POST', '/api/v1/session', json({ username: u.username, password: u.password })), 429); // new place: also
  const office = await http('POST', '/api/v1/session', json({ username: u.username, password: u.password }));
  assert.equal(office.status, 201, 'the owner at its known address gets in');
  remember(/xj_session=([^;]+)/.exec(office.headers.get('set-cookie'))[1]);
  assert.equal(seclog(`id > ${mark} AND event='login_throttled' AND actor_username='${u.username}'`).length, 3); // 6th guess, then both
  // a password change is no sign-in: its own session's address gives no exemption from the account's back-off
  for (let i = 0; i < 5; i++) sql(`INSERT INTO login_failure (username, addr) VALUES ('${u.username}', '127.0.0.51')`);
  assertError(await u.client.put('/api/v1/session/password', { old_password: u.password, new_password: 'Whatever-new-pass-5' }), 429);
  clearFailures({ users: [u.username], addrs: ['127.0.0.51', '127.0.0.52'] });
});

test('back-off doubles with each further failure (15 s, 30 s, 60 s ...)', async () => {
  const name = uniqueName('ghost');
  // an unknown name (like an account that never signed in) is throttled per name and address (issue 12.7)
  for (let i = 0; i < 6; i++) sql(`INSERT INTO login_failure (username, addr, created_at) VALUES ('${name}', '127.0.0.17', UTC_TIMESTAMP(6))`);
  const r = await httpFrom('127.0.0.17', 'POST', '/api/v1/session', json({ username: name, password: 'whatever-pass' }));
  assertError(r, 429);
  const wait = Number(r.headers.get('retry-after'));
  assert.ok(wait > 15 && wait <= 30, `6 failures: ${wait}s`);
  clearFailures({ users: [name], addrs: ['127.0.0.17'] });
});

test('back-off never locks an account out for good: capped at 15 minutes, window of 15 minutes', async () => {
  const name = uniqueName('ghost');
  sql(`INSERT INTO login_failure (username, addr, created_at) SELECT '${name}', '127.0.0.18', UTC_TIMESTAMP(6) - INTERVAL 14 MINUTE FROM seq_1_to_100`);
  assert.equal(sqlCount(`SELECT COUNT(*) FROM login_failure WHERE username='${name}'`), 100);
  const r = await httpFrom('127.0.0.18', 'POST', '/api/v1/session', json({ username: name, password: 'whatever-pass' }));
  assertError(r, 429);
  const wait = Number(r.headers.get('retry-after'));
  assert.ok(wait > 0 && wait <= 60, `100 failures 14 min ago: only ${wait}s left (cap 900 s)`);
  sql(`UPDATE login_failure SET created_at = created_at - INTERVAL 2 MINUTE WHERE username='${name}'`);
  assertError(await httpFrom('127.0.0.18', 'POST', '/api/v1/session', json({ username: name, password: 'whatever-pass' })), 401);
  clearFailures({ users: [name], addrs: ['127.0.0.18'] });
});

test('unknown and existing accounts are throttled alike (no account enumeration)', async () => {
  const name = uniqueName('nobody');
  for (let i = 0; i < 5; i++) assertError(await httpFrom('127.0.0.19', 'POST', '/api/v1/session', json({ username: name, password: `nope-${i}-nope` })), 401);
  assertError(await httpFrom('127.0.0.19', 'POST', '/api/v1/session', json({ username: name, password: 'nope-5-nope' })), 429);
  clearFailures({ users: [name], addrs: ['127.0.0.19'] });
});

test('per-address back-off: 20 failures from one address throttle it for every account; other addresses are unaffected', async () => {
  const addr = '127.0.0.21';
  const mark = sqlCount('SELECT MAX(id) FROM security_log');
  const names = [];
  for (let i = 0; i < 20; i++) {
    names.push(uniqueName('spray'));
    assertError(await httpFrom(addr, 'POST', '/api/v1/session', json({ username: names[i], password: 'Spray-1234' })), 401);
  }
  const r = await httpFrom(addr, 'POST', '/api/v1/session', json({ username: 'clerk_c', password: DEMO_PASSWORD }));
  assertError(r, 429, 'rate_limited');
  assert.ok(Number(r.headers.get('retry-after')) > 0);
  const elsewhere = await httpFrom('127.0.0.22', 'POST', '/api/v1/session', json({ username: 'clerk_c', password: DEMO_PASSWORD }));
  assert.equal(elsewhere.status, 201);
  remember(/xj_session=([^;]+)/.exec(elsewhere.headers.get('set-cookie'))[1]);
  assert.equal(seclog(`id > ${mark} AND event='login_throttled' AND addr='${addr}' AND detail='address'`).length, 1);
  clearFailures({ users: names, addrs: [addr] });
});

test('nginx limits bursts of sign-in requests per address (429 in the API error shape), other addresses unaffected', async () => {
  const conf = readFileSync(`${VARDIR}/nginx/routes.inc`, 'utf8'); // rendered from the route table
  const burst = Number(/zone=login burst=(\d+)/.exec(conf)[1]);
  const n = burst * 2 + 50;
  // malformed bodies: answered 400 by the service without hashing, so only nginx's limiter is measured
  const rs = await Promise.all(Array.from({ length: n }, () => httpFrom('127.0.0.31', 'POST', '/api/v1/session', { body: '{', headers: { 'content-type': 'application/json' } })));
  const limited = rs.filter((r) => r.status === 429);
  assert.ok(limited.length >= 20, `${limited.length} of ${n} limited (burst ${burst})`);
  assert.equal(limited[0].body.error.code, 'rate_limited');
  assert.ok(rs.every((r) => r.status === 429 || r.status === 400));
  assert.equal((await http('POST', '/api/v1/session', json({ username: 'clerk_c', password: DEMO_PASSWORD }))).status, 201);
  // other methods on /api/v1/session are not limited
  assert.equal((await httpFrom('127.0.0.31', 'GET', '/api/v1/session')).status, 401);
});

// ---------------------------------------------------------------- users and roles (R3)

test('R3 role/unit consistency: school roles at schools, county at counties, bureau at city/province/ministry, admin anywhere', async () => {
  const { adminAll: a } = await admins();
  const cases = [
    ['school_clerk', '130102', 422], ['school_leader', '130000', 422], ['county', '1301020001', 422], ['county', '130100', 422],
    ['bureau', '130102', 422], ['bureau', '1301020002', 422],
    ['school_leader', '1301020002', 201], ['county', '130203', 201], ['bureau', '130100', 201], ['bureau', '370000', 201],
    ['bureau', '000000', 201], ['admin', '1302030001', 201], ['admin', '130203', 201], ['admin', '000000', 201],
  ];
  for (const [role, code, want] of cases) {
    const username = uniqueName('r3');
    const r = await a.post('/api/v1/users', { username, role, unit_id: unitId(code) });
    assert.equal(r.status, want, `${role} at ${code}: ${r.text}`);
    if (want === 422) assert.equal(r.body.error.field, 'role');
    else remember(r.body.temporary_password);
  }
  assertError(await a.post('/api/v1/users', { username: uniqueName('r3'), role: 'province_api', unit_id: unitId('130000') }), 422);
});

test('R3 the database itself refuses a role that does not fit its unit (trigger)', async () => {
  assert.throws(() => sql(`INSERT INTO app_user (username, role, unit_id, password_hash) VALUES ('${uniqueName('db')}', 'county', ${unitId('130000')}, 'x')`), /R3/);
  assert.throws(() => sql(`UPDATE app_user SET role = 'school_clerk' WHERE username = 'county_130102'`), /R3/);
});

test('created users get a temporary password to change at first sign-in; new users list only within the jurisdiction', async () => {
  const { admin13: a } = await admins();
  const username = uniqueName('new');
  const r = await a.post('/api/v1/users', { username, role: 'county', unit_id: unitId('130102'), display_name: '新用户' });
  assert.equal(r.status, 201, r.text);
  remember(r.body.temporary_password);
  assert.equal(r.body.user.must_change_password, true);
  assert.equal(r.body.user.unit.code, '130102');
  assert.ok(!('password_hash' in r.body.user));
  // security log: the user change is recorded, by whom, with the role, and without the temporary password
  const created = seclog(`event='user_created' AND target_user_id=${r.body.user.id}`);
  assert.equal(created.length, 1);
  assert.equal(created[0].actor_user_id, String(userId('admin_13')));
  assert.equal(created[0].detail, 'county');
  assert.ok(!JSON.stringify(created).includes(r.body.temporary_password));
  const c = await login(username, r.body.temporary_password);
  assert.equal((await c.get('/api/v1/session')).body.must_change_password, true);
  const list = await a.get(`/api/v1/users?q=${username}`);
  assert.deepEqual(list.body.items.map((x) => x.username), [username]);
  assertError(await a.post('/api/v1/users', { username, role: 'county', unit_id: unitId('130102') }), 409, 'duplicate');
  for (const bad of ['ab', 'has space', '名字', 'semi;colon', 'x'.repeat(65)]) {
    const b = await a.post('/api/v1/users', { username: bad, role: 'county', unit_id: unitId('130102') });
    assertError(b, 422);
    assert.equal(b.body.error.field, 'username', bad);
  }
});

test('R1 an administrator manages only users at or below its unit: outside is 404, lists exclude them', async () => {
  const { admin13: a } = await admins();
  const clerkD = userId('clerk_d'); // Shandong (37)
  assertError(await a.patch(`/api/v1/users/${clerkD}`, { display_name: 'x' }), 404, 'not_found');
  assertError(await a.post(`/api/v1/users/${clerkD}/password-reset`), 404, 'not_found');
  assertError(await a.patch('/api/v1/users/999999999', { display_name: 'x' }), 404, 'not_found'); // same answer as nonexistent
  const all = [];
  let cursor = '';
  for (;;) {
    const p = await a.get(`/api/v1/users?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
    all.push(...p.body.items);
    if (!p.body.next_cursor) break;
    cursor = p.body.next_cursor;
  }
  assert.ok(all.length > 5);
  assert.ok(all.every((u) => u.unit.code.startsWith('13')), 'only Hebei users');
  assert.ok(!all.some((u) => u.username === 'admin'), 'not the ministry admin above it');
  assert.deepEqual((await a.get(`/api/v1/users?unit=${unitId('3701020001')}`)).body.items, []);
  // a unit outside the jurisdiction is refused like a nonexistent one
  const out = await a.post('/api/v1/users', { username: uniqueName('out'), role: 'school_clerk', unit_id: unitId('3701020001') });
  assertError(out, 422);
  assert.equal(out.body.error.field, 'unit_id');
  const none = await a.post('/api/v1/users', { username: uniqueName('out'), role: 'school_clerk', unit_id: 4000000000 });
  assert.equal(none.body.error.message, out.body.error.message);
});

test('R1 a county administrator sees its county only: not its siblings, not the province above', async () => {
  const { admin13: a } = await admins();
  const ca = await makeUser(a, { role: 'admin', unit: '130102' });
  const list = (await ca.client.get('/api/v1/users?limit=200')).body.items;
  assert.ok(list.length >= 3);
  assert.ok(list.every((u) => ['130102', '1301020001', '1301020002'].includes(u.unit.code)), JSON.stringify(list.map((u) => u.unit.code)));
  assertError(await ca.client.patch(`/api/v1/users/${userId('clerk_b')}`, { display_name: 'x' }), 404); // 130104
  assertError(await ca.client.patch(`/api/v1/users/${userId('admin_13')}`, { display_name: 'x' }), 404); // above
  const mine = await ca.client.patch(`/api/v1/users/${userId('leader_a')}`, { display_name: '王校长' });
  assert.equal(mine.status, 200, mine.text);
  assertError(await ca.client.post('/api/v1/users', { username: uniqueName('x'), role: 'bureau', unit_id: unitId('130100') }), 422);
  const units = (await ca.client.get('/api/v1/units?limit=200')).body.items.map((u) => u.code).sort();
  assert.deepEqual(units, ['130102', '1301020001', '1301020002']);
});

test('disabling a user ends its sessions and refuses its sign-in; enabling lets it back', async () => {
  const { admin13: a } = await admins();
  const u = await makeUser(a, { role: 'bureau', unit: '130500' });
  const r = await a.patch(`/api/v1/users/${u.id}`, { disabled: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.disabled, true);
  assertError(await u.client.get('/api/v1/session'), 401);
  assertError(await http('POST', '/api/v1/session', json({ username: u.username, password: u.password })), 401);
  assert.equal(seclog(`event='login_failed' AND actor_username='${u.username}' AND detail='disabled'`).length, 1);
  assert.equal((await a.patch(`/api/v1/users/${u.id}`, { disabled: false })).body.disabled, false);
  clearFailures({ users: [u.username] });
  assert.equal((await http('POST', '/api/v1/session', json({ username: u.username, password: u.password }))).status, 201);
  assert.deepEqual(seclog(`event='user_updated' AND target_user_id=${u.id}`).map((e) => e.detail), ['disabled', 'enabled']);
});

test('a role or unit change ends the user\'s sessions and must fit the new unit (R3)', async () => {
  const { admin13: a } = await admins();
  const u = await makeUser(a, { role: 'school_clerk', unit: '1301020002' });
  const v = (await a.get(`/api/v1/users?q=${u.username}`)).body.items[0].version;
  assertError(await a.patch(`/api/v1/users/${u.id}`, { role: 'county' }), 422); // a school is no county
  const r = await a.patch(`/api/v1/users/${u.id}`, { role: 'county', unit_id: unitId('130102'), version: v });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.role, 'county');
  assert.equal(r.body.unit.code, '130102');
  assert.deepEqual(seclog(`event='user_updated' AND target_user_id=${u.id}`).map((e) => e.detail), ['role,unit']);
  assertError(await u.client.get('/api/v1/session'), 401);
  assertError(await a.patch(`/api/v1/users/${u.id}`, { display_name: 'stale', version: v }), 409, 'conflict');
  const again = await login(u.username, u.password);
  assert.equal(again.user.role, 'county');
});

test('an administrator cannot change its own role, unit or status', async () => {
  const { admin13: a } = await admins();
  const me = userId('admin_13');
  for (const body of [{ disabled: true }, { role: 'bureau' }, { unit_id: unitId('130100') }]) {
    assertError(await a.patch(`/api/v1/users/${me}`, body), 422);
  }
  assert.equal((await a.patch(`/api/v1/users/${me}`, { display_name: '河北省管理员' })).status, 200);
});

// ---------------------------------------------------------------- units (R1)

test('R1 units are scoped to the caller: a school sees itself, a city its subtree; ?level, ?parent, ?q and paging', async () => {
  const clerk = await login('clerk_a');
  const own = (await clerk.get('/api/v1/units')).body;
  assert.deepEqual(own.items.map((u) => u.code), ['1301020001']);
  const city = await login('city_1301');
  const counties = (await city.get('/api/v1/units?level=3&limit=200')).body.items;
  assert.ok(counties.length > 5 && counties.every((u) => u.code.startsWith('1301') && u.level === 3));
  const kids = (await city.get(`/api/v1/units?parent=${unitId('130102')}`)).body.items.map((u) => u.code).sort();
  assert.deepEqual(kids, ['1301020001', '1301020002']);
  assert.deepEqual((await city.get(`/api/v1/units?parent=${unitId('370100')}`)).body.items, []); // another province: nothing
  const named = (await city.get(`/api/v1/units?q=${encodeURIComponent('长安')}`)).body.items.map((u) => u.code);
  assert.ok(named.includes('130102') && named.every((c) => c.startsWith('1301')));
  const p1 = (await city.get('/api/v1/units?limit=2')).body;
  assert.equal(p1.items.length, 2);
  const p2 = (await city.get(`/api/v1/units?limit=2&cursor=${p1.next_cursor}`)).body;
  assert.ok(p2.items[0].id > p1.items[1].id);
  assertError(await city.get('/api/v1/units?level=7'), 422);
  // a search term longer than the served limit (GET /api/v1/rules: unit_search) is a 422 naming q, in both languages
  const max = (await http('GET', '/api/v1/rules')).body.limits.fields.unit_search.max;
  assert.equal((await city.get(`/api/v1/units?q=${encodeURIComponent('长'.repeat(max))}`)).status, 200);
  const long = await city.get(`/api/v1/units?q=${encodeURIComponent('长'.repeat(max + 1))}`);
  assertError(long, 422);
  assert.equal(long.body.error.field, 'q');
  assert.match(long.body.error.message, new RegExp(`最多 ${max} 个字符`));
  assert.match(long.body.error.message_en, new RegExp(`At most ${max} characters`));
  const ministry = await login('ministry');
  assert.equal((await ministry.get('/api/v1/units?level=1&limit=200')).body.items.length, 31);
});

// ---------------------------------------------------------------- provincial credentials (R29)

test('R29 a province administrator creates a credential: token shown once, only its SHA-256 stored, listed without secret', async () => {
  const { admin13: a } = await admins();
  const r = await a.post('/api/v1/credentials', { name: '河北省学籍平台' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  const { token, credential } = r.body;
  remember(token);
  assert.match(token, /^xjp_[A-Za-z0-9_-]{43}$/);
  assert.equal(credential.unit.code, '130000');
  assert.equal(credential.prefix, token.slice(0, 12));
  assert.equal(sqlCount(`SELECT COUNT(*) FROM api_credential WHERE id=${credential.id} AND token_hash=${sha(token)}`), 1);
  const list = await a.get('/api/v1/credentials');
  assert.ok(list.body.items.some((c) => c.id === credential.id));
  assert.ok(!list.text.includes(token) && !list.text.includes('token_hash'));
  assert.equal(seclog(`event='credential_created' AND target_credential_id=${credential.id}`).length, 1);
});

test('R29 only administrators create credentials (a county bureau 403); the ministry\'s is read-only (ministry-credential.test.mjs)', async () => {
  const c = await login('county_130102');
  assertError(await c.post('/api/v1/credentials', { name: 'x' }), 403, 'forbidden');
});

test('R29 a bearer credential acts as province_api scoped to its province, without CSRF', async () => {
  const api = new BearerClient(DEMO_TOKENS[13]);
  const units = await api.get('/api/v1/units?level=2&limit=200');
  assert.equal(units.status, 200);
  assert.ok(units.body.items.length > 5 && units.body.items.every((u) => u.code.startsWith('13')));
  assert.deepEqual((await api.get(`/api/v1/units?parent=${unitId('370000')}`)).body.items, []);
  assertError(await api.get('/api/v1/users'), 403, 'forbidden'); // not an administrator
  assertError(await api.get('/api/v1/session'), 403, 'forbidden'); // no session for machines
  // a bearer header wins over a cookie: no mixing of the two
  const { admin13: a } = await admins();
  assertError(await http('GET', '/api/v1/users', { headers: { cookie: a.cookie, authorization: `Bearer ${DEMO_TOKENS[13]}` } }), 403);
});

test('R29 a revoked credential is 401; revoking twice is harmless; another province\'s credential is 404', async () => {
  const { admin13: a } = await admins();
  const r = await a.post('/api/v1/credentials', { name: 'to revoke' });
  remember(r.body.token);
  const api = new BearerClient(r.body.token);
  assert.equal((await api.get('/api/v1/units')).status, 200);
  assert.equal((await a.del(`/api/v1/credentials/${r.body.credential.id}`)).status, 204);
  assertError(await api.get('/api/v1/units'), 401, 'unauthenticated');
  assert.equal((await a.del(`/api/v1/credentials/${r.body.credential.id}`)).status, 204);
  const listed = (await a.get('/api/v1/credentials')).body.items.find((c) => c.id === r.body.credential.id);
  assert.ok(listed.revoked_at);
  assert.equal(seclog(`event='credential_revoked' AND target_credential_id=${r.body.credential.id}`).length, 1);
  const id37 = sqlCount(`SELECT id FROM api_credential WHERE token_hash=${sha(DEMO_TOKENS[37])}`);
  assertError(await a.del(`/api/v1/credentials/${id37}`), 404, 'not_found');
  assert.ok(!(await a.get('/api/v1/credentials')).body.items.some((c) => c.id === id37));
  assert.equal((await new BearerClient(DEMO_TOKENS[37]).get('/api/v1/units')).status, 200); // untouched
});

test('R29 unknown or malformed bearer tokens are 401 and logged as denied', async () => {
  const before = sqlCount("SELECT COUNT(*) FROM security_log WHERE event='denied' AND detail='bad_credential'");
  for (const t of ['xjp_' + 'A'.repeat(43), 'nonsense', DEMO_TOKENS[13].slice(0, -1)]) {
    assertError(await new BearerClient(t).get('/api/v1/units'), 401);
  }
  assert.equal(sqlCount("SELECT COUNT(*) FROM security_log WHERE event='denied' AND detail='bad_credential'"), before + 3);
});

test('R29 last_used_at is updated at most once a minute, with one security-log entry per update', async () => {
  const { admin13: a } = await admins();
  const r = await a.post('/api/v1/credentials', { name: 'usage' });
  remember(r.body.token);
  const id = r.body.credential.id;
  const api = new BearerClient(r.body.token);
  await api.get('/api/v1/units');
  const first = sql(`SELECT last_used_at FROM api_credential WHERE id=${id}`)[0][0];
  assert.notEqual(first, 'NULL');
  await api.get('/api/v1/units');
  await api.get('/api/v1/units');
  assert.equal(sql(`SELECT last_used_at FROM api_credential WHERE id=${id}`)[0][0], first);
  sql(`UPDATE api_credential SET last_used_at = last_used_at - INTERVAL 2 MINUTE WHERE id=${id}`);
  await api.get('/api/v1/units');
  const later = sql(`SELECT TIMESTAMPDIFF(SECOND, last_used_at, UTC_TIMESTAMP(6)) FROM api_credential WHERE id=${id}`)[0][0];
  assert.ok(Number(later) < 60);
  assert.equal(seclog(`event='credential_used' AND actor_credential_id=${id}`).length, 2);
  assert.ok((await a.get('/api/v1/credentials')).body.items.find((c) => c.id === id).last_used_at);
});

// ---------------------------------------------------------------- security log

test('security log: sign-ins (success and failure) and denied requests, with structured fields', async () => {
  const before = sqlCount('SELECT MAX(id) FROM security_log');
  await login('clerk_e');
  assertError(await httpFrom('127.0.0.41', 'POST', '/api/v1/session', json({ username: 'clerk_e', password: 'Wrong-password-1' })), 401);
  const clerk = await login('clerk_e');
  assertError(await clerk.get('/api/v1/users'), 403, 'forbidden'); // role denied
  const ev = seclog(`id > ${before} AND (actor_username='clerk_e')`);
  const kinds = ev.map((e) => `${e.event}:${e.detail ?? ''}`);
  assert.ok(kinds.includes('login_ok:'), kinds);
  assert.ok(kinds.includes('login_failed:wrong_password'), kinds);
  assert.ok(kinds.includes('denied:role'), kinds);
  const failed = ev.find((e) => e.event === 'login_failed');
  assert.equal(failed.addr, '127.0.0.41');
  assert.equal(failed.province_code, '37');
  const denied = ev.find((e) => e.event === 'denied');
  assert.equal(denied.method, 'GET');
  assert.equal(denied.path, '/api/v1/users');
  clearFailures({ users: ['clerk_e'], addrs: ['127.0.0.41'] });
});

test('security log is append-only: the database refuses UPDATE and DELETE', async () => {
  assert.throws(() => sql("UPDATE security_log SET event='x' ORDER BY id DESC LIMIT 1"), /append-only/);
  assert.throws(() => sql('DELETE FROM security_log ORDER BY id DESC LIMIT 1'), /append-only/);
});

test('security log is safe against log injection: names and paths are stored as data and escaped on output', async () => {
  const evil = 'x" event="login_ok","user":"admin';
  assertError(await httpFrom('127.0.0.42', 'POST', '/api/v1/session', json({ username: evil, password: 'Whatever-pass-1' })), 401);
  // control characters are refused before anything is recorded
  assertError(await httpFrom('127.0.0.42', 'POST', '/api/v1/session', json({ username: 'a\nlogin_ok admin', password: 'Whatever-pass-1' })), 422);
  const { adminAll: a } = await admins();
  const page = await a.get('/api/v1/security-log?event=login_failed&limit=20');
  const it = page.body.items.find((e) => e.actor.username === evil);
  assert.ok(it, 'stored verbatim as one field');
  assert.equal(it.event, 'login_failed');
  assert.ok(page.text.includes('x\\" event=\\"login_ok\\"'), 'quotes escaped in the JSON output');
  // a denied request whose path carries a newline: one field, and the service logs stay one JSON object per line
  const clerk = await login('clerk_d');
  assertError(await clerk.patch('/api/v1/users/1%0Aevent=login_ok', {}), 403);
  const denied = seclog(`event='denied' AND actor_username='clerk_d'`);
  assert.ok(denied.some((e) => e.path.includes('event=login_ok')));
  for (const f of ['access.log', 'service.log']) {
    for (const line of readFileSync(`${VARDIR}/log/${f}`, 'utf8').split('\n').filter(Boolean)) JSON.parse(line);
  }
  clearFailures({ users: [evil], addrs: ['127.0.0.42'] });
});

test('R1 the security log is scoped: a province administrator sees only its province\'s events', async () => {
  await login('clerk_d'); // a Shandong event
  const { admin13: a, adminAll: m } = await admins();
  let cursor = '';
  const seen = [];
  for (let i = 0; i < 5; i++) {
    const p = (await a.get(`/api/v1/security-log?limit=200${cursor ? `&cursor=${cursor}` : ''}`)).body;
    seen.push(...p.items);
    if (!p.next_cursor) break;
    cursor = p.next_cursor;
  }
  assert.ok(seen.length > 10);
  assert.ok(seen.every((e) => e.unit.code && e.unit.code.startsWith('13')), 'only Hebei events');
  const all = (await m.get('/api/v1/security-log?limit=200')).body.items;
  assert.ok(all.some((e) => e.unit.code?.startsWith('37')), 'the ministry sees Shandong too');
  assert.ok(all.some((e) => e.unit.id === null), 'and events of no unit (unknown names)');
});

// ---------------------------------------------------------------- secrets

test('responses never carry password hashes or stored token hashes', async () => {
  const { admin13: a } = await admins();
  for (const p of ['/api/v1/users?limit=200', '/api/v1/credentials', '/api/v1/security-log?limit=200', '/api/v1/session']) {
    const r = await a.get(p);
    assert.doesNotMatch(r.text, /argon2|password_hash|token_hash/i, p);
    assert.ok(!r.text.includes(DEMO_PASSWORD), p);
  }
});

test('no password or token appears in any log file of the instance nor in the security log (run last)', () => {
  const files = readdirSync(`${VARDIR}/log`).map((f) => `${VARDIR}/log/${f}`);
  const dump = sql('SELECT CONCAT_WS(" ", actor_username, path, detail, addr, method) FROM security_log').map((r) => r[0]).join('\n') +
    sql('SELECT username FROM login_failure').map((r) => r[0]).join('\n');
  const leaks = [];
  for (const s of SECRETS) {
    if (!s || s.length < 8) continue;
    for (const f of files) if (readFileSync(f, 'latin1').includes(Buffer.from(s).toString('latin1'))) leaks.push(`${f}: ${s.slice(0, 6)}…`);
    if (dump.includes(s)) leaks.push(`security_log: ${s.slice(0, 6)}…`);
  }
  assert.deepEqual(leaks, [], 'secrets found in logs');
  assert.ok(SECRETS.size > 20, `checked ${SECRETS.size} secrets`);
});
