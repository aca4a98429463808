// import-provinces.test.mjs: issue 14 item 4: two provinces import at the same time: their commits run side by side
// (a gate per province, READ COMMITTED look-ups that lock no index gaps), and every clash planted across the provincial
// boundary between the two files is found (R7-R9, R2: the ministry arbitrates), by the import or by its re-check after
// the commit; the re-check alone finds a record committed between the import's look-ups and its commit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, sqlCount, whileHeld } from '../lib/api.mjs';
import { as, province, record, SCHOOLS, csv, upload, sameId } from '../lib/registry.mjs';

const N = 6000;

test('issue 14 R7-R9 R2: two provinces import at the same time, both commits progress together, and every cross-province clash between the files is found', async () => {
  const hebei = Array.from({ length: N }, (_, i) => record(i % 2 ? SCHOOLS.a : SCHOOLS.c));
  const shandong = Array.from({ length: N }, (_, i) => record(i % 2 ? SCHOOLS.d : SCHOOLS.e));
  // 60 ID numbers and 20 name+gender+birth keys in both files, at rows spread over the chunks of both (either file may
  // reach a key first)
  const idPairs = [], nbgPairs = [], used = new Set();
  for (let i = 0; i < 60; i++) {
    const h = (i * 97 + 13) % N, s = (N - 1 - i * 89) % N;
    used.add(s);
    shandong[s] = sameId(hebei[h], SCHOOLS.d);
    idPairs.push(hebei[h].id_number);
  }
  for (let i = 0; i < 20; i++) {
    const h = (i * 293 + 7) % N, s = (i * 271 + 3000) % N;
    if (idPairs.includes(hebei[h].id_number) || used.has(s)) continue;
    shandong[s] = record(SCHOOLS.e, { name: hebei[h].name, gender: hebei[h].gender, birth_date: hebei[h].birth_date, id_type: 'Z', id_number: '' });
    nbgPairs.push(hebei[h]);
  }
  const [p13, p37] = [await province('13'), await province('37')];
  const ups = await Promise.all([
    upload(p13, csv(hebei), { dryRun: false, query: '&test_chunk=300' }),
    upload(p37, csv(shandong), { dryRun: false, query: '&test_chunk=300' }),
  ]);
  for (const u of ups) assert.equal(u.status, 202, u.text);
  // poll both jobs: at some moment both commits have stored part of their rows (with one gate for the country the
  // second would still stand at 0 until the first is done)
  let together = false;
  let jobs;
  for (;;) {
    jobs = await Promise.all([p13.get(`/api/v1/imports/${ups[0].body.id}?issues_limit=0`), p37.get(`/api/v1/imports/${ups[1].body.id}?issues_limit=0`)]);
    const b = jobs.map((j) => j.body);
    if (b.every((j) => j.state === 'committing' && j.rows_done > 0 && j.rows_done < j.rows_total)) together = true;
    if (b.every((j) => !['validating', 'committing'].includes(j.state))) break;
    await new Promise((res) => setTimeout(res, 20));
  }
  for (const j of jobs) {
    assert.equal(j.body.state, 'done', JSON.stringify(j.body.error));
    assert.equal(j.body.rows_created, N);
  }
  assert.ok(together, 'the two provinces\' commits progressed at the same time');
  for (const id of idPairs) {
    const g = sql(`SELECT g.id, g.scope_level, COUNT(*) FROM problem_group g JOIN group_member m ON m.group_id=g.id JOIN student s ON s.id=m.student_id
      WHERE g.type='id_dup' AND g.state='open' AND s.id_number='${id}' GROUP BY g.id`);
    assert.equal(g.length, 1, `one open ID-duplicate group for ${id}`);
    assert.deepEqual(g[0].slice(1), ['0', '2'], `the ministry arbitrates the two provinces' pair of ${id}`);
  }
  for (const r of nbgPairs) {
    const g = sql(`SELECT g.id, COUNT(*) FROM problem_group g JOIN group_member m ON m.group_id=g.id JOIN student s ON s.id=m.student_id
      WHERE g.type='nbg_dup' AND g.state='open' AND s.name='${r.name}' AND s.birth_date='${r.birth_date}' AND s.gender='${r.gender}' GROUP BY g.id`);
    assert.equal(g.length, 1, `one open name+gender+birth group for ${r.name}`);
    assert.equal(g[0][1], '2');
  }
});

test('issue 14 R7-R9: a record committed after the import looked its key up and before the import committed is grouped with it by the re-check after the commit', async () => {
  const mine = record(SCHOOLS.a);
  const other = sameId(mine, SCHOOLS.d); // another province's record of the same resident number
  const [school, otherSchool] = [SCHOOLS.a, SCHOOLS.d].map((x) => sqlCount(`SELECT id FROM unit WHERE code='${x.code}'`));
  // another transaction: the other record inserted, not committed, and the import's school row held, so the import
  // stops at its school check, after its own look-ups (which cannot see the uncommitted record)
  const c = await as('clerk_a');
  const r = await whileHeld(`SELECT id FROM unit WHERE id=${school} FOR UPDATE;
    INSERT INTO student (school_id, province_code, city_code, county_code, name, gender, birth_date, id_type, id_number, id_check, student_no, status)
    VALUES (${otherSchool}, '37', '3701', '370102', '${other.name}', '${other.gender}', '${other.birth_date}', '1', '${other.id_number}', 'ok',
      'L370102${other.birth_date.replaceAll('-', '')}9999', 'pending')`, () => upload(c, csv([mine]), { dryRun: false }));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.state, 'done', JSON.stringify(r.body.error));
  const g = sql(`SELECT g.id, COUNT(*) FROM problem_group g JOIN group_member m ON m.group_id=g.id
    WHERE g.type='id_dup' AND g.state='open' AND g.open_key='${mine.id_number}' GROUP BY g.id`);
  assert.equal(g.length, 1, 'one open ID-duplicate group');
  assert.equal(g[0][1], '2', 'the imported record and the one committed meanwhile');
});
