// import-volume.test.mjs: issue 14 item 1: the import's bulk path (a chunk of 64 rows or more travels as one
// LOAD DATA LOCAL from the service's memory) keeps the guarantees of the row-by-row path: every field stored as
// given (R4), numbers unique from the counters (R5), duplicates inside the file detected (R7-R9), all or nothing; the
// chunk skips the per-row counter trigger and is counted once, set-based, so every counter stays exact (R30).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, sqlCount, counters } from '../lib/api.mjs';
import { as, record, SCHOOLS, csv, upload, uniqueName, freshBirth } from '../lib/registry.mjs';

const ofJob = (id) => sqlCount(`SELECT COUNT(*) FROM student WHERE import_job_id=${id}`);

test('issue 14 R4: a bulk-loaded chunk stores every field as given: apostrophes, rare CJK, empty optional fields as NULL, row numbers', async () => {
  const c = await as('clerk_a');
  const rows = [];
  for (let i = 0; i < 120; i++) {
    const over = {};
    const n = uniqueName();
    if (i % 3 === 0) over.name = `${n.slice(0, 1)}'${n.slice(1)}`; // an apostrophe between two letters stays verbatim
    if (i % 5 === 0) over.name = `王\u{20000}${uniqueName().slice(1)}`;  // outside the BMP
    if (i % 4 === 0) Object.assign(over, { id_type: 'Z', id_number: '' }); // no number: NULL
    if (i % 7 === 0) over.enrol_date = '';                      // optional date: NULL
    if (i % 6 === 0) over.class_name = '';                      // optional text: empty
    rows.push(record(SCHOOLS.a, over));
  }
  const r = await upload(c, csv(rows), { dryRun: false });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.state, 'done', JSON.stringify(r.body.error));
  assert.equal(r.body.rows_created, 120, JSON.stringify((await c.get(`/api/v1/imports/${r.body.id}?issues_limit=5`)).body));
  // names compared as bytes (the mariadb client of the test helper prints characters outside the BMP as '?')
  const got = sql(`SELECT import_row, HEX(name), gender, DATE_FORMAT(birth_date,'%Y-%m-%d'), id_type, IFNULL(id_number,'<null>'),
    grade, class_name, IFNULL(DATE_FORMAT(enrol_date,'%Y-%m-%d'),'<null>'), guardian_phone, source, status, student_no
    FROM student WHERE import_job_id=${r.body.id} ORDER BY import_row`);
  assert.equal(got.length, 120);
  got.forEach((g, i) => {
    const x = rows[i];
    assert.deepEqual(g.slice(0, 12).map(String), [String(i + 2), Buffer.from(x.name).toString('hex').toUpperCase(), x.gender, x.birth_date, x.id_type, x.id_number || '<null>',
      x.grade, x.class_name, x.enrol_date || '<null>', x.guardian_phone, 'import', 'pending'], `row ${i + 2}`);
    assert.match(String(g[12]), /^L130102\d{12}$/);
  });
});

test('issue 14 R5: numbers in use that the counter did not issue, met by a bulk-loaded chunk: the load is undone, the counter resyncs, each row stored once', async () => {
  const c = await as('clerk_a');
  const birth = freshBirth(2008);
  const prefix = `L130102${birth.replaceAll('-', '')}`;
  const sid = sqlCount("SELECT id FROM unit WHERE code = '1301020001'");
  // three numbers of the prefix loaded behind the counter's back (0001, 0002 and 0005)
  sql(`INSERT INTO student (school_id, province_code, city_code, county_code, name, gender, birth_date, id_type, id_number, student_no, status)
    VALUES (${sid}, '13', '1301', '130102', '${uniqueName()}', 'M', '${birth}', 'Z', NULL, '${prefix}0001', 'formal'),
           (${sid}, '13', '1301', '130102', '${uniqueName()}', 'F', '${birth}', 'Z', NULL, '${prefix}0002', 'formal'),
           (${sid}, '13', '1301', '130102', '${uniqueName()}', 'F', '${birth}', 'Z', NULL, '${prefix}0005', 'formal')`);
  const rows = [];
  for (let i = 0; i < 100; i++) rows.push(record(SCHOOLS.a, i % 10 < 7 ? { birth_date: birth } : {}));
  const r = await upload(c, csv(rows), { dryRun: false });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.state, 'done', JSON.stringify(r.body.error));
  assert.equal(r.body.rows_created, 100);
  assert.equal(ofJob(r.body.id), 100, 'each row stored once');
  const nos = sql(`SELECT student_no FROM student WHERE import_job_id=${r.body.id} AND birth_date='${birth}' ORDER BY import_row`).flat();
  assert.equal(nos.length, 70);
  // the resynced counter hands out numbers above every number in use, consecutive in row order
  const first = Number(nos[0].slice(-4));
  assert.ok(first > 5, nos[0]);
  assert.deepEqual(nos, Array.from({ length: 70 }, (_, i) => `${prefix}${String(first + i).padStart(4, '0')}`));
  assert.equal(sqlCount(`SELECT COUNT(DISTINCT student_no) FROM student WHERE student_no LIKE '${prefix}%'`), 73);
});

test('issue 14 R7 R9: duplicates inside one bulk-loaded chunk and against earlier records are grouped; a failed commit stores nothing', async () => {
  const c = await as('clerk_a');
  const first = [];
  for (let i = 0; i < 80; i++) first.push(record(SCHOOLS.a));
  const a = await upload(c, csv(first), { dryRun: false });
  assert.equal(a.body.state, 'done', JSON.stringify(a.body.error));
  // the second file: 80 new rows, 5 of them with the number of a record of the first file, 2 pairs inside the file
  const second = [];
  for (let i = 0; i < 80; i++) second.push(record(SCHOOLS.b));
  for (let i = 0; i < 5; i++) second[i * 10] = record(SCHOOLS.b, { gender: first[i].gender, birth_date: first[i].birth_date, id_number: first[i].id_number });
  for (let i = 0; i < 2; i++) second[61 + i * 2] = record(SCHOOLS.b, { gender: second[60 + i * 2].gender, birth_date: second[60 + i * 2].birth_date, id_number: second[60 + i * 2].id_number });
  const before = sqlCount('SELECT COUNT(*) FROM student');
  const failed = await upload(await as('clerk_b'), csv(second), { dryRun: false, query: '&test_fail_after=70&test_chunk=70' });
  assert.equal(failed.body.state, 'failed');
  assert.equal(sqlCount('SELECT COUNT(*) FROM student'), before, 'nothing of the failed commit stays');
  const b = await upload(await as('clerk_b'), csv(second), { dryRun: false });
  assert.equal(b.body.state, 'done', JSON.stringify(b.body.error));
  assert.equal(b.body.rows_created, 80);
  const ids = [...first.slice(0, 5), second[60], second[62]].map((x) => x.id_number);
  for (const id of ids)
    assert.equal(sqlCount(`SELECT COUNT(*) FROM group_member m JOIN problem_group g ON g.id=m.group_id JOIN student s ON s.id=m.student_id
      WHERE g.type='id_dup' AND g.state='open' AND s.id_number='${id}'`), 2, `one open ID-duplicate group of two for ${id}`);
});

test('issue 14 item 1 R30: a bulk-loaded chunk is counted once by school and status, not row by row: every counter stays exact, also after a load undone and numbered again and after a failed commit', async () => {
  // other suites' data is not this test's business: the counters start exact
  assert.equal(counters('--rebuild-counters').status, 0);
  const sid = sqlCount("SELECT id FROM unit WHERE code = '1301020001'");
  const pending = () => sqlCount(`SELECT COALESCE(SUM(n), 0) FROM count_school WHERE school_id=${sid} AND kind='s' AND k1='pending'`);
  const before = pending();
  // a number in use behind the counter's back: the first load stores fewer rows, is counted, removed (its trigger
  // counting each removed row) and loaded again under fresh numbers
  const birth = freshBirth(2008);
  const prefix = `L130102${birth.replaceAll('-', '')}`;
  sql(`INSERT INTO student (school_id, province_code, city_code, county_code, name, gender, birth_date, id_type, id_number, student_no, status)
    VALUES (${sid}, '13', '1301', '130102', '${uniqueName()}', 'M', '${birth}', 'Z', NULL, '${prefix}0002', 'formal')`);
  const rows = [];
  for (let i = 0; i < 150; i++) rows.push(record(SCHOOLS.a, i % 2 ? { birth_date: birth } : {}));
  rows[149] = record(SCHOOLS.a, { gender: rows[0].gender, birth_date: rows[0].birth_date, id_number: rows[0].id_number }); // a clash: status problem
  const c = await as('clerk_a');
  const r = await upload(c, csv(rows), { dryRun: false, query: '&test_chunk=100' });
  assert.equal(r.body.state, 'done', JSON.stringify(r.body.error));
  assert.equal(r.body.rows_created, 150);
  // a commit that fails after its first chunk was loaded and counted: the rollback takes the counts with it
  const more = Array.from({ length: 140 }, () => record(SCHOOLS.a));
  const failed = await upload(c, csv(more), { dryRun: false, query: '&test_fail_after=70&test_chunk=70' });
  assert.equal(failed.body.state, 'failed');
  assert.equal(pending(), before + 148, 'the 148 new pending records of the school, once each (two are problem records)');
  const check = counters();
  assert.equal(check.status, 0, check.out);
  assert.match(check.out, /^check-counters: 0 mismatches/m);
});
