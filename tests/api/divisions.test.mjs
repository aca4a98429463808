// divisions.test.mjs: issue 16 item 4 (R2): the county-level units a province administers directly sit under statistical
// placeholders (GB/T 2260 city part 90: 469000 海南省省直辖县级行政区划, 429000, 659000, 419000) that no bureau staffs.
// A group spanning two of them is decided by the province, on real codes, through detection's own SQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { sql, VARDIR } from '../lib/api.mjs';
import { login, makeStudent, newIdNumber } from '../lib/workflow.mjs';

/** A school unit in county (created once); returns its code. */
function schoolIn(county, n = 1) {
  const code = `${county}${String(9000 + n)}`;
  sql(`INSERT IGNORE INTO unit (id, code, level, name, parent_id, province_code, city_code, county_code)
       SELECT NULL, '${code}', 4, '测试学校${code}', id, province_code, city_code, code FROM unit WHERE code = '${county}'`);
  return code;
}

function redetect() {
  const secrets = Object.fromEntries(readFileSync(`${VARDIR}/secrets.env`, 'utf8').trim().split('\n').map((l) => l.split('=')));
  execFileSync(`${process.env.XJ_BUILD}/xueji`, ['--redetect'], {
    encoding: 'utf8', env: { ...process.env, XJ_DB_SOCKET: `${VARDIR}/run/db.sock`, XJ_DB_PASSWORD: secrets.XJ_DB_PASSWORD },
  });
}

/** The open ID-duplicate group of a student: [scope_level, arbiter code]. */
function arbiterOf(studentId) {
  const r = sql(`SELECT g.scope_level, u.code, g.id FROM group_member m JOIN problem_group g ON g.id = m.group_id
      JOIN unit u ON u.id = g.arbiter_unit_id WHERE m.student_id = ${studentId} AND g.type = 'id_dup' AND g.state <> 'done'`);
  assert.equal(r.length, 1, `one open group for student ${studentId}`);
  return { level: Number(r[0][0]), arbiter: r[0][1], id: Number(r[0][2]) };
}

/** Two records of one resident ID number in schools of counties a and b; returns the group's arbiter. */
function clash(a, b) {
  const sa = schoolIn(a, 1), sb = schoolIn(b, a === b ? 2 : 1);
  const birth = '2016-05-0' + (1 + Math.floor(Math.random() * 9));
  const id = newIdNumber(a, birth, 'M');
  const s1 = makeStudent(sa, { idNumber: id, birth, gender: 'M', status: 'pending' });
  makeStudent(sb, { idNumber: id, birth, gender: 'M', status: 'pending' });
  redetect();
  return arbiterOf(s1);
}

test('issue 16.4 R2 placeholder divisions are not superiors: the province decides, on real codes of all four provinces', async () => {
  assert.deepEqual(sql("SELECT name FROM unit WHERE code = '469000'")[0], ['海南省省直辖县级行政区划'], 'the placeholder exists as a unit');
  const hainan = clash('469001', '469002'); // 五指山市, 琼海市
  assert.deepEqual([hainan.level, hainan.arbiter], [1, '460000']);
  assert.deepEqual(Object.values(clash('429004', '429005')).slice(0, 2), [1, '420000']); // 仙桃市, 潜江市
  assert.deepEqual(Object.values(clash('659001', '659002')).slice(0, 2), [1, '650000']); // 石河子市, 阿拉尔市
  assert.deepEqual(Object.values(clash('419001', '410102')).slice(0, 2), [1, '410000']); // 济源市 and 郑州 中原区
  // within one directly administered county the county decides; a real city stays the superior of its counties
  assert.deepEqual(Object.values(clash('469001', '469001')).slice(0, 2), [3, '469001']);
  assert.deepEqual(Object.values(clash('130102', '130104')).slice(0, 2), [2, '130100']);
  // the Hainan province bureau sees the group and can decide it (R28)
  const hash = sql("SELECT password_hash FROM app_user WHERE username = 'clerk_a'")[0][0];
  sql(`INSERT IGNORE INTO app_user (username, display_name, role, unit_id, password_hash) VALUES ('prov_46', 'prov_46', 'bureau', 460000, '${hash}')`);
  const r = await (await login('prov_46')).get(`/api/v1/groups/${hainan.id}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.arbiter?.code ?? r.body.arbiter_code ?? r.body.group?.arbiter?.code, '460000', JSON.stringify(r.body).slice(0, 300));
});
