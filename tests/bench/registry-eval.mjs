#!/usr/bin/env node
// registry-eval.mjs: precision and recall of the duplicate check (R7-R9) against gen-students.mjs's truth file.
//
// Usage: node registry-eval.mjs TRUTH.tsv MAP.tsv GROUPS.tsv
//   MAP.tsv     data_row <TAB> student_id        (data_row: 1-based row of the generated CSV, header not counted)
//   GROUPS.tsv  group_id <TAB> type <TAB> student_id   (one line per member; every group of the database)
// A planted clash is found when a group of the same type has exactly the planted rows as members; a group counts
// as correct when it equals a planted clash. Groups with members outside the generated rows (e.g. demo data) are
// reported separately and left out of precision. Prints a JSON summary.
import { readFileSync } from 'node:fs';

const [truthPath, mapPath, groupsPath] = process.argv.slice(2);
if (!groupsPath) {
  process.stderr.write('usage: registry-eval.mjs TRUTH.tsv MAP.tsv GROUPS.tsv\n');
  process.exit(2);
}
const TYPE = { id_duplicate: 'id_dup', id_error: 'id_error', name_gender_birth_duplicate: 'nbg_dup' };
const lines = (p) => readFileSync(p, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));

const rowToStudent = new Map();
const studentToRow = new Map();
for (const l of lines(mapPath)) {
  const [row, sid] = l.split('\t');
  rowToStudent.set(Number(row), sid);
  studentToRow.set(sid, Number(row));
}
const truth = [];
for (const l of lines(truthPath).slice(1)) {
  const [type, subtype, rows] = l.split('\t');
  truth.push({ type: TYPE[type], subtype, rows: rows.split(',').map(Number) });
}
const groups = new Map();
for (const l of lines(groupsPath)) {
  const [gid, type, sid] = l.split('\t');
  if (!groups.has(gid)) groups.set(gid, { type, members: [] });
  groups.get(gid).members.push(sid);
}
const key = (type, rows) => `${type}:${[...rows].sort((a, b) => a - b).join(',')}`;
const groupKeys = new Map();
let foreign = 0;
for (const [gid, g] of groups) {
  const rows = g.members.map((s) => studentToRow.get(s));
  if (rows.some((r) => r === undefined)) { foreign++; continue; }
  groupKeys.set(key(g.type, rows), gid);
}
const byType = {};
let found = 0, missingRows = 0;
const missed = [];
for (const t of truth) {
  byType[t.type] ??= { planted: 0, found: 0, groups: 0, correct: 0 };
  byType[t.type].planted++;
  if (t.rows.some((r) => !rowToStudent.has(r))) { missingRows++; missed.push(t); continue; }
  if (groupKeys.has(key(t.type, t.rows))) { found++; byType[t.type].found++; } else missed.push(t);
}
const truthKeys = new Set(truth.map((t) => key(t.type, t.rows)));
let correct = 0;
const wrong = [];
for (const [k, gid] of groupKeys) {
  const type = k.split(':')[0];
  byType[type] ??= { planted: 0, found: 0, groups: 0, correct: 0 };
  byType[type].groups++;
  if (truthKeys.has(k)) { correct++; byType[type].correct++; } else wrong.push(`${gid} ${k}`);
}
const out = {
  planted: truth.length, found, recall: truth.length ? found / truth.length : 1,
  groups: groupKeys.size, correct, precision: groupKeys.size ? correct / groupKeys.size : 1,
  groups_with_other_records: foreign, planted_rows_not_imported: missingRows, by_type: byType,
  missed_examples: missed.slice(0, 5), wrong_examples: wrong.slice(0, 5),
};
process.stdout.write(JSON.stringify(out, null, 1) + '\n');
