// taken-numbers.test.mjs (issue 15, `make test-cluster`): R5 numbers in use that the counter did not issue (records
// loaded by other means) met by an import on the Galera cluster. The service checks the numbers it hands out against
// uk_student_no before inserting and resyncs the counters first, so no insert fails part-way on a taken number and is
// undone inside the transaction: that left the replicas with a row and counters the writer did not have. Each path is
// proven: an import of a few rows (one array-bound INSERT), a bulk-loaded chunk (LOAD DATA LOCAL, 64 rows or more) and
// one registration; afterwards student and student_no_seq have the same checksum on the three nodes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, sqlCount } from '../lib/api.mjs';
import { as, record, SCHOOLS, csv, upload, uniqueName, freshBirth } from '../lib/registry.mjs';
import { onNode } from '../lib/cluster.mjs';
const sums = () => [1, 2, 3].map((i) => onNode(i, 'CHECKSUM TABLE student, student_no_seq'));
// reads on node 1 wait for the cluster's commits: after the fault test the services may write through another node
const count = (q) => Number(onNode(1, q));
const ofJob = (id) => count(`SELECT COUNT(*) FROM student WHERE import_job_id=${id}`);

/** Numbers 0001, 0002 (and more) of birth's prefix stored behind the counter's back; returns the prefix. */
function takeNumbers(birth, nos) {
  const prefix = `L130102${birth.replaceAll('-', '')}`;
  const sid = sqlCount("SELECT id FROM unit WHERE code = '1301020001'");
  sql(`INSERT INTO student (school_id, province_code, city_code, county_code, name, gender, birth_date, id_type, id_number, student_no, status)
    VALUES ${nos.map((n) => `(${sid}, '13', '1301', '130102', '${uniqueName()}', 'F', '${birth}', 'Z', NULL, '${prefix}${n}', 'formal')`).join(',')}`);
  return prefix;
}

test('issue 15 R5: numbers in use that the counter did not issue, met by a small import, a bulk-loaded chunk and a registration on the cluster: each row stored once, student and student_no_seq identical on the three nodes', async () => {
  const c = await as('clerk_a');
  // a few rows: one array-bound INSERT; the rows of other prefixes come first, as in the case that left the nodes different
  const b1 = freshBirth(2007);
  const p1 = takeNumbers(b1, ['0001', '0002']);
  const small = [record(SCHOOLS.a), record(SCHOOLS.a, { birth_date: b1 }), record(SCHOOLS.a, { birth_date: b1 }), record(SCHOOLS.a)];
  const r1 = await upload(c, csv(small), { dryRun: false });
  assert.equal(r1.status, 201, r1.text);
  assert.equal(r1.body.state, 'done', JSON.stringify(r1.body.error));
  assert.equal(ofJob(r1.body.id), 4, 'each row stored once');
  assert.deepEqual(onNode(1, `SELECT student_no FROM student WHERE import_job_id=${r1.body.id} AND birth_date='${b1}' ORDER BY import_row`).split('\n'),
    [`${p1}0003`, `${p1}0004`]);
  // a bulk-loaded chunk (LOAD DATA LOCAL)
  const b2 = freshBirth(2007);
  const p2 = takeNumbers(b2, ['0001', '0002', '0005']);
  const rows = [];
  for (let i = 0; i < 100; i++) rows.push(record(SCHOOLS.a, i % 10 < 7 ? { birth_date: b2 } : {}));
  const r2 = await upload(c, csv(rows), { dryRun: false });
  assert.equal(r2.body.state, 'done', JSON.stringify(r2.body.error));
  assert.equal(ofJob(r2.body.id), 100, 'each row stored once');
  assert.equal(count(`SELECT COUNT(DISTINCT student_no) FROM student WHERE student_no LIKE '${p2}%'`), 73);
  // one registration
  const b3 = freshBirth(2007);
  const p3 = takeNumbers(b3, ['0001']);
  const one = await c.post('/api/v1/students', record(SCHOOLS.a, { birth_date: b3 }));
  assert.equal(one.status, 201, one.text);
  assert.equal(one.body.student_no, `${p3}0002`);
  const s = sums();
  assert.equal(s[1], s[0], 'node 2 has node 1\'s student and student_no_seq');
  assert.equal(s[2], s[0], 'node 3 has node 1\'s student and student_no_seq');
});
