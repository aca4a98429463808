// api.mjs: helpers shared by the API tests: HTTP against the running test instance, sign-in, SQL inspection.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { checkResponse } from './openapi.mjs';

export const BASE = process.env.BASE_URL || 'http://127.0.0.1:18080';
export const VARDIR = process.env.XJ_VARDIR;
export const ROOT = process.env.XJ_ROOT || new URL('../..', import.meta.url).pathname;
export const DEMO_PASSWORD = 'Xueji@2026demo';

/**
 * fetch, sent again once when a kept-alive connection was closed by nginx (keepalive_timeout 30 s) while the test's
 * event loop was blocked in a long synchronous helper (execFileSync of `xueji --suspects`, bulk SQL): undici then writes
 * the next request on a socket whose FIN it has not yet processed and fails with "other side closed" before any answer.
 * nginx never read that request, so sending it again on a new connection is safe; any other failure is thrown.
 */
async function fetchOnce(url, init) {
  try {
    return await fetch(url, init);
  } catch (e) {
    if (e?.cause?.code !== 'UND_ERR_SOCKET' || !/other side closed/.test(e.cause.message) || !(e.cause.socket?.bytesRead > 0)) throw e;
    return fetch(url, init);
  }
}

/** Raw fetch against the instance (or base: another nginx of it, e.g. one pinned to a cluster's service); returns
 * {status, headers, body (parsed JSON or text), text}. */
export async function http(method, path, { body, headers = {}, raw, base = BASE } = {}) {
  const h = { ...headers };
  let payload = raw;
  if (body !== undefined && raw === undefined) {
    payload = JSON.stringify(body);
    h['content-type'] ??= 'application/json';
  }
  const res = await fetchOnce(base + path, { method, headers: h, body: payload, redirect: 'manual' });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  conform(method, path, res.status, res.headers.get('content-type'), json);
  return { status: res.status, headers: res.headers, body: json, text };
}

/**
 * Every response of every API test is checked against the OpenAPI document (tests/lib/openapi.mjs): a response the
 * document does not describe fails the test that received it, naming the operation and the JSON path.
 */
export function conform(method, path, status, contentType, body) {
  const errs = checkResponse(method, path, status, contentType, body);
  if (errs.length) throw new assert.AssertionError({ message: `OpenAPI: ${errs.slice(0, 5).join('; ')}${errs.length > 5 ? ` (+${errs.length - 5})` : ''}` });
}

/** A signed-in client: keeps the session cookie and sends the CSRF token on writes. */
export class Client {
  constructor() { this.cookie = ''; this.csrf = ''; this.user = null; }
  static async login(username, password = DEMO_PASSWORD) {
    const c = new Client();
    const r = await c.req('POST', '/api/v1/session', { body: { username, password } });
    assert.equal(r.status, 201, `login ${username}: ${r.text}`);
    return c;
  }
  async req(method, path, opts = {}) {
    const headers = { ...(opts.headers || {}) };
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf && method !== 'GET' && method !== 'HEAD' && !('x-csrf-token' in headers)) headers['x-csrf-token'] = this.csrf;
    const r = await http(method, path, { ...opts, headers });
    const set = r.headers.get('set-cookie');
    if (set) {
      const m = /xj_session=([^;]*)/.exec(set);
      if (m) this.cookie = m[1] ? `xj_session=${m[1]}` : '';
    }
    if (r.body?.csrf_token) { this.csrf = r.body.csrf_token; this.user = r.body.user; }
    return r;
  }
  get(p, o) { return this.req('GET', p, o); }
  post(p, body, o = {}) { return this.req('POST', p, { ...o, body }); }
  put(p, body, o = {}) { return this.req('PUT', p, { ...o, body }); }
  patch(p, body, o = {}) { return this.req('PATCH', p, { ...o, body }); }
  del(p, o) { return this.req('DELETE', p, o); }
}

/** Run SQL as root on the instance's database; returns rows as arrays of strings (tab-separated output). */
export function sql(query) {
  const out = execFileSync('mariadb', ['--no-defaults', '-uroot', `--socket=${VARDIR}/run/db.sock`, '-N', '-B', 'xueji', '-e', query],
    { encoding: 'utf8', maxBuffer: 1 << 30 });
  return out.split('\n').filter(Boolean).map((l) => l.split('\t'));
}
/** First column of the first row as a number. */
export function sqlCount(query) { return Number(sql(query)[0]?.[0] ?? 0); }

/** A root session that runs script (e.g. BEGIN and a locking read) and then stays in its transaction until release():
 * resolves, once the script has run, to {id: the session's connection id, release()}; release() rolls back, ends the
 * session and resolves to its exit code. Explicit: no sleep in the session races what the test does meanwhile. */
export function sqlHold(script) {
  const p = spawn('mariadb', ['--no-defaults', '-uroot', `--socket=${VARDIR}/run/db.sock`, '-N', '-B', '--unbuffered', 'xueji'],
    { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '', err = '';
  p.stderr.on('data', (d) => { err += d; });
  const ended = new Promise((resolve) => p.on('exit', resolve));
  const release = () => { if (p.stdin.writable) p.stdin.end('ROLLBACK;\n'); return ended; };
  return new Promise((resolve, reject) => {
    p.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/^held (\d+)$/m);
      if (m) resolve({ id: Number(m[1]), release });
    });
    ended.then((code) => reject(new Error(`the holding session ended (${code}) before its script ran: ${err}`)));
    p.stdin.write(`${script}\nSELECT CONCAT('held ', CONNECTION_ID());\n`);
  });
}

/** `xueji --check-counters` (or another command of the CLI, e.g. --rebuild-counters, --housekeep) on the instance, as the
 * service's database user: {status, out}. */
export function counters(cmd = '--check-counters') {
  const secrets = Object.fromEntries(readFileSync(`${VARDIR}/secrets.env`, 'utf8').trim().split('\n').map((l) => l.split('=')));
  try {
    const out = execFileSync(`${process.env.XJ_BUILD}/xueji`, [cmd], {
      encoding: 'utf8', env: { ...process.env, XJ_DB_SOCKET: `${VARDIR}/run/db.sock`, XJ_DB_PASSWORD: secrets.XJ_DB_PASSWORD, XJ_DATA_DIR: `${VARDIR}/data` },
    });
    return { status: 0, out };
  } catch (e) {
    return { status: e.status, out: String(e.stdout) };
  }
}

/** Assert the standard error shape and code. */
export function assertError(r, status, code) {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.text}`);
  assert.ok(r.body && r.body.error, `error body expected: ${r.text}`);
  if (code) assert.equal(r.body.error.code, code);
  assert.equal(typeof r.body.error.message, 'string');
}

/** R29: Idempotency-Key header values that break the one rule of a key (1 to 100 characters of UTF-8 text without
 * control characters): 101 characters, a Latin-1 letter (one byte, not UTF-8), a tab (the one control character a
 * header carries). */
export const BAD_IDEM_KEYS = ['k'.repeat(101), 'caf\u00e9', 'a\tb'];
/** R29: a header value carrying text as its UTF-8 bytes (a Chinese key, as a provincial system sends it) */
export const headerText = (s) => Buffer.from(s, 'utf8').toString('latin1');

/** R29: e (an error object: a response's body.error or a provincial item's error) is the one answer to an idempotency
 * key: 'invalid' (422, the key breaks its rule) or 'reused' (409, the key was used with other content), the field
 * naming where the key came (Idempotency-Key, idempotency_key), in both languages. */
export function assertIdemError(e, kind, field) {
  assert.ok(e, 'an error');
  assert.equal(e.code, kind === 'invalid' ? 'invalid' : 'conflict', JSON.stringify(e));
  assert.equal(e.reason, kind === 'invalid' ? 'idempotency_key' : 'idempotency_key_reused', JSON.stringify(e));
  assert.equal(e.field, field);
  if (kind === 'invalid') {
    assert.match(e.message, /幂等键必须是 1 到 100 个字符的 UTF-8 文本，不含控制字符/);
    assert.match(e.message_en, /1 to 100 characters of UTF-8 text without control characters/);
  } else {
    assert.match(e.message, /此幂等键已用于内容不同的另一请求/);
    assert.match(e.message_en, /already used with other content/);
  }
}

/** Run start() while another transaction has run `held` (SQL statements that lock rows, e.g. `SELECT ... FOR UPDATE`);
 * once `waiters` transactions wait for a lock, that transaction commits. Resolves what start() resolves. */
export async function whileHeld(held, start, waiters = 1) {
  const tx = spawn('mariadb', ['--no-defaults', '-uroot', `--socket=${VARDIR}/run/db.sock`, '-N', '--unbuffered', 'xueji']);
  let out = '';
  tx.stdout.on('data', (d) => { out += d; });
  const exited = new Promise((res) => tx.on('exit', res));
  tx.stdin.write(`BEGIN; ${held}; SELECT 'held';\n`);
  try {
    await until(() => out.includes('held'), 30000, 20);
    const done = start();
    // every 150 ms: InnoDB refreshes what information_schema.innodb_trx shows only when it was not read for 0.1 s
    // (trx0i_s.cc), so a poll every 20 ms read the same snapshot, without the import's lock wait, until it timed out
    await until(() => sqlCount("SELECT COUNT(*) FROM information_schema.innodb_trx WHERE trx_state='LOCK WAIT'") >= waiters, 30000, 150);
    tx.stdin.end('COMMIT;\n');
    await exited;
    return await done;
  } finally {
    tx.kill(); // a failure above leaves no transaction holding the rows
  }
}

/** Wait until fn() resolves truthy, polling every `step` ms up to `ms`. */
export async function until(fn, ms = 5000, step = 100) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try { last = await fn(); if (last) return last; } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, step));
  }
  throw new Error(`condition not met within ${ms} ms (last: ${last})`);
}

