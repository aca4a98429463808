// housekeeping.test.mjs: periodic housekeeping (`xueji --housekeep`, also run hourly by the service): expired
// sessions, old idempotency keys, old import files and evidence content no row names are removed; what is
// recent, and every record, group, history event, evidence row and job count, stays. (The service's own pass
// may run meanwhile: effects are checked, not who caused them.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Client, sql, sqlCount, assertError } from '../lib/api.mjs';
import { as, record, SCHOOLS, csv, upload } from '../lib/registry.mjs';
import { upload as uploadEvidence, download, uniqueJpeg, sha256 } from '../lib/evidence.mjs';

const VARDIR = process.env.XJ_VARDIR;
function housekeep() {
  const secrets = Object.fromEntries(readFileSync(`${VARDIR}/secrets.env`, 'utf8').trim().split('\n').map((l) => l.split('=')));
  return execFileSync(`${process.env.XJ_BUILD}/xueji`, ['--housekeep'], {
    encoding: 'utf8',
    env: { ...process.env, XJ_DB_SOCKET: `${VARDIR}/run/db.sock`, XJ_DB_PASSWORD: secrets.XJ_DB_PASSWORD, XJ_DATA_DIR: `${VARDIR}/data` },
  });
}
const lastSession = (user) => sqlCount(`SELECT MAX(s.id) FROM session s JOIN app_user u ON u.id = s.user_id WHERE u.username = '${user}'`);
const exists = (q) => sqlCount(q) === 1;

test('housekeeping removes sessions expired over 30 days, idempotency keys over 7 days, import files over 30 days, evidence content no row names (R23) after a day; keeps the rest', async () => {
  // sessions: one expired 40 days ago (removed), one expired 10 days ago (kept), one live (kept and still usable)
  await Client.login('clerk_b');
  const old = lastSession('clerk_b');
  await Client.login('clerk_b');
  const recent = lastSession('clerk_b');
  const live = await Client.login('clerk_b');
  const liveId = lastSession('clerk_b');
  sql(`UPDATE session SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 40 DAY WHERE id = ${old}`);
  sql(`UPDATE session SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 10 DAY WHERE id = ${recent}`);

  // idempotency keys of workflow actions and of provincial batches: 8 days old (removed), 6 days old (kept)
  const tag = `hk-${Date.now()}`;
  sql(`INSERT INTO workflow_idempotency (principal, idem_key, request_sha, status, body, created_at) VALUES
    ('u:0', '${tag}-old', UNHEX(SHA2('x', 256)), 200, '{}', UTC_TIMESTAMP(6) - INTERVAL 8 DAY),
    ('u:0', '${tag}-new', UNHEX(SHA2('x', 256)), 200, '{}', UTC_TIMESTAMP(6) - INTERVAL 6 DAY)`);
  sql(`INSERT INTO api_idem (scope, idem_key, request_sha256, result, created_at) VALUES
    ('a:0 batch', '${tag}-old', SHA2('x', 256), '{}', UTC_TIMESTAMP(6) - INTERVAL 8 DAY),
    ('a:0 batch', '${tag}-new', SHA2('x', 256), '{}', UTC_TIMESTAMP(6) - INTERVAL 6 DAY)`);

  // import jobs: a dry run with one bad row finished 31 days ago (file and row issues removed) and one of today
  const c = await as('clerk_a');
  const bad = record(SCHOOLS.a, { birth_date: '2014-02-30' });
  const j1 = await upload(c, csv([record(SCHOOLS.a), bad]));
  const j2 = await upload(c, csv([record(SCHOOLS.a), record(SCHOOLS.a, { birth_date: '2015-13-01' })]));
  assert.equal(j1.status, 201, j1.text);
  assert.equal(j1.body.rows_error, 1);
  sql(`UPDATE import_job SET finished_at = UTC_TIMESTAMP(6) - INTERVAL 31 DAY WHERE id = ${j1.body.id}`);
  const file = (id) => `${VARDIR}/data/imports/${id}.bin`;
  assert.ok(existsSync(file(j1.body.id)) && existsSync(file(j2.body.id)));
  const students = sqlCount('SELECT COUNT(*) FROM student'), history = sqlCount('SELECT COUNT(*) FROM history');

  // evidence (R23): an uploaded file two days old (its row keeps it), an orphan two days old (an upload cut
  // before its commit: removed), an orphan of a minute ago (its upload may still be committing: kept)
  const ev = await uploadEvidence(c, [{ filename: 'kept.jpg', data: uniqueJpeg() }]);
  assert.equal(ev.status, 201, ev.text);
  const evFile = (hex) => `${VARDIR}/data/${hex.slice(0, 2)}/${hex.slice(2, 4)}/${hex}`;
  const orphan = (secsAgo) => {
    const data = randomBytes(64), hex = sha256(data), f = evFile(hex);
    mkdirSync(f.slice(0, f.lastIndexOf('/')), { recursive: true });
    writeFileSync(f, data);
    const t = Date.now() / 1000 - secsAgo;
    utimesSync(f, t, t);
    return f;
  };
  const keptFile = evFile(ev.body[0].sha256);
  const ago = Date.now() / 1000 - 2 * 86400;
  utimesSync(keptFile, ago, ago);
  const oldOrphan = orphan(2 * 86400), newOrphan = orphan(60);

  const out = housekeep();
  assert.match(out, /^housekeep: ok in [\d.]+ s: sessions \d+, idempotency keys \d+, import files \d+, evidence files \d+, temp files \d+, counter rows folded \d+, counter slices busy \d+$/m);

  assert.ok(!exists(`SELECT COUNT(*) FROM session WHERE id = ${old}`), 'session expired 40 days ago removed');
  assert.ok(exists(`SELECT COUNT(*) FROM session WHERE id = ${recent}`), 'session expired 10 days ago kept');
  assert.ok(exists(`SELECT COUNT(*) FROM session WHERE id = ${liveId}`));
  assert.equal((await live.get('/api/v1/session')).status, 200, 'a live session still works');
  assert.deepEqual(sql(`SELECT idem_key FROM workflow_idempotency WHERE idem_key LIKE '${tag}%'`).flat(), [`${tag}-new`]);
  assert.deepEqual(sql(`SELECT idem_key FROM api_idem WHERE idem_key LIKE '${tag}%'`).flat(), [`${tag}-new`]);

  assert.ok(!existsSync(file(j1.body.id)), 'the old job\'s file is removed');
  assert.ok(existsSync(file(j2.body.id)), 'today\'s job keeps its file');
  const g1 = await c.get(`/api/v1/imports/${j1.body.id}`);
  assert.equal(g1.status, 200);
  assert.match(g1.body.file_purged_at, /^\d{4}-\d\d-\d\dT/);
  assert.equal(g1.body.rows_valid, 1, 'the job\'s counts stay');
  assert.equal(g1.body.rows_error, 1);
  assert.deepEqual(g1.body.issues, [], 'its row issues are removed');
  const f1 = await c.get(`/api/v1/imports/${j1.body.id}/failed.csv`);
  assertError(f1, 404, 'not_found');
  assert.match(f1.body.error.message_en, /removed on .* kept for 30 days/);
  const cm = await c.post(`/api/v1/imports/${j1.body.id}/commit`);
  assertError(cm, 409, 'conflict');
  assert.match(cm.body.error.message_en, /upload it again/);
  assert.equal((await c.get(`/api/v1/imports/${j1.body.id}`)).body.state, 'validated', 'the refused commit changed nothing');
  const g2 = await c.get(`/api/v1/imports/${j2.body.id}`);
  assert.equal(g2.body.file_purged_at, null);
  assert.ok(g2.body.issues.length >= 1, 'today\'s job keeps its row issues');
  assert.equal((await c.get(`/api/v1/imports/${j2.body.id}/failed.csv`)).status, 200);

  assert.ok(!existsSync(oldOrphan), 'old content no row names is removed');
  assert.ok(existsSync(newOrphan), 'recent content is kept');
  assert.ok(existsSync(keptFile), 'content a row names is kept, however old');
  const dl = await download(c, ev.body[0].id);
  assert.equal(dl.status, 200);

  assert.equal(sqlCount('SELECT COUNT(*) FROM student'), students, 'no record removed');
  assert.equal(sqlCount('SELECT COUNT(*) FROM history'), history, 'no history removed');
  // a second pass finds nothing more
  assert.match(housekeep(), /sessions 0, idempotency keys 0, import files 0, evidence files 0, temp files 0, counter rows folded \d+, counter slices busy \d+$/m);
});
