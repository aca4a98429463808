// suspects-explain.test.mjs: issue 17 item 4 (R31, R2; issue 13 item 1): at 20,000 records and 7,000 suspected pairs,
// EXPLAIN of the suspects list with every search and filter, as every bureau level that decides pairs, shows no full
// scan of student or suspect_pair and reads no more of them than the caller's own (X-Test-Explain, XJ_TEST_HOOKS).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql, sqlCount } from '../lib/api.mjs';
import { as, SCHOOLS } from '../lib/registry.mjs';
import { searchDataSql } from '../lib/search-data.mjs';
import { explainPages } from '../lib/explain.mjs';

const N = 20000;
const TABLE_OF = { s: 'student', a: 'student', b: 'student', p: 'suspect_pair' };
let base; // the ids before this suite's rows (suites run one at a time)

before(() => {
  base = {
    s: sqlCount('SELECT COALESCE(MAX(id),0) FROM student'), g: sqlCount('SELECT COALESCE(MAX(id),0) FROM problem_group'),
    p: sqlCount('SELECT COALESCE(MAX(id),0) FROM suspect_pair'),
  };
  for (const q of searchDataSql(N, base.g)) sql(q);
  // pairs of the loaded records k and k+10 (one school: their county decides them) and k and k+1 for k % 20 = 1
  // (1301020002 of 130102 and 1301040001 of 130104: the city 1301 decides them), in the three states
  const no = (e) => `CONCAT('G9', LPAD(${e}, 16, '0'), 'X')`;
  const k = 'CAST(SUBSTRING(s.student_no, 3, 16) AS UNSIGNED)';
  for (const [step, where] of [[10, `${k} % 20 < 10`], [1, `${k} % 20 = 1`]]) {
    sql(`INSERT INTO suspect_pair (lo_id, hi_id, score, kind, rules, fp, state, lo_county, hi_county, arbiter_unit_id)
      SELECT s.id, t.id, 800, 'variant', '[]', 1, ELT(1 + ${k} % 3, 'open', 'different', 'open'), s.county_code, t.county_code,
        (SELECT u.id FROM unit u WHERE u.code = IF(s.county_code = t.county_code, s.county_code,
          IF(s.city_code = t.city_code, RPAD(s.city_code, 6, '0'), IF(s.province_code = t.province_code, RPAD(s.province_code, 6, '0'), '000000'))))
      FROM student s JOIN student t ON t.student_no = ${no(`${k} + ${step}`)}
      WHERE s.id > ${base.s} AND s.student_no LIKE 'G9%' AND ${where}`);
  }
  sql('ANALYZE TABLE suspect_pair');
  assert.ok(sqlCount(`SELECT COUNT(*) FROM suspect_pair WHERE id > ${base.p}`) >= N / 3);
});

after(() => {
  if (!base) return;
  sql(`DELETE FROM suspect_pair WHERE id > ${base.p} OR lo_id > ${base.s} OR hi_id > ${base.s}`);
  sql(`DELETE FROM group_member WHERE group_id > ${base.g} OR student_id > ${base.s}`);
  sql(`DELETE FROM problem_group WHERE id > ${base.g}`);
  sql(`DELETE FROM student WHERE id > ${base.s}`);
});

const unitId = (code) => sql(`SELECT id FROM unit WHERE code='${code}'`)[0][0];
/** The caller's own rows: the students of its jurisdiction, the pairs its unit decides. */
function ownRows(code, path) {
  return {
    student: code ? sqlCount(`SELECT COUNT(*) FROM student WHERE ${path} = '${code}'`) : null,
    suspect_pair: sqlCount(`SELECT COUNT(*) FROM suspect_pair WHERE arbiter_unit_id = ${unitId((code || '').padEnd(6, '0'))}`),
  };
}
const ROLES = {
  county_130102: () => ownRows('130102', 'county_code'),
  city_1301: () => ownRows('1301', 'city_code'),
  prov_13: () => ownRows('13', 'province_code'),
  ministry: () => ownRows(null),
};

/** Every list request: each search and filter. */
function requests() {
  const one = sql(`SELECT id_number, student_no, name FROM student WHERE id > ${base.s} AND school_id = ${unitId(SCHOOLS.a.code)} LIMIT 1`)[0];
  const enc = encodeURIComponent;
  return ['', 'state=different', 'name=%E7%8E%8B', `name=${enc(one[2])}&name_match=exact`, `name=${enc(one[2].slice(0, 2))}`,
    `id_number=${one[0].toLowerCase()}`, `student_no=${one[1]}`, `q=${enc(one[2].slice(0, 2))}`, `q=${one[1]}`,
    `school=${SCHOOLS.a.code}`, `school=${SCHOOLS.a2.code}&name=%E6%9D%8E`, 'county=130102', 'county=130104&name=%E6%9D%8E%E5%B0%8F',
    'county=130102&name=%E7%8E%8B&state=different'].map((q) => `/api/v1/suspects?limit=20&${q}`);
}

for (const role of Object.keys(ROLES)) {
  test(`R2/R31 issue 17 item 4 at ${N} records: every suspects list query of ${role}, each search and filter, reads its own rows by an index`, async () => {
    const own = ROLES[role]();
    const c = await as(role);
    let checked = 0;
    for (const path of requests()) {
      for (const { url, rows, header } of await explainPages(c, path)) { // page 1, and page 2 by cursor
        for (const x of rows) {
          const table = TABLE_OF[x.table];
          if (!table) continue;
          assert.ok(!['ALL', 'index'].includes(x.type), `${role} ${url}: full scan of ${table}: ${x.raw}\n${header}`);
          const cap = own[table] === null ? Infinity : Math.max(200, Math.ceil(own[table] * 2.5)); // estimates
          assert.ok(x.rows <= cap, `${role} ${url}: reads ${x.rows} rows of ${table}, own rows ${own[table]}: ${x.raw}`);
          checked++;
        }
      }
    }
    assert.ok(checked > 20, `${role}: ${checked} rows checked`);
  });
}

test('issue 17 item 4: the county lists its loaded pairs, searched', async () => {
  const c = await as('county_130102');
  const r = await c.get(`/api/v1/suspects?limit=5&school=${SCHOOLS.a.code}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.items.length, 5);
  assert.ok(r.body.items.every((p) => p.records.some((x) => x.school.code === SCHOOLS.a.code)));
});
