// cluster.mjs: helpers of the Galera cluster tests (tests/cluster, `make test-cluster`, issue 15): the cluster's script,
// a query on one node, and service 2 moved to write through another node than service 1.
import { execFileSync, spawnSync } from 'node:child_process';
import { ROOT } from './api.mjs';

/** The cluster's folder and base port (sql/cluster.sh: CLUSTER_VARDIR, CLUSTER_PORT). */
export const CV = process.env.CLUSTER_VARDIR ?? `${ROOT}/var/cluster`;
export const CP = Number(process.env.CLUSTER_PORT ?? 30530);

/** sql/cluster.sh ARGS with extra environment; returns its standard output. */
export const cluster = (args, env = {}) => execFileSync(`${ROOT}/sql/cluster.sh`, args,
  { env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

/** sql/cluster.sh status with extra environment: { out, code } (its exit status: 0 serving, 3 degraded, 1 not serving). */
export const clusterStatus = (env = {}) => {
  const r = spawnSync(`${ROOT}/sql/cluster.sh`, ['status'], { env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return { out: r.stdout, code: r.status };
};

/** A query on node i that first waits for every commit the cluster made before it (wsrep_sync_wait). */
export const onNode = (i, q) => execFileSync('mariadb', ['--no-defaults', '-uroot', `--socket=${CV}/node${i}/run/db.sock`, '-N', '-B', 'xueji', '-e',
  `SET SESSION wsrep_sync_wait = 1; ${q}`], { encoding: 'utf8' }).trim();

/** A global status counter of node i (e.g. WSREP_LOCAL_COMMITS). */
export const nodeStatus = (i, name) => Number(onNode(i, `SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = '${name}'`));

/** The nodes' host:port list, node 1 first. */
export const nodes = () => cluster(['nodes']).trim().split(',');

/** The service connections (user xueji) node i holds. */
export const held = (i) => Number(onNode(i, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = 'xueji'"));

/** Service process svc (1 or 2) is restarted to write through the first node of list (the other service keeps its own;
 * follow, by default when list is nodes(), the usual order: it joins the node the running service writes through); nginx is reloaded so that it sends requests to both
 * services again at once (it avoids a service whose port refused a request for fail_timeout, 10 s). */
export async function svcThrough(svc, list, follow = list.join(',') === nodes().join(',')) {
  const all = nodes();
  cluster(['svc-stop', String(svc)]);
  cluster(['svc-start', String(svc)], { XJ_DB_NODES: list.join(','), XJ_DB_FOLLOW: follow ? '1' : '0' });
  for (let i = 0; i < 100 && held(all.indexOf(list[0]) + 1) === 0; i++) await new Promise((r) => setTimeout(r, 100));
  cluster(['nginx-reload']);
  for (let i = 0; i < 100; i++) { // both services answer again
    const ok = await Promise.all([0, 1, 2, 3].map(() => fetch(`${process.env.BASE_URL}/api/v1/health`).then((r) => r.status === 200, () => false)));
    if (ok.every(Boolean)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`service ${svc} did not come back`);
}
