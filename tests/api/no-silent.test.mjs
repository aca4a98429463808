// no-silent.test.mjs: issue 12: no silent outcome. Item 5: input is refused, not trimmed: a NUL (\u0000) inside a
// JSON string is a 422 naming the field, never a silent truncation at the NUL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { http, sqlCount, assertError, BASE } from '../lib/api.mjs';
import { as, record, SCHOOLS } from '../lib/registry.mjs';
import { httpFrom, clearFailures, seclog } from '../lib/auth.mjs';
import { sql, DEMO_PASSWORD } from '../lib/api.mjs';

const raw = (s) => ({ raw: s, headers: { 'content-type': 'application/json' } });

test('issue 12.5 a sign-in as "clerk_a\\u0000x" is refused naming the field and does not count against clerk_a', async () => {
  const before = sqlCount("SELECT COUNT(*) FROM login_failure WHERE username = 'clerk_a'");
  const r = await http('POST', '/api/v1/session', raw('{"username":"clerk_a\\u0000x","password":"wrong-password-1"}'));
  assertError(r, 422, 'invalid');
  assert.equal(r.body.error.field, 'username');
  assert.match(r.body.error.message_en, /NUL/);
  assert.equal(sqlCount("SELECT COUNT(*) FROM login_failure WHERE username = 'clerk_a'"), before, 'no failure counted');
  // an escaped backslash followed by u0000 is ordinary text, not a NUL: a wrong password as usual
  const text = await http('POST', '/api/v1/session', raw('{"username":"nobody_here","password":"a\\\\u0000b"}'));
  assert.equal(text.status, 401, text.text);
});

test('issue 12.5 a NUL inside a record\'s name is refused, naming the field, and nothing is stored', async () => {
  const rec = record(SCHOOLS.a);
  const body = JSON.stringify(rec).replace(`"name":"${rec.name}"`, `"name":"${rec.name}\\u0000张三"`);
  const before = sqlCount('SELECT COUNT(*) FROM student');
  const c = await as('clerk_a');
  const r = await c.req('POST', '/api/v1/students', raw(body));
  assertError(r, 422, 'invalid');
  assert.equal(r.body.error.field, 'name');
  assert.equal(sqlCount('SELECT COUNT(*) FROM student'), before);
});

/** A raw HTTP/1.1 request (fetch refuses a GET with a body); resolves to {status, body}. */
function rawRequest(method, path, headers, body) {
  const u = new URL(BASE);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(u.port), u.hostname, () => {
      const h = Object.entries({ host: u.host, connection: 'close', 'content-length': Buffer.byteLength(body), ...headers })
        .map(([k, v]) => `${k}: ${v}\r\n`).join('');
      sock.write(`${method} ${path} HTTP/1.1\r\n${h}\r\n${body}`); // no FIN: nginx would take it for a client gone
    });
    let data = '';
    sock.on('data', (d) => { data += d; });
    sock.on('end', () => {
      const status = Number((/HTTP\/1\.\d (\d{3})/.exec(data) || [])[1]);
      const text = data.slice(data.indexOf('\r\n\r\n') + 4);
      let json = null;
      try { json = JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)); } catch { /* not JSON */ }
      resolve({ status, body: json, text });
    });
    sock.on('error', reject);
  });
}

test('issue 12.5 every route that takes no body refuses one (the route table\'s max_body 0), in the one error shape', async () => {
  const c = await as('clerk_a');
  for (const [m, p] of [['GET', '/api/v1/queue'], ['GET', '/api/v1/students'], ['GET', '/api/v1/health'], ['DELETE', '/api/v1/credentials/1']]) {
    const r = await rawRequest(m, p, { cookie: c.cookie, 'x-csrf-token': c.csrf ?? '', 'content-type': 'application/json' }, '{"x":1}');
    assertError(r, 413, 'too_large');
    assert.match(r.body.error.message_en, /0 bytes/, `${m} ${p}`);
  }
});

/** A user that has never signed in, with the demo password; returns its name. */
function freshUser(tag) {
  const name = `${tag}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  const hash = sql("SELECT password_hash FROM app_user WHERE username = 'clerk_a'")[0][0];
  sql(`INSERT INTO app_user (username, display_name, role, unit_id, password_hash) SELECT '${name}', '${name}', 'county', id, '${hash}' FROM unit WHERE code = '130102'`);
  return name;
}
const signIn = (addr, username, password) => httpFrom(addr, 'POST', '/api/v1/session', { body: { username, password } });

test('issue 12.7 a burst of 60 concurrent wrong passwords reaches password verification no more often than the threshold allows', async () => {
  const name = freshUser('burst');
  const addr = '127.0.0.61';
  const mark = sqlCount('SELECT COALESCE(MAX(id), 0) FROM security_log');
  const rs = await Promise.all(Array.from({ length: 60 }, (_, i) => signIn(addr, name, `wrong-${i}-password`)));
  const verified = seclog(`id > ${mark} AND event = 'login_failed' AND actor_username = '${name}'`).length;
  assert.ok(verified <= 5, `${verified} attempts reached verification (threshold 5)`);
  assert.equal(rs.filter((r) => r.status === 401).length, verified, 'each verified attempt answered 401');
  assert.equal(rs.filter((r) => r.status === 429).length, 60 - verified, 'every other one 429');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM login_failure WHERE username = '${name}'`), verified, 'refused attempts are not failures');
  clearFailures({ users: [name], addrs: [addr] });
});

test('issue 12.7 an account that never signed in cannot be locked out by a stranger: its back-off counts per account and address', async () => {
  const name = freshUser('never');
  for (let i = 0; i < 5; i++) assertError(await signIn('127.0.0.62', name, `guess-${i}-guess`), 401);
  assertError(await signIn('127.0.0.62', name, DEMO_PASSWORD), 429, 'rate_limited'); // the stranger's address is throttled
  const owner = await signIn('127.0.0.63', name, DEMO_PASSWORD);
  assert.equal(owner.status, 201, `the owner elsewhere gets in: ${owner.text}`);
  clearFailures({ users: [name], addrs: ['127.0.0.62', '127.0.0.63'] });
});

/** Sends text as it is (a request nginx refuses before any route) and resolves to {status, headers text, body, text}. */
function rawText(text) {
  const u = new URL(BASE);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(u.port), u.hostname, () => sock.write(text));
    let data = '';
    sock.setTimeout(5000, () => sock.destroy(new Error('no answer')));
    sock.on('data', (d) => { data += d; });
    sock.on('end', () => {
      const status = Number((/HTTP\/1\.\d (\d{3})/.exec(data) || [])[1]);
      const text = data.slice(data.indexOf('\r\n\r\n') + 4);
      let json = null;
      try { json = JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)); } catch { /* not JSON */ }
      resolve({ status, body: json, text });
    });
    sock.on('error', reject);
  });
}

const HAN = /[\u4e00-\u9fff]/;
/** nginx's own answer in the service's one error shape: code, Chinese message, English message_en, field null. */
function nginxShape(r, status, code, where) {
  assert.equal(r.status, status, `${where}: ${r.text}`);
  const e = r.body?.error;
  assert.ok(e, `${where}: a JSON error body, not nginx's HTML: ${r.text.slice(0, 200)}`);
  assert.equal(e.code, code, where);
  assert.match(e.message, HAN, where);
  assert.ok(e.message_en && !HAN.test(e.message_en), where);
  assert.equal(e.field, null, where);
}

test('issue 12.6 every status nginx produces itself answers the one JSON error shape', async () => {
  const H = (extra = '') => `Host: x\r\nConnection: close\r\n${extra}\r\n`;
  // 494: a header (here a cookie) over large_client_header_buffers; nginx sends it as 400
  nginxShape(await rawText(`GET /api/v1/health HTTP/1.1\r\n${H(`Cookie: a=${'x'.repeat(9000)}\r\n`)}`), 400, 'header_too_large', '494');
  nginxShape(await rawText('GARBAGE\r\n\r\n'), 400, 'bad_request', 'malformed request line');
  nginxShape(await rawText(`POST /index.html HTTP/1.1\r\n${H('Content-Length: 1\r\n')}x`), 405, 'method_not_allowed', 'POST to a page');
  nginxShape(await rawText(`GET /node_modules/x HTTP/1.1\r\n${H()}`), 404, 'not_found', 'a path not served');
  nginxShape(await rawText(`GET /no-such-file.js HTTP/1.1\r\n${H()}`), 404, 'not_found', 'a missing script');
  nginxShape(await rawText(`GET /vendor/ HTTP/1.1\r\n${H()}`), 403, 'forbidden', 'a directory');
  nginxShape(await rawText(`GET /index.html HTTP/1.1\r\n${H('Range: bytes=99999999-\r\n')}`), 416, 'range_not_satisfiable', 'range');
  nginxShape(await rawText(`GET /api/v1/health HTTP/1.1\r\n${H('Transfer-Encoding: gzip\r\n')}`), 501, 'not_implemented', 'transfer encoding');
  nginxShape(await rawText(`GET / HTTP/2.0\r\n${H()}`), 505, 'http_version', 'HTTP version');
  nginxShape(await rawText(`GET /api/v1/students?q=${'x'.repeat(20000)} HTTP/1.1\r\n${H()}`), 414, 'uri_too_long', '414');
  nginxShape(await rawText(`PUT /api/v1/session/password HTTP/1.1\r\n${H('Content-Type: application/json\r\nContent-Length: 5000\r\n')}${'x'.repeat(5000)}`), 413, 'too_large', '413');
  // an unknown /api path is the service's own 404, in the same shape
  const nr = await http('GET', '/api/v1/no-such-thing');
  assertError(nr, 404, 'no_route');
});

// ---------- item 2: an outcome that is not known is not guessed (test hook X-Test-Commit-Fault, XJ_TEST_HOOKS=1)
const students = (n) => sqlCount(`SELECT COUNT(*) FROM student WHERE id_number='${n}'`);
const fault = (mode) => ({ headers: { 'x-test-commit-fault': String(mode) } });
/** A request token made at unix time `sec` (it begins with it, 4 bytes big-endian), the rest `fill` repeated. */
const tokenAt = (sec, fill) => Math.floor(sec).toString(16).padStart(8, '0') + fill.repeat(12);

test('issue 12.2 a connection lost after the server committed: the token is looked up, the write is not run again', async () => {
  const c = await as('clerk_a');
  const rec = record(SCHOOLS.a);
  const r = await c.post('/api/v1/students', rec, fault(1));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.status, 'created', 'the answer of the run that committed, not a second run\'s "unchanged"');
  assert.equal(students(rec.id_number), 1);
});

test('issue 12.2 a connection lost before the COMMIT reached the server: the write runs again once and is stored once', async () => {
  const c = await as('clerk_a');
  const rec = record(SCHOOLS.a);
  const r = await c.post('/api/v1/students', rec, fault(2));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.status, 'created');
  assert.equal(students(rec.id_number), 1);
});

test('issue 12.2 an outcome that cannot be known is 503 outcome_unknown with the token, which the client can ask about', async () => {
  const c = await as('clerk_a');
  const rec = record(SCHOOLS.a);
  const r = await c.post('/api/v1/students', rec, fault(3));
  assertError(r, 503, 'outcome_unknown');
  assert.equal(r.headers.get('retry-after'), '5');
  assert.match(r.body.error.token, /^[0-9a-f]{32}$/);
  const ask = await c.get(`/api/v1/outcomes/${r.body.error.token}`);
  assert.equal(ask.status, 200, ask.text);
  assert.deepEqual(ask.body, { token: r.body.error.token, committed: true });
  assert.equal(students(rec.id_number), 1, 'stored once');
  const unknown = tokenAt(Date.now() / 1000, 'e1');
  const never = await c.get(`/api/v1/outcomes/${unknown}`);
  assert.deepEqual(never.body, { token: unknown, committed: false });
  assertError(await c.get('/api/v1/outcomes/xyz'), 422, 'invalid');
  assertError(await http('GET', `/api/v1/outcomes/${'0'.repeat(32)}`), 401, 'unauthenticated');
});

test('issue 15.2 a transaction the server rolled back unseen just before its idempotency row (a Galera brute-force abort whose error went unread) commits nothing of its rest: it runs again and is stored once', async () => {
  const c = await as('clerk_a');
  const rec = record(SCHOOLS.a);
  const key = `unseen-${process.pid}-${Date.now()}`;
  const r = await c.post('/api/v1/students', rec, { headers: { ...fault(4).headers, 'idempotency-key': key } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.status, 'created');
  assert.equal(students(rec.id_number), 1, 'stored once');
  // the idempotency row that ends the request names the stored record (it used to commit alone, naming a rolled-back id)
  assert.deepEqual(sql(`SELECT i.student_id = s.id FROM api_idem i JOIN student s ON s.id_number = '${rec.id_number}'
    WHERE i.idem_key = '${key}'`), [['1']]);
  const again = await c.post('/api/v1/students', rec, { headers: { 'idempotency-key': key } });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.body.student_id, r.body.student_id, 'the replay names the same record');
});

test('issue 12.2 request tokens are kept a day: housekeeping removes older ones (a token begins with its time) and keeps the rest', async () => {
  const { execFileSync } = await import('node:child_process');
  const { readFileSync } = await import('node:fs');
  const V = process.env.XJ_VARDIR;
  const hex = (secs) => Math.floor(secs).toString(16).padStart(8, '0');
  const now = Date.now() / 1000;
  const old = hex(now - 2 * 86400) + 'a'.repeat(24), fresh = hex(now - 3600) + 'b'.repeat(24);
  sql(`INSERT INTO tx_token (token) VALUES (UNHEX('${old}')), (UNHEX('${fresh}'))`);
  const c = await as('clerk_a');
  assertError(await c.get(`/api/v1/outcomes/${old}`), 410, 'gone'); // past its retention: never answered either way
  const secrets = Object.fromEntries(readFileSync(`${V}/secrets.env`, 'utf8').trim().split('\n').map((l) => l.split('=')));
  execFileSync(`${process.env.XJ_BUILD}/xueji`, ['--housekeep'], {
    encoding: 'utf8', env: { ...process.env, XJ_DB_SOCKET: `${V}/run/db.sock`, XJ_DB_PASSWORD: secrets.XJ_DB_PASSWORD, XJ_DATA_DIR: `${V}/data` },
  });
  assert.equal(sqlCount(`SELECT COUNT(*) FROM tx_token WHERE token = UNHEX('${old}')`), 0, 'a token over a day old is gone');
  assertError(await c.get(`/api/v1/outcomes/${old}`), 410, 'gone');
  assert.equal((await c.get(`/api/v1/outcomes/${fresh}`)).body.committed, true, 'a recent one is kept');
  // a token the service makes begins with the time it was made
  const r = await c.post('/api/v1/students', record(SCHOOLS.a), fault(3));
  assertError(r, 503, 'outcome_unknown');
  assert.ok(Math.abs(parseInt(r.body.error.token.slice(0, 8), 16) - now) < 600, r.body.error.token);
});

test('issue 12.2 asking about a token waits for a COMMIT still in flight, and a token answered "not committed" can never commit', async () => {
  const { spawn } = await import('node:child_process');
  const c = await as('clerk_a');
  const hex = (secs) => Math.floor(secs).toString(16).padStart(8, '0');
  const tok = (ch) => hex(Date.now() / 1000) + ch.repeat(24);
  const run = (q) => new Promise((resolve) => {
    const p = spawn('mariadb', ['--no-defaults', '-uroot', `--socket=${process.env.XJ_VARDIR}/run/db.sock`, '-N', '-B', 'xueji', '-e', q]);
    p.on('close', resolve);
  });
  // a transaction holding its token commits 1.5 s later: the answer waits for it and says committed
  const t1 = tok('c');
  const inflight = run(`SET autocommit=0; INSERT INTO tx_token (token) VALUES (UNHEX('${t1}')); DO SLEEP(1.5); COMMIT;`);
  await new Promise((r) => setTimeout(r, 300));
  const a1 = await c.get(`/api/v1/outcomes/${t1}`);
  await inflight;
  assert.deepEqual(a1.body, { token: t1, committed: true }, 'not answered "no" while the COMMIT was in flight');
  // once answered "not committed", a transaction with that token cannot commit any more (its token is taken)
  const t2 = tok('d');
  assert.equal((await c.get(`/api/v1/outcomes/${t2}`)).body.committed, false);
  await run(`INSERT INTO tx_token (token) VALUES (UNHEX('${t2}'))`);
  assert.equal((await c.get(`/api/v1/outcomes/${t2}`)).body.committed, false, 'still not committed');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM tx_token WHERE token=UNHEX('${t2}')`), 1);
});

test('issue 12.5 any C0 control character but tab, newline and carriage return is refused naming the field, escaped or raw', async () => {
  const before = sqlCount("SELECT COUNT(*) FROM login_failure WHERE username = 'clerk_a'");
  for (const esc of ['\\u0001', '\\u001F', '\\b', '\\f', '\u0007']) {
    const r = await http('POST', '/api/v1/session', raw(`{"username":"clerk_a${esc}","password":"wrong-password-1"}`));
    assertError(r, 422, 'invalid');
    assert.equal(r.body.error.field, 'username', esc);
    assert.match(r.body.error.message_en, /control character \(\\u00[01][0-9a-f]\)/, esc);
  }
  assert.equal(sqlCount("SELECT COUNT(*) FROM login_failure WHERE username = 'clerk_a'"), before, 'no failure counted');
  // an escaped backslash before u0001 is text
  assert.equal((await http('POST', '/api/v1/session', raw('{"username":"nobody_here","password":"a\\\\u0001b"}'))).status, 401);
  const rec = record(SCHOOLS.a);
  const body = JSON.stringify(rec).replace(`"name":"${rec.name}"`, `"name":"${rec.name}\\u0002"`);
  const c = await as('clerk_a');
  const r = await c.req('POST', '/api/v1/students', raw(body));
  assertError(r, 422, 'invalid');
  assert.equal(r.body.error.field, 'name');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM student WHERE id_number='${rec.id_number}'`), 0);
});

test('issue 12.2 a write outside a transaction whose answer was lost is not sent again: a wrong password is one failure (503), not two', async () => {
  // the sign-in's failure row is an INSERT of its own; it ran and its answer was lost (hook 5). Before, db_exec sent it
  // again on a fresh connection: two failures counted for one attempt, and the attempt answered 401 as if nothing happened
  const name = freshUser('lost');
  const addr = '127.0.0.64';
  const r = await httpFrom(addr, 'POST', '/api/v1/session', { body: { username: name, password: 'wrong-password-9' }, headers: fault(5).headers });
  assertError(r, 503, 'unavailable');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM login_failure WHERE username = '${name}'`), 1, 'the attempt counted once');
  const again = await httpFrom(addr, 'POST', '/api/v1/session', { body: { username: name, password: 'wrong-password-9' } });
  assertError(again, 401, 'unauthenticated');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM login_failure WHERE username = '${name}'`), 2);
  clearFailures({ users: [name], addrs: [addr] });
});

test('issue 12.2 an account, a system credential and a revocation commit with their security-log row, and a lost COMMIT is settled by its token', async () => {
  const admin = await as('admin_13');
  const unit = Number(sql("SELECT id FROM unit WHERE code = '130102'")[0][0]);
  // answer lost after the server committed: the token says committed, the account is answered once, not "taken"
  const u1 = `lostc_${process.pid}_${Date.now().toString(36)}`;
  const r1 = await admin.post('/api/v1/users', { username: u1, role: 'county', unit_id: unit }, fault(1));
  assert.equal(r1.status, 201, r1.text);
  assert.equal(r1.body.user.username, u1);
  assert.equal(sqlCount(`SELECT COUNT(*) FROM app_user WHERE username = '${u1}'`), 1);
  assert.equal(seclog(`event = 'user_created' AND target_user_id = ${r1.body.user.id}`).length, 1, 'logged once');
  // the outcome cannot be known: 503 outcome_unknown with the token, which says it committed (account and log row)
  const u2 = `${u1}_b`;
  const r2 = await admin.post('/api/v1/users', { username: u2, role: 'county', unit_id: unit }, fault(3));
  assertError(r2, 503, 'outcome_unknown');
  assert.deepEqual((await admin.get(`/api/v1/outcomes/${r2.body.error.token}`)).body, { token: r2.body.error.token, committed: true });
  const id2 = sqlCount(`SELECT id FROM app_user WHERE username = '${u2}'`);
  assert.ok(id2 > 0, 'stored');
  assert.equal(seclog(`event = 'user_created' AND target_user_id = ${id2}`).length, 1, 'with its log row');
  // a credential: the connection lost before the COMMIT reached the server runs it again, once
  const name = `lost-cred-${process.pid}-${Date.now()}`;
  const c1 = await admin.post('/api/v1/credentials', { name }, fault(2));
  assert.equal(c1.status, 201, c1.text);
  assert.equal(sqlCount(`SELECT COUNT(*) FROM api_credential WHERE name = '${name}'`), 1, 'one credential');
  const cid = c1.body.credential.id;
  assert.equal(seclog(`event = 'credential_created' AND target_credential_id = ${cid}`).length, 1);
  // its revocation, the outcome unknown: the token says committed, the credential is revoked and logged once
  const v = await admin.req('DELETE', `/api/v1/credentials/${cid}`, fault(3));
  assertError(v, 503, 'outcome_unknown');
  assert.deepEqual((await admin.get(`/api/v1/outcomes/${v.body.error.token}`)).body, { token: v.body.error.token, committed: true });
  assert.equal(sqlCount(`SELECT COUNT(*) FROM api_credential WHERE id = ${cid} AND revoked_at IS NOT NULL`), 1);
  assert.equal((await admin.req('DELETE', `/api/v1/credentials/${cid}`)).status, 204, 'revoking it again changes nothing');
  assert.equal(seclog(`event = 'credential_revoked' AND target_credential_id = ${cid}`).length, 1, 'logged once');
});

test('issue 12.2 a token older than the day tokens are kept is answered 410 gone, never "not committed, send it again"', async () => {
  // before: an expired token was settled as lost and answered committed: false, although its write may have committed
  const c = await as('clerk_a');
  const old = tokenAt(Date.now() / 1000 - 86400 - 5, 'ab');
  const r = await c.get(`/api/v1/outcomes/${old}`);
  assertError(r, 410, 'gone');
  assert.equal(r.body.error.field, 'token');
  assert.match(r.body.error.message_en, /older than the day tokens are kept/);
  assert.match(r.body.error.message, /不要直接重新提交/);
  assert.equal(sqlCount(`SELECT COUNT(*) FROM tx_token WHERE token = UNHEX('${old}')`), 0, 'nothing settled');
  const today = tokenAt(Date.now() / 1000 - 3600, 'cd'); // an hour old: answered as before
  assert.deepEqual((await c.get(`/api/v1/outcomes/${today}`)).body, { token: today, committed: false });
});
