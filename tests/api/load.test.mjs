// load.test.mjs: issue 14 item 3: `xueji --load FILE...` loads a province's existing registry: records keep the numbers
// they bring (R5), the counters continue after them, detection runs once at the end (R7-R9), a refused row refuses its
// file with the row named, a file loaded before is skipped, and a load killed with -9 stores nothing of the file it was
// in; running it again resumes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, sqlCount, counters } from '../lib/api.mjs';
import { as, record, SCHOOLS } from '../lib/registry.mjs';

const VARDIR = process.env.XJ_VARDIR;
const HEADER = '学籍号,姓名,性别,出生日期,证件类型,证件号码,学校标识码,年级,班级,入学日期,监护人联系电话';
const dir = mkdtempSync(join(tmpdir(), 'xj-load-'));

/** Run `xueji --load files...`; {child, done: Promise<{code, out, err}>}. */
function load(files, env = {}) {
  const secrets = Object.fromEntries(readFileSync(`${VARDIR}/secrets.env`, 'utf8').trim().split('\n').map((l) => l.split('=')));
  const child = spawn(`${process.env.XJ_BUILD}/xueji`, ['--load', ...files], {
    env: { ...process.env, XJ_DB_SOCKET: `${VARDIR}/run/db.sock`, XJ_DB_PASSWORD: secrets.XJ_DB_PASSWORD, ...env },
  });
  let out = '', err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  return { child, done: new Promise((res) => child.on('exit', (code, signal) => res({ code, signal, out, err }))) };
}

/** An L number (R5) of a record of SCHOOLS.a: county 130102, its birth date, sequence seq (6000-9999: no registration
 * of the other suites reaches it, and makeStudent of tests/lib/workflow.mjs keeps to 5000-5999). */
const lno = (r, seq) => `L130102${r.birth_date.replaceAll('-', '')}${String(seq).padStart(4, '0')}`;
const line = (no, r) => [no, r.name, r.gender, r.birth_date, r.id_type, r.id_number, r.school_code, r.grade, r.class_name, r.enrol_date, r.guardian_phone].join(',');
function file(name, rows) {
  const p = join(dir, name);
  writeFileSync(p, `${HEADER}\n${rows.join('\n')}\n`);
  return p;
}
/** Rows of SCHOOLS.a with L numbers from seq upward, each birth date's sequence counted on its own. */
function lrows(n, first) {
  const seqs = new Map();
  return Array.from({ length: n }, () => {
    const r = record(SCHOOLS.a);
    const s = (seqs.get(r.birth_date) ?? first) + 1;
    seqs.set(r.birth_date, s);
    return { r, no: lno(r, s) };
  });
}

test('issue 14 R5 R7-R9 R30: records keep their L and G numbers, counters continue after them, clashes are found once at the end, the statistics counters stay exact; a second run skips the file', async () => {
  assert.equal(counters('--rebuild-counters').status, 0); // other suites' data is not this test's business
  const rows = lrows(40, 6000);
  // a G number: a verified resident record brings G + its number
  const g = record(SCHOOLS.a);
  // a clash planted across the file and an existing record (registered through the API: detected when the load ends)
  const existing = record(SCHOOLS.a);
  const clerk = await as('clerk_a');
  assert.equal((await clerk.post('/api/v1/students', existing)).status, 201);
  const twin = { r: { ...record(SCHOOLS.a), gender: existing.gender, birth_date: existing.birth_date, id_number: existing.id_number }, no: null };
  twin.no = lno(twin.r, 7000);
  const f = file('ok.csv', [...rows.map((x) => line(x.no, x.r)), line(`G${g.id_number}`, g), line(twin.no, twin.r)]);
  const { code, out, err } = await load([f]).done;
  assert.equal(code, 0, out + err);
  assert.match(out, /ok\.csv: 42 records stored with their numbers/);
  assert.match(err, /load: .*ok\.csv: 42\/42 rows/);
  assert.match(out, /redetect: ok in/);
  for (const x of rows)
    assert.equal(sql(`SELECT student_no FROM student WHERE id_number='${x.r.id_number}'`)[0][0], x.no);
  assert.equal(sql(`SELECT student_no, source, status FROM student WHERE id_number='${g.id_number}'`)[0].join(), `G${g.id_number},load,formal`);
  // R5: the counter of a loaded prefix stands at the highest loaded number: the next registration follows it
  const last = rows[rows.length - 1];
  const next = await clerk.post('/api/v1/students', record(SCHOOLS.a, { birth_date: last.r.birth_date }));
  assert.equal(next.status, 201, next.text);
  // (the twin's number counts too when it was born the same day: its prefix is the same)
  const seq = Math.max(...[...rows, twin].filter((x) => x.r.birth_date === last.r.birth_date).map((x) => Number(x.no.slice(-4))));
  assert.equal(next.body.student_no, lno(last.r, seq + 1));
  // R7-R9: the planted twin and the existing record are in one open ID-duplicate group
  assert.equal(sqlCount(`SELECT COUNT(*) FROM group_member m JOIN problem_group g ON g.id=m.group_id JOIN student s ON s.id=m.student_id
    WHERE g.type='id_dup' AND g.state='open' AND s.id_number='${existing.id_number}'`), 2);
  // R30: the loaded chunk was counted once, set-based (issue 14 item 1), and detection's changes by the triggers
  const check = counters();
  assert.equal(check.status, 0, check.out);
  assert.match(check.out, /^check-counters: 0 mismatches/m);
  // the same file again: skipped, nothing new
  const before = sqlCount('SELECT COUNT(*) FROM student');
  const again = await load([f]).done;
  assert.equal(again.code, 0, again.out + again.err);
  assert.match(again.out, /ok\.csv: loaded before, skipped/);
  assert.equal(sqlCount('SELECT COUNT(*) FROM student'), before);
});

test('issue 14 R4 R5: a row with a wrong number, a bad field, a number in use or a number twice refuses the whole file, rows named', async () => {
  const rows = lrows(10, 6500);
  const taken = sql("SELECT student_no FROM student WHERE student_no LIKE 'L130102%' LIMIT 1")[0][0];
  const lines = rows.map((x) => line(x.no, x.r));
  lines[2] = line(`L130104${rows[2].no.slice(7)}`, rows[2].r);            // row 4: another county
  lines[4] = line(rows[4].no, { ...rows[4].r, gender: 'X' });              // row 6: bad gender
  lines[6] = line(rows[5].no, rows[6].r.birth_date === rows[5].r.birth_date ? rows[6].r : { ...rows[6].r, birth_date: rows[5].r.birth_date }); // row 8: number of row 7 again
  const b = record(SCHOOLS.a, { birth_date: `${taken.slice(7, 11)}-${taken.slice(11, 13)}-${taken.slice(13, 15)}` });
  lines.push(line(taken, b));                                              // row 12: number in use
  const before = sqlCount('SELECT COUNT(*) FROM student');
  const { code, err } = await load([file('bad.csv', lines)]).done;
  assert.equal(code, 1);
  assert.match(err, /bad\.csv: row 4, 学籍号: not a student number of this record/);
  assert.match(err, /bad\.csv: row 6, 性别:/);
  assert.match(err, /bad\.csv: row 8, 学籍号: the number \S+ is also on row 7/);
  assert.match(err, /bad\.csv: row 12, 学籍号: the number is in use/);
  assert.match(err, /nothing of the file was stored/);
  assert.equal(sqlCount('SELECT COUNT(*) FROM student'), before, 'nothing stored');
  for (const x of rows) assert.equal(sqlCount(`SELECT COUNT(*) FROM student WHERE id_number='${x.r.id_number}'`), 0);
});

test('issue 14: a load killed with -9 in the middle of a file stores nothing of that file; the same command again resumes and completes', async () => {
  const big = lrows(6000, 8000);
  const small = lrows(5, 7500);
  const f1 = file('first.csv', small.map((x) => line(x.no, x.r)));
  const f2 = file('big.csv', big.map((x) => line(x.no, x.r)));
  // chunks of 500 rows: the first chunk's progress line shows the transaction of big.csv open, with rows stored
  const run = load([f1, f2], { XJ_LOAD_CHUNK: '500' });
  await new Promise((res, rej) => {
    let seen = '';
    run.child.stderr.on('data', (d) => {
      seen += d;
      if (/big\.csv: 500\/6000 rows/.test(seen)) { run.child.kill('SIGKILL'); res(); }
    });
    run.done.then((r) => rej(new Error(`the load ended before it was killed: ${r.out} ${r.err}`)));
  });
  const killed = await run.done;
  assert.equal(killed.signal, 'SIGKILL');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM student WHERE id_number IN (${small.map((x) => `'${x.r.id_number}'`).join(',')})`), 5, 'the first file was committed');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM student WHERE id_number IN (${big.slice(0, 500).map((x) => `'${x.r.id_number}'`).join(',')})`), 0,
    'nothing of the killed file');
  const again = await load([f1, f2]).done;
  assert.equal(again.code, 0, again.out + again.err);
  assert.match(again.out, /first\.csv: loaded before, skipped/);
  assert.match(again.out, /big\.csv: 6000 records stored/);
  assert.equal(sqlCount(`SELECT COUNT(*) FROM student WHERE id_number IN (${big.map((x) => `'${x.r.id_number}'`).join(',')})`), 6000);
  assert.equal(sqlCount(`SELECT COUNT(DISTINCT student_no) FROM student WHERE id_number IN (${big.map((x) => `'${x.r.id_number}'`).join(',')})`), 6000);
});
