// suspects.test.mjs: issue 17 (R31): suspected duplicates: the full run (`xueji --suspects`) stores explained pairs,
// the bureau lists and decides them (R2 scope), "different children" is remembered until a compared field changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, sqlCount, assertError } from '../lib/api.mjs';
import { as, record, register, SCHOOLS, csv, upload, waitJob } from '../lib/registry.mjs';
import { variantNames, runSuspects, variantPair } from '../lib/suspects.mjs';
import { SCHOOLS as WS, CLERK, COUNTY, login, makeGroup, makeEvidence, ok, newIdNumber, student as wfStudent } from '../lib/workflow.mjs';

/** The stored pair of two students (lower id first), or null. */
function pairOf(x, y) {
  const [lo, hi] = x < y ? [x, y] : [y, x];
  const r = sql(`SELECT p.id, p.state, p.score, p.kind, p.rules, u.code FROM suspect_pair p JOIN unit u ON u.id=p.arbiter_unit_id
    WHERE p.lo_id=${lo} AND p.hi_id=${hi}`)[0];
  return r ? { id: Number(r[0]), state: r[1], score: Number(r[2]), kind: r[3], rules: JSON.parse(r[4]), arbiter: r[5] } : null;
}

test('R31 full run: the same child written in traditional characters is a suspected pair, explained per field, idempotent', async () => {
  const [a, b] = await variantPair();
  const out = runSuspects();
  assert.match(out, /suspects: \d+ records, .* pairs at or above 700/);
  const p = pairOf(a, b);
  assert.ok(p, `pair stored: ${out}`);
  assert.equal(p.state, 'open');
  assert.equal(p.arbiter, '130102', 'R2: a pair within a county is the county\'s');
  assert.ok(p.score >= 700);
  const name = p.rules.find((r) => r.field === 'name');
  assert.ok(name && /繁简|异体/.test(name.zh), JSON.stringify(p.rules));
  runSuspects();
  assert.deepEqual(pairOf(a, b), p, 'a second run changes nothing');
  assert.equal(sqlCount('SELECT COUNT(*) FROM suspect_pair WHERE lo_id >= hi_id'), 0);
});

/** A pair found by the full run, as county_130102 lists it (its first page of open pairs holds the newest). */
async function listed(client, a, b, state = 'open') {
  for (let url = `/api/v1/suspects?state=${state}&limit=100`; url;) {
    const r = await client.get(url);
    assert.equal(r.status, 200, r.text);
    const hit = r.body.items.find((p) => p.records.map((x) => x.student_id).sort((x, y) => x - y).join() === [a, b].sort((x, y) => x - y).join());
    if (hit) return hit;
    url = r.body.next_cursor ? `/api/v1/suspects?state=${state}&limit=100&cursor=${encodeURIComponent(r.body.next_cursor)}` : null;
  }
  return null;
}
const decisions = (id) => sqlCount(`SELECT COUNT(*) FROM history WHERE action='suspect_decided' AND student_id=${id}`);

test('R31 R2 list: the county sees its pairs with the explanation (Chinese and English) and both records side by side; a school, another county and the city do not', async () => {
  const [a, b] = await variantPair();
  runSuspects();
  const county = await as('county_130102');
  const p = await listed(county, a, b);
  assert.ok(p, 'listed for the county');
  assert.equal(p.state, 'open');
  assert.ok(p.score >= 0.7 && p.score <= 1);
  assert.equal(p.records.length, 2);
  assert.deepEqual(p.records.map((x) => x.student_id), [Math.min(a, b), Math.max(a, b)]);
  for (const r of p.records) {
    assert.equal(r.school.code, SCHOOLS.a.code);
    assert.equal(r.county.code, '130102');
    assert.ok(r.name && r.birth_date && r.gender);
    assert.ok(!('id_number' in r), 'numbers only masked');
  }
  const name = p.explanation.find((x) => x.field === 'name');
  assert.match(name.zh, /姓名/);
  assert.match(name.en, /[Nn]ame/);
  assert.equal((await (await as('clerk_a')).get('/api/v1/suspects')).status, 403);
  assert.equal(await listed(await as('county_130104'), a, b), null, 'another county does not see it');
  assert.equal(await listed(await as('city_1301'), a, b), null, 'a pair within a county is the county\'s, not the city\'s');
  const bad = await county.get('/api/v1/suspects?state=maybe');
  assertError(bad, 422, 'invalid');
  assert.equal(bad.body.error.field, 'state');
  assertError(await county.get('/api/v1/suspects?cursor=forged'), 422, 'invalid');
});

test('R31 issue 17 item 3: both records show the guardian the score compares, masked like the list\'s other personal data, with the per-field explanation', async () => {
  const [a, b] = await variantPair({ guardian_name: '王建国', guardian_phone: '13812345678' }, { guardian_name: '王建國', guardian_phone: '13987654321' });
  runSuspects();
  const county = await as('county_130102');
  const p = await listed(county, a, b);
  assert.ok(p, 'listed for the county');
  const [lo, hi] = p.records;
  assert.equal(lo.student_id, Math.min(a, b));
  assert.deepEqual([lo.guardian_name_masked, hi.guardian_name_masked], ['王*国', '王*國'], 'the surname and the last character');
  assert.deepEqual([lo.guardian_phone_masked, hi.guardian_phone_masked], ['1381***5678', '1398***4321'], 'masked as ID numbers are');
  const text = JSON.stringify(p);
  for (const raw of ['王建国', '王建國', '13812345678', '13987654321']) assert.ok(!text.includes(raw), `${raw} never sent`);
  const by = Object.fromEntries(p.explanation.map((x) => [x.field, x]));
  assert.equal(by.guardian_name.rule, 'same', '王建国/王建國: one guardian by variant class');
  assert.match(by.guardian_name.zh, /监护人姓名: 相同/);
  assert.equal(by.guardian_phone.rule, 'different');
  assert.match(by.guardian_phone.zh, /监护人电话: 不同/);
  assert.match(by.guardian_phone.en, /guardian phone: different/);
  // a record without a guardian: nothing to mask, no guardian rule
  const [c, d] = await variantPair({ guardian_name: '', guardian_phone: '' }, { guardian_name: '', guardian_phone: '' });
  runSuspects();
  const q = await listed(county, c, d);
  assert.ok(q);
  assert.deepEqual(q.records.map((r) => [r.guardian_name_masked, r.guardian_phone_masked]), [['', ''], ['', '']]);
  assert.ok(!q.explanation.some((x) => x.field.startsWith('guardian')), JSON.stringify(q.explanation));
});

/** The ids of the pairs a search lists (every page), in order. */
async function searched(client, query) {
  const ids = [];
  for (let url = `/api/v1/suspects?limit=2&${query}`; url;) {
    const r = await client.get(url);
    assert.equal(r.status, 200, `${query}: ${r.text}`);
    ids.push(...r.body.items.map((p) => p.id));
    url = r.body.next_cursor ? `/api/v1/suspects?limit=2&${query}&cursor=${encodeURIComponent(r.body.next_cursor)}` : null;
  }
  assert.deepEqual(ids, [...ids].sort((x, y) => y - x), 'newest first');
  assert.equal(new Set(ids).size, ids.length, 'each pair once');
  return ids;
}

/** A search for one record lists the pair p and only pairs of that record (the record may also pair with a record of
 * another test whose name and birth date it happens to share). */
function assertFinds(ids, p, student, what) {
  assert.ok(ids.includes(p), `${what}: ${ids}`);
  for (const id of ids) assert.equal(sqlCount(`SELECT COUNT(*) FROM suspect_pair WHERE id=${id} AND ${student} IN (lo_id, hi_id)`), 1, `${what}: pair ${id} has the record`);
}

test('R31 issue 17 item 4 (issue 13 item 1): the list is searched like the other lists: either record by name (exact, prefix), ID number, student number; school and county filters; keyset pages', async () => {
  const [a, b, simp, trad] = await variantPair();
  const [c, d] = await variantPair();
  sql(`UPDATE student SET school_id=(SELECT id FROM unit WHERE code='${SCHOOLS.a2.code}') WHERE id=${d}`); // another school of the county
  runSuspects();
  const p1 = pairOf(a, b).id, p2 = pairOf(c, d).id;
  const county = await as('county_130102');
  const rec = (id) => sql(`SELECT id_number, student_no, name FROM student WHERE id=${id}`)[0];
  const [idA, noA] = rec(a), [, noB] = rec(b), [, noD, nameD] = rec(d);
  const has = async (q, id) => (await searched(county, q)).includes(id);
  const enc = encodeURIComponent;
  assert.ok(await has(`name=${enc(simp)}&name_match=exact`, p1), 'the lower record\'s name, exact');
  assert.ok(await has(`name=${enc(trad)}&name_match=exact`, p1), 'the higher record\'s name, exact');
  assert.ok(await has(`name=${enc(simp.slice(0, 2))}`, p1), 'a name prefix');
  assert.ok(await has(`name=${enc(simp.slice(0, 1))}`, p1), 'a one-character prefix (a surname)');
  assert.ok(!(await has(`name=${enc(simp.slice(0, 2))}&name_match=exact`, p1)), 'exact is exact');
  assertFinds(await searched(county, `id_number=${idA.toLowerCase()}`), p1, a, 'the ID number (x or X)');
  assertFinds(await searched(county, `student_no=${noA}`), p1, a, 'the lower record\'s student number');
  assertFinds(await searched(county, `student_no=${noB}`), p1, b, 'the higher record\'s student number');
  assertFinds(await searched(county, `q=${noD}`), p2, d, 'one box: a student number');
  assert.ok(await has(`q=${enc(nameD)}`, p2), 'one box: a name');
  // school and county filters: either record there
  const inA = await searched(county, `school=${SCHOOLS.a.code}`);
  assert.ok(inA.includes(p1) && inA.includes(p2), 'a pair with one record in the school is listed for it');
  const inA2 = await searched(county, `school=${SCHOOLS.a2.code}`);
  assert.ok(!inA2.includes(p1) && inA2.includes(p2));
  assert.deepEqual(await searched(county, `school=${SCHOOLS.a2.code}&name=${enc(trad)}`), [], 'school and name: the same record');
  assert.ok((await searched(county, 'county=130102')).includes(p1));
  assert.deepEqual(await searched(county, 'county=130104'), [], 'the county\'s pairs lie in it');
  assert.deepEqual(await searched(county, `name=${enc(simp)}&state=different`), [], 'the state applies');
  // another bureau finds nothing of it (R2: the caller's unit decides the pair)
  assert.deepEqual(await searched(await as('county_130104'), `student_no=${noA}`), []);
  assert.deepEqual(await searched(await as('city_1301'), `student_no=${noA}`), []);
  // the cursor is bound to the filters and the state
  const first = await county.get(`/api/v1/suspects?limit=1&school=${SCHOOLS.a.code}`);
  assert.ok(first.body.next_cursor);
  assertError(await county.get(`/api/v1/suspects?limit=1&school=${SCHOOLS.a2.code}&cursor=${enc(first.body.next_cursor)}`), 422, 'invalid');
  assertError(await county.get(`/api/v1/suspects?limit=1&school=${SCHOOLS.a.code}&state=different&cursor=${enc(first.body.next_cursor)}`), 422, 'invalid');
});

test('R31 issue 17 item 4: bad search input is a 422 naming the parameter and its reason, and stores nothing', async () => {
  const county = await as('county_130102');
  const count = () => sqlCount('SELECT COUNT(*) FROM suspect_pair') + ':' + sqlCount('SELECT COALESCE(SUM(version),0) FROM suspect_pair');
  const start = count();
  for (const [q, field, reason] of [
    ['name=%25', 'name', 'wildcard'], ['name=a_b', 'name', 'wildcard'], ['name=', 'name', 'too_short'],
    ['name=x&name_match=fuzzy', 'name_match', 'choice'], ['name_match=exact', 'name_match', 'not_here'],
    ['id_number=123', 'id_number', 'too_short'], ['id_number=' + '1'.repeat(31), 'id_number', 'too_long'],
    ['id_number=12%2034567', 'id_number', 'format'], ['student_no=L123', 'student_no', 'too_short'],
    ['student_no=X1301022015030412345', 'student_no', 'format'], ['school=13010', 'school', 'format'],
    ['county=1301', 'county', 'format'], ['name=%E7%8E%8B%01', 'name', 'format'], ['name=' + '王'.repeat(51), 'name', 'too_long'],
    ['name=%FF', 'name', 'format'],
  ]) {
    const r = await county.get(`/api/v1/suspects?${q}`);
    assertError(r, 422, 'invalid');
    assert.equal(r.body.error.field, field, `${q}: ${r.text}`);
    assert.equal(r.body.error.reason, reason, `${q}: ${r.text}`);
  }
  const r = await county.get('/api/v1/suspects?school=9999999999');
  assertError(r, 422, 'invalid');
  assert.equal(r.body.error.field, 'school', 'an unknown school is an error, not an empty list');
  assert.equal(count(), start, 'nothing stored');
});

test('R31 R2 a pair across two counties of a city is the city\'s (common superior): it lists and decides it, the counties do not', async () => {
  const [simp, trad] = variantNames();
  const base = record(SCHOOLS.a, { name: simp });
  const a = (await register('clerk_a', base)).student_id;
  const b = (await register('clerk_b', record(SCHOOLS.b, { name: trad, gender: base.gender, birth_date: base.birth_date, id_type: 'Z', id_number: '' }))).student_id;
  runSuspects();
  assert.equal(pairOf(a, b)?.arbiter, '130100');
  const city = await as('city_1301');
  const p = await listed(city, a, b);
  assert.ok(p, 'the city lists it');
  assert.equal(await listed(await as('county_130102'), a, b), null);
  const other = await (await as('county_130102')).post(`/api/v1/suspects/${p.id}/decision`, { decision: 'different' });
  assertError(other, 404, 'not_found');
  assert.equal(pairOf(a, b).state, 'open', 'nothing stored');
  assert.equal(decisions(a), 0);
  const r = await city.post(`/api/v1/suspects/${p.id}/decision`, { decision: 'different', expected_version: p.version });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.state, 'different');
});

test('R31 "different children" is remembered: never suggested again by later runs, until a compared field changes; history and feed carry it (R25, R29)', async () => {
  const [a, b, simp, trad] = await variantPair();
  runSuspects();
  const county = await as('county_130102');
  const p = await listed(county, a, b);
  const r = await county.post(`/api/v1/suspects/${p.id}/decision`, { decision: 'different', expected_version: p.version, reason: '双胞胎' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.state, 'different');
  assert.equal(r.body.group_id, null);
  assert.equal(decisions(a), 1);
  assert.equal(decisions(b), 1);
  const h = sql(`SELECT id, actor_role, state_before, state_after, reason FROM history WHERE action='suspect_decided' AND student_id=${a}`)[0];
  assert.deepEqual(h.slice(1, 4), ['county', 'open', 'different']);
  assert.match(h[4], /双胞胎/);
  assert.equal(sqlCount(`SELECT (SELECT COUNT(*) FROM feed_pending WHERE history_id=${h[0]}) + (SELECT COUNT(*) FROM feed_event WHERE history_id=${h[0]})`), 1, 'R29: in the province\'s feed');
  runSuspects();
  assert.equal(pairOf(a, b).state, 'different');
  assert.equal(await listed(county, a, b), null, 'not suggested again');
  assert.ok(await listed(county, a, b, 'different'), 'listed among the decided');
  assertError(await county.post(`/api/v1/suspects/${p.id}/decision`, { decision: 'same_child' }), 409, 'already_decided');
  sql(`UPDATE student SET guardian_phone='13900000000' WHERE id=${b}`);
  runSuspects();
  assert.equal(pairOf(a, b).state, 'different', 'a field that is not compared changes nothing');
  // a compared field changes (the name is written half simplified): suggested again
  sql(`UPDATE student SET name='${simp[0] + trad.slice(1)}' WHERE id=${b}`);
  runSuspects();
  const again = pairOf(a, b);
  assert.ok(again, 'still a suspected pair');
  assert.equal(again.state, 'open', 'a compared field (the name) changed: suggested again');
});

test('R31 R17 "same child" opens a suspected_dup group handled like an ID duplicate: both members open, the records problem; one deleted, the other closes', async () => {
  const [a, b] = await variantPair();
  runSuspects();
  const county = await as('county_130102');
  const p = await listed(county, a, b);
  const r = await county.post(`/api/v1/suspects/${p.id}/decision`, { decision: 'same_child' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.state, 'same_child');
  const gid = r.body.group_id;
  assert.ok(gid > 0);
  const g = sql(`SELECT type, state, scope_level, u.code FROM problem_group g JOIN unit u ON u.id=g.arbiter_unit_id WHERE g.id=${gid}`)[0];
  assert.deepEqual(g, ['suspected_dup', 'open', '3', '130102']);
  const ms = sql(`SELECT id, student_id, state FROM group_member WHERE group_id=${gid} ORDER BY student_id`);
  assert.deepEqual(ms.map((m) => [Number(m[1]), m[2]]), [[Math.min(a, b), 'open'], [Math.max(a, b), 'open']]);
  assert.equal(sql(`SELECT status FROM student WHERE id=${a}`)[0][0], 'problem');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM history WHERE group_id=${gid} AND action IN ('group_opened','member_added','suspect_decided')`), 5);
  const view = await county.get(`/api/v1/groups/${gid}`);
  assert.equal(view.status, 200, view.text);
  assert.equal(view.body.type, 'suspected_dup');
  // the school deletes the second record (never approved: the leader's confirmation deletes it, R13)
  const clerk = await as('clerk_a');
  const m2 = ms[1];
  const v = () => Number(sql(`SELECT version FROM group_member WHERE id=${m2[0]}`)[0][0]);
  let x = await clerk.post(`/api/v1/members/${m2[0]}/actions`, { action: 'submit_delete', confirm: true, expected_version: v() });
  assert.equal(x.status, 200, x.text);
  x = await (await as('leader_a')).post(`/api/v1/members/${m2[0]}/actions`, { action: 'leader_confirm', confirm: true, expected_version: v() });
  assert.equal(x.status, 200, x.text);
  assert.equal(sql(`SELECT state FROM group_member WHERE id=${m2[0]}`)[0][0], 'deleted');
  assert.equal(sql(`SELECT state FROM group_member WHERE id=${ms[0][0]}`)[0][0], 'closed', 'the clash is gone: the survivor closes');
  assert.equal(sql(`SELECT state FROM problem_group WHERE id=${gid}`)[0][0], 'done');
  // the deleted record's pair is not suggested again; the decided pair stays decided
  runSuspects();
  assert.equal(pairOf(a, b).state, 'same_child');
});

test('R31 bad input: clear errors, nothing stored', async () => {
  const [a, b] = await variantPair();
  runSuspects();
  const county = await as('county_130102');
  const p = await listed(county, a, b);
  const url = `/api/v1/suspects/${p.id}/decision`;
  const before = () => [pairOf(a, b).state, decisions(a), decisions(b), sqlCount(`SELECT COUNT(*) FROM group_member WHERE student_id IN (${a},${b})`)].join();
  const start = before();
  let r = await county.post(url, { decision: 'maybe' });
  assertError(r, 422, 'invalid');
  assert.equal(r.body.error.field, 'decision');
  assert.match(r.body.error.message, /same_child/);
  r = await county.post(url, {});
  assertError(r, 422, 'invalid');
  assert.equal(r.body.error.field, 'decision');
  r = await county.post(url, { decision: 'different', expected_version: 0 });
  assertError(r, 422, 'invalid');
  r = await county.post(url, { decision: 'different', reason: 'x'.repeat(201) });
  assertError(r, 422, 'invalid');
  r = await county.post(url, { decision: 'different', expected_version: p.version + 7 });
  assertError(r, 409, 'version_conflict');
  r = await county.post(url, { decision: 3 });
  assertError(r, 422, 'invalid');
  assertError(await county.post('/api/v1/suspects/999999999/decision', { decision: 'different' }), 404, 'not_found');
  assertError(await county.post('/api/v1/suspects/abc/decision', { decision: 'different' }), 404, 'not_found');
  r = await county.req('POST', url, { raw: '{"decision":', headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 400);
  assertError(await (await as('county_130104')).post(url, { decision: 'same_child' }), 404, 'not_found');
  assert.equal((await (await as('clerk_a')).post(url, { decision: 'same_child' })).status, 403);
  assert.equal(before(), start, 'nothing stored');
});

test('R30 the list pages by cursor: every pair once, newest first', async () => {
  await variantPair();
  await variantPair();
  runSuspects();
  const county = await as('county_130102');
  const seen = [];
  let url = '/api/v1/suspects?limit=1';
  for (let i = 0; i < 3 && url; i++) {
    const r = await county.get(url);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.items.length, 1);
    seen.push(r.body.items[0].id);
    url = r.body.next_cursor ? `/api/v1/suspects?limit=1&cursor=${encodeURIComponent(r.body.next_cursor)}` : null;
  }
  assert.equal(seen.length, 3);
  assert.deepEqual([...seen].sort((x, y) => y - x), seen);
  assert.equal(new Set(seen).size, 3);
});

test('R31 incremental: a registration checks its own record in its transaction: the pair is there without a full run, and the registration is never refused', async () => {
  runSuspects(); // the keys of every record so far
  const [simp, trad] = variantNames();
  const base = record(SCHOOLS.a, { name: simp });
  const a = (await register('clerk_a', base)).student_id;
  const b = (await register('clerk_a', record(SCHOOLS.a, { name: trad, gender: base.gender, birth_date: base.birth_date, id_type: 'Z', id_number: '' }))).student_id;
  const p = pairOf(a, b);
  assert.ok(p, 'found by the registration itself');
  assert.equal(p.state, 'open');
  assert.ok(sqlCount(`SELECT COUNT(*) FROM suspect_key WHERE student_id=${b}`) > 0, 'its blocking keys are stored');
  // day and month swapped (a date rule), registered by another school of the city: the city's pair
  const [y, m, d] = base.birth_date.split('-');
  if (Number(d) <= 12 && m !== d) {
    const c = (await register('clerk_b', record(SCHOOLS.b, { name: simp, gender: base.gender, birth_date: `${y}-${d}-${m}`, id_type: 'Z', id_number: '' }))).student_id;
    const q = pairOf(a, c);
    assert.ok(q, 'day and month swapped');
    assert.equal(q.arbiter, '130100');
    assert.ok(q.rules.some((r) => r.field === 'birth_date' && /日月颠倒/.test(r.zh)), JSON.stringify(q.rules));
  }
});

test('R31 incremental: a birth date one digit off in the day, the month or the year is found by the registration itself; another month and day is not', async () => {
  const base = record(SCHOOLS.a, { birth_date: '2014-05-13' });
  const a = (await register('clerk_a', base)).student_id;
  const other = (birth) => record(SCHOOLS.a, { name: base.name, gender: base.gender, birth_date: birth, id_type: 'Z', id_number: '' });
  for (const [birth, pos] of [['2014-05-18', 8], ['2014-08-13', 6], ['2015-05-13', 4]]) {
    const b = (await register('clerk_a', other(birth))).student_id;
    const p = pairOf(a, b);
    assert.ok(p, `${birth}: suggested`);
    assert.equal(p.kind, 'date_digit');
    assert.ok(p.rules.some((r) => r.field === 'birth_date' && r.zh.includes(`第 ${pos} 位`)), JSON.stringify(p.rules));
  }
  const far = (await register('clerk_a', other('2014-09-27'))).student_id;
  assert.equal(pairOf(a, far), null, 'year alone agrees: not a candidate');
});

test('R31 incremental: an import checks its records (a file holding both writings of one child yields the pair)', async () => {
  const c = await as('clerk_a');
  const [simp, trad] = variantNames();
  const base = record(SCHOOLS.a, { name: simp });
  const twin = record(SCHOOLS.a, { name: trad, gender: base.gender, birth_date: base.birth_date, id_type: 'Z', id_number: '' });
  const j = (await upload(c, csv([base, twin]))).body;
  assert.equal(j.rows_valid, 2, JSON.stringify(j));
  const cm = await c.post(`/api/v1/imports/${j.id}/commit`);
  assert.equal(cm.status, 200, cm.text);
  assert.equal(cm.body.rows_created, 2);
  const ids = sql(`SELECT id FROM student WHERE import_job_id=${j.id} ORDER BY id`).map((r) => Number(r[0]));
  assert.ok(pairOf(ids[0], ids[1]), 'the pair is stored by the import');
});

test('R31 bad input: names outside the BMP, Latin, mixed or one character, and invalid dates never break a registration or the run', async () => {
  const names = ['𠀀𠀁𠀂', 'Li Ming', '李Ming', '王', 'A·B', '阿依古丽·买买提'];
  for (const name of names) {
    const r = await (await as('clerk_a')).post('/api/v1/students', record(SCHOOLS.a, { name }));
    assert.ok([201, 422].includes(r.status), `${name}: ${r.status} ${r.text}`);
  }
  assert.match(runSuspects(), /suspects: \d+ records/);
});

test('R31 an open pair whose record was deleted is not listed (nothing to decide) and cannot be decided', async () => {
  const [a, b] = await variantPair();
  const county = await as('county_130102');
  const p = pairOf(a, b);
  assert.ok(p);
  sql(`UPDATE student SET status='deleted' WHERE id=${b}`);
  assert.equal(await listed(county, a, b), null);
  assertError(await county.post(`/api/v1/suspects/${p.id}/decision`, { decision: 'same_child' }), 409, 'record_deleted');
  assert.equal(pairOf(a, b).state, 'open');
});

/** Every stored pair, by (lo_id, hi_id): its content and when and how often it was written. */
function storedPairs() {
  return new Map(sql(`SELECT lo_id, hi_id, id, score, kind, rules, fp, state, lo_county, hi_county, arbiter_unit_id, version, updated_at
    FROM suspect_pair ORDER BY lo_id, hi_id`).map((r) => [`${r[0]}|${r[1]}`, r]));
}
const written = (out) => {
  const m = out.match(/(\d+) new, (\d+) changed, (\d+) unchanged, (\d+) removed/);
  assert.ok(m, out);
  return { new: Number(m[1]), changed: Number(m[2]), unchanged: Number(m[3]), removed: Number(m[4]) };
};

test('R31 issue 17 item 1: a second full run writes nothing and leaves the same pairs; after a record changes only its pairs change; the result is that of a run from scratch', async () => {
  const [a, b, simp, trad] = await variantPair();
  const [c, d] = await variantPair();
  runSuspects();
  const before = storedPairs();
  assert.ok(before.has(`${Math.min(a, b)}|${Math.max(a, b)}`) && before.has(`${Math.min(c, d)}|${Math.max(c, d)}`));
  const again = written(runSuspects());
  assert.deepEqual({ ...again, unchanged: 0 }, { new: 0, changed: 0, unchanged: 0, removed: 0 }, 'nothing written');
  assert.ok(again.unchanged >= 2, 'both pairs found again, untouched');
  assert.deepEqual(storedPairs(), before, 'every pair as it was: same id, content, version and updated_at');
  // b's name changes (a compared field: the pair stays, explained otherwise); d is renamed out of the pair (it vanishes)
  sql(`UPDATE student SET name='${simp[0] + trad.slice(1)}' WHERE id=${b}`);
  sql(`UPDATE student SET name='欧阳${String.fromCharCode(0x4e00 + (d % 5000))}${String.fromCharCode(0x5000 + (d % 3000))}' WHERE id=${d}`);
  const w = written(runSuspects());
  const after = storedPairs();
  const ab = `${Math.min(a, b)}|${Math.max(a, b)}`, cd = `${Math.min(c, d)}|${Math.max(c, d)}`;
  assert.ok(after.has(ab) && !after.has(cd), 'the changed pair is kept, the vanished one removed');
  assert.notDeepEqual(after.get(ab), before.get(ab), 'the changed pair is rewritten');
  assert.equal(after.get(ab)[2], before.get(ab)[2], 'in place (same id)');
  assert.ok(w.changed >= 1 && w.removed >= 1, JSON.stringify(w));
  for (const [k, r] of after) {
    const lohi = k.split('|').map(Number);
    if (lohi.includes(b) || lohi.includes(d)) continue;
    assert.deepEqual(r, before.get(k), `pair ${k} of other records untouched`);
  }
  for (const [k, r] of before) if (!after.has(k)) assert.ok(k.split('|').map(Number).includes(d) && r[7] === 'open', `only d's open pairs vanish: ${k}`);
  // from scratch: every open pair forgotten, the run stores the same content (ids and times aside)
  const content = (m) => [...m.values()].map((r) => [r[0], r[1], ...r.slice(3, 11)].join('\t')).sort();
  sql("DELETE FROM suspect_pair WHERE state = 'open'");
  const scratch = written(runSuspects());
  assert.equal(scratch.changed + scratch.removed, 0, JSON.stringify(scratch));
  assert.deepEqual(content(storedPairs()), content(after), 'the same pairs as a run from scratch');
});

/** A record's blocking keys as stored (suspect_key) and its key set (suspect_keyset, migration 402), each sorted. */
function keysOf(id) {
  const stored = sql(`SELECT k FROM suspect_key WHERE student_id=${id} ORDER BY k`).map((r) => r[0]);
  const hex = sql(`SELECT HEX(ks) FROM suspect_keyset WHERE student_id=${id}`)[0]?.[0]; // 8 bytes a key
  const raw = hex?.match(/.{16}/g) ?? [];
  const set = [...new Set(raw.map((h) => BigInt.asIntN(64, BigInt(`0x${h}`)).toString()))].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1));
  return { stored, set, hasSet: hex !== undefined };
}

test('R31 issue 17 item 2: an import\'s check finds the pairs the full run finds: a unit substituted (surname too) or dropped, born the same day; the year one digit off; a unit substituted with the year off, or the day two digits off, is neither\'s', async () => {
  runSuspects(); // every record so far keyed, every pair settled
  // surnames whose readings (kMandarin, kXHC1983) are not those of 梓 涵 鑫 淼: a random character sharing one made two of a
  // name's keys one key (3 instead of 4) and failed the test at random (a CI rehearsal of session 32)
  const surnames = [...'欧聂岳龚邝蒯芮滕'].sort(() => Math.random() - 0.5);
  const [s, t] = surnames;
  const birth = '2013-04-17';
  const base = record(SCHOOLS.a, { name: `${s}梓涵`, gender: 'M', birth_date: birth });
  const a = (await register('clerk_a', base)).student_id;
  const dup = (name, b = birth) => record(SCHOOLS.a, { name, gender: 'M', birth_date: b, id_type: 'Z', id_number: '' });
  const rows = { subst: dup(`${s}梓鑫`), substFirst: dup(`${s}淼涵`), surname: dup(`${t}梓涵`), dropped: dup(`${s}涵`),
    year: dup(`${s}梓涵`, '2016-04-17'), neither: dup(`${s}梓鑫`, '2016-04-17'), twoDigits: dup(`${s}梓涵`, '2013-04-28') };
  const c = await as('clerk_a');
  const j = (await upload(c, csv(Object.values(rows)))).body;
  assert.equal(j.rows_valid, 7, JSON.stringify(j));
  const cm = await c.post(`/api/v1/imports/${j.id}/commit`);
  assert.equal(cm.status, 200, cm.text);
  const ids = sql(`SELECT id FROM student WHERE import_job_id=${j.id} ORDER BY import_row`).map((r) => Number(r[0]));
  const id = Object.fromEntries(Object.keys(rows).map((k, i) => [k, ids[i]]));
  assert.equal(new Set(Object.values(id)).size, 7, JSON.stringify(ids));
  for (const k of ['subst', 'substFirst', 'surname', 'dropped', 'year']) assert.ok(pairOf(a, id[k]), `${k}: found by the import's own check`);
  assert.equal(pairOf(a, id.neither), null, 'two errors (a unit and the year): not a candidate');
  assert.equal(pairOf(a, id.twoDigits), null, 'the day two digits off: no date rule');
  assert.equal(pairOf(a, id.year).kind, 'date_digit');
  // each record's keys: as many as its name needs (readings + year, and a unit left out + month and day), its key set
  // the same keys
  for (const k of Object.keys(rows)) {
    const { stored, set } = keysOf(id[k]);
    assert.ok(stored.length >= (k === 'dropped' ? 2 : 4), `${k}: ${stored.length} keys`);
    assert.deepEqual(set, stored, `${k}: its key set lists its keys`);
  }
  // the full run finds exactly these pairs: nothing new, changed or removed
  const before = storedPairs();
  const w = written(runSuspects());
  assert.deepEqual({ ...w, unchanged: 0 }, { new: 0, changed: 0, unchanged: 0, removed: 0 }, 'the import found what the full run finds');
  assert.deepEqual(storedPairs(), before);
});

test('R31 issue 17 item 2: an import run as a job checks its records in a pipeline: pairs within the file across its chunks and within one chunk, and with records committed before it, each stored once, as the full run finds them', async () => {
  runSuspects();
  const sur = () => String.fromCodePoint(0x4e00 + Math.floor(Math.random() * 0x51a5));
  const s = sur(), t = sur(), u = sur();
  const a = (await register('clerk_a', record(SCHOOLS.a, { name: `${s}梓涵`, gender: 'M', birth_date: '2013-04-17' }))).student_id;
  const row = (name, b) => record(SCHOOLS.a, { name, gender: 'F', birth_date: b, id_type: 'Z', id_number: '' });
  const rows = {
    committedSubst: { ...row(`${s}梓鑫`, '2013-04-17'), gender: 'M' }, // chunk 1, with the registered record a
    early: row(`${t}雨桐`, '2012-06-05'), // chunk 1
    filler1: row(`${u}${sur()}${sur()}`, '2011-01-01'),
    sameChunkA: row(`${u}思远`, '2014-03-09'), // chunk 2, with the row after it
    sameChunkB: row(`${u}思遠`, '2014-03-09'),
    filler2: row(`${t}${sur()}${sur()}`, '2010-02-02'),
    late: row(`${t}雨彤`, '2012-06-05'), // chunk 4, with early (chunk 1)
    committedYear: { ...row(`${s}梓涵`, '2016-04-17'), gender: 'M' }, // chunk 4, with a, the year one digit off
  };
  const c = await as('clerk_a');
  const j = (await upload(c, csv(Object.values(rows)), { dryRun: false, query: '&test_chunk=2&test_background=1' })).body;
  const done = await waitJob(c, j.id);
  assert.equal(done.state, 'done', JSON.stringify(done));
  assert.equal(done.rows_created, 8, JSON.stringify(done));
  const ids = sql(`SELECT id FROM student WHERE import_job_id=${j.id} ORDER BY import_row`).map((r) => Number(r[0]));
  const id = Object.fromEntries(Object.keys(rows).map((k, i) => [k, ids[i]]));
  assert.ok(pairOf(a, id.committedSubst), 'with a committed record, from the first chunk');
  assert.ok(pairOf(a, id.committedYear), 'with a committed record, from the last chunk');
  assert.ok(pairOf(id.early, id.late), 'within the file, across chunks');
  assert.ok(pairOf(id.sameChunkA, id.sameChunkB), 'within one chunk');
  // the keys, stored beside the import in a transaction of their own, committed with the file's records
  assert.equal(sqlCount(`SELECT COUNT(*) FROM suspect_keyset WHERE student_id IN (${ids.join(',')})`), 8, 'every record has its keys');
  const before = storedPairs();
  const w = written(runSuspects());
  assert.deepEqual({ ...w, unchanged: 0 }, { new: 0, changed: 0, unchanged: 0, removed: 0 }, 'the import found what the full run finds');
  assert.deepEqual(storedPairs(), before);
});

test('R31 issue 17 item 2: the keys an import run as a job stored beside it go with a commit that fails: no record of the file, no key of one', async () => {
  const noId = () => ({ id_type: 'Z', id_number: '' });
  const first = (await register('clerk_a', record(SCHOOLS.a, noId()))).student_id;
  const c = await as('clerk_a');
  const rows = Array.from({ length: 8 }, () => record(SCHOOLS.a, noId()));
  // chunks of 2: the side connection has stored the keys of the first chunks when the commit fails after the third
  const j = (await upload(c, csv(rows), { dryRun: false, query: '&test_chunk=2&test_background=1&test_fail_after=6' })).body;
  const done = await waitJob(c, j.id);
  assert.equal(done.state, 'failed', JSON.stringify(done));
  assert.equal(sqlCount(`SELECT COUNT(*) FROM student WHERE import_job_id=${j.id}`), 0, 'nothing of the file stays');
  const last = (await register('clerk_a', record(SCHOOLS.a, noId()))).student_id;
  // the ids the failed commit took lie between the two registrations; none of them has a key or a key set
  for (const t of ['suspect_key', 'suspect_keyset'])
    assert.equal(sqlCount(`SELECT COUNT(*) FROM ${t} k WHERE k.student_id > ${first} AND k.student_id < ${last}
      AND NOT EXISTS (SELECT 1 FROM student s WHERE s.id = k.student_id)`), 0, `no ${t} row of a record that is not there`);
  assert.ok(sqlCount(`SELECT COUNT(*) FROM suspect_keyset WHERE student_id IN (${first}, ${last})`) === 2, 'the registrations keyed theirs');
  // the same file again commits, keys and all
  const again = (await upload(c, csv(rows), { dryRun: false, query: '&test_chunk=2&test_background=1' })).body;
  const k = await waitJob(c, again.id);
  assert.equal(k.state, 'done', JSON.stringify(k));
  assert.equal(sqlCount(`SELECT COUNT(*) FROM student s JOIN suspect_keyset ks ON ks.student_id = s.id WHERE s.import_job_id=${again.id}`), 8);
});

test('R31 issue 17 item 2: an approved change forgets the record\'s former keys by its key set and stores its new ones', async () => {
  const g = makeGroup({ type: 'id_dup', members: [{ school: WS.a }, { school: WS.a2 }] });
  const [m] = g.members;
  runSuspects(); // the group's records keyed (they were written without the service)
  const old = keysOf(m.studentId);
  assert.ok(old.stored.length >= 2 && old.hasSet);
  assert.deepEqual(old.set, old.stored);
  const clerk = await login(CLERK.a), county = await login(COUNTY[130102]);
  const before = wfStudent(m.studentId);
  const fresh = newIdNumber('130102', before.birth_date, before.gender);
  await ok(clerk, m.id, 'submit_change', { changes: { id_number: fresh, name: before.name + '华' }, evidence_ids: [makeEvidence(WS.a)] });
  await ok(county, m.id, 'approve');
  assert.equal(wfStudent(m.studentId).name, before.name + '华');
  const now = keysOf(m.studentId);
  assert.deepEqual(now.set, now.stored, 'the key set lists the new keys');
  assert.notDeepEqual(now.stored, old.stored, 'other keys: the name changed');
  for (const k of old.stored) if (!now.stored.includes(k)) assert.equal(sqlCount(`SELECT COUNT(*) FROM suspect_key WHERE k=${k} AND student_id=${m.studentId}`), 0);
});

test('R31 R25 a decision\'s reason of the full 200 characters (four-byte ones too) is kept whole in the history', async () => {
  // before: the history's reason was built in a fixed 600-byte buffer: 200 characters of 3 or 4 bytes were cut, at
  // worst mid-character (the decision then failed with a 500)
  const [a, b] = await variantPair();
  runSuspects();
  const county = await as('county_130102');
  const p = await listed(county, a, b);
  const reason = '𠮷'.repeat(100) + '双胞胎'.repeat(33) + '兄';
  assert.equal([...reason].length, 200);
  const r = await county.post(`/api/v1/suspects/${p.id}/decision`, { decision: 'different', expected_version: p.version, reason });
  assert.equal(r.status, 200, r.text);
  const h = sql(`SELECT HEX(reason) FROM history WHERE action='suspect_decided' AND student_id=${a}`); // bytes, whatever the client's charset
  assert.equal(h.length, 1);
  assert.equal(Buffer.from(h[0][0], 'hex').toString('utf8'), `suspect_pair:${p.id} ${reason}`);
  // one character more is refused, naming the field, and nothing is stored
  const [c2, d2] = await variantPair();
  runSuspects();
  const q = await listed(county, c2, d2);
  const over = await county.post(`/api/v1/suspects/${q.id}/decision`, { decision: 'different', expected_version: q.version, reason: reason + '弟' });
  assertError(over, 422, 'invalid');
  assert.equal(over.body.error.field, 'reason');
  assert.equal(decisions(c2), 0);
});
