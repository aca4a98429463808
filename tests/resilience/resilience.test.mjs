// resilience.test.mjs: issue 2: a killed worker is restarted; a restarted MariaDB is reconnected to; SIGTERM drains.
// Runs alone (after the API suite), because it stops the database and the service.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { http, VARDIR, ROOT, until, Client } from '../lib/api.mjs';

const servicePid = () => Number(readFileSync(`${VARDIR}/run/service.pid`, 'utf8'));
/** true while pid is a live (non-zombie) process */
const alive = (pid) => { try { return !/^Z/.test(execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim()); } catch { return false; } };
const workers = () => execFileSync('pgrep', ['-P', String(servicePid())], { encoding: 'utf8' }).trim().split('\n').map(Number).filter(alive);

test('kill -9 of a worker: it is restarted and the next request succeeds', async () => {
  const before = workers();
  assert.ok(before.length >= 1);
  process.kill(before[0], 'SIGKILL');
  const r = await http('GET', '/api/v1/health');
  assert.equal(r.status, 200);
  await until(() => { const now = workers(); return now.length === before.length && !now.includes(before[0]); }, 5000);
  for (let i = 0; i < 20; i++) assert.equal((await http('GET', '/api/v1/health')).status, 200);
});

test('MariaDB killed and restarted: the service reconnects, re-prepares and serves 2xx within 5 s', async () => {
  const c = await Client.login('clerk_a'); // prepares the session statements on some connections
  const dbpid = readFileSync(`${VARDIR}/run/db.pid`, 'utf8').trim();
  execSync(`kill -9 ${dbpid}`);
  await until(async () => (await http('GET', '/api/v1/health')).status === 503, 5000);
  execSync(`${ROOT}/sql/db.sh start`, { env: process.env });
  const t0 = Date.now();
  await until(async () => (await http('GET', '/api/v1/health')).status === 200, 5000, 50);
  await until(async () => (await c.get('/api/v1/session')).status === 200, 5000 - (Date.now() - t0), 50);
  assert.ok(Date.now() - t0 <= 5000);
  // every thread gets its connection back: many requests in parallel all succeed
  const rs = await Promise.all(Array.from({ length: 64 }, () => c.get('/api/v1/session')));
  assert.deepEqual([...new Set(rs.map((r) => r.status))], [200]);
});

test('issue 12.3 MariaDB stalled (SIGSTOP): requests answer 503 with Retry-After within the statement timeout, and 2xx at once when it returns', async () => {
  const c = await Client.login('clerk_a');
  assert.equal((await c.get('/api/v1/session')).status, 200);
  const dbpid = Number(readFileSync(`${VARDIR}/run/db.pid`, 'utf8').trim());
  process.kill(dbpid, 'SIGSTOP');
  try {
    // XJ_DB_REQUEST_TIMEOUT (5 s) bounds each statement; one reconnect attempt (2 s) follows: never as long as the stall
    const rs = await Promise.all(Array.from({ length: 4 }, () => c.get('/api/v1/queue')));
    for (const r of rs) {
      assert.equal(r.status, 503, r.text);
      assert.equal(r.body.error.code, 'unavailable');
      assert.equal(r.headers.get('retry-after'), '5');
    }
  } finally {
    process.kill(dbpid, 'SIGCONT');
  }
  await until(async () => (await c.get('/api/v1/queue')).status === 200, 5000, 50);
  const after = await Promise.all(Array.from({ length: 32 }, () => c.get('/api/v1/queue')));
  assert.deepEqual([...new Set(after.map((r) => r.status))], [200]);
});

test('SIGTERM lets in-flight requests finish', async () => {
  const slow = http('GET', '/api/v1/health?delay_ms=1500');
  await new Promise((r) => setTimeout(r, 300));
  const pid = servicePid();
  process.kill(pid, 'SIGTERM');
  const r = await slow;
  assert.equal(r.status, 200, 'the in-flight request completed');
  await until(() => !alive(pid), 15000);
  execSync(`make -s -C ${ROOT} service-start`, { env: process.env, stdio: 'ignore' });
  await until(async () => (await http('GET', '/api/v1/health')).status === 200, 5000);
});

test('issue 12.6 the service down: nginx answers 502 in the one JSON error shape with Retry-After, and serves again when it returns', async () => {
  const pid = servicePid();
  process.kill(pid, 'SIGTERM');
  await until(() => !alive(pid), 15000);
  try {
    const r = await http('GET', '/api/v1/health');
    assert.ok([502, 503, 504].includes(r.status), r.text);
    assert.equal(r.body?.error?.code, 'unavailable', r.text);
    assert.match(r.body.error.message, /[\u4e00-\u9fff]/);
    assert.equal(typeof r.body.error.message_en, 'string');
    assert.equal(r.body.error.field, null);
    assert.equal(r.headers.get('retry-after'), '5');
    assert.match(r.headers.get('content-type'), /application\/json/);
  } finally {
    execSync(`make -s -C ${ROOT} service-start`, { env: process.env, stdio: 'ignore' });
  }
  await until(async () => (await http('GET', '/api/v1/health')).status === 200, 5000);
});
