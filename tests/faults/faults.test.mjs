// faults.test.mjs: issue 12 item 8: the fault suite (`make test-faults`, part of `make test`). A mixed write load on
// 127.0.0.1 (registrations by two schools' clerks and the provincial system, each write with its Idempotency-Key and
// retried with it until answered; some planted ID duplicates) runs while the suite kills a worker, kills and restarts
// MariaDB, stops MariaDB for 10 s and restarts nginx. Then: every acknowledged write is present exactly once, no write
// is stored twice, every duplicate is detected (R7, R9) and the §6 invariants of groups and members hold. The summary
// (acked, lost, duplicated, recovery time per fault) goes to the test output and $XJ_VARDIR/faults-summary.txt.
// Runs alone: it stops the database, the service and nginx.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, execSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { VARDIR, ROOT } from '../lib/api.mjs';
import { as, province } from '../lib/registry.mjs';
import { load, recovery, verify } from '../lib/faults.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pidOf = (name) => Number(readFileSync(`${VARDIR}/run/${name}.pid`, 'utf8').trim());
const workers = () => execFileSync('pgrep', ['-P', String(pidOf('service'))], { encoding: 'utf8' }).trim().split('\n').map(Number);

test('issue 12.8 under a write load: kill a worker, kill and restart MariaDB, stop it 10 s, restart nginx: no acked write lost or doubled, invariants hold', async () => {
  await as('clerk_a'); await as('clerk_b'); await province('13');
  const L = load(6);
  const times = {};
  await sleep(1500);
  // 1. a worker killed (the master restarts it)
  let t0 = Date.now();
  process.kill(workers()[0], 'SIGKILL');
  times.kill_worker = await recovery(t0);
  await sleep(1000);
  // 2. MariaDB killed and restarted
  t0 = Date.now();
  execSync(`kill -9 ${pidOf('db')}`);
  await sleep(500);
  execSync(`${ROOT}/sql/db.sh start`, { env: process.env, stdio: 'ignore' });
  times.kill_restart_mariadb = await recovery(t0);
  await sleep(1000);
  // 3. MariaDB stopped for 10 s (SIGSTOP), then continued: recovery counted from SIGCONT
  const db = pidOf('db');
  process.kill(db, 'SIGSTOP');
  await sleep(10000);
  process.kill(db, 'SIGCONT');
  t0 = Date.now();
  times.stop_mariadb_10s = await recovery(t0);
  await sleep(1000);
  // 4. nginx restarted
  t0 = Date.now();
  execSync(`make -s -C ${ROOT} nginx-stop`, { env: process.env, stdio: 'ignore' });
  execSync(`make -s -C ${ROOT} nginx-start`, { env: process.env, stdio: 'ignore' });
  times.restart_nginx = await recovery(t0);
  await sleep(1500);
  await L.stop();

  const { W, acked, lost, doubled, unanswered, undetected, inv } = verify(L.writes);
  const summary = `faults: ${W.length} writes, ${acked.length} acked, ${lost.length} acked lost, ${doubled.length} stored twice, ` +
    `${W.filter((w) => w.attempts > 1).length} answered only after a retry, ${unanswered.length} never answered, ${undetected.length} undetected duplicates, ${inv.length} invariant violations; ` +
    `recovery ms: ${Object.entries(times).map(([k, v]) => `${k} ${v}`).join(', ')}`;
  console.log(`# ${summary}`);
  writeFileSync(`${VARDIR}/faults-summary.txt`, summary + '\n');
  assert.ok(acked.length >= 50, `a real load: ${acked.length} acked`);
  assert.deepEqual(lost.map((w) => w.rec.id_number), [], 'acknowledged writes lost');
  assert.deepEqual(doubled, [], 'writes stored twice');
  assert.deepEqual(unanswered.map((w) => `${w.rec.id_number} ${w.last}`), [], 'every write answered once the faults are over');
  assert.deepEqual(undetected, [], 'every ID duplicate detected');
  assert.deepEqual(inv, [], '§6 invariants');
  for (const [k, v] of Object.entries(times)) assert.ok(v < 30000, `${k}: recovered in ${v} ms`);
});
