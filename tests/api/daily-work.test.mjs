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
  const second = await c.post('/api/v1/students', { ...rec, grade: '4' });
  assert.equal(second.status, 200, second.text);
  assert.equal(second.body.status, 'unchanged');
  assert.equal(second.body.student_id, first.body.student_id);
  assert.equal(second.body.student_no, first.body.student_no);
  assert.equal(sql(`SELECT COUNT(*) FROM student WHERE id_number = '${rec.id_number}'`)[0][0], '1');
  // a record without an ID number (type Z): the same name, gender and birth date in the same school
  const z = reg.record(A, { id_type: 'Z', id_number: '' });
  const z1 = await c.post('/api/v1/students', z), z2 = await c.post('/api/v1/students', z);
  assert.deepEqual([z1.status, z2.status, z2.body.status], [201, 200, 'unchanged']);
  assert.equal(z2.body.student_id, z1.body.student_id);
});
