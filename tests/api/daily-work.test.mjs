// daily-work.test.mjs: issue 11, items 1-6 through the API: a corrected record never comes back (R15 + R8.2 + R5),
// one registration per click (idempotency), the failed-rows file round-trips, spreadsheet damage is refused, ID checks
// that know today (R8.2), ID-error groups that say what is wrong and ID-changed groups that show the new number (R11).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, sql, sqlCount } from '../lib/api.mjs';
import { CLERK, COUNTY, login, makeEvidence, makeStudent, member, student, act, ok, newIdNumber, newName, checkChar } from '../lib/workflow.mjs';
import * as reg from '../lib/registry.mjs';

const A = reg.SCHOOLS.a;

/** A resident ID number of county 130102 with a wrong check character (R8.2 ID error). */
function badCheck(birth, gender) {
  const good = newIdNumber('130102', birth, gender);
  return good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
}

/** Register a record at school a through POST /api/v1/students; returns the outcome. */
async function registerA(over) {
  return reg.register('clerk_a', reg.record(A, over));
}

/** The open groups of a student: [[group id, type]]. */
function openGroups(studentId) {
  return sql(`SELECT g.id, g.type FROM problem_group g JOIN group_member m ON m.group_id = g.id
      WHERE m.student_id = ${studentId} AND g.state <> 'done' ORDER BY g.id`).map((r) => [Number(r[0]), r[1]]);
}

/** The member id of a student in group gid. */
const memberIn = (gid, sid) => Number(sql(`SELECT id FROM group_member WHERE group_id = ${gid} AND student_id = ${sid}`)[0][0]);

/** Submit a change as school a's clerk and approve it as county 130102; returns the approval's body. */
async function changeAndApprove(memberId, changes) {
  const clerk = await login(CLERK.a), county = await login(COUNTY[130102]);
  await ok(clerk, memberId, 'submit_change', { changes, evidence_ids: [makeEvidence(reg.SCHOOLS.a.code)], opinion: '录入错误，已核对户口簿' });
  return ok(county, memberId, 'approve');
}

test('issue 11.1 R15+R8.2: an ID error corrected to a valid number and approved is no longer an ID error, and no new ID-error group opens', async () => {
  const birth = '2014-05-06';
  const out = await registerA({ birth_date: birth, gender: 'M', id_number: badCheck(birth, 'M') });
  const [gid, type] = openGroups(out.student_id)[0];
  assert.equal(type, 'id_error');
  assert.equal(sql(`SELECT id_check FROM student WHERE id = ${out.student_id}`)[0][0], 'id_checksum');
  const fixed = newIdNumber('130102', birth, 'M');
  const b = await changeAndApprove(memberIn(gid, out.student_id), { id_number: fixed });
  assert.deepEqual(b.events.map((e) => [e.action, e.state_after]), [['approve', 'changed'], ['group_done', 'done']]);
  const s = sql(`SELECT id_number, id_check FROM student WHERE id = ${out.student_id}`)[0];
  assert.deepEqual(s, [fixed, 'ok'], 'the check result follows the new number');
  assert.deepEqual(openGroups(out.student_id), [], 'no new ID-error group');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM problem_group g JOIN group_member m ON m.group_id = g.id
      WHERE m.student_id = ${out.student_id} AND g.type = 'id_error'`), 1, 'only the settled one');
  assert.equal(student(out.student_id).status, 'formal', 'R21: the survivor becomes formal');
});

test('issue 11.1 R8.2 gender parity: a record whose gender clashed with its ID number, corrected by a gender change, is no longer an ID error', async () => {
  const birth = '2013-07-08';
  const idMale = newIdNumber('130102', birth, 'M');
  const out = await registerA({ birth_date: birth, gender: 'F', id_number: idMale });
  const [gid, type] = openGroups(out.student_id)[0];
  assert.equal(type, 'id_error');
  assert.equal(sql(`SELECT id_check FROM student WHERE id = ${out.student_id}`)[0][0], 'id_gender');
  const m = memberIn(gid, out.student_id);
  // a change that leaves the clash is refused at once, in words
  const clerk = await login(CLERK.a);
  const still = await act(clerk, m, 'submit_change', { changes: { name: newName() }, evidence_ids: [makeEvidence(A.code)] });
  assertError(still, 422, 'invalid');
  assert.equal(still.body.error.field, 'changes.id_number');
  assert.match(still.body.error.message, /性别/);
  assert.doesNotMatch(still.body.error.message, /[A-Za-z]{3}/, 'Chinese message only');
  assert.match(still.body.error.message_en, /gender/);
  await changeAndApprove(m, { gender: 'M' });
  assert.deepEqual(sql(`SELECT gender, id_check FROM student WHERE id = ${out.student_id}`)[0], ['M', 'ok']);
  assert.deepEqual(openGroups(out.student_id), []);
});

test('issue 11.1 R5: a corrected date of birth re-issues the L number with that date; a G number stays for life when the ID number changes', async () => {
  const birth = '2015-02-03', fixedBirth = '2015-03-02';
  const out = await registerA({ birth_date: birth, gender: 'F', id_number: badCheck(birth, 'F') });
  assert.match(out.student_no, /^L130102201502030\d{3}$/);
  const [gid] = openGroups(out.student_id)[0];
  const fixed = newIdNumber('130102', fixedBirth, 'F');
  await changeAndApprove(memberIn(gid, out.student_id), { birth_date: fixedBirth, id_number: fixed });
  const [no, b, chk] = sql(`SELECT student_no, birth_date, id_check FROM student WHERE id = ${out.student_id}`)[0];
  assert.equal(b, fixedBirth);
  assert.equal(chk, 'ok');
  assert.match(no, /^L13010220150302\d{4}$/, 'the L number carries the corrected date of birth');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM student WHERE student_no = '${no}'`), 1, 'unique (R5: one person, one number)');
  // G record: an ID duplicate whose G holder corrects its number keeps its G number (R5)
  const holder = makeStudent(A.code, { prefix: 'G', status: 'formal', everApproved: true, birth: '2014-01-02', gender: 'M' });
  const gNo = sql(`SELECT student_no, id_number FROM student WHERE id = ${holder}`)[0];
  assert.match(gNo[0], /^G/);
  const dup = await reg.register('clerk_b', reg.record(reg.SCHOOLS.b, { birth_date: '2014-01-02', gender: 'M', id_number: gNo[1] }));
  const g2 = dup.problems.find((p) => p.type === 'id_dup').group_id;
  await changeAndApprove(memberIn(g2, holder), { id_number: newIdNumber('130102', '2014-01-02', 'M') });
  assert.equal(sql(`SELECT student_no FROM student WHERE id = ${holder}`)[0][0], gNo[0], 'the G number is for life');
});

test('issue 11.1 R15: a change is checked as registration checks the record: birth date in the future or before 1900, a name with digits, an ID number whose date differs from the birth date', async () => {
  const birth = '2014-09-10';
  const out = await registerA({ birth_date: birth, gender: 'M', id_number: badCheck(birth, 'M') });
  const [gid] = openGroups(out.student_id)[0];
  const m = memberIn(gid, out.student_id);
  const clerk = await login(CLERK.a);
  const before = sqlCount(`SELECT COUNT(*) FROM history WHERE member_id = ${m}`);
  const cases = [
    [{ birth_date: '2099-12-31', id_number: newIdNumber('130102', birth, 'M') }, 'changes.birth_date'],
    [{ birth_date: '1899-12-31', id_number: newIdNumber('130102', birth, 'M') }, 'changes.birth_date'],
    [{ name: '张3' }, 'changes.name'],
    [{ id_number: newIdNumber('130102', '2014-09-11', 'M') }, 'changes.id_number'],
    [{ id_number: '433130209912310014' }, 'changes.id_number'],
    [{ gender: 'X' }, 'changes.gender'],
    [{ id_type: 'Q' }, 'changes.id_type'],
    [{ school_code: '1301040001' }, 'changes.school_code'],
  ];
  for (const [changes, field] of cases) {
    const r = await act(clerk, m, 'submit_change', { changes, evidence_ids: [makeEvidence(A.code)] });
    assertError(r, 422, 'invalid');
    assert.equal(r.body.error.field, field, JSON.stringify(changes));
    assert.match(r.body.error.message, /[\u4e00-\u9fff]/, 'a Chinese message');
    assert.equal(typeof r.body.error.message_en, 'string');
  }
  assert.equal(member(m).state, 'open', 'nothing stored');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM history WHERE member_id = ${m}`), before);
});

test('issue 11.1 R10: a name corrected after the register said "name mismatch" is no longer an ID error', async () => {
  const out = await registerA({});
  const prov = await reg.province('13');
  const r = await prov.post('/api/v1/register-results', { results: [{ student_id: out.student_id, result: 'name_mismatch' }] });
  assert.equal(r.status, 200, r.text);
  const [gid, type] = openGroups(out.student_id)[0];
  assert.equal(type, 'id_error');
  await changeAndApprove(memberIn(gid, out.student_id), { name: newName() });
  assert.equal(student(out.student_id).verify_state, 'unverified', 'the finding was about the old name');
  assert.deepEqual(openGroups(out.student_id), []);
});

test('issue 11.1 R7+R9: the new values of an approved change meet their clashes in the same transaction (name-gender-birth duplicate of a non-resident ID)', async () => {
  const name = newName();
  const other = makeStudent(reg.SCHOOLS.b.code, { name, gender: 'F', birth: '2012-12-12', idType: 'Z', idNumber: null, status: 'formal', everApproved: true });
  const out = await registerA({ birth_date: '2012-12-12', gender: 'F', id_number: badCheck('2012-12-12', 'F') });
  const [gid] = openGroups(out.student_id)[0];
  await changeAndApprove(memberIn(gid, out.student_id), { name, id_type: 'Z', id_number: null });
  const s = sql(`SELECT id_type, COALESCE(id_number, ''), id_check FROM student WHERE id = ${out.student_id}`)[0];
  assert.deepEqual(s, ['Z', '', 'ok']);
  const groups = openGroups(out.student_id);
  assert.equal(groups.length, 1);
  assert.equal(groups[0][1], 'nbg_dup');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM group_member WHERE group_id = ${groups[0][0]} AND student_id = ${other}`), 1);
});

test('issue 11.2 one registration per click: the same Idempotency-Key (a second click, a retry) answers the first result, also when both arrive at once', async () => {
  const c = await reg.as('clerk_a');
  const rec = reg.record(A);
  const key = `form-${Date.now()}-${Math.random()}`;
  const [x, y] = await Promise.all([0, 1].map(() => c.post('/api/v1/students', rec, { headers: { 'idempotency-key': key } })));
  assert.deepEqual([x.status, y.status].sort(), [200, 201], `${x.text} ${y.text}`);
  assert.equal(x.body.student_id, y.body.student_id);
  const again = await c.post('/api/v1/students', rec, { headers: { 'idempotency-key': key } });
  assert.equal(again.status, 200);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.equal(again.body.student_id, x.body.student_id);
  assert.equal(sql(`SELECT COUNT(*) FROM student WHERE id_number = '${rec.id_number}'`)[0][0], '1', 'one record');
});

test('issue 11.2 one registration per click: the same child registered again by its school (a new form, no key) answers "unchanged" with the first record', async () => {
  const c = await reg.as('clerk_a');
  const rec = reg.record(A);
  const first = await c.post('/api/v1/students', rec);
  assert.equal(first.status, 201, first.text);
  const second = await c.post('/api/v1/students', rec);
  assert.equal(second.status, 200, second.text);
  assert.equal(second.body.status, 'unchanged');
  assert.equal(second.body.student_id, first.body.student_id);
  assert.equal(second.body.student_no, first.body.student_no);
  // the same child with another grade is not silently "unchanged" (issue 12 item 1): refused naming the field
  const changed = await c.post('/api/v1/students', { ...rec, grade: '4' });
  assert.equal(changed.status, 409, changed.text);
  assert.equal(changed.body.error.field, 'grade');
  assert.equal(sql(`SELECT COUNT(*) FROM student WHERE id_number = '${rec.id_number}'`)[0][0], '1');
  // a record without an ID number (type Z): the same name, gender and birth date in the same school
  const z = reg.record(A, { id_type: 'Z', id_number: '' });
  const z1 = await c.post('/api/v1/students', z), z2 = await c.post('/api/v1/students', z);
  assert.deepEqual([z1.status, z2.status, z2.body.status], [201, 200, 'unchanged']);
  assert.equal(z2.body.student_id, z1.body.student_id);
});

/** Parse a CSV text (RFC 4180, as the failed-rows file writes it) into rows of cells. */
function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') q = false; else cell += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\r') { /* CRLF */ } else if (ch === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; } else cell += ch;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}
const toCsv = (rows) => rows.map((r) => r.map((v) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v)).join(',')).join('\r\n') + '\r\n';

/** The failed-rows file of a job as rows (BOM checked). */
async function failedRows(c, jobId) {
  const f = await fetch(`${process.env.BASE_URL}/api/v1/imports/${jobId}/failed.csv`, { headers: { cookie: c.cookie } });
  assert.equal(f.status, 200);
  const buf = Buffer.from(await f.arrayBuffer());
  assert.deepEqual([...buf.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  return parseCsv(buf.subarray(3).toString('utf8'));
}

test('issue 11.3 the failed-rows file round-trips: fixed and imported as it is (the error column ignored), its messages in Chinese', async () => {
  const c = await reg.as('clerk_a');
  const good = reg.record(A), badDate = reg.record(A, { birth_date: '2015-02-30' }), badGender = reg.record(A, { gender: 'X' });
  const j = (await reg.upload(c, reg.csv([good, badDate, badGender]), { dryRun: false })).body;
  assert.equal(j.state, 'done');
  assert.equal(j.rows_created, 1);
  const rows = await failedRows(c, j.id);
  assert.deepEqual(rows[0], [...reg.HEADER.split(','), '错误信息']);
  assert.equal(rows.length, 3);
  for (const r of rows.slice(1)) {
    assert.match(r.at(-1), /^第\d+行：/);
    assert.doesNotMatch(r.at(-1), /[A-Za-z]{2}/, `Chinese only: ${r.at(-1)}`);
  }
  // the clerk fixes the two rows in the file and imports it as it is
  rows[1][2] = '2015-02-28';
  rows[2][1] = badGender.gender === 'X' ? '女' : '男';
  const again = await reg.upload(c, '\ufeff' + toCsv(rows), { dryRun: true });
  assert.equal(again.status, 201, again.text);
  assert.deepEqual([again.body.rows_valid, again.body.rows_error], [2, 0], JSON.stringify(again.body.issues));
  const done = await c.post(`/api/v1/imports/${again.body.id}/commit`);
  assert.equal(done.body.rows_created, 2);
  assert.equal(sqlCount(`SELECT COUNT(*) FROM student WHERE id_number IN ('${badDate.id_number}', '${badGender.id_number}')`), 2);
});

test('issue 11.3 an XLSX import\'s failed rows carry its dates as dates, so the fixed file imports', async () => {
  const c = await reg.as('clerk_a');
  const bad = reg.record(A, { gender: 'X' });
  const head = reg.HEADER.split(',');
  const row = [bad.name, 'X', { n: reg.excelSerial(bad.birth_date) }, '1', bad.id_number, A.code, '3', '2', { n: reg.excelSerial('2022-09-01') }, '13800000000'];
  const j = (await reg.upload(c, reg.xlsx([head, row]), { type: reg.XLSX_TYPE, dryRun: false })).body;
  assert.equal(j.rows_error, 1);
  const rows = await failedRows(c, j.id);
  assert.equal(rows[1][2], bad.birth_date, 'a date, not an Excel serial number');
  assert.equal(rows[1][8], '2022-09-01');
  rows[1][1] = '男';
  const again = await reg.upload(c, toCsv(rows), { dryRun: false });
  assert.equal(again.body.rows_created, 1, JSON.stringify(again.body.issues));
});

test('issue 11.4 spreadsheet damage is refused, not stored: an ID number turned into 1.30102E+17 says how to keep the column as text', async () => {
  const c = await reg.as('clerk_a');
  const rec = reg.record(A);
  const damaged = { ...rec, id_number: '1.30102E+17' };
  const j = (await reg.upload(c, reg.csv([damaged]), { dryRun: false })).body;
  assert.equal(j.rows_created, 0);
  assert.equal(j.rows_error, 1);
  const is = j.issues.find((x) => x.field === 'id_number');
  assert.equal(is.code, 'id_numeric');
  assert.match(is.message, /文本/);
  assert.equal(is.warning, false);
  assert.equal(sqlCount(`SELECT COUNT(*) FROM student WHERE name = '${rec.name}'`), 0, 'nothing stored');
  // the same through the registration API
  const r = await c.post('/api/v1/students', damaged);
  assertError(r, 422, 'invalid');
  assert.equal(r.body.error.field, 'id_number');
  // an XLSX cell that holds the number as a number (15 significant digits)
  const head = reg.HEADER.split(',');
  const x = (await reg.upload(c, reg.xlsx([head, [rec.name, '男', rec.birth_date, '1', { n: '1.30102201301101E+17' }, A.code]]), { type: reg.XLSX_TYPE, dryRun: true })).body;
  assert.equal(x.issues.find((i) => i.field === 'id_number')?.code, 'id_numeric');
  assert.match(x.issues.find((i) => i.field === 'id_number').message, /文本/);
});

test('issue 11.4 a school clerk\'s import fills the school code from the clerk\'s school when the cell or the column is empty', async () => {
  const c = await reg.as('clerk_a');
  const r1 = reg.record(A, { school_code: '' }), r2 = reg.record(A);
  const j = (await reg.upload(c, reg.csv([r1]), { dryRun: false })).body;
  assert.equal(j.rows_created, 1, JSON.stringify(j.issues));
  assert.equal(sql(`SELECT u.code FROM student s JOIN unit u ON u.id = s.school_id WHERE s.id_number = '${r1.id_number}'`)[0][0], A.code);
  // a file without the column at all
  const head = reg.HEADER.split(',').filter((h) => h !== '学校标识码');
  const body = [head.join(','), [r2.name, r2.gender === 'M' ? '男' : '女', r2.birth_date, '1', r2.id_number, '', '', '', ''].join(',')].join('\n') + '\n';
  const j2 = (await reg.upload(c, body, { dryRun: false })).body;
  assert.equal(j2.rows_created, 1, JSON.stringify(j2));
  // a provincial system must still name the school (it has none of its own)
  const p = await reg.province('13');
  const j3 = await reg.upload(p, body, { dryRun: true });
  assertError(j3, 422, 'invalid');
  assert.equal(j3.body.error.reason, 'missing_column');
});

test('issue 11.4 the import summary counts what happened: records created, groups opened, members added', async () => {
  const c = await reg.as('clerk_a');
  const existing = await reg.register('clerk_b', reg.record(reg.SCHOOLS.b));
  const clashOld = reg.sameId(existing.student, A);  // joins existing: 1 group opened, 2 members added
  const twin = reg.record(A);
  const twin2 = { ...reg.record(A), id_number: twin.id_number, gender: twin.gender, birth_date: twin.birth_date }; // clash within the file
  const fresh = reg.record(A);
  const bad = reg.record(A, { birth_date: '' });
  const j = (await reg.upload(c, reg.csv([clashOld, twin, twin2, fresh, bad]), { dryRun: false })).body;
  assert.equal(j.state, 'done');
  assert.deepEqual({ created: j.rows_created, error: j.rows_error, opened: j.groups_opened, added: j.members_added },
    { created: 4, error: 1, opened: 2, added: 4 });
  assert.equal(sqlCount(`SELECT COUNT(*) FROM student WHERE import_job_id = ${j.id}`), 4);
  assert.equal(sqlCount(`SELECT COUNT(DISTINCT g.id) FROM problem_group g JOIN group_member m ON m.group_id = g.id
      JOIN student s ON s.id = m.student_id WHERE s.import_job_id = ${j.id}`), 2);
});

test('issue 11.4 R4 the template has every field a school enters, the guardian\'s name and contact included; the guardian\'s name is stored', async () => {
  const c = await reg.as('clerk_a');
  const t = await c.get('/api/v1/imports/template.csv');
  assert.equal(t.text.replace(/^\ufeff/, '').trim(), reg.TEMPLATE_HEADER);
  for (const col of ['姓名', '性别', '出生日期', '证件类型', '证件号码', '学校标识码', '年级', '班级', '入学日期', '监护人姓名', '监护人联系电话']) {
    assert.ok(t.text.includes(col), col);
  }
  const x = await fetch(`${process.env.BASE_URL}/api/v1/imports/template.xlsx`, { headers: { cookie: c.cookie } });
  const back = await reg.upload(c, Buffer.from(await x.arrayBuffer()), { type: reg.XLSX_TYPE });
  assert.equal(back.body.error.reason, 'no_rows', 'the XLSX template\'s headers are all known');
  const rec = reg.record(A);
  const head = reg.TEMPLATE_HEADER.split(',');
  const line = [rec.name, '女', rec.birth_date, '1', rec.id_number, A.code, '3', '1', '2022-09-01', '王建国', '13900000000'];
  const g = reg.record(A, { gender: 'F' });
  line[2] = g.birth_date; line[4] = g.id_number;
  const j = (await reg.upload(c, [head.join(','), line.join(',')].join('\n') + '\n', { dryRun: false })).body;
  assert.equal(j.rows_created, 1, JSON.stringify(j.issues));
  assert.equal(sql(`SELECT guardian_name FROM student WHERE id_number = '${g.id_number}'`)[0][0], '王建国');
  const reg2 = await c.post('/api/v1/students', reg.record(A, { guardian_name: '李秀英' }));
  assert.equal(reg2.status, 201, reg2.text);
  assert.equal(reg2.body.student.guardian_name, '李秀英');
});

test('issue 11.5 R8.2 ID checks that know today: a resident ID whose birth date lies in the future (433130209912310014) is an ID error like a wrong check digit', async () => {
  const c = await reg.as('clerk_c');
  const rec = reg.record(reg.SCHOOLS.c, { id_number: '433130209912310014', gender: 'M', birth_date: '2015-01-01' });
  const r = await c.post('/api/v1/students', rec);
  assert.ok(r.status === 201 || r.status === 200, r.text); // 200 when an earlier run on this instance registered it
  const sid = r.body.student_id;
  assert.equal(sql(`SELECT id_check FROM student WHERE id = ${sid}`)[0][0], 'id_date');
  assert.ok(openGroups(sid).some(([, type]) => type === 'id_error'), 'an ID-error group, not a warning only');
  if (r.status === 201) {
    const w = r.body.warnings.find((x) => x.field === 'id_number');
    assert.equal(w.code, 'id_date');
    assert.match(w.message, /晚于今天/);
  }
  // an embedded date before 1900, likewise
  const old = reg.record(reg.SCHOOLS.c, { id_number: '440524188001010014', gender: 'M' });
  const o = await c.post('/api/v1/students', old);
  assert.ok(o.status === 201 || o.status === 200, o.text);
  assert.equal(sql(`SELECT id_check FROM student WHERE id = ${o.body.student_id}`)[0][0], 'id_date');
});

test('issue 11.5 R8.2 the record\'s own birth date: in the future or before 1900 is refused, and nothing is stored', async () => {
  const c = await reg.as('clerk_a');
  const tomorrow = new Date(Date.now() + 8 * 3600e3 + 86400e3).toISOString().slice(0, 10);
  for (const birth of [tomorrow, '2099-12-31', '1899-12-31']) {
    const rec = reg.record(A, { id_type: 'Z', id_number: '', birth_date: birth });
    const r = await c.post('/api/v1/students', rec);
    assertError(r, 422, 'invalid');
    assert.equal(r.body.error.field, 'birth_date', birth);
    assert.equal(sqlCount(`SELECT COUNT(*) FROM student WHERE name = '${rec.name}'`), 0);
  }
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const born = await c.post('/api/v1/students', reg.record(A, { id_type: 'Z', id_number: '', birth_date: today, enrol_date: '' }));
  assert.equal(born.status, 201, `today is a possible date of birth: ${born.text}`);
});

test('issue 11.6 R8.2 R10 R11: an ID-error group says what is wrong (check digit, date, region, gender parity, not in the register, name mismatch) on the group and in the list; an ID-changed group shows the register\'s new number', async () => {
  const clerk = await reg.as('clerk_a');
  const prov = await reg.province('13');
  const good = (birth, g) => newIdNumber('130102', birth, g);
  const mk = async (over, finding) => {
    const out = await registerA(over);
    if (finding) {
      const r = await prov.post('/api/v1/register-results', { results: [{ student_id: out.student_id, ...finding }] });
      assert.equal(r.status, 200, r.text);
    }
    return out.student_id;
  };
  const g1 = good('2013-03-03', 'M');
  const region = '99' + g1.slice(2, 17);
  const cases = [
    ['id_checksum', /校验码/, /check character/, await mk({ birth_date: '2013-03-03', gender: 'M', id_number: badCheck('2013-03-03', 'M') })],
    ['id_gender', /性别/, /gender/, await mk({ birth_date: '2013-03-03', gender: 'F', id_number: g1 })],
    ['id_province', /省级行政区划/, /province/, await mk({ birth_date: '2013-03-03', gender: 'M', id_number: region + checkChar(region) })],
    ['not_in_register', /户籍系统中没有/, /no such ID number/, await mk({}, { result: 'not_exist' })],
    ['name_mismatch', /姓名与户籍系统/, /name differs/, await mk({}, { result: 'name_mismatch' })],
  ];
  const d = '2099-12-31'.replace(/-/g, '');
  const dateBody = '130102' + d + '001';
  cases.push(['id_date', /出生日期错误/, /date of birth/, await mk({ birth_date: '2013-03-03', gender: 'M', id_number: dateBody + checkChar(dateBody) })]);
  for (const [code, zh, en, sid] of cases) {
    const gid = openGroups(sid).find(([, type]) => type === 'id_error')?.[0];
    assert.ok(gid, `${code}: an ID-error group`);
    const r = await clerk.get(`/api/v1/groups/${gid}`);
    assert.equal(r.status, 200, r.text);
    const p = r.body.members[0].student.id_problem;
    assert.equal(p?.code, code, `${code}: ${JSON.stringify(p)}`);
    assert.match(p.message, zh);
    assert.match(p.message_en, en);
    const l = await clerk.get('/api/v1/groups?type=id_error&limit=100');
    const row = l.body.items.find((g) => g.id === gid);
    assert.ok(row, 'the group is in the list');
    assert.equal(row.members[0].id_problem?.code, code, 'the list says it too');
  }
  // R11: the register names another current number: the group shows it beside the old one
  const sid = await mk({ birth_date: '2013-05-05', gender: 'F' });
  const newNo = good('2013-05-05', 'F');
  const rr = await prov.post('/api/v1/register-results', { results: [{ student_id: sid, result: 'changed_to', new_id_number: newNo }] });
  assert.equal(rr.status, 200, rr.text);
  const gid = openGroups(sid).find(([, type]) => type === 'id_changed')?.[0];
  assert.ok(gid, 'an ID-changed group');
  const r = await clerk.get(`/api/v1/groups/${gid}`);
  assert.equal(r.body.members[0].student.register_id_number, newNo);
  assert.notEqual(r.body.members[0].student.id_number, newNo);
  const l = await clerk.get('/api/v1/groups?type=id_changed&limit=100');
  assert.equal(l.body.items.find((g) => g.id === gid).members[0].register_id_number, newNo);
});

test('issue 11.7 R24: the school queue filters "rejected, to handle again" and "overdue" on the server; every item carries state, due date, overdue flag and last rejection reason; a bad filter is refused', async () => {
  const clerk = await reg.as('clerk_a');
  const mkErr = async (birth) => {
    const out = await registerA({ birth_date: birth, gender: 'M', id_number: badCheck(birth, 'M') });
    const [gid] = openGroups(out.student_id).find(([, type]) => type === 'id_error');
    return memberIn(gid, out.student_id);
  };
  const late = await mkErr('2012-02-02'), rejected = await mkErr('2012-02-03'), plain = await mkErr('2012-02-04');
  sql(`UPDATE group_member SET due_date = '2020-01-02' WHERE id = ${late}`);
  sql(`UPDATE group_member SET reject_reason = '材料不清楚' WHERE id = ${rejected}`);
  const all = await clerk.get('/api/v1/queue?limit=500');
  assert.equal(all.status, 200, all.text);
  const it = all.body.items.find((x) => x.member_id === rejected);
  for (const k of ['state', 'due_date', 'overdue', 'reject_reason']) assert.ok(k in it, k);
  assert.equal(it.reject_reason, '材料不清楚');
  const od = await clerk.get('/api/v1/queue?limit=500&filter=overdue');
  assert.equal(od.status, 200, od.text);
  assert.ok(od.body.items.length >= 1 && od.body.items.every((x) => x.overdue), 'only overdue items');
  assert.ok(od.body.items.some((x) => x.member_id === late));
  assert.ok(!od.body.items.some((x) => x.member_id === plain));
  assert.equal(od.body.counts.overdue, all.body.items.filter((x) => x.overdue).length, 'the home count is the overdue items');
  const rj = await clerk.get('/api/v1/queue?limit=500&filter=rejected');
  assert.ok(rj.body.items.length >= 1 && rj.body.items.every((x) => x.reject_reason || x.reject_system), 'only rejected items');
  assert.ok(rj.body.items.some((x) => x.member_id === rejected));
  assert.ok(!rj.body.items.some((x) => x.member_id === plain || x.member_id === late));
  assert.equal(rj.body.counts.rejected, all.body.items.filter((x) => x.reject_reason || x.reject_system).length); // a system rejection is its code (issue 11 item 10)
  const bad = await clerk.get('/api/v1/queue?filter=late');
  assert.ok(bad.status === 400 || bad.status === 422, bad.text);
  assert.equal(bad.body.error.field, 'filter');
});
