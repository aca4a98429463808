// schools-import.test.mjs: issue 16 item 1 (R1): a school list imports from CSV or XLSX (the student import's reader,
// fcgi/tabfile.c) with a dry run, row-numbered issues and idempotent re-import; the import is all or nothing; who and
// when are in the security log. Bad input (malformed, duplicate or taken codes, unknown types, a county outside the
// jurisdiction, a broken file): clear errors, nothing stored.
import { test } from 'node:test';
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { sql, sqlCount, assertError } from '../lib/api.mjs';
import { countyBureau as makeBureau, newSchoolCode } from '../lib/units.mjs';
import { as, xlsx, XLSX_TYPE } from '../lib/registry.mjs';

// 藁城区 130109 (石家庄): no other suite keeps schools there; its bureau is made here
const COUNTY = '130109';
const HEADER = '学校标识码,学校名称,办学类型,区县代码,地址';
let bureau;
const countyBureau = async () => (bureau ??= await makeBureau(COUNTY));
/** n fresh school codes of the county, none taken. */
function freshCodes(n) {
  const out = new Set();
  while (out.size < n) out.add(newSchoolCode(COUNTY));
  return [...out];
}
const send = (client, body, { dry = true, type = 'text/csv' } = {}) =>
  client.req('POST', `/api/v1/schools/import?dry_run=${dry ? 1 : 0}`, { raw: body, headers: { 'content-type': type } });
const stored = (codes) => sqlCount(`SELECT COUNT(*) FROM unit WHERE code IN (${codes.map((c) => `'${c}'`)})`);

test('issue 16.1 R1 a school list (CSV with BOM): the dry run stores nothing, the import creates every school with who and when, a re-import creates nothing', async () => {
  const county = await countyBureau();
  const codes = freshCodes(3);
  const file = '\ufeff' + [HEADER, `${codes[0]},藁城区第一小学,211,${COUNTY},藁城区廉州路 1 号`, `${codes[1]},藁城区实验中学,初级中学,${COUNTY},`,
    '', `${codes[2]},"藁城区九年一贯制学校, 东校区",312,${COUNTY}`].join('\r\n') + '\r\n';
  const dry = await send(county, file);
  assert.equal(dry.status, 200, dry.text);
  assert.deepEqual({ ...dry.body, issues: dry.body.issues.length }, { dry_run: true, rows_total: 3, rows_error: 0, would_create: 3, unchanged: 0, issues: 0 });
  assert.equal(stored(codes), 0, 'a dry run stores nothing');

  const done = await send(county, file, { dry: false });
  assert.equal(done.status, 200, done.text);
  assert.equal(done.body.created, 3);
  const rows = sql(`SELECT u.code, u.name, u.school_type, u.address, c.code FROM unit u JOIN unit c ON c.id = u.parent_id WHERE u.code IN (${codes.map((c) => `'${c}'`)}) ORDER BY u.code`);
  assert.deepEqual(rows, [
    [codes[0], '藁城区第一小学', '211', '藁城区廉州路 1 号', COUNTY],
    [codes[1], '藁城区实验中学', '311', '', COUNTY],
    [codes[2], '藁城区九年一贯制学校, 东校区', '312', '', COUNTY],
  ].sort((a, b) => a[0].localeCompare(b[0])), 'the type by its name is stored as its code');
  const actor = sql(`SELECT id FROM app_user WHERE username = 'county_${COUNTY}'`)[0][0];
  for (const c of codes) {
    assert.equal(sqlCount(`SELECT COUNT(*) FROM security_log WHERE event = 'school_created' AND detail LIKE '${c} import %' AND actor_user_id = ${actor} AND created_at IS NOT NULL`), 1, `who and when of ${c}`);
  }
  const sha = createHash('sha256').update(file).digest('hex');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM security_log WHERE event = 'schools_imported' AND actor_user_id = ${actor} AND detail = 'file ${sha}: 3 created, 0 unchanged'`), 1);
  // the schools are live: readable and editable through the API
  const id = Number(sql(`SELECT id FROM unit WHERE code = '${codes[1]}'`)[0][0]);
  assert.equal((await county.get(`/api/v1/schools/${id}`)).body.type_name, '初级中学');

  // idempotent: the same file again creates nothing
  const again = await send(county, file, { dry: false });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.body.created, 0);
  assert.equal(again.body.unchanged, 3);
  assert.equal(stored(codes), 3);
  assert.equal(sqlCount(`SELECT COUNT(*) FROM security_log WHERE event = 'school_created' AND detail LIKE '${codes[0]} import %'`), 1);
});

test('issue 16.1 an XLSX school list (numeric cells, a blank row) imports through the student import\'s reader', async () => {
  const county = await countyBureau();
  const codes = freshCodes(2);
  const book = xlsx([HEADER.split(','), [{ n: codes[0] }, '藁城区梅花小学', { n: 211 }, { n: COUNTY }, '梅花镇'], null,
    [codes[1], '藁城区特殊教育学校', '特殊教育学校', COUNTY, null]]);
  const dry = await send(county, book, { type: XLSX_TYPE });
  assert.equal(dry.status, 200, dry.text);
  assert.equal(dry.body.would_create, 2);
  const done = await send(county, book, { type: XLSX_TYPE, dry: false });
  assert.equal(done.status, 200, done.text);
  assert.equal(done.body.created, 2);
  assert.deepEqual(sql(`SELECT school_type FROM unit WHERE code IN ('${codes[0]}', '${codes[1]}') ORDER BY code = '${codes[0]}' DESC`), [['211'], ['514']]);
});

test('issue 16.1 bad rows: the dry run names each by its row and column; the import refuses the whole file and stores nothing', async () => {
  const county = await countyBureau();
  const [good, dup, other] = freshCodes(3);
  const file = [HEADER,
    `${good},藁城区好学校,211,${COUNTY},`, // row 2: fine
    `13010912,短码学校,211,${COUNTY},`, // row 3: malformed code
    `${dup},藁城区甲校,211,${COUNTY},`, // row 4
    `${dup},藁城区乙校,211,${COUNTY},`, // row 5: the same code twice in the file
    `${other},藁城区未知类型学校,999,${COUNTY},`, // row 6: unknown type
    `${other.slice(0, 6)}0${other.slice(7)},外县学校,211,130102,`, // row 7: a sibling county outside the jurisdiction
    `1301020001,长安区第一实验小学改名,211,${COUNTY},`, // row 8: a taken code (another county's school)
    `${good.slice(0, 9)}x,坏码,211,${COUNTY},`, // row 9: malformed code
    `${other},学,211,${COUNTY},`, // row 10: a name too short
  ].join('\n');
  const units = sqlCount('SELECT COUNT(*) FROM unit'), logs = sqlCount('SELECT COUNT(*) FROM security_log');
  const dry = await send(county, file);
  assert.equal(dry.status, 200, dry.text);
  assert.equal(dry.body.rows_total, 9);
  assert.equal(dry.body.would_create, 2);
  assert.deepEqual(dry.body.issues.map((i) => [i.row, i.column, i.code]), [
    [3, '学校标识码', 'school_code'], [5, '学校标识码', 'duplicate_in_file'], [6, '办学类型', 'school_type'], [7, '区县代码', 'county_code'],
    [8, '学校标识码', 'school_code_taken'], [9, '学校标识码', 'school_code'], [10, '学校名称', 'name'],
  ]);
  assert.ok(dry.body.issues.every((i) => i.message && i.message_en));
  assert.equal(dry.body.issues[4].message, '这个学校标识码已被使用。', 'another county\'s school is named no further');
  const r = await send(county, file, { dry: false });
  assertError(r, 422, 'invalid');
  assert.equal(r.body.error.reason, 'rows_invalid');
  assert.equal(r.body.error.details.length, 7);
  assert.equal(r.body.error.details[0].row, 3);
  assert.equal(sqlCount('SELECT COUNT(*) FROM unit'), units, 'nothing stored');
  assert.equal(sqlCount('SELECT COUNT(*) FROM security_log'), logs);
  // a school of the county imported again with other values: the code is taken, naming the differing columns
  const ok = await send(county, `${HEADER}\n${good},藁城区好学校,211,${COUNTY},\n`, { dry: false });
  assert.equal(ok.status, 200, ok.text);
  const changed = await send(county, `${HEADER}\n${good},藁城区好学校改名,311,${COUNTY},\n`);
  assert.equal(changed.body.issues[0].code, 'school_code_taken');
  assert.match(changed.body.issues[0].message, /学校名称、办学类型/);
});

test('issue 16.1 bad files and callers: clear errors, nothing stored', async () => {
  const county = await countyBureau();
  const units = sqlCount('SELECT COUNT(*) FROM unit');
  const [c1] = freshCodes(1);
  const bad = async (body, reason, opts) => {
    const r = await send(county, body, opts);
    assertError(r, 422, 'invalid');
    assert.equal(r.body.error.field, 'file');
    assert.equal(r.body.error.reason, reason, r.text);
  };
  await bad('', 'empty_file');
  await bad(`${HEADER}\n`, 'no_rows');
  await bad(`学校标识码,学校名称,办学类型,区县代码,校长\n${c1},某校,211,${COUNTY},张三\n`, 'unknown_column');
  await bad(`学校标识码,学校名称,办学类型\n${c1},某校,211\n`, 'missing_column');
  await bad(`学校标识码,学校名称,学校名称,办学类型,区县代码\n${c1},某校,某校,211,${COUNTY}\n`, 'duplicate_column');
  await bad(Buffer.from('not a zip'), 'not_xlsx', { type: XLSX_TYPE, dry: false });
  assertError(await send(county, `${HEADER}\n${c1},某校,211,${COUNTY}\n`, { type: 'image/png' }), 415);
  // a city bureau and a school clerk do not import schools
  for (const who of ['city_1301', 'clerk_a']) {
    assertError(await send(await as(who), `${HEADER}\n${c1},某校,211,${COUNTY}\n`, { dry: false }), 403, 'forbidden');
  }
  assert.equal(sqlCount('SELECT COUNT(*) FROM unit'), units, 'nothing stored');
});
