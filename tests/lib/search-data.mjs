// search-data.mjs: synthetic records for the search's EXPLAIN test and bench (issue 13 item 1): n students over the
// ten demo schools (a school holds n/10, a county n/5, a city 2n/5, a province 3n/5), names of realistic spread
// (20 surnames × 20 × 20 given characters), G student numbers and ID numbers of their own ('9' + 16 digits + X, so they
// never meet real ones), 1 % of them in two-member problem groups of one school (a third awaiting arbitration, members
// in every handling state, some rejected, due dates around today). Every row is marked: numbers G9…, clash keys
// `search-data|…`. Loaded by SQL (INSERT … SELECT over MariaDB's sequence engine): seconds for 100,000 rows.

export const SCHOOL_CODES = ['1301020001', '1301020002', '1301040001', '1301040002', '1302020001', '1302030001',
  '3701020001', '3701030001', '3702020001', '3702030001'];
const list = (s) => [...s].map((c) => `'${c}'`).join(',');
const SURNAMES = list('王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗');
const GIVEN = list('小明华丽强伟芳军洋勇艳杰娟涛超秀霞平刚桂');

/** The statements that load n students and their groups (groups after `groupBase`, the largest group id before). */
export function searchDataSql(n, groupBase) {
  const groups = Math.floor(n / 200); // 1 % of the records, two per group
  return [
    `INSERT INTO student (school_id, province_code, city_code, county_code, name, gender, birth_date, id_type, id_number,
      student_no, status, source)
    SELECT u.id, u.province_code, u.city_code, u.county_code,
      CONCAT(ELT(1 + x.seq % 20, ${SURNAMES}), ELT(1 + (x.seq DIV 20) % 20, ${GIVEN}), ELT(1 + (x.seq DIV 400) % 20, ${GIVEN})),
      IF(x.seq % 2, 'M', 'F'), '2012-01-01' + INTERVAL (x.seq % 2000) DAY, '1', CONCAT('9', LPAD(x.seq, 16, '0'), 'X'),
      CONCAT('G9', LPAD(x.seq, 16, '0'), 'X'), ELT(1 + x.seq % 4, 'formal', 'formal', 'pending', 'problem'), 'import'
    FROM seq_0_to_${n - 1} x JOIN unit u ON u.code = ELT(1 + x.seq % 10, ${SCHOOL_CODES.map((c) => `'${c}'`).join(',')})
    ORDER BY x.seq`,
    // groups of students k and k+10 (one school), a third awaiting arbitration at their county
    `INSERT INTO problem_group (type, clash_key, open_key, state, scope_level, arbiter_unit_id, arb_since, arb_due_date,
      deadline, created_at)
    SELECT ELT(1 + x.seq % 4, 'id_dup', 'id_error', 'id_changed', 'nbg_dup'), CONCAT('search-data|', x.seq),
      IF(x.seq % 3 = 2, NULL, CONCAT('search-data|', x.seq)), ELT(1 + x.seq % 3, 'open', 'awaiting_arbitration', 'done'), 3,
      c.id, IF(x.seq % 3 = 1, UTC_TIMESTAMP(6), NULL), IF(x.seq % 3 = 1, CURDATE() - INTERVAL (x.seq % 20) DAY, NULL),
      IF(x.seq % 5 = 0, CURDATE() - INTERVAL 3 DAY, NULL), UTC_TIMESTAMP(6)
    FROM seq_0_to_${groups - 1} x JOIN student s ON s.student_no = CONCAT('G9', LPAD((x.seq DIV 10) * 20 + x.seq % 10, 16, '0'), 'X')
    JOIN unit c ON c.code = s.county_code
    ORDER BY x.seq`,
    `INSERT INTO group_member (group_id, student_id, school_id, province_code, city_code, county_code, state, reject_reason, due_date)
    SELECT g.id, s.id, s.school_id, s.province_code, s.city_code, s.county_code,
      ELT(1 + (g.id + k.seq) % 5, 'open', 'unconfirmed', 'awaiting_review', 'awaiting_leader', 'approved'),
      IF(g.id % 7 = 0, '请重新核实', NULL), CURDATE() + INTERVAL (CAST(g.id % 30 AS SIGNED) - 15) DAY
    FROM (SELECT id, CAST(SUBSTRING_INDEX(clash_key, '|', -1) AS UNSIGNED) gs FROM problem_group
      WHERE id > ${groupBase} AND clash_key LIKE 'search-data|%') g
    JOIN seq_0_to_1 k
    JOIN student s ON s.student_no = CONCAT('G9', LPAD((g.gs DIV 10) * 20 + g.gs % 10 + 10 * k.seq, 16, '0'), 'X')`,
    'ANALYZE TABLE student, group_member, problem_group',
  ];
}

// node tests/lib/search-data.mjs N GROUP_BASE: print the statements (for the bench's shell script)
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(searchDataSql(Number(process.argv[2]), Number(process.argv[3] || 0)).join(';\n') + ';');
}
