// divisions-update.test.mjs: issue 16 item 3 (R1 R2 R25): `xueji --divisions FILE [--dry-run]` applies a new division
// list with its old->new mapping, tested with a real merger: in January 2019 莱芜市 (371200) ceased and joined 济南市
// (370100); 莱城区 371202 became 莱芜区 370116 and 钢城区 371203 became 钢城区 370117 (tests/fixtures/divisions/). A
// school of 莱城区 with a record that duplicates one of 济南 历下区 (two cities: the province arbitrates) follows the
// mapping: its records, group members and bureau account move to 370116, the group's arbiter becomes 济南市 (R2). The dry
// run prints what would change and changes nothing; an inconsistent mapping (a cycle, a chain, unknown codes, a city
// whose counties stay, mixed levels) changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, sqlCount, assertError, ROOT } from '../lib/api.mjs';
import { as, record, sameId } from '../lib/registry.mjs';
import { userAt, newSchoolCode } from '../lib/units.mjs';

const VARDIR = process.env.XJ_VARDIR;
const FIX = join(ROOT, 'tests/fixtures/divisions');
/** Run `xueji --divisions args...`: {code, out, err}. */
function divisions(...args) {
  const secrets = Object.fromEntries(readFileSync(`${VARDIR}/secrets.env`, 'utf8').trim().split('\n').map((l) => l.split('=')));
  try {
    const out = execFileSync(`${process.env.XJ_BUILD}/xueji`, ['--divisions', ...args], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, XJ_DB_SOCKET: `${VARDIR}/run/db.sock`, XJ_DB_PASSWORD: secrets.XJ_DB_PASSWORD, XJ_DATA_DIR: `${VARDIR}/data` },
    });
    return { code: 0, out, err: '' };
  } catch (e) {
    return { code: e.status, out: String(e.stdout), err: String(e.stderr) };
  }
}
const tmp = mkdtempSync(join(tmpdir(), 'xj-div-'));
function file(name, lines) {
  const p = join(tmp, name);
  writeFileSync(p, lines.map((l) => l.join('\t')).join('\n') + '\n');
  return p;
}
const OLD = ['371200', '371202', '371203'];
/** Everything the mapping would touch, to compare before and after a refused or dry run. */
function snapshot(schoolId) {
  return JSON.stringify([
    sql(`SELECT code, retired_at IS NULL, COALESCE(replaced_by, 0), version FROM unit WHERE code IN (${OLD.map((c) => `'${c}'`)}) ORDER BY code`),
    sql(`SELECT parent_id, city_code, county_code, version FROM unit WHERE id = ${schoolId}`),
    sql(`SELECT county_code, version FROM student WHERE school_id = ${schoolId} ORDER BY id`),
    sql(`SELECT g.id, g.arbiter_unit_id, g.version FROM group_member m JOIN problem_group g ON g.id = m.group_id WHERE m.school_id = ${schoolId} ORDER BY g.id`),
    sql(`SELECT unit_id FROM app_user WHERE username = 'county_371202'`),
    sqlCount("SELECT COUNT(*) FROM unit"), sqlCount("SELECT COUNT(*) FROM history WHERE action IN ('division_changed', 'arbiter_changed')"),
  ]);
}

test('issue 16.3 R1 R2 the 2019 merger of 莱芜市 into 济南市: dry run, refused inconsistent mappings, then schools, records, users and arbiters follow', async () => {
  // the units as in 2018 (a re-run on this instance first brings the retired codes back)
  sql(`UPDATE unit SET retired_at = NULL, replaced_by = NULL WHERE code IN (${OLD.map((c) => `'${c}'`)});
    UPDATE app_user SET unit_id = 371202 WHERE username = 'county_371202'`);
  const before2018 = divisions(join(FIX, 'laiwu-2018.tsv'));
  assert.equal(before2018.code, 0, before2018.err);
  assert.deepEqual(sql(`SELECT code, level, parent_id, city_code FROM unit WHERE code IN (${OLD.map((c) => `'${c}'`)}) ORDER BY code`),
    [['371200', '2', '370000', '3712'], ['371202', '3', '371200', '3712'], ['371203', '3', '371200', '3712']]);
  // 莱城区's bureau opens a school; its clerk registers a child whose ID number a 济南 历下区 school also holds
  const bureau = await userAt('county_371202', 'county', 371202);
  const s = await bureau.post('/api/v1/schools', { code: newSchoolCode('371202'), county_code: '371202', name: '莱城区实验小学', type: '211' });
  assert.equal(s.status, 201, s.text);
  const clerk = await userAt(`clerk_${s.body.code}`, 'school_clerk', s.body.id);
  const rec = record({ code: s.body.code });
  assert.equal((await clerk.post('/api/v1/students', rec)).status, 201);
  assert.equal((await (await as('clerk_d')).post('/api/v1/students', sameId(rec, { code: '3701020001' }))).status, 201);
  const [gid, arbiter] = sql(`SELECT g.id, g.arbiter_unit_id FROM group_member m JOIN problem_group g ON g.id = m.group_id
    WHERE m.school_id = ${s.body.id} AND g.state <> 'done'`)[0];
  assert.equal(arbiter, '370000', 'cities 3712 and 3701: the province arbitrates (R2)');
  const sid = sql(`SELECT id FROM student WHERE school_id = ${s.body.id}`)[0][0];

  // the dry run prints what would change, and changes nothing
  const snap = snapshot(s.body.id);
  const dry = divisions(join(FIX, 'laiwu-2019.tsv'), '--dry-run');
  assert.equal(dry.code, 0, dry.err);
  // (counts: this run's school and record at least; a re-run on one instance meets earlier runs' too)
  assert.match(dry.out, /map 371202 莱城区 -> 370116 莱芜区: [1-9]\d* schools, [1-9]\d* records, [1-9]\d* group members, 1 users; [1-9]\d* open groups, [1-9]\d* arbiters changed/);
  assert.match(dry.out, /map 371200 莱芜市 -> 370100 济南市: 0 schools/);
  assert.match(dry.out, /dry run: .*nothing changed/);
  assert.equal(snapshot(s.body.id), snap, 'a dry run changes nothing');

  // inconsistent mappings: clear errors naming the line, nothing changed
  const refused = (name, lines, code) => {
    const r = divisions(file(name, lines));
    assert.equal(r.code, 1, `${name}: ${r.out} ${r.err}`);
    assert.match(r.out + r.err, new RegExp(code));
    assert.match(r.out + r.err, /line \d+/);
    assert.equal(snapshot(s.body.id), snap, `${name} changed nothing`);
  };
  refused('cycle.tsv', [['map', '371202', '370116'], ['map', '370116', '371202']], 'mapping_cycle');
  refused('chain.tsv', [['map', '371202', '371203'], ['map', '371203', '370117']], 'mapping_chain');
  refused('unknown-from.tsv', [['map', '371299', '370116']], 'unknown_code');
  refused('unknown-to.tsv', [['map', '371202', '370199']], 'unknown_code');
  refused('city-left.tsv', [['map', '371202', '370116'], ['map', '371200', '370100']], 'children_left'); // 371203 stays
  refused('levels.tsv', [['map', '371202', '370100']], 'level_mismatch');
  refused('bad-code.tsv', [['map', '37120', '370116']], 'bad_code');
  refused('syntax.tsv', [['move', '371202', '370116']], 'syntax');
  refused('listed.tsv', [['unit', '371202', '莱城区'], ['map', '371202', '370116']], 'ceasing_unit_listed');

  // applied: one transaction
  const done = divisions(join(FIX, 'laiwu-2019.tsv'));
  assert.equal(done.code, 0, done.err);
  assert.match(done.out, /applied: 0 added, 0 renamed, 3 mapped/);
  assert.deepEqual(sql(`SELECT u.code, u.retired_at IS NOT NULL, r.code FROM unit u JOIN unit r ON r.id = u.replaced_by WHERE u.code IN (${OLD.map((c) => `'${c}'`)}) ORDER BY u.code`),
    [['371200', '1', '370100'], ['371202', '1', '370116'], ['371203', '1', '370117']], 'the old codes are retired, naming their successors');
  assert.deepEqual(sql(`SELECT parent_id, province_code, city_code, county_code FROM unit WHERE id = ${s.body.id}`)[0], ['370116', '37', '3701', '370116'], 'the school follows');
  assert.deepEqual(sql(`SELECT city_code, county_code FROM student WHERE id = ${sid}`)[0], ['3701', '370116'], 'its records follow');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM history WHERE student_id = ${sid} AND action = 'division_changed' AND actor_role = 'system' AND reason = '371202 莱城区 -> 370116 莱芜区'`), 1);
  assert.deepEqual(sql(`SELECT scope_level, arbiter_unit_id FROM problem_group WHERE id = ${gid}`)[0], ['2', '370100'], 'both members in 济南市 now: the city arbitrates (R2)');
  assert.deepEqual(sql(`SELECT reason FROM history WHERE group_id = ${gid} AND action = 'arbiter_changed'`), [['370000 -> 370100']]);
  assert.equal(sql(`SELECT unit_id FROM app_user WHERE username = 'county_371202'`)[0][0], '370116', 'its users follow');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM security_log WHERE event = 'divisions_updated' AND detail LIKE '%: 0 added, 0 renamed, 3 mapped'`) >= 1, true);
  // the bureau keeps working with its new scope: 370116's records, the moved school
  const again = await userAt('county_371202', 'county', 371202);
  const list = await again.get('/api/v1/students?limit=50');
  assert.equal(list.status, 200, list.text);
  assert.ok(list.body.items.some((x) => String(x.id) === sid), 'sees the moved record');
  assert.equal((await again.get(`/api/v1/schools/${s.body.id}`)).body.county.code, '370116');
  // a ceased county takes no new school
  const late = await (await as('admin')).post('/api/v1/schools', { code: newSchoolCode('371202'), county_code: '371202', name: '晚到学校', type: '211' });
  assertError(late, 422, 'invalid');
  assert.equal(late.body.error.field, 'county_code');
  const acct = await (await as('admin')).post('/api/v1/users', { username: `late_${process.pid}`, role: 'county', unit_id: 371202 });
  assertError(acct, 422, 'invalid');
  assert.equal(acct.body.error.field, 'unit_id', 'nor a new account');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM app_user WHERE username = 'late_${process.pid}'`), 0);
  // the same file again changes nothing
  const twice = divisions(join(FIX, 'laiwu-2019.tsv'));
  assert.equal(twice.code, 0, twice.err);
  assert.match(twice.out, /applied before, unchanged/);
  assert.equal(sqlCount(`SELECT COUNT(*) FROM history WHERE student_id = ${sid} AND action = 'division_changed'`), 1);
});
