// faults.test.mjs (issue 15 item 4, `make test-cluster`): on the Galera cluster of `make cluster`, under the write load
// of the fault suite (tests/lib/faults.mjs: registrations by two schools' clerks and the provincial system, each with
// its Idempotency-Key, planted ID duplicates), each round kill -9s the writing node, then service process 1, then
// restarts both (the node rejoins by IST). Afterwards: every acknowledged write present exactly once, every duplicate
// detected, the §6 invariants, and every table's checksum equal on the three nodes. The time from each kill to the next
// 2xx is printed and written to $CLUSTER_VARDIR/cluster-faults-summary.txt. Rounds: CLUSTER_FAULT_ROUNDS (default 5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { ROOT } from '../lib/api.mjs';
import { as, province } from '../lib/registry.mjs';
import { load, recovery, verify } from '../lib/faults.mjs';
import { clusterStatus } from '../lib/cluster.mjs';

const CV = process.env.CLUSTER_VARDIR ?? `${ROOT}/var/cluster`;
const ROUNDS = Number(process.env.CLUSTER_FAULT_ROUNDS ?? 5);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const cluster = (...args) => execFileSync(`${ROOT}/sql/cluster.sh`, args, { env: process.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

/** The node the services write through: the one holding most of the service user's connections. */
function writer() {
  let best = 1, most = -1;
  for (const i of [1, 2, 3]) {
    let n = -1;
    try {
      n = Number(execFileSync('mariadb', ['--no-defaults', '-uroot', `--socket=${CV}/node${i}/run/db.sock`, '-N', '-B', '-e',
        "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER='xueji'"], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    } catch { /* node down */ }
    if (n > most) { most = n; best = i; }
  }
  return best;
}

/** CHECKSUM TABLE of every table of the schema on node i. */
function checksums(i) {
  const out = execFileSync('mariadb', ['--no-defaults', '-uroot', `--socket=${CV}/node${i}/run/db.sock`, '-N', '-B', 'xueji', '-e',
    "SELECT GROUP_CONCAT(table_name ORDER BY table_name) FROM information_schema.tables WHERE table_schema='xueji' AND table_type='BASE TABLE'"],
  { encoding: 'utf8' }).trim();
  return execFileSync('mariadb', ['--no-defaults', '-uroot', `--socket=${CV}/node${i}/run/db.sock`, '-N', '-B', 'xueji', '-e',
    `CHECKSUM TABLE ${out.split(',').map((t) => `\`${t}\``).join(',')}`], { encoding: 'utf8' });
}

test('issue 15.4 on the cluster under a write load: kill -9 the writing node, then a service process, restart both; no acked write lost or doubled, invariants hold, nodes identical', async () => {
  await as('clerk_a'); await as('clerk_b'); await province('13');
  const L = load(6);
  const times = [];
  await sleep(1500);
  try {
  for (let r = 1; r <= ROUNDS; r++) {
    const n = writer();
    let t0 = Date.now();
    cluster('node-kill', String(n));
    times.push([`r${r} kill_node${n}`, await recovery(t0)]);
    t0 = Date.now();
    cluster('svc-kill', '1');
    times.push([`r${r} kill_service1`, await recovery(t0)]);
    t0 = Date.now();
    cluster('node-start', String(n));
    cluster('svc-start', '1');
    times.push([`r${r} restart_node${n}_ist_and_service1`, await recovery(t0)]);
    await sleep(1000);
  }
  } finally {
    await L.stop(); // also when a step failed: the load's loops would keep the test process alive
  }
  // the nodes apply the last writesets: wait until every node is Synced
  for (let i = 0; i < 100 && !/node1.*Synced[\s\S]*node2.*Synced[\s\S]*node3.*Synced/.test(clusterStatus().out); i++) await sleep(200);

  const { W, acked, lost, doubled, unanswered, undetected, inv } = verify(L.writes);
  const sums = [1, 2, 3].map(checksums);
  const differ = sums[0].split('\n').filter((line, k) => line !== sums[1].split('\n')[k] || line !== sums[2].split('\n')[k]);
  const summary = `cluster faults: ${ROUNDS} rounds, ${W.length} writes, ${acked.length} acked, ${lost.length} acked lost, ${doubled.length} stored twice, ` +
    `${W.filter((w) => w.attempts > 1).length} answered only after a retry, ${unanswered.length} never answered, ${undetected.length} undetected duplicates, ` +
    `${inv.length} invariant violations, ${differ.length} tables differing across nodes; ms to the next 2xx: ${times.map(([k, v]) => `${k} ${v}`).join(', ')}`;
  console.log(`# ${summary}`);
  writeFileSync(`${CV}/cluster-faults-summary.txt`, summary + '\n');
  // every write's attempts (time, ms, status, outcome, student id), to compare with the services' logs after a failure
  writeFileSync(`${CV}/cluster-faults-writes.json`, JSON.stringify(W.map((w) => ({ key: w.key, id_number: w.rec.id_number,
    acked: w.acked, lost: lost.includes(w), tries: w.tries })), null, 1));
  assert.ok(acked.length >= 50, `a real load: ${acked.length} acked`);
  assert.deepEqual(lost.map((w) => w.rec.id_number), [], 'acknowledged writes lost');
  assert.deepEqual(doubled, [], 'writes stored twice');
  assert.deepEqual(unanswered.map((w) => `${w.rec.id_number} ${w.last}`), [], 'every write answered once the faults are over');
  assert.deepEqual(undetected, [], 'every ID duplicate detected');
  assert.deepEqual(inv, [], '§6 invariants');
  assert.deepEqual(differ, [], 'every table identical on the three nodes');
  for (const [k, v] of times) assert.ok(v < 30000, `${k}: recovered in ${v} ms`);
});
