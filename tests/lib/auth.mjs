// auth.mjs: helpers for the issue 3 tests: demo provincial credentials, bearer and source-address clients,
// throw-away users created through the admin API, and a record of every secret the tests saw (for the
// "no password or token in any log" check).
import http from 'node:http';
import assert from 'node:assert/strict';
import { BASE, Client, DEMO_PASSWORD, sql, http as rawHttp, conform } from './api.mjs';

/** Demo provincial credentials (sql/demo/10-credentials.sql): public demo values. */
export const DEMO_TOKENS = {
  13: 'xjp_DEMO13-not-secret-demo-credential-hebei0000',
  37: 'xjp_DEMO37-not-secret-demo-credential-shandong0',
};

/** Every password and token the tests handled; checked against the logs at the end. */
export const SECRETS = new Set([DEMO_PASSWORD]);
export function remember(...s) { for (const x of s) if (x) SECRETS.add(x); }

/** A client authenticated with `Authorization: Bearer token` (province API, R29). */
export class BearerClient {
  constructor(token) { this.token = token; }
  req(method, path, opts = {}) {
    return rawHttp(method, path, { ...opts, headers: { ...(opts.headers || {}), authorization: `Bearer ${this.token}` } });
  }
  get(p, o) { return this.req('GET', p, o); }
  post(p, body, o = {}) { return this.req('POST', p, { ...o, body }); }
  del(p, o) { return this.req('DELETE', p, o); }
}

/**
 * HTTP from a chosen loopback source address (127.0.0.x), so that back-off and nginx limits per address can be
 * exercised without throttling the other suites, which all come from 127.0.0.1.
 * Returns {status, headers: {get(name)}, body, text}.
 */
export function httpFrom(localAddress, method, path, { body, headers = {} } = {}) {
  const u = new URL(BASE + path);
  const h = { ...headers };
  let payload;
  if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body);
    h['content-type'] ??= 'application/json';
    h['content-length'] = Buffer.byteLength(payload);
  }
  return new Promise((resolve, reject) => {
    const rq = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers: h, localAddress, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => { text += c; });
        res.on('end', () => {
          let json;
          try { json = JSON.parse(text); } catch { json = undefined; }
          const hs = res.headers;
          try { conform(method, u.pathname, res.statusCode, hs['content-type'], json); } catch (e) { reject(e); return; }
          resolve({ status: res.statusCode, headers: { get: (n) => { const v = hs[n.toLowerCase()]; return Array.isArray(v) ? v.join(', ') : v ?? null; } }, body: json, text });
        });
      });
    rq.on('error', reject);
    if (payload !== undefined) rq.write(payload);
    rq.end();
  });
}

/** A session client like api.mjs's Client, but from a chosen source address. */
export class AddrClient extends Client {
  constructor(addr) { super(); this.addr = addr; }
  async req(method, path, opts = {}) {
    const headers = { ...(opts.headers || {}) };
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf && method !== 'GET' && !('x-csrf-token' in headers)) headers['x-csrf-token'] = this.csrf;
    const r = await httpFrom(this.addr, method, path, { body: opts.body, headers });
    const set = r.headers.get('set-cookie');
    if (set) {
      const m = /xj_session=([^;]*)/.exec(set);
      if (m) { this.cookie = m[1] ? `xj_session=${m[1]}` : ''; remember(m[1]); }
    }
    if (r.body?.csrf_token) { this.csrf = r.body.csrf_token; this.user = r.body.user; }
    return r;
  }
}

/** Sign in (remembering the cookie token); returns the Client. */
export async function login(username, password = DEMO_PASSWORD) {
  const c = await Client.login(username, password);
  remember(c.cookie.replace('xj_session=', ''), c.csrf);
  return c;
}

/** The session cookie token of a client. */
export function tokenOf(c) { return c.cookie.replace(/^xj_session=/, ''); }

/** unit.id of a unit code. */
export function unitId(code) { return Number(sql(`SELECT id FROM unit WHERE code='${code}'`)[0][0]); }
/** app_user.id of a user name. */
export function userId(username) { return Number(sql(`SELECT id FROM app_user WHERE username='${username}'`)[0][0]); }

let seq = 0;
/** A unique user name for this run. */
export function uniqueName(prefix = 't') { return `${prefix}_${process.pid}_${Date.now().toString(36)}_${++seq}`; }

/**
 * Create a user through `admin` (an admin Client), then sign in with the temporary password and set `password`.
 * Returns {id, username, password, client} with client signed in and must_change cleared.
 */
export async function makeUser(admin, { role, unit, password = 'Tq7!unit-test-pass', display_name = '测试用户' }) {
  const username = uniqueName(role);
  const r = await admin.post('/api/v1/users', { username, role, unit_id: typeof unit === 'string' ? unitId(unit) : unit, display_name });
  assert.equal(r.status, 201, r.text);
  remember(r.body.temporary_password, password);
  const c = await login(username, r.body.temporary_password);
  const ch = await c.put('/api/v1/session/password', { old_password: r.body.temporary_password, new_password: password });
  assert.equal(ch.status, 204, ch.text);
  return { id: r.body.user.id, username, password, client: c };
}

/** Forget back-off state for user names / addresses a test used. */
export function clearFailures({ users = [], addrs = [] } = {}) {
  for (const u of users) sql(`DELETE FROM login_failure WHERE username='${u.replace(/'/g, "''")}'`);
  for (const a of addrs) sql(`DELETE FROM login_failure WHERE addr='${a}'`);
}

/** Security log rows (objects) matching a SQL condition, oldest first. */
export function seclog(where) {
  const cols = ['id', 'event', 'actor_user_id', 'actor_credential_id', 'actor_username', 'target_user_id', 'target_credential_id', 'unit_id', 'province_code', 'addr', 'method', 'path', 'detail'];
  return sql(`SELECT ${cols.join(', ')} FROM security_log WHERE ${where} ORDER BY id`).map((row) =>
    Object.fromEntries(cols.map((c, i) => [c, row[i] === 'NULL' ? null : row[i]])));
}
