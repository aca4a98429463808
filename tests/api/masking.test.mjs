// masking.test.mjs: issue 10 item 6: one mask rule for identity numbers outside the caller's jurisdiction (R26 short
// facts). A G student number is "G" + the resident ID number (R5), so wherever the ID number is masked the G number
// is masked by the same rule: a test per route that returns student numbers of another jurisdiction's record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SCHOOLS as S, CLERK, COUNTY, login, makeGroup, corroborate } from '../lib/workflow.mjs';
import { province } from '../lib/registry.mjs';

const masked = (id) => id.slice(0, 4) + '*'.repeat(id.length - 8) + id.slice(-4);

/** A cross-province ID-duplicate group: a Hebei child with a G number, a Shandong record of the same number. */
function crossProvince() {
  const g = makeGroup({ type: 'id_dup', members: [{ school: '1301020001', prefix: 'G' }, { school: '3701020001' }] });
  return { g, hebei: g.members[0], shandong: g.members[1] };
}

/** Assert no string anywhere in body contains the full ID number. */
function assertNoFullId(body, id, where) {
  const text = JSON.stringify(body);
  assert.ok(!text.includes(id), `${where}: the full ID number ${id} leaks: ${text.slice(0, 400)}`);
}

test('R26 R5 group page: another province\'s G number is masked like its ID number; the own record in full', async () => {
  const { g, hebei, shandong } = crossProvince();
  for (const user of [CLERK.d, COUNTY[370102]]) {
    const r = await (await login(user)).get(`/api/v1/groups/${g.id}`);
    assert.equal(r.status, 200, r.text);
    const other = r.body.members.find((m) => m.id === hebei.id);
    assert.equal(other.student.id_number, masked(g.idNumber), user);
    assert.equal(other.student.student_no, 'G' + masked(g.idNumber), user);
    const own = r.body.members.find((m) => m.id === shandong.id);
    assert.equal(own.student.id_number, g.idNumber, `${user} sees its own record in full`);
    assertNoFullId(r.body.members.filter((m) => m.id !== shandong.id), g.idNumber, `${user} GET /groups/${g.id}`);
  }
  // Hebei's own clerk sees its G number in full
  const a = await (await login(CLERK.a)).get(`/api/v1/groups/${g.id}`);
  assert.equal(a.body.members.find((m) => m.id === hebei.id).student.student_no, 'G' + g.idNumber);
});

test('R26 R5 problem list: another jurisdiction\'s G number is masked; the caller\'s own in full', async () => {
  const { g, hebei } = crossProvince();
  const find = async (user) => {
    const c = await login(user);
    let cursor = '';
    for (let i = 0; i < 20; i++) {
      const r = await c.get(`/api/v1/groups?type=id_dup&limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(r.status, 200, r.text);
      const hit = r.body.items.find((x) => x.id === g.id);
      if (hit) return hit;
      if (!r.body.next_cursor) break;
      cursor = r.body.next_cursor;
    }
    assert.fail(`${user} does not find group ${g.id}`);
  };
  for (const user of [CLERK.d, COUNTY[370102]]) {
    const hit = await find(user);
    const m = hit.members.find((x) => x.member_id === hebei.id);
    assert.equal(m.student_no, 'G' + masked(g.idNumber), user);
    assertNoFullId(hit, g.idNumber, `${user} GET /groups`);
  }
  const own = (await find(CLERK.a)).members.find((x) => x.member_id === hebei.id);
  assert.equal(own.student_no, 'G' + g.idNumber);
});

test('R29 R26 feed: province 37 reads a Hebei member\'s event with its G number masked; province 13 in full', async () => {
  const { g, hebei } = crossProvince();
  await corroborate(await login(CLERK.a), hebei);
  const read = async (code) => {
    const p = await province(code);
    const events = [];
    let cursor = '';
    for (;;) {
      const r = await p.get(`/api/v1/feed?limit=1000${cursor ? '&cursor=' + cursor : ''}`);
      assert.equal(r.status, 200, r.text);
      events.push(...r.body.items.filter((e) => e.group_id === g.id && e.member_id === hebei.id));
      if (!r.body.more) return events;
      cursor = r.body.next_cursor;
    }
  };
  const sd = await read('37');
  assert.ok(sd.length > 0, 'Shandong\'s feed carries the cross-province group');
  for (const e of sd) assert.equal(e.student_no, 'G' + masked(g.idNumber));
  assertNoFullId(sd, g.idNumber, 'feed 37');
  const hb = await read('13');
  assert.ok(hb.some((e) => e.student_no === 'G' + g.idNumber), 'Hebei\'s own feed names its record in full');
});
