// quorum.test.mjs (issue 15, operators' trap, `make test-cluster`): `make cluster-status` (sql/cluster.sh status) says
// whether the cluster serves, not only whether each mariadbd runs. On a cluster of its own (CLUSTER_VARDIR-quorum, ports
// from CLUSTER_PORT+100: the suite's cluster keeps running): whole, every node Primary/Synced/ready and exit 0; node 3
// killed, "serving, degraded" and exit 3, the service answering; node 2 killed too, node 1 runs alone outside the primary
// component: its line says "up, NOT in the primary component: refuses reads and writes", the verdict "NOT serving",
// exit 1, and the service does not write through it (fcgi/db.c asks each node wsrep_ready) nor says in its health
// that the database is ok (it did: a ping, which a node outside the primary component answers): 503; the stopped nodes
// started again (cluster.sh node-start N), the primary component is whole again and the service answers.
// Run alone: node --test tests/cluster/quorum.test.mjs (CLUSTER_PORT to move its ports; needs `make build`).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { ROOT, until } from '../lib/api.mjs';
import { CV, CP, clusterStatus } from '../lib/cluster.mjs';

const QV = `${CV}-quorum`, QP = CP + 100;
const env = { ...process.env, CLUSTER_VARDIR: QV, CLUSTER_PORT: String(QP), DEMO: '0' };
delete env.XJ_DB_NODES;
/** sql/cluster.sh ARGS on this test's cluster; its standard output (its errors go to the test's). */
const cluster = (...args) => execFileSync(`${ROOT}/sql/cluster.sh`, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const status = () => clusterStatus(env);
const health = () => fetch(`http://127.0.0.1:${QP}/api/v1/health`).then((r) => r.status, () => 0);
/** Waits (up to 60 s) until the status output matches re; returns the last status. */
async function statusUntil(re) {
  let s = status();
  for (let i = 0; i < 300 && !re.test(s.out); i++) {
    await new Promise((r) => setTimeout(r, 200));
    s = status();
  }
  assert.match(s.out, re);
  return s;
}

after(() => { try { cluster('stop'); } catch { /* already stopped */ } });

test('issue 15: cluster-status says when a running node is outside the primary component, and exits non-zero when the cluster does not serve', async () => {
  try { cluster('stop'); } catch { /* none */ }
  rmSync(QV, { recursive: true, force: true });
  cluster('start');

  let s = status();
  assert.equal(s.code, 0, s.out);
  for (const i of [1, 2, 3]) {
    assert.match(s.out, new RegExp(`^node${i}: mariadb: running .* cluster_status=Primary state=Synced ready=ON cluster_size=3$`, 'm'), s.out);
  }
  assert.match(s.out, /^cluster: serving: 3 of 3 nodes synced in the primary component, 2 of 2 service processes, nginx$/m);

  // one node lost: the other two keep the primary component (2 of 3), the cluster serves, degraded
  cluster('node-kill', '3');
  s = await statusUntil(/^node1: .*cluster_size=2$/m);
  assert.equal(s.code, 3, s.out);
  assert.match(s.out, /^node3: mariadb: stopped seqno=-1 /m);
  assert.match(s.out, /^cluster: serving, degraded: 2 of 3 nodes synced in the primary component, 2 of 2 service processes/m);
  await until(async () => (await health()) === 200, 10000, 100);

  // two lost: node 1 alone has no quorum; it runs, and serves nothing
  cluster('node-kill', '2');
  s = await statusUntil(/^node1: .*cluster_status=non-Primary/m);
  assert.equal(s.code, 1, s.out);
  assert.match(s.out, /^node1: mariadb: running \(pid \d+, port \d+\) cluster_status=non-Primary state=\S+ ready=OFF cluster_size=1: up, NOT in the primary component: refuses reads and writes$/m);
  assert.match(s.out, /^cluster: NOT serving: no running node is in a primary component/m);
  assert.doesNotMatch(s.out, /^cluster: serving/m);
  await until(async () => (await health()) === 503, 20000, 200).catch(() => {});
  assert.equal(await health(), 503, 'health says the database is unavailable: the service writes through no node outside the primary component');

  // the lost nodes back, one after the other (what the status says to do): they join node 1, and once the nodes of the
  // last primary component (1 and 2) are back, it forms again
  cluster('node-start', '2');
  cluster('node-start', '3');
  s = await statusUntil(/^cluster: serving: 3 of 3 nodes/m);
  assert.equal(s.code, 0, s.out);
  await until(async () => (await health()) === 200, 20000, 200);
});
