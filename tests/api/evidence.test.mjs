// evidence.test.mjs: issue 6 (SPEC R23) through nginx: uploads of DOC/RAR/JPG decided by content, every refusal
// stores nothing, sanitized names, durable content-addressed storage, jurisdiction-scoped downloads (R1-R3),
// limits (2 MiB per file, files per request, quota per school), idempotent re-upload and the reuse check.
// "Nothing stored" is checked after every refusal: evidence rows, usage counters and every file under the
// instance's data directory (another suite uploading evidence at the same moment would disturb the counts).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Client, http, sql, sqlCount, assertError } from '../lib/api.mjs';
import {
  fixture, manifest, sha256, uniqueJpeg, multipart, upload, download, snapshot, assertNothingStored,
  contentPath, dataFiles, unitId, MAX_FILE,
} from '../lib/evidence.mjs';

const clients = new Map();
/** A signed-in client per demo user, signed in once. @param {string} u */
async function as(u) {
  if (!clients.has(u)) clients.set(u, await Client.login(u));
  return clients.get(u);
}

let clerk;
before(async () => { clerk = await as('clerk_a'); });

/** Upload and expect 201; returns the response items. */
async function accept(parts, who = clerk) {
  const r = await upload(who, parts);
  assert.equal(r.status, 201, r.text);
  assert.ok(Array.isArray(r.body));
  return r.body;
}

/** 1 if some school already stored these bytes. @param {Buffer} buf */
const known = (buf) => sqlCount(`SELECT COUNT(*) FROM evidence WHERE sha256 = UNHEX('${sha256(buf)}')`) > 0;

/** Upload, expect the error, and prove nothing was stored (content sent that was new before stays absent). */
async function refuse(parts, status, code, who = clerk, opts = {}) {
  const fresh = (Array.isArray(parts) ? parts : []).map((p) => p.data).filter((d) => d && d.length && !known(Buffer.from(d)));
  const snap = snapshot();
  const r = await upload(who, parts, opts);
  assertError(r, status, code);
  assertNothingStored(snap, fresh);
  return r;
}

// ---- accepted kinds -----------------------------------------------------------------------------

const ACCEPTED = manifest().filter((m) => m.expected !== 'refused');

test('R23: each accepted fixture (Word 97, JPEGs, RAR4, RAR5) is stored by content, byte for byte', async () => {
  assert.ok(ACCEPTED.length >= 7);
  for (const m of ACCEPTED) {
    const data = fixture(m.file);
    // the client's name and type claim something else: they are never used to decide
    const [item] = await accept([{ filename: 'upload.png', type: 'image/png', data }]);
    assert.equal(item.kind, m.expected, m.file);
    assert.ok(m.mimes.includes(item.mime), `${m.file}: ${item.mime}`);
    assert.equal(item.size, data.length);
    assert.equal(item.sha256, sha256(data));
    if (!item.reused) assert.equal(item.name, 'upload.png'); // else: the row stored earlier, under its first name
    assert.ok(Number.isInteger(item.id) && item.id > 0);
    // the content file is complete and named by its SHA-256; the row records school, uploader, type
    assert.deepEqual(readFileSync(contentPath(item.sha256)), data);
    const [row] = sql(`SELECT HEX(e.sha256), e.size, e.mime, u.code, au.username FROM evidence e JOIN unit u ON u.id = e.school_id
      JOIN app_user au ON au.id = e.uploader_id WHERE e.id = ${item.id}`);
    assert.deepEqual(row, [item.sha256.toUpperCase(), String(data.length), item.mime, '1301020001', 'clerk_a']);
    const d = await download(clerk, item.id);
    assert.equal(d.status, 200);
    assert.deepEqual(d.buf, data);
  }
});

test('R23: several files in one request, each answered in order', async () => {
  const parts = [fixture('ok-word97.doc'), uniqueJpeg(), fixture('ok-rar5.rar')].map((data, i) => ({ filename: `f${i}`, data }));
  const items = await accept(parts);
  assert.deepEqual(items.map((i) => i.kind), ['doc', 'jpeg', 'rar']);
  items.forEach((it, i) => { if (!it.reused) assert.equal(it.name, `f${i}`); });
  assert.equal(items[1].reused, false);
  assert.equal(items[1].name, 'f1');
});

test('R23: a JPEG of exactly 2,097,152 bytes is accepted', async () => {
  const data = uniqueJpeg(fixture('ok-plasma.jpg'), MAX_FILE);
  const [item] = await accept([{ filename: 'exactly-2mb.jpg', data }]);
  assert.equal(item.size, MAX_FILE);
  assert.equal(item.kind, 'jpeg');
  const d = await download(clerk, item.id);
  assert.equal(d.buf.length, MAX_FILE);
  assert.equal(sha256(d.buf), item.sha256);
});

test('R23 limits: 10 files of 2,097,152 bytes each fit through nginx and the route in one request', async () => {
  const parts = Array.from({ length: 10 }, (_, i) => ({ filename: `big${i}.jpg`, data: uniqueJpeg(undefined, MAX_FILE) }));
  const items = await accept(parts);
  assert.equal(items.length, 10);
  for (const it of items) assert.equal(it.size, MAX_FILE);
});

// ---- refused kinds: fixtures --------------------------------------------------------------------

const REFUSED = manifest().filter((m) => m.expected === 'refused');

test('R23: at least 20 refused fixture kinds in the manifest', () => {
  assert.ok(REFUSED.length >= 20, `${REFUSED.length}`);
});

for (const m of REFUSED) {
  test(`R23 refused: ${m.file} (${m.what}): what was found and what is allowed, nothing stored`, async () => {
    const data = fixture(m.file);
    // claims to be a JPEG by name and Content-Type
    const r = await refuse([{ filename: m.file, type: 'image/jpeg', data }], 422, 'evidence_type_refused');
    const e = r.body.error;
    assert.match(e.message, /只允许 DOC、RAR 或 JPG/);
    assert.match(e.message, /没有保存任何文件/);
    assert.ok(e.message.includes(m.file), 'the message names the file');
    assert.match(e.message_en, /only DOC, RAR or JPG/);
    assert.equal(e.files.length, 1);
    assert.equal(e.files[0].index, 0);
    assert.equal(e.files[0].code, 'evidence_type_refused');
    assert.ok(m.mimes.includes(e.files[0].detected), `${m.file}: detected ${e.files[0].detected}`);
    if (data.length === 0) assert.match(e.message, /文件为空/);
    else if (['image/jpeg', 'application/msword'].includes(e.files[0].detected)) assert.match(e.message, /不是完整有效的/);
    else assert.ok(e.message.includes(e.files[0].detected), 'the message says what was found');
    assert.deepEqual(e.allowed, ['application/msword', 'application/x-rar', 'application/vnd.rar', 'image/jpeg']);
  });
}

// ---- refused kinds: generated -------------------------------------------------------------------

test('R23 refused: 2,097,153 bytes (one over) names the file, nothing stored', async () => {
  const data = uniqueJpeg(fixture('ok-plasma.jpg'), MAX_FILE + 1);
  const r = await refuse([{ filename: '扫描件.jpg', data }], 413, 'evidence_file_too_large');
  assert.match(r.body.error.message, /扫描件\.jpg/);
  assert.match(r.body.error.message, /2097153 字节/);
  assert.match(r.body.error.message_en, /2097153 bytes/);
  assert.equal(r.body.error.files[0].size, MAX_FILE + 1);
});

test('R23 refused: a 20 MB file (under the 21 MiB request cap: refused by the service per file), nothing stored', async () => {
  const data = Buffer.alloc(20_000_000, 0x41);
  data.set(fixture('ok-baseline.jpg'));
  const r = await refuse([{ filename: 'huge.jpg', data }], 413, 'evidence_file_too_large');
  assert.match(r.body.error.message, /huge\.jpg/);
});

test('R23 refused: a body over the request cap (22 MiB) is stopped by nginx with 413, nothing stored', async () => {
  const snap = snapshot();
  const data = Buffer.alloc(22 * 1024 * 1024 + 1, 0x42);
  const r = await upload(clerk, [{ filename: 'too-big.rar', data }]);
  assertError(r, 413, 'too_large');
  // what was found and what is allowed, in Chinese for the screens (nginx's own error page of the route)
  assert.match(r.body.error.message, /2 MB（2097152 字节）.*10 个文件/);
  assert.equal(r.body.error.max_file_bytes, MAX_FILE);
  assert.equal(r.body.error.max_request_bytes, 22020096);
  assertNothingStored(snap, [data]);
});

test('R23 refused: one bad file among good ones refuses the whole request (all or nothing)', async () => {
  const good = uniqueJpeg();
  const r = await refuse([{ filename: 'good.jpg', data: good }, { filename: 'bad.doc', data: fixture('bad-docx.doc') },
    { filename: 'good2.rar', data: fixture('ok-rar4.rar') }, { filename: 'x.jpg', data: fixture('bad-png.jpg') }], 422, 'evidence_type_refused');
  assert.deepEqual(r.body.error.files.map((f) => f.index), [1, 3]);
  assert.match(r.body.error.message, /共 2 个文件被拒绝/);
});

test('R23 refused: a good file beside an oversized one: 413, nothing stored', async () => {
  const r = await refuse([{ filename: 'ok.jpg', data: uniqueJpeg() }, { filename: 'over.jpg', data: uniqueJpeg(undefined, MAX_FILE + 10) }],
    413, 'evidence_file_too_large');
  assert.equal(r.body.error.files[0].index, 1);
});

test('R23 limits refused: more files than allowed (11 > 10), nothing stored', async () => {
  const parts = Array.from({ length: 11 }, (_, i) => ({ filename: `p${i}.jpg`, data: uniqueJpeg() }));
  const r = await refuse(parts, 413, 'evidence_too_many_files');
  assert.match(r.body.error.message, /最多上传 10 个文件/);
});

test('R23 refused: a request without a file (text field only, empty form, empty file input), nothing stored', async () => {
  await refuse([{ name: 'note', data: 'hello' }], 422, 'evidence_no_file');
  await refuse([], 422, 'evidence_no_file');
  await refuse([{ name: 'files', filename: '', data: '' }], 422, 'evidence_no_file');
  const r = await refuse({ body: Buffer.alloc(0), contentType: 'multipart/form-data; boundary=x' }, 400, 'multipart_boundary');
  assert.match(r.body.error.message, /没有保存任何文件/);
});

test('R23 refused: broken multipart boundary (other boundary, no close delimiter, bare LF), nothing stored', async () => {
  const data = uniqueJpeg();
  const mp = multipart([{ filename: 'a.jpg', data }], { boundary: 'BBBB' });
  await refuse({ body: mp.body, contentType: 'multipart/form-data; boundary=AAAA' }, 400, 'multipart_boundary');
  const open = multipart([{ filename: 'a.jpg', data }], { close: false });
  await refuse(open, 400, 'multipart_boundary');
  const lf = multipart([{ filename: 'a.jpg', data }]);
  const body = Buffer.from(lf.body.toString('latin1').replace('\r\n', '\n'), 'latin1');
  await refuse({ body, contentType: lf.contentType }, 400, 'multipart_boundary');
  assertNothingStored(snapshot(), [data]);
});

test('R23 refused: wrong content type (JSON, raw JPEG, form without boundary), nothing stored', async () => {
  const data = uniqueJpeg();
  await refuse({ body: Buffer.from('{"file":"x"}'), contentType: 'application/json' }, 415, 'multipart_content_type');
  await refuse({ body: data, contentType: 'image/jpeg' }, 415, 'multipart_content_type');
  const mp = multipart([{ filename: 'a.jpg', data }]);
  await refuse({ body: mp.body, contentType: 'multipart/form-data' }, 415, 'multipart_content_type');
  await refuse({ body: mp.body, contentType: mp.contentType.replace('form-data', 'mixed') }, 415, 'multipart_content_type');
  assertNothingStored(snapshot(), [data]);
});

test('R23 refused: a raw NUL or CR inside the part header (file name) is malformed multipart, nothing stored', async () => {
  const data = uniqueJpeg();
  await refuse([{ disposition: Buffer.from('form-data; name="files"; filename="a\x00b.jpg"', 'latin1'), data }], 400, 'multipart_headers');
  await refuse([{ disposition: Buffer.from('form-data; name="files"; filename="a\rb.jpg"', 'latin1'), data }], 400, 'multipart_headers');
  assertNothingStored(snapshot(), [data]);
});

test('R23: no session is 401, no CSRF token is 403, a county bureau may not upload: nothing stored', async () => {
  const data = uniqueJpeg();
  const mp = multipart([{ filename: 'a.jpg', data }]);
  const snap = snapshot();
  const anon = await http('POST', '/api/v1/evidence', { raw: mp.body, headers: { 'content-type': mp.contentType } });
  assertError(anon, 401, 'unauthenticated');
  const nocsrf = await clerk.req('POST', '/api/v1/evidence', { raw: mp.body, headers: { 'content-type': mp.contentType, 'x-csrf-token': '' } });
  assertError(nocsrf, 403, 'csrf');
  const county = await upload(await as('county_130102'), mp);
  assertError(county, 403, 'forbidden');
  const leader = await upload(await as('leader_a'), mp);
  assertError(leader, 403, 'forbidden');
  assertNothingStored(snap, [data]);
});

// ---- hostile names ------------------------------------------------------------------------------

test('R23: hostile file names are stored sanitized, for display only', async () => {
  const cases = [
    { sent: { filename: '../../x.jpg' }, want: 'x.jpg' },
    { sent: { filename: '..\\..\\windows\\证明.jpg' }, want: '证明.jpg' },
    { sent: { filename: 'x', filenameStar: "UTF-8''a%00b.jpg" }, want: 'ab.jpg' },
    { sent: { filename: 'x', filenameStar: "UTF-8''a%0D%0Ab%0A.jpg" }, want: 'ab.jpg' },
    { sent: { filename: '证'.repeat(300) + '.jpg' }, want: '证'.repeat(100) },
    { sent: { filename: 'invoice\u202Egpj.exe' }, want: 'invoicegpj.exe' },
    { sent: { filename: '\u202Dphoto\u2066\u200F.jpg' }, want: 'photo.jpg' },
    { sent: { filename: '...hidden.jpg  ' }, want: 'hidden.jpg' },
    { sent: { filename: '/' }, want: 'file' },
  ];
  for (const c of cases) {
    const [item] = await accept([{ ...c.sent, data: uniqueJpeg() }]);
    assert.equal(item.name, c.want, JSON.stringify(c.sent));
    assert.equal(sql(`SELECT orig_name FROM evidence WHERE id = ${item.id}`)[0][0], c.want);
    // the content file is named by its hash, never by the client's name
    assert.ok(existsSync(contentPath(item.sha256)));
    const d = await download(clerk, item.id);
    const cd = d.headers.get('content-disposition');
    assert.doesNotMatch(cd, /[\r\n\u202e]/);
    const star = /filename\*=UTF-8''([^;]+)$/.exec(cd)[1];
    const dl = decodeURIComponent(star);
    assert.ok(dl === c.want || dl === c.want + '.jpg', `${dl} for ${c.want}`);
  }
  assert.ok(!dataFiles().some((f) => /x\.jpg|\.\./.test(f)));
});

// ---- downloads: headers and jurisdiction ----------------------------------------------------------

let docItem, jpgItem;
test('R23 download: attachment with RFC 6266 filename*, ASCII fallback, nosniff, the detected type', async () => {
  let cn;
  [docItem, jpgItem, cn] = await accept([{ filename: 'word.doc', data: fixture('ok-word97.doc') },
    { filename: 'scan.doc', type: 'application/msword', data: uniqueJpeg() },
    { filename: '学生证明 2026.jpg', data: uniqueJpeg() }]);
  const d = await download(clerk, docItem.id);
  assert.equal(d.status, 200);
  assert.equal(d.headers.get('content-type'), 'application/msword');
  assert.equal(d.headers.get('x-content-type-options'), 'nosniff');
  assert.match(d.headers.get('content-disposition'), /^attachment; filename="[^"]+\.doc"; filename\*=UTF-8''\S+\.doc$/);
  assert.match(d.headers.get('cache-control'), /no-store/);
  const c = await download(clerk, cn.id);
  assert.equal(c.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(c.headers.get('content-disposition'),
    `attachment; filename="____ 2026.jpg"; filename*=UTF-8''${encodeURIComponent('学生证明 2026.jpg')}`);
  // a JPEG uploaded as "scan.doc" is served as what it is
  const j = await download(clerk, jpgItem.id);
  assert.equal(j.headers.get('content-type'), 'image/jpeg');
  assert.equal(j.headers.get('content-disposition'), `attachment; filename="scan.doc.jpg"; filename*=UTF-8''scan.doc.jpg`);
});

test('R23 download: inline only for JPEG previews', async () => {
  const j = await download(clerk, jpgItem.id, '?inline=1');
  assert.match(j.headers.get('content-disposition'), /^inline; /);
  const d = await download(clerk, docItem.id, '?inline=1');
  assert.match(d.headers.get('content-disposition'), /^attachment; /);
  const rar = (await accept([{ filename: 'a.rar', data: fixture('ok-rar4.rar') }]))[0];
  assert.match((await download(clerk, rar.id, '?inline=1')).headers.get('content-disposition'), /^attachment; /);
  assert.equal((await download(clerk, rar.id)).headers.get('content-type'), rar.mime);
});

test('R1-R3 download: own school, its leader, county, city, province and ministry 200; other schools and counties 404', async () => {
  const [item] = await accept([{ filename: 'own.jpg', data: uniqueJpeg() }]);
  const allowed = ['clerk_a', 'leader_a', 'county_130102', 'city_1301', 'prov_13', 'ministry'];
  const denied = ['clerk_b', 'leader_b', 'county_130104', 'county_130202', 'clerk_c', 'clerk_d', 'county_370102', 'prov_37'];
  for (const u of allowed) {
    const c = await as(u);
    assert.equal((await download(c, item.id)).status, 200, u);
    assert.equal((await c.get(`/api/v1/evidence/${item.id}/meta`)).status, 200, u);
  }
  for (const u of denied) {
    const c = await as(u);
    const d = await download(c, item.id);
    assert.equal(d.status, 404, u);
    assertError(await c.get(`/api/v1/evidence/${item.id}/meta`), 404, 'not_found');
  }
  // administrators manage users, not evidence; anonymous callers must sign in
  assertError(await (await as('admin_13')).get(`/api/v1/evidence/${item.id}`), 403, 'forbidden');
  assertError(await http('GET', `/api/v1/evidence/${item.id}`), 401, 'unauthenticated');
  // absent ids look like invisible ones
  assertError(await clerk.get('/api/v1/evidence/999999999'), 404, 'not_found');
  assertError(await clerk.get('/api/v1/evidence/abc'), 404, 'not_found');
  assertError(await clerk.get('/api/v1/evidence/0/meta'), 404, 'not_found');
});

// ---- idempotent re-upload ---------------------------------------------------------------------------

test('R23: re-uploading identical content returns the same row and stores nothing new', async () => {
  const data = uniqueJpeg();
  const school = unitId('1301020001');
  const [first] = await accept([{ filename: 'first.jpg', data }]);
  assert.equal(first.reused, false);
  const usage = sqlCount(`SELECT bytes FROM evidence_usage WHERE school_id = ${school}`);
  const snap = snapshot();
  const [again, twice] = await accept([{ filename: 'second-name.jpg', data }, { filename: 'third.jpg', data }]);
  for (const it of [again, twice]) {
    assert.equal(it.id, first.id);
    assert.equal(it.reused, true);
    assert.equal(it.name, 'first.jpg', 'the stored row is returned as it was');
  }
  assert.deepEqual(snapshot(), snap);
  assert.equal(sqlCount(`SELECT bytes FROM evidence_usage WHERE school_id = ${school}`), usage);
  assert.equal(sqlCount(`SELECT COUNT(*) FROM evidence WHERE sha256 = UNHEX('${first.sha256}')`), 1);
  // two identical files in one fresh request: one row, both answers name it
  const fresh = uniqueJpeg();
  const [a, b] = await accept([{ filename: 'a.jpg', data: fresh }, { filename: 'b.jpg', data: fresh }]);
  assert.equal(a.id, b.id);
  assert.equal(a.reused, false);
  assert.equal(b.reused, true);
  // another school uploading the same bytes gets its own row (own name and jurisdiction), one file on disk
  const files = dataFiles().length;
  const [other] = await accept([{ filename: 'copy.jpg', data }], await as('clerk_b'));
  assert.notEqual(other.id, first.id);
  assert.equal(other.reused, false);
  assert.equal(other.sha256, first.sha256);
  assert.equal(dataFiles().length, files);
});

// ---- quota ------------------------------------------------------------------------------------------

test('R23 limits: the per-school quota refuses what does not fit (nothing stored) and accepts exactly up to it', async () => {
  const school = unitId('1301040001');
  const clerkB = await as('clerk_b');
  sql(`INSERT INTO evidence_usage (school_id) VALUES (${school}) ON DUPLICATE KEY UPDATE school_id = school_id`);
  const restore = () => sql(`UPDATE evidence_usage u SET bytes = (SELECT COALESCE(SUM(size), 0) FROM evidence WHERE school_id = u.school_id)
    WHERE school_id = ${school}`);
  try {
    sql(`UPDATE evidence_usage SET bytes = 1125899906842624 WHERE school_id = ${school}`); // 2^50: far over any quota
    const d1 = uniqueJpeg();
    const r = await refuse([{ filename: 'q.jpg', data: d1 }], 413, 'evidence_quota_exceeded', clerkB);
    const q = r.body.error.quota_bytes;
    assert.ok(q > 0);
    assert.equal(r.body.error.request_bytes, d1.length);
    assert.match(r.body.error.message, /配额/);
    // exactly at the quota: accepted
    sql(`UPDATE evidence_usage SET bytes = ${q - d1.length} WHERE school_id = ${school}`);
    const [ok] = await accept([{ filename: 'q.jpg', data: d1 }], clerkB);
    assert.equal(sqlCount(`SELECT bytes FROM evidence_usage WHERE school_id = ${school}`), q);
    // full: one more byte is refused, but content the school already has still "uploads" (nothing new)
    await refuse([{ filename: 'q2.jpg', data: uniqueJpeg() }], 413, 'evidence_quota_exceeded', clerkB);
    const [again] = await accept([{ filename: 'q.jpg', data: d1 }], clerkB);
    assert.equal(again.id, ok.id);
  } finally {
    restore();
  }
  assert.equal(sqlCount(`SELECT bytes FROM evidence_usage WHERE school_id = ${school}`),
    sqlCount(`SELECT COALESCE(SUM(size), 0) FROM evidence WHERE school_id = ${school}`));
});

test('R23 limits: usage counts the bytes of distinct content per school', async () => {
  for (const code of ['1301020001', '1301040001']) {
    const id = unitId(code);
    assert.equal(sqlCount(`SELECT COALESCE((SELECT bytes FROM evidence_usage WHERE school_id = ${id}), 0)`),
      sqlCount(`SELECT COALESCE(SUM(size), 0) FROM evidence WHERE school_id = ${id}`), code);
  }
});

// ---- cases citing evidence, and the reuse check -----------------------------------------------------

test('R23 download through a case, and the reuse check of the same SHA-256 across groups', async () => {
  // clerk_c (路南区, 唐山) uploads U as row R1. The same bytes appear as row R2 of 路北区光明小学 (no demo users),
  // cited by a done cross-province group G whose other member is at 济南市中区胜利小学 (370103, no demo users).
  const clerkC = await as('clerk_c');
  const data = uniqueJpeg();
  const [r1] = await accept([{ filename: 'birth.jpg', data }], clerkC);
  const lubei = unitId('1302030001'), shizhong = unitId('3701030001'), ministry = unitId('000000');
  const uploader = sql("SELECT id FROM app_user WHERE username = 'clerk_c'")[0][0];
  const r2 = Number(sql(`INSERT INTO evidence (sha256, size, mime, orig_name, school_id, uploader_id)
    VALUES (UNHEX('${r1.sha256}'), ${data.length}, 'image/jpeg', 'copy.jpg', ${lubei}, ${uploader}); SELECT LAST_INSERT_ID()`)[0][0]);
  const prov37 = await as('prov_37'), prov13 = await as('prov_13'), county370102 = await as('county_370102');
  // before any case cites R2, 山东 does not see it
  assert.equal((await download(prov37, r2)).status, 404);

  const tag = randomBytes(6).toString('hex');
  const studentNo = () => 'L' + Array.from(randomBytes(18), (b) => b % 10).join('');
  const student = (school) => Number(sql(`INSERT INTO student (school_id, province_code, city_code, county_code, name, gender,
      birth_date, id_type, id_number, student_no, status)
    SELECT id, province_code, city_code, county_code, '测试${tag}', 'F', '2015-03-01', '1', NULL, '${studentNo()}', 'deleted'
    FROM unit WHERE id = ${school}; SELECT LAST_INSERT_ID()`)[0][0]);
  const s1 = student(lubei), s2 = student(shizhong);
  const g = Number(sql(`INSERT INTO problem_group (type, clash_key, open_key, state, scope_level, arbiter_unit_id, done_at)
    VALUES ('id_dup', 'evidence-test-${tag}', NULL, 'done', 0, ${ministry}, UTC_TIMESTAMP(6)); SELECT LAST_INSERT_ID()`)[0][0]);
  sql(`INSERT INTO group_member (group_id, student_id, school_id, province_code, city_code, county_code, state)
    SELECT ${g}, s.id, s.school_id, s.province_code, s.city_code, s.county_code, 'closed' FROM student s WHERE s.id IN (${s1}, ${s2})`);
  sql(`INSERT INTO history (group_id, student_id, actor_user_id, actor_role, action, reason, evidence_ids)
    VALUES (${g}, ${s1}, NULL, 'school_clerk', 'corroborate', 'evidence test', '999999999,${r2}')`);

  // the case grants 山东 (covers the 济南 member) R2, not R1; 历下区 covers no member of G
  assert.equal((await download(prov37, r2)).status, 200);
  assert.equal((await download(prov37, r1.id)).status, 404);
  assert.equal((await download(county370102, r2)).status, 404);
  // 河北 covers R2's school directly; clerk_c sees its own row, not R2 (same bytes, other school's row)
  assert.equal((await download(prov13, r2)).status, 200);
  assert.equal((await download(clerkC, r2)).status, 404);

  // the reuse check covers the caller's jurisdiction only, ids and counts alike (issue 11 item 8): clerk_c does not
  // learn that the same bytes exist at another school or are cited in a group outside its school
  const m1 = (await clerkC.get(`/api/v1/evidence/${r1.id}/meta`)).body;
  assert.deepEqual(m1.reuse, { cited_elsewhere: false, groups_total: 0, groups: [], truncated: false, uploads_total: 1, other_schools: 0 });
  assert.deepEqual(m1.cited_in, []);
  assert.equal(m1.school.code, '1302020001');
  assert.equal(m1.uploader.name, '刘老师');
  // 河北 covers the 路北 member: the group id is shown, both uploads are inside 河北
  const m13 = (await prov13.get(`/api/v1/evidence/${r1.id}/meta`)).body;
  assert.deepEqual(m13.reuse, { cited_elsewhere: true, groups_total: 1, groups: [g], truncated: false, uploads_total: 2, other_schools: 1 });
  // the group under review is left out
  const mx = (await prov13.get(`/api/v1/evidence/${r1.id}/meta?group_id=${g}`)).body;
  assert.equal(mx.reuse.cited_elsewhere, false);
  assert.equal(mx.reuse.groups_total, 0);
  // R2's own metadata: cited in G
  const m2 = (await prov37.get(`/api/v1/evidence/${r2}/meta`)).body;
  assert.deepEqual(m2.cited_in, [g]);
  assert.equal(m2.name, 'copy.jpg');
  assert.equal(m2.reuse.other_schools, 0, 'R1 lies outside 山东: not counted');
  assert.equal(m2.reuse.uploads_total, 1);
  assertError(await prov13.get(`/api/v1/evidence/${r1.id}/meta?group_id=x`), 422, 'invalid');
});

test('R23: the upload endpoint is documented, archives are never extracted', async () => {
  const r = await http('GET', '/api/v1/openapi.json');
  const post = r.body.paths['/api/v1/evidence'].post;
  assert.match(post.description, /never extracted/);
  assert.ok(r.body.paths['/api/v1/evidence/{id}'].get);
  assert.ok(r.body.paths['/api/v1/evidence/{id}/meta'].get);
});
