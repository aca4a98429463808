// backup.test.mjs: an operator's backup and restore (make backup, make restore; sql/db.sh): a hot backup taken while
// the service runs is put back whole (records, sessions, evidence, secrets.env), what came after it is gone (evidence
// no row of it names set aside), a backup of before an upgrade comes back migrated, a folder that is no backup is
// refused without touching the instance, a file the backup holds with another content than the instance's is kept aside
// and named, not overwritten unseen, a restore that fails part-way puts the instance back; XJ_DATA_DIR given to
// make is the evidence folder of the service, backup and housekeep; a migration that fails part-way stops, saying what
// to do.
// Stops the database and the service, so it runs with the resilience suites, alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { http, ROOT, VARDIR, until, sql, sqlCount } from '../lib/api.mjs';
import { as, record, SCHOOLS } from '../lib/registry.mjs';
import { contentPath, DATA_DIR, sha256, uniqueJpeg, upload } from '../lib/evidence.mjs';

/** make TARGET ARGS in the project, on this test instance (INSTANCE, PORT, DB_PORT, VARDIR come from the environment). */
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('XJ_'))); // the tests' own XJ_ROOT…
const make = (...args) => makeIn(env, ...args);
const makeIn = (e, ...args) => spawnSync('make', ['--no-print-directory', '-C', ROOT, ...args, 'XJ_TEST_HOOKS=1'], { env: e, encoding: 'utf8' });
const students = (idno) => sqlCount(`SELECT COUNT(*) FROM student WHERE id_number = '${idno}'`);
/** The code's migrations (sql/NNN_*.sql), in order, and the latest. */
const versions = readdirSync(`${ROOT}/sql`).filter((f) => /^\d{3}_.*\.sql$/.test(f)).map((f) => Number(f.slice(0, 3))).sort((x, y) => x - y);
const latest = versions.at(-1);

test('operator: make backup while the service runs, then make restore onto another secrets.env: the backup\'s records, sessions, evidence and secrets are back, migrated, later records gone', async () => {
  const c = await as('clerk_a');
  const before = record(SCHOOLS.a);
  assert.equal((await c.post('/api/v1/students', before)).status, 201);
  // a backup of before an upgrade: its latest migration not yet applied (the latest re-runs cleanly: it restates a trigger)
  sql(`DELETE FROM schema_version WHERE version = ${latest}`);
  const b = make('backup');
  assert.equal(b.status, 0, b.stderr);
  const dir = b.stdout.trim().split('\n').pop();
  const manifest = readFileSync(`${dir}/manifest`, 'utf8');
  assert.match(manifest, new RegExp(`^schema_version=${versions.at(-2)}$`, 'm'));
  const secrets = readFileSync(`${VARDIR}/secrets.env`, 'utf8');
  assert.equal(readFileSync(`${dir}/secrets.env`, 'utf8'), secrets, 'the backup holds the instance\'s secrets.env');
  assert.equal(statSync(`${dir}/secrets.env`).mode & 0o777, 0o600);
  const after = record(SCHOOLS.a);
  assert.equal((await c.post('/api/v1/students', after)).status, 201, 'the service wrote on while the backup was taken');
  assert.equal(students(after.id_number), 1);
  const jpg = uniqueJpeg(), hex = sha256(jpg);
  const u = await upload(c, [{ filename: 'after-backup.jpg', data: jpg }]);
  assert.equal(u.status, 201, u.text);
  // content the backup copied whose row committed after its database copy: no row of the restored database names it
  const late = uniqueJpeg(), lateHex = sha256(late), lateRel = `${lateHex.slice(0, 2)}/${lateHex.slice(2, 4)}/${lateHex}`;
  mkdirSync(`${dir}/data/${lateRel.slice(0, 5)}`, { recursive: true });
  writeFileSync(`${dir}/data/${lateRel}`, late);

  // restored onto a fresh instance: its own secrets.env, another password than the backup's mysql.user holds
  writeFileSync(`${VARDIR}/secrets.env`, 'XJ_DB_PASSWORD=not-the-backups-password\n', { mode: 0o600 });
  const r = make('restore', `BACKUP=${dir}`);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, new RegExp(`restored .* \\(schema version ${latest}\\); the database files before it are in `));
  await until(async () => (await http('GET', '/api/v1/health')).status === 200, 10000, 100);
  assert.equal(readFileSync(`${VARDIR}/secrets.env`, 'utf8'), secrets, 'the backup\'s secrets.env is back');
  assert.ok(readdirSync(VARDIR).some((f) => f.startsWith('secrets.env.before-restore-')), 'the one it replaced is kept');
  assert.equal(sqlCount('SELECT MAX(version) FROM schema_version'), latest, 'migrated to the code\'s latest migration');
  assert.equal(students(before.id_number), 1, 'the record of before the backup is there');
  assert.equal(students(after.id_number), 0, 'the record of after it is not');
  assert.equal((await c.get('/api/v1/session')).status, 200, 'a session of before the backup still signs in');
  for (const [h] of sql('SELECT HEX(sha256) FROM evidence')) assert.ok(existsSync(contentPath(h.toLowerCase())), `evidence ${h} has its content`);
  // the evidence stored after the backup is set aside beside the database files, not left to the evidence sweep
  const aside = readdirSync(VARDIR).filter((f) => f.startsWith('data.before-restore-'));
  assert.equal(aside.length, 1, `one set-aside data folder: ${aside}`);
  assert.match(r.stdout, new RegExp(`; the files of .* it does not name \\(\\d+\\) are in ${VARDIR}/${aside[0]}$`, 'm'));
  assert.ok(!existsSync(contentPath(hex)), 'the evidence of after the backup is not in the live store');
  assert.deepEqual(readFileSync(`${VARDIR}/${aside[0]}/${hex.slice(0, 2)}/${hex.slice(2, 4)}/${hex}`), jpg, 'it is set aside, whole');
  assert.ok(!existsSync(contentPath(lateHex)), 'nor is the backup\'s content no row of it names');
  assert.deepEqual(readFileSync(`${VARDIR}/${aside[0]}/${lateRel}`), late, 'it is set aside too');
  assert.equal((await c.post('/api/v1/students', after)).status, 201, 'and the service writes again');

  // a folder that is no backup: refused, saying which backups there are; the instance untouched and serving
  const bad = make('restore', 'BACKUP=/nonexistent');
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /is not a complete backup of make backup/);
  assert.ok(bad.stderr.includes(dir), `lists the backups of the instance: ${bad.stderr}`);
  await until(async () => (await http('GET', '/api/v1/health')).status === 200, 10000, 100);
  assert.equal(students(after.id_number), 1);
});

/** Writes content to path (its folders made), its time an hour back when old (a file of a backup taken before). */
function put(path, content, old = false) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  if (old) utimesSync(path, new Date(Date.now() - 3600e3), new Date(Date.now() - 3600e3));
}

test('operator: a restore keeps aside, whole, the instance\'s files the backup holds with another content (also one damaged in place with its size and time kept), and names them; the same content touched since is no such file', async () => {
  const c = await as('clerk_a');
  const jpg = uniqueJpeg(), hex = sha256(jpg), same = uniqueJpeg(), sameHex = sha256(same), quiet = uniqueJpeg(), quietHex = sha256(quiet);
  for (const [name, data] of [['damaged-later.jpg', jpg], ['touched-later.jpg', same], ['damaged-quietly.jpg', quiet]]) {
    assert.equal((await upload(c, [{ filename: name, data }])).status, 201);
  }
  const b = make('backup');
  assert.equal(b.status, 0, b.stderr);
  const dir = b.stdout.trim().split('\n').pop();
  // after the backup: an import's file of the same job number with another content (a number used again after an
  // earlier restore), an evidence file damaged on the instance (its name is its content's hash), one only touched
  const job = 'imports/990001.bin';
  put(`${dir}/data/${job}`, 'the backup\'s import file\n', true);
  put(`${DATA_DIR}/${job}`, 'the instance\'s import file, written after the backup\n');
  const damaged = Buffer.from(jpg);
  damaged[damaged.length >> 1] ^= 0xff;
  writeFileSync(contentPath(hex), damaged);
  utimesSync(contentPath(sameHex), new Date(), new Date(Date.now() + 60e3));
  // damaged in place, its size and time (to the nanosecond) the backup's copy's: rsync's quick check sees no difference
  const quietRel = contentPath(quietHex).slice(DATA_DIR.length + 1);
  const quietDamaged = Buffer.from(quiet);
  quietDamaged[quietDamaged.length >> 1] ^= 0xff;
  writeFileSync(contentPath(quietHex), quietDamaged);
  execFileSync('touch', ['-r', `${dir}/data/${quietRel}`, contentPath(quietHex)]);
  try {
    const r = make('restore', `BACKUP=${dir}`);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    const kept = readdirSync(VARDIR).filter((f) => f.startsWith('data-replaced.before-restore-'));
    assert.equal(kept.length, 1, `one folder of replaced files: ${kept}`);
    const k = `${VARDIR}/${kept[0]}`;
    assert.match(r.stdout, new RegExp(`^restore: 3 file\\(s\\) of ${DATA_DIR} had another content in the backup: the instance's are kept in ${k}, the backup's copied in`, 'm'));
    assert.match(r.stdout, new RegExp(`^  ${job}$`, 'm'));
    assert.match(r.stdout, new RegExp(`^  ${hex.slice(0, 2)}/${hex.slice(2, 4)}/${hex}: the backup's copy matches its hash, the instance's does not \\(damaged\\)$`, 'm'));
    assert.match(r.stdout, new RegExp(`^  ${quietHex.slice(0, 2)}/${quietHex.slice(2, 4)}/${quietHex}: the backup's copy matches its hash, the instance's does not \\(damaged\\)$`, 'm'));
    assert.doesNotMatch(r.stdout, new RegExp(sameHex), 'the same content, touched since, is no file of another content');
    assert.match(r.stdout, /^restored /m);
    assert.equal(readFileSync(`${k}/${job}`, 'utf8'), 'the instance\'s import file, written after the backup\n', 'the instance\'s import file is kept');
    assert.deepEqual(readFileSync(`${k}/${hex.slice(0, 2)}/${hex.slice(2, 4)}/${hex}`), damaged, 'so is its damaged evidence copy, as it was');
    assert.equal(readFileSync(`${DATA_DIR}/${job}`, 'utf8'), 'the backup\'s import file\n', 'the backup\'s copies are in');
    assert.deepEqual(readFileSync(contentPath(hex)), jpg);
    assert.deepEqual(readFileSync(`${k}/${quietHex.slice(0, 2)}/${quietHex.slice(2, 4)}/${quietHex}`), quietDamaged, 'the one damaged quietly is kept too');
    assert.deepEqual(readFileSync(contentPath(quietHex)), quiet, 'and the backup\'s copy is in');
    assert.deepEqual(readFileSync(contentPath(sameHex)), same);
    await until(async () => (await http('GET', '/api/v1/health')).status === 200, 10000, 100);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${DATA_DIR}/${job}`, { force: true });
  }
});

/** The instance's set-aside folders and files of restores (db/data/secrets.env.before-restore-*, run/restore-added.*). */
const setAside = () => [...readdirSync(VARDIR).filter((f) => f.includes('.before-restore-')),
  ...readdirSync(`${VARDIR}/run`).filter((f) => f.startsWith('restore-added.'))].sort();

test('operator: a restore that fails part-way exits non-zero naming the step and puts the instance back: its records, evidence (also its files the backup held with another content) and secrets.env, the service started again only if it ran', async () => {
  const c = await as('clerk_a');
  const secrets = readFileSync(`${VARDIR}/secrets.env`, 'utf8');
  const kept = setAside(), job = 'imports/990002.bin';
  const b = make('backup');
  assert.equal(b.status, 0, b.stderr);
  const dir = b.stdout.trim().split('\n').pop();
  try {
    // what came after the backup, which a restore would set aside: a record and an evidence file
    const after = record(SCHOOLS.a);
    assert.equal((await c.post('/api/v1/students', after)).status, 201);
    const jpg = uniqueJpeg(), hex = sha256(jpg);
    assert.equal((await upload(c, [{ filename: 'after-backup.jpg', data: jpg }])).status, 201);
    // the backup's own content and secrets.env, which the restore copies in before it fails
    const late = uniqueJpeg(), lateHex = sha256(late), lateRel = `${lateHex.slice(0, 2)}/${lateHex.slice(2, 4)}/${lateHex}`;
    mkdirSync(`${dir}/data/${lateRel.slice(0, 5)}`, { recursive: true });
    writeFileSync(`${dir}/data/${lateRel}`, late);
    writeFileSync(`${dir}/secrets.env`, 'XJ_DB_PASSWORD=not-the-instances-password\n', { mode: 0o600 });
    // a file both hold, with another content: the restore keeps the instance's aside before it copies the backup's
    put(`${dir}/data/${job}`, 'the backup\'s import file\n', true);
    put(`${DATA_DIR}/${job}`, 'the instance\'s import file\n');
    const asBefore = async (service) => {
      assert.deepEqual(setAside(), kept, 'nothing left set aside');
      assert.equal(readFileSync(`${VARDIR}/secrets.env`, 'utf8'), secrets, 'the instance\'s secrets.env is back');
      assert.equal(students(after.id_number), 1, 'the record of after the backup is there');
      assert.deepEqual(readFileSync(contentPath(hex)), jpg, 'the evidence of after the backup is back in the live store');
      assert.ok(!existsSync(contentPath(lateHex)), 'the backup\'s content it copied in is gone');
      assert.equal(readFileSync(`${DATA_DIR}/${job}`, 'utf8'), 'the instance\'s import file\n', 'the instance\'s file the backup held with another content is back');
      assert.equal(sqlCount('SELECT MAX(version) FROM schema_version'), latest);
      if (service) assert.equal((await c.get('/api/v1/session')).status, 200, 'served again: the session of before signs in');
    };

    // fails after the restored database started and the evidence was moved: its schema version is not the manifest's
    const manifest = readFileSync(`${dir}/manifest`, 'utf8');
    writeFileSync(`${dir}/manifest`, manifest.replace(/^schema_version=.*$/m, 'schema_version=1'));
    let r = make('restore', `BACKUP=${dir}`);
    assert.notEqual(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stderr, /restore: schema version \d+, the backup's manifest says 1\n/);
    assert.match(r.stderr, /restore: failed while checking the restored database's schema version against the backup's manifest/);
    assert.match(r.stderr, /the instance is as it was before the restore .* its database started again\n/);
    assert.match(r.stderr, /service: started again, on the instance of before the restore\n/);
    assert.doesNotMatch(r.stdout, /^restored /m);
    await until(async () => (await http('GET', '/api/v1/health')).status === 200, 10000, 100);
    await asBefore(true);

    // fails at the start of the restored database (its files damaged), the service stopped before: it stays stopped
    writeFileSync(`${dir}/manifest`, manifest);
    writeFileSync(`${dir}/db/ibdata1`, Buffer.alloc(1 << 20, 0x5a));
    assert.equal(make('service-stop').status, 0);
    r = make('restore', `BACKUP=${dir}`);
    assert.notEqual(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stderr, /MariaDB did not start/);
    assert.match(r.stderr, /restore: failed while starting the restored database/);
    assert.match(r.stderr, /its database started again\nservice: not started \(it was not running before the restore\)\n/);
    assert.notEqual((await http('GET', '/api/v1/health')).status, 200, 'the service is not running');
    await asBefore(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${DATA_DIR}/${job}`, { force: true });
    // the instance serving again for the next tests; not thrown here, which would hide the test's own failure
    if ((await http('GET', '/api/v1/health')).status !== 200) make('service-start');
    await until(async () => (await http('GET', '/api/v1/health')).status === 200, 10000, 100).catch(() => {});
  }
});

test('operator: a backup whose evidence copy fails keeps nothing, says so and exits non-zero', () => {
  const bin = mkdtempSync(`${tmpdir()}/xj-rsync-`);
  writeFileSync(`${bin}/rsync`, '#!/bin/sh\necho "rsync: simulated failure" >&2; exit 23\n', { mode: 0o755 });
  const kept = readdirSync(`${VARDIR}/backup`);
  const b = makeIn({ ...env, PATH: `${bin}:${env.PATH}` }, 'backup');
  assert.notEqual(b.status, 0);
  assert.match(b.stderr, /backup failed \(nothing kept\)[\s\S]*simulated failure/);
  assert.deepEqual(readdirSync(`${VARDIR}/backup`), kept, 'no half backup folder');
});

test('operator: XJ_DATA_DIR given to make is the evidence folder of service-start, backup and housekeep', async () => {
  const data = mkdtempSync(`${tmpdir()}/xj-data-`);
  const own = { ...env, XJ_DATA_DIR: data };
  const restart = (e) => {
    assert.equal(make('service-stop').status, 0);
    const s = makeIn(e, 'service-start');
    assert.equal(s.status, 0, s.stderr);
  };
  const jpg = uniqueJpeg(), hex = sha256(jpg), rel = `${hex.slice(0, 2)}/${hex.slice(2, 4)}/${hex}`;
  try {
    restart(own);
    await until(async () => (await http('GET', '/api/v1/health')).status === 200, 10000, 100);
    const c = await as('clerk_a');
    const u = await upload(c, [{ filename: 'own-data-dir.jpg', data: jpg }]);
    assert.equal(u.status, 201, u.text);
    assert.deepEqual(readFileSync(`${data}/${rel}`), jpg, 'the upload landed in XJ_DATA_DIR');
    assert.ok(!existsSync(contentPath(hex)), 'not in the instance\'s own data folder');
    const b = makeIn(own, 'backup');
    assert.equal(b.status, 0, b.stderr);
    assert.ok(existsSync(`${b.stdout.trim().split('\n').pop()}/data/${rel}`), 'the backup copied XJ_DATA_DIR');
    const h = makeIn(own, 'housekeep');
    assert.equal(h.status, 0, h.stderr + h.stdout);
    assert.match(h.stdout, /^housekeep: ok in /m);
    assert.ok(existsSync(`${data}/${rel}`), 'its row names it: kept');
  } finally {
    restart(env);
    // the upload's row stays: its content joins the instance's own folder (later suites check every row's content)
    if (existsSync(`${data}/${rel}`)) {
      mkdirSync(dirname(contentPath(hex)), { recursive: true });
      copyFileSync(`${data}/${rel}`, contentPath(hex));
    }
    rmSync(data, { recursive: true, force: true });
    await until(async () => (await http('GET', '/api/v1/health')).status === 200, 10000, 100);
  }
});

test('operator: a migration that fails part-way stops the migrate, says which file, that it is part-applied and what to do', () => {
  // sql/db.sh beside a migration of its own, run on a scratch database of the test instance's MariaDB
  const dir = mkdtempSync(`${tmpdir()}/xj-migrate-`);
  copyFileSync(`${ROOT}/sql/db.sh`, `${dir}/db.sh`);
  writeFileSync(`${dir}/001_half.sql`, 'CREATE TABLE t1 (a INT);\nALTER TABLE t1 ADD COLUMN a INT;\n');
  const e = { ...env, VARDIR, DB_NAME: 'xj_migrate_half' };
  const migrate = () => spawnSync('bash', [`${dir}/db.sh`, 'migrate'], { env: e, encoding: 'utf8' });
  try {
    for (const run of ['first', 're-run']) {
      const m = migrate();
      assert.notEqual(m.status, 0, `${run}: exits non-zero`);
      assert.match(m.stderr, /Duplicate column name 'a'|Table 't1' already exists/, `${run}: MariaDB's error: ${m.stderr}`);
      assert.match(m.stderr, /migrate: \S*001_half\.sql failed .* the statements before the failed one stay applied/is, m.stderr);
      assert.match(m.stderr, /restore the\s+backup taken before the upgrade \(make restore/);
      assert.match(m.stderr, /sql -e \\\n\s+"INSERT INTO schema_version \(version, name\) VALUES \(1, '001_half'\)"/);
    }
    assert.equal(spawnSync('bash', [`${dir}/db.sh`, 'sql', '-N', '-e', 'SELECT COUNT(*) FROM schema_version'], { env: e, encoding: 'utf8' }).stdout.trim(), '0', 'not recorded');
  } finally {
    spawnSync('bash', [`${dir}/db.sh`, 'sql', '-e', 'DROP DATABASE xj_migrate_half'], { env: e });
    rmSync(dir, { recursive: true, force: true });
  }
});
