#!/usr/bin/env node
// registry-import.mjs: drive the service's own import path for the registry benchmark (issue 4): upload each file
// (POST /api/v1/imports, validate + commit in one job), poll the job until it is done; BENCH_IMPORT_PARALLEL files at a
// time (default 1: one file after the other, as a school or a provincial system would send them).
// Usage: BASE_URL=... node registry-import.mjs USER|xjp_TOKEN FILE... (a provincial Bearer token or a demo user); prints JSON {jobs: [{file, id, rows, created, seconds}], seconds, parallel}
import { readFileSync } from 'node:fs';
import { Client, http } from '../lib/api.mjs';

const [user, ...files] = process.argv.slice(2);
/** A provincial system (R29) authenticates with its Bearer credential. */
function bearer(token) {
  const req = (method, path, opts = {}) => http(method, path, { ...opts, headers: { ...(opts.headers || {}), authorization: `Bearer ${token}` } });
  return { req, get: (p) => req('GET', p) };
}
const c = user.startsWith('xjp_') ? bearer(user) : await Client.login(user);
const jobs = [];
const t0 = performance.now();
/** Upload one file and wait for its job. */
async function importFile(file) {
  const t = performance.now();
  const body = readFileSync(file);
  const r = await c.req('POST', '/api/v1/imports?dry_run=0', { raw: body, headers: { 'content-type': 'text/csv' } });
  if (r.status !== 201 && r.status !== 202) throw new Error(`${file}: ${r.status} ${r.text}`);
  let j = r.body;
  while (j.state === 'validating' || j.state === 'committing') {
    await new Promise((res) => setTimeout(res, 50));
    const g = await c.get(`/api/v1/imports/${j.id}?issues_limit=0`);
    if (g.status !== 200) throw new Error(`${file}: poll ${g.status} ${g.text}`);
    j = g.body;
  }
  if (j.state !== 'done') throw new Error(`${file}: job ${j.id} ended ${j.state}: ${JSON.stringify(j.error)}`);
  const seconds = (performance.now() - t) / 1000;
  jobs.push({ file, id: j.id, rows: j.rows_total, created: j.rows_created, errors: j.rows_error, groups_touched: j.groups_touched, seconds });
  process.stderr.write(`import: ${file}: job ${j.id}, ${j.rows_created}/${j.rows_total} created, ${seconds.toFixed(1)} s\n`);
}
const parallel = Math.max(1, Number(process.env.BENCH_IMPORT_PARALLEL || 1));
const queue = [...files];
await Promise.all(Array.from({ length: parallel }, async () => { while (queue.length) await importFile(queue.shift()); }));
jobs.sort((a, b) => files.indexOf(a.file) - files.indexOf(b.file)); // the report maps rows to files in file order
process.stdout.write(JSON.stringify({ jobs, seconds: (performance.now() - t0) / 1000, parallel }) + '\n');
