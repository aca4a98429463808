// stalled-import.test.mjs: issue 12 item 4: jobs tell the truth after a fault. An import interrupted by a database
// failure is marked failed as soon as the database is back (not after the two-minute reaper), its counts say what was
// stored (nothing), and the log says "done" for a job that finished. Runs alone (it kills MariaDB).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { http, VARDIR, ROOT, until, sqlCount } from '../lib/api.mjs';
import { as, record, csv, upload, SCHOOLS } from '../lib/registry.mjs';

const job = async (c, id) => (await c.get(`/api/v1/imports/${id}`)).body;

test('issue 12.4 an import interrupted by a database failure is failed as soon as the database is back, with nothing stored', async () => {
  const c = await as('clerk_a');
  const rows = Array.from({ length: 20000 }, () => record(SCHOOLS.a));
  const before = sqlCount('SELECT COUNT(*) FROM student');
  const up = await upload(c, csv(rows), { dryRun: false, query: '&test_chunk=250' });
  assert.equal(up.status, 202, up.text);
  const id = up.body.id;
  // kill MariaDB in the middle of the commit (progress is written on its own connection)
  await until(async () => { const j = await job(c, id); assert.notEqual(j.state, 'done', 'the commit ended before the fault'); return j.rows_done >= 500; }, 60000, 50);
  const dbpid = readFileSync(`${VARDIR}/run/db.pid`, 'utf8').trim();
  execSync(`kill -9 ${dbpid}`);
  await new Promise((r) => setTimeout(r, 1500));
  execSync(`${ROOT}/sql/db.sh start`, { env: process.env });
  const back = Date.now();
  await until(async () => (await http('GET', '/api/v1/health')).status === 200, 10000, 50);
  const j = await until(async () => { const x = await job(c, id); return x.state === 'committing' ? null : x; }, 15000, 100);
  const secs = (Date.now() - back) / 1000;
  console.log(`# job failed ${secs.toFixed(1)} s after the database was back`);
  assert.equal(j.state, 'failed', JSON.stringify(j));
  assert.equal(j.error.code, 'commit_failed', JSON.stringify(j.error));
  assert.equal(j.rows_created, 0, 'nothing created');
  assert.equal(j.rows_unchanged, 0);
  assert.equal(j.groups_touched, 0);
  assert.ok(secs < 15, 'failed within seconds of the database coming back, not by the two-minute reaper');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM student WHERE import_job_id=${id}`), 0, 'nothing of the file was stored');
  assert.equal(sqlCount('SELECT COUNT(*) FROM student'), before);

  // MariaDB rolls the killed commit back in the background after its restart, holding that transaction's locks: wait
  // for it, so that the suites after this one (the fault suite) do not queue behind a recovery
  await until(() => sqlCount("SELECT COUNT(*) FROM information_schema.innodb_trx WHERE trx_state='ROLLING BACK' OR trx_mysql_thread_id=0") === 0, 120000, 200);

  // a job that finishes says so in the log
  const ok = await upload(c, csv(rows.slice(0, 3000)), { dryRun: false });
  assert.equal(ok.status, 202, ok.text);
  const d = await until(async () => { const x = await job(c, ok.body.id); return ['done', 'failed'].includes(x.state) ? x : null; }, 60000, 200);
  assert.equal(d.state, 'done', JSON.stringify(d));
  // the job's state is stored before its worker writes the log line: read the log until the line is there (or 10 s)
  const line = new RegExp(`import ${ok.body.id}: commit done: 3000 created`);
  const log = await until(() => { const l = readFileSync(`${VARDIR}/log/service.log`, 'utf8'); return line.test(l) ? l : null; }, 10000, 100)
    .catch(() => readFileSync(`${VARDIR}/log/service.log`, 'utf8'));
  assert.match(log, line);
});
