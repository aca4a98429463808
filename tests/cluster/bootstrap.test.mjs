// bootstrap.test.mjs (issue 15, `make test-cluster`): a stopped cluster restarts from the node holding its last commits.
// On a cluster of its own (CLUSTER_VARDIR-bootstrap, ports from CLUSTER_PORT+50: the suite's cluster keeps running):
// node 1 stops first and a row is written through node 2 after it, then the rest stop; `cluster.sh start` must bootstrap
// from node 2 (safe_to_bootstrap: 1, the last to leave), not node 1, and every node then has both rows. Then a crash of
// all (node 1 killed, a row through node 2, nodes 3 and 2 killed): no node is safe, the start chooses the highest
// recovered position (node 2, the lowest of a tie with node 3) and sets it safe; every node has the three rows.
// Then a cluster partly running (a node and a service process killed): `make cluster` starts them and leaves the rest.
// Run alone: node --test tests/cluster/bootstrap.test.mjs (CLUSTER_PORT to move its ports; needs `make build`).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { ROOT } from '../lib/api.mjs';
import { CV, CP, clusterStatus } from '../lib/cluster.mjs';

const BV = `${CV}-bootstrap`;
const env = { ...process.env, CLUSTER_VARDIR: BV, CLUSTER_PORT: String(CP + 50) };
delete env.XJ_DB_NODES;
/** sql/cluster.sh ARGS on this test's cluster; its standard output (its errors go to the test's). */
const cluster = (...args) => execFileSync(`${ROOT}/sql/cluster.sh`, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
/** A statement on node i, after every commit the cluster made before it. */
const onNode = (i, q) => execFileSync('mariadb', ['--no-defaults', '-uroot', `--socket=${BV}/node${i}/run/db.sock`, '-N', '-B', '-e',
  `SET SESSION wsrep_sync_wait = 1; ${q}`], { encoding: 'utf8' }).trim();
const rows = (i) => onNode(i, 'SELECT GROUP_CONCAT(id ORDER BY id) FROM probe.t');

after(() => { try { cluster('stop'); } catch { /* already stopped */ } });

test('issue 15: a stopped or crashed cluster restarts from the node with its last commits; no committed row is lost', () => {
  try { cluster('stop'); } catch { /* none */ }
  rmSync(BV, { recursive: true, force: true });
  const first = cluster('start');
  assert.match(first, /node 1 bootstraps the cluster: a new cluster/);
  onNode(1, 'CREATE DATABASE probe; CREATE TABLE probe.t (id INT PRIMARY KEY, note VARCHAR(40)) ENGINE=InnoDB; INSERT INTO probe.t VALUES (1, \'all nodes\')');

  // node 1 stops first, the others go on
  cluster('node-stop', '1');
  onNode(2, "INSERT INTO probe.t VALUES (2, 'after node 1 stopped')");
  cluster('stop');
  const { out: stopped, code } = clusterStatus(env);
  assert.equal(code, 1, 'a stopped cluster is not serving');
  assert.match(stopped, /node2: mariadb: stopped seqno=\d+ safe_to_bootstrap=1/, stopped);
  assert.match(stopped, /node1: mariadb: stopped seqno=\d+ safe_to_bootstrap=0/, stopped);
  const started = cluster('start');
  assert.match(started, /node 2 bootstraps the cluster: its grastate.dat says safe_to_bootstrap: 1/, started);
  for (const i of [1, 2, 3]) assert.equal(rows(i), '1,2', `node ${i}`);

  // a crash of all: node 1 killed, a row through node 2, then nodes 3 and 2 killed (no clean stop, no node safe)
  cluster('node-kill', '1');
  onNode(2, "INSERT INTO probe.t VALUES (3, 'after node 1 was killed')");
  cluster('node-kill', '3');
  cluster('node-kill', '2');
  cluster('stop');
  const crashed = clusterStatus(env).out;
  assert.match(crashed, /node1: mariadb: stopped seqno=-1 safe_to_bootstrap=0[\s\S]*node2: mariadb: stopped seqno=-1 safe_to_bootstrap=0/, crashed);
  const recovered = cluster('start');
  assert.match(recovered, /node 2 bootstraps the cluster: no node is safe_to_bootstrap .*its recovered position is the highest/, recovered);
  for (const i of [1, 2, 3]) assert.equal(rows(i), '1,2,3', `node ${i}`);
});

test('issue 15: make cluster on a cluster partly running starts the stopped node and service process, leaves the running ones as they are, and serves', () => {
  if (clusterStatus(env).code !== 0) cluster('start'); // alone: the test before left it serving
  const pid = (i) => execFileSync('cat', [`${BV}/svc${i}/run/service.pid`], { encoding: 'utf8' }).trim();
  const svc1 = pid(1);
  cluster('node-kill', '3');
  cluster('svc-kill', '2');
  const before = clusterStatus(env);
  assert.equal(before.code, 3, `degraded: ${before.out}`);
  assert.match(before.out, /node3: mariadb: stopped[\s\S]*service2: stopped/, before.out);
  // before: the nodes joined, then the Makefile's service-start refused the running service 1 and the start failed
  const again = cluster('start');
  assert.match(again, /node\(s\) 1 2 running: the stopped nodes join them/, again);
  assert.match(again, new RegExp(`service process 1 runs \\(pid ${svc1}\\): left as it is`), again);
  assert.doesNotMatch(again, /service process 2 runs/, again);
  const after_ = clusterStatus(env);
  assert.equal(after_.code, 0, after_.out);
  assert.match(after_.out, /cluster: serving: 3 of 3 nodes synced in the primary component, 2 of 2 service processes, nginx/, after_.out);
  assert.equal(pid(1), svc1, 'service 1 was not restarted');
  for (const i of [1, 2, 3]) assert.equal(rows(i), '1,2,3', `node ${i}`);
});
