// schools.test.mjs: issue 16 items 1, 2, 5 (R1): schools as living data. A county bureau opens a school in its county
// (no SQL by hand), registers into it, edits it at its version, and cannot close it while it holds records (409 naming
// the counts); an empty school closes, its users are disabled, and it takes no new records. Bad input: clear errors,
// nothing stored. Every change is in the security log with who and when.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, sqlCount, assertError, Client } from '../lib/api.mjs';
import { as, record, sameId, province } from '../lib/registry.mjs';

// county 130108 (裕华区): no other suite keeps schools there, so theirs stay as they expect; its bureau is made here
const COUNTY = '130108';
let bureau;
async function countyBureau() {
  if (!bureau) {
    const hash = sql("SELECT password_hash FROM app_user WHERE username = 'clerk_a'")[0][0];
    sql(`INSERT IGNORE INTO app_user (username, display_name, role, unit_id, password_hash) VALUES ('county_${COUNTY}', '裕华区教育局', 'county', ${COUNTY}, '${hash}')`);
    bureau = await Client.login(`county_${COUNTY}`);
  }
  return bureau;
}
let n = 0;
/** A fresh 10-digit school code in the test county (not taken). */
function newCode() {
  for (;;) {
    const code = `${COUNTY}${String(7000 + ((process.pid + n++ * 7919 + Math.floor(Math.random() * 1000)) % 2999)).padStart(4, '0')}`;
    if (!sqlCount(`SELECT COUNT(*) FROM unit WHERE code = '${code}'`)) return code;
  }
}
const seclog = (event, unit) => sqlCount(`SELECT COUNT(*) FROM security_log WHERE event = '${event}' AND unit_id = ${unit}`);

test('issue 16.1 R1 a county bureau opens a school in its county; a clerk of it registers a student; edits need the version', async () => {
  const county = await countyBureau();
  const code = newCode();
  const r = await county.post('/api/v1/schools', { code, county_code: COUNTY, name: '裕华区新建实验小学', type: '211', address: '石家庄市长安区建设北大街 1 号' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.code, code);
  assert.equal(r.body.type_name, '小学');
  assert.deepEqual(r.body.county, { code: COUNTY, name: sql(`SELECT name FROM unit WHERE code = '${COUNTY}'`)[0][0] });
  assert.equal(seclog('school_created', r.body.id), 1, 'who and when in the security log');
  // a clerk of the new school (an administrator would create it through the users screen) registers a student there
  const hash = sql("SELECT password_hash FROM app_user WHERE username = 'clerk_a'")[0][0];
  const clerk = `clerk_${code}`;
  sql(`INSERT INTO app_user (username, display_name, role, unit_id, password_hash) VALUES ('${clerk}', '${clerk}', 'school_clerk', ${r.body.id}, '${hash}')`);
  const c = await Client.login(clerk);
  const reg = await c.post('/api/v1/students', record({ code }));
  assert.equal(reg.status, 201, reg.text);
  // edit at the version; a stale version is 409 and changes nothing
  const ed = await county.patch(`/api/v1/schools/${r.body.id}`, { version: r.body.version, name: '裕华区新建实验学校', type: '312' });
  assert.equal(ed.status, 200, ed.text);
  assert.equal(ed.body.type_name, '九年一贯制学校');
  assertError(await county.patch(`/api/v1/schools/${r.body.id}`, { version: r.body.version, name: '又改名' }), 409, 'conflict');
  assert.equal(sql(`SELECT name FROM unit WHERE id = ${r.body.id}`)[0][0], '裕华区新建实验学校');
  // a school with live records cannot close: 409 naming the counts, nothing changed
  const cl = await county.post(`/api/v1/schools/${r.body.id}/close`, { version: ed.body.version });
  assertError(cl, 409, 'conflict');
  assert.equal(cl.body.error.reason, 'school_has_records');
  assert.equal(cl.body.error.records, 1);
  assert.match(cl.body.error.message, /1 条学籍/);
  assert.equal(sql(`SELECT closed_at IS NULL FROM unit WHERE id = ${r.body.id}`)[0][0], '1');
});

test('issue 16.2 16.5 an empty school closes: its users are disabled, it takes no new records, its page stays readable; closing twice is 409', async () => {
  const county = await countyBureau();
  const code = newCode();
  const s = (await county.post('/api/v1/schools', { code, county_code: COUNTY, name: '待撤销学校', type: '311' })).body;
  const hash = sql("SELECT password_hash FROM app_user WHERE username = 'clerk_a'")[0][0];
  const clerk = `clerk_${code}`;
  sql(`INSERT INTO app_user (username, display_name, role, unit_id, password_hash) VALUES ('${clerk}', '${clerk}', 'school_clerk', ${s.id}, '${hash}')`);
  const c = await Client.login(clerk);
  const done = await county.post(`/api/v1/schools/${s.id}/close`, { version: s.version });
  assert.equal(done.status, 200, done.text);
  assert.equal(done.body.closed, true);
  assert.equal(seclog('school_closed', s.id), 1);
  assert.equal(sql(`SELECT disabled FROM app_user WHERE username = '${clerk}'`)[0][0], '1', 'its users are disabled');
  assertError(await c.get('/api/v1/session'), 401, 'unauthenticated');
  // no new records: the province's batch into it is refused naming the school code
  const batch = await (await province('13')).post('/api/v1/students/batch', { records: [record({ code })] });
  assert.equal(batch.body.results[0].status, 'error');
  assert.equal(batch.body.results[0].error.field, 'school_code');
  assert.equal((await county.get(`/api/v1/schools/${s.id}`)).body.closed, true, 'still readable');
  // the bureau's per-school statistics still list it, marked closed (its records and history keep counting)
  let row, cursor = '';
  do {
    const pg = await county.get(`/api/v1/stats/schools?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(pg.status, 200, pg.text);
    row = pg.body.items.find((x) => x.id === s.id);
    cursor = pg.body.next_cursor;
  } while (!row && cursor);
  assert.ok(row, 'a closed school is listed in GET /api/v1/stats/schools');
  assert.equal(row.closed, true);
  assert.match(row.closed_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assertError(await county.post(`/api/v1/schools/${s.id}/close`, { version: done.body.version }), 409, 'conflict');
});

test('issue 16.1 bad input: malformed or duplicate codes, unknown types, a county outside the jurisdiction: clear errors, nothing stored', async () => {
  const county = await countyBureau();
  const before = sqlCount('SELECT COUNT(*) FROM unit');
  const bad = async (body, status, field) => {
    const r = await county.post('/api/v1/schools', { code: newCode(), county_code: COUNTY, name: '某学校', type: '211', ...body });
    assertError(r, status, status === 409 ? 'duplicate' : 'invalid');
    assert.equal(r.body.error.field, field, r.text);
  };
  await bad({ code: '13010201' }, 422, 'code');
  await bad({ code: '13010200AB' }, 422, 'code');
  await bad({ code: '1301020001' }, 409, 'code'); // 长安区第一实验小学's code
  await bad({ type: '999' }, 422, 'type');
  await bad({ name: '' }, 422, 'name');
  await bad({ county_code: '130102' }, 422, 'county_code'); // a sibling county
  await bad({ county_code: '370102' }, 422, 'county_code'); // another province
  await bad({ county_code: '999999' }, 422, 'county_code'); // no such county
  assertError(await (await as('city_1301')).post('/api/v1/schools', { code: newCode(), county_code: COUNTY, name: '某学校', type: '211' }), 403, 'forbidden');
  assert.equal(sqlCount('SELECT COUNT(*) FROM unit'), before, 'nothing stored');
});

test('issue 16.2 R1 R2 a merger within the county moves every record and open-group member in one transaction; the empty school then closes', async () => {
  const county = await countyBureau();
  const mk = async (name) => (await county.post('/api/v1/schools', { code: newCode(), county_code: COUNTY, name, type: '211' })).body;
  const from = await mk('并入前小学'), into = await mk('并入后小学');
  const hash = sql("SELECT password_hash FROM app_user WHERE username = 'clerk_a'")[0][0];
  const clerk = `clerk_${from.code}`;
  sql(`INSERT INTO app_user (username, display_name, role, unit_id, password_hash) VALUES ('${clerk}', '${clerk}', 'school_clerk', ${from.id}, '${hash}')`);
  const c = await Client.login(clerk);
  // two records with one ID number: an open R8.1 group whose members are both in `from`
  const rec = record({ code: from.code });
  assert.equal((await c.post('/api/v1/students', rec)).status, 201);
  await c.post('/api/v1/students', sameId(rec, { code: from.code }));
  const ids = sql(`SELECT id FROM student WHERE id_number = '${rec.id_number}' ORDER BY id`).map((r) => r[0]);
  assert.equal(ids.length, 2);
  const group = sql(`SELECT g.id, g.arbiter_unit_id, g.state FROM group_member m JOIN problem_group g ON g.id = m.group_id WHERE m.student_id = ${ids[0]} AND g.state <> 'done'`);
  assert.equal(group.length, 1, 'an open group');
  const bad = async (who, body, status, code) => {
    const r = await who.post(`/api/v1/schools/${from.id}/merge`, body);
    assertError(r, status, code);
    assert.equal(sqlCount(`SELECT COUNT(*) FROM student WHERE school_id = ${from.id}`), 2, 'nothing moved');
    assert.equal(sqlCount(`SELECT COUNT(*) FROM history WHERE action = 'school_merged' AND student_id IN (${ids})`), 0);
    return r;
  };
  // bad input: a school of another county, itself, a stale version, a foreign bureau, a closed target
  const other = Number(sql("SELECT id FROM unit WHERE code = '1301020001'")[0][0]);
  assert.equal((await bad(county, { version: from.version, into: other }, 422, 'invalid')).body.error.field, 'into');
  await bad(county, { version: from.version, into: from.id }, 422, 'invalid');
  await bad(county, { version: from.version, into: 'x' }, 422, 'invalid');
  await bad(county, { version: from.version + 7, into: into.id }, 409, 'conflict');
  await bad(await as('county_130102'), { version: from.version, into: into.id }, 404, 'not_found');
  const shut = await mk('已撤销小学');
  assert.equal((await county.post(`/api/v1/schools/${shut.id}/close`, { version: shut.version })).status, 200);
  await bad(county, { version: from.version, into: shut.id }, 409, 'conflict');
  // the merger
  const m = await county.post(`/api/v1/schools/${from.id}/merge`, { version: from.version, into: into.id });
  assert.equal(m.status, 200, m.text);
  assert.equal(m.body.moved, 2);
  assert.equal(sqlCount(`SELECT COUNT(*) FROM student WHERE school_id = ${into.id} AND id IN (${ids})`), 2, 'records follow');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM group_member WHERE school_id = ${into.id} AND student_id IN (${ids})`), 2, 'members follow');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM history WHERE action = 'school_merged' AND student_id IN (${ids})`), 2, 'a history event per record');
  assert.equal(seclog('school_merged', from.id), 1);
  const after = sql(`SELECT id, arbiter_unit_id, state FROM problem_group WHERE id = ${group[0][0]}`);
  assert.deepEqual(after, group, 'same county: the arbiter (R2) and state are unchanged');
  // the emptied school closes; its records stay readable at the new school
  const cl = await county.post(`/api/v1/schools/${from.id}/close`, { version: m.body.version });
  assert.equal(cl.status, 200, cl.text);
});

test('issue 12.2 R1 a merger whose COMMIT outcome cannot be known is 503 outcome_unknown naming its own transaction\'s token (it runs on a connection of its own)', async () => {
  // before: the test hook (set on the request's connection) never reached the merger's own connection, and the token
  // answered was the request connection's last one (another transaction): asking about it told nothing of the merger
  const county = await countyBureau();
  const mk = async (name) => (await county.post('/api/v1/schools', { code: newCode(), county_code: COUNTY, name, type: '211' })).body;
  const from = await mk('待并入小学'), into = await mk('接收小学');
  const r = await county.post(`/api/v1/schools/${from.id}/merge`, { version: from.version, into: into.id },
    { headers: { 'x-test-commit-fault': '3' } });
  assertError(r, 503, 'outcome_unknown');
  const token = r.body.error.token;
  assert.match(token, /^[0-9a-f]{32}$/);
  assert.equal(sqlCount(`SELECT COUNT(*) FROM security_log WHERE event = 'school_merged' AND unit_id = ${from.id}`), 1, 'the hook let the COMMIT through');
  const ask = await county.get(`/api/v1/outcomes/${token}`);
  assert.deepEqual(ask.body, { token, committed: true });
});
