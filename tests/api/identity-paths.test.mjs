// identity-paths.test.mjs: issue 12 item 1: one input, one outcome on every path. POST /api/v1/students, the
// provincial batch (R29) and the file import decide by the same identity rules: the same child (same school, ID type
// and number, name, gender and date of birth) with the same values is "unchanged"; the same child with other values
// is refused naming the fields (a change goes through R15), nothing stored; the same number with another name, gender
// or birth date is another record: created, and detection opens its ID-duplicate group (R7, R8.1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, sqlCount } from '../lib/api.mjs';
import { as, record, sameId, uniqueName, province, csv, upload, SCHOOLS } from '../lib/registry.mjs';

/** A fresh existing record E of school a and the three rows: the same, the same child changed, another child. */
async function setup() {
  const c = await as('clerk_a');
  const r = await c.post('/api/v1/students', record(SCHOOLS.a));
  assert.equal(r.status, 201, r.text);
  const E = r.body.student;
  const base = { name: E.name, gender: E.gender, birth_date: E.birth_date, id_type: '1', id_number: E.id_number, school_code: SCHOOLS.a.code,
    grade: E.grade, class_name: E.class_name, enrol_date: E.enrol_date, guardian_phone: E.guardian_phone };
  return {
    E,
    same: { ...base },
    changed: { ...base, grade: String(Number(E.grade) + 1) },
    other: sameId(base, SCHOOLS.a, { name: uniqueName() }),
  };
}

const live = (n) => sql(`SELECT id, name, grade FROM student WHERE id_number='${n}' AND status<>'deleted' ORDER BY id`);
const idDupGroup = (sid) => sqlCount(`SELECT COUNT(*) FROM group_member m JOIN problem_group g ON g.id=m.group_id
  WHERE m.student_id=${sid} AND g.type='id_dup' AND g.state<>'done'`);

/** The stored state after a path ran the three rows: E untouched, the other child created and in an ID-duplicate group. */
function assertStored(s, where) {
  const rows = live(s.E.id_number);
  assert.equal(rows.length, 2, `${where}: E and the other child, nothing else: ${JSON.stringify(rows)}`);
  assert.equal(Number(rows[0][0]), s.E.id);
  assert.equal(rows[0][2], s.E.grade, `${where}: the changed row did not touch E`);
  assert.equal(rows[1][1], s.other.name, `${where}: the other child is stored with its own name`);
  assert.ok(idDupGroup(Number(rows[1][0])) >= 1, `${where}: the other child is detected as an ID duplicate (R7)`);
}

test('issue 12.1 POST /api/v1/students: unchanged, refused naming the changed field, another child created and detected', async () => {
  const s = await setup();
  const c = await as('clerk_a');
  const same = await c.post('/api/v1/students', s.same);
  assert.equal(same.status, 200, same.text);
  assert.equal(same.body.status, 'unchanged');
  assert.equal(same.body.student_id, s.E.id);
  const changed = await c.post('/api/v1/students', s.changed);
  assert.equal(changed.status, 409, changed.text);
  assert.equal(changed.body.error.reason, 'same_record_changed');
  assert.equal(changed.body.error.field, 'grade');
  assert.match(changed.body.error.message_en, new RegExp(s.E.student_no));
  const other = await c.post('/api/v1/students', s.other);
  assert.equal(other.status, 201, other.text);
  assert.equal(other.body.status, 'created');
  assert.ok(other.body.problems.some((p) => p.type === 'id_dup'), other.text);
  assertStored(s, 'POST');
});

test('issue 12.1 the provincial batch: the same three answers as POST', async () => {
  const s = await setup();
  const p = await province('13');
  const r = await p.post('/api/v1/students/batch', { records: [s.same, s.changed, s.other] });
  assert.equal(r.status, 200, r.text);
  const [same, changed, other] = r.body.results;
  assert.equal(same.status, 'unchanged', JSON.stringify(same));
  assert.equal(same.student_id, s.E.id);
  assert.equal(changed.status, 'error', JSON.stringify(changed));
  assert.equal(changed.error.reason, 'same_record_changed');
  assert.equal(changed.error.field, 'grade');
  assert.equal(changed.student_id, s.E.id, 'the refusal names the record');
  assert.equal(other.status, 'created', JSON.stringify(other));
  assert.ok(other.problems.some((g) => g.type === 'id_dup'));
  assertStored(s, 'batch');
});

test('issue 12.1 the file import: the same three answers as POST (a row error names the changed field)', async () => {
  const s = await setup();
  const c = await as('clerk_a');
  const r = await upload(c, csv([s.same, s.changed, s.other]), { dryRun: false });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.state, 'done', r.text);
  assert.equal(r.body.rows_unchanged, 1, r.text);
  assert.equal(r.body.rows_created, 1, r.text);
  const j = (await c.get(`/api/v1/imports/${r.body.id}?issues_limit=100`)).body;
  const issue = j.issues.find((i) => i.row === 3);
  assert.ok(issue, JSON.stringify(j.issues));
  assert.equal(issue.code, 'same_record_changed');
  assert.equal(issue.field, 'grade');
  assert.match(issue.message, new RegExp(s.E.student_no));
  assertStored(s, 'import');
  // the same file again: one input, one outcome (nothing new, the changed row refused again)
  const again = await upload(c, csv([s.same, s.changed, s.other]), { dryRun: false });
  assert.equal(again.body.rows_created ?? 0, 0, again.text);
  assertStored(s, 'import again');
});

test('issue 12.1 the dry run of an import says the same as the import', async () => {
  const s = await setup();
  const c = await as('clerk_a');
  const r = await upload(c, csv([s.same, s.changed, s.other]), { dryRun: true });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.rows_unchanged, 1, r.text);
  assert.ok(r.body.issues.some((i) => i.row === 3 && i.code === 'same_record_changed'), r.text);
  assert.equal(live(s.E.id_number).length, 1, 'a dry run stores nothing');
});
