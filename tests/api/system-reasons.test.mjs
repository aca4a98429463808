// system-reasons.test.mjs: issue 11 item 10: an automatic decision's reason is stored as its code beside the person's
// own words, and served in both languages from the service's one table ({code, message, message_en}); no answer mixes
// "中文 (R17: English)"; the provincial feed (R29) still reads the Chinese text, then the arbitrator's words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from '../lib/api.mjs';
import { SCHOOLS as S, CLERK, COUNTY, login, makeGroup, ok, corroborate } from '../lib/workflow.mjs';

const MIXED = /\(R\d+|[\u3400-\u9fff][^"]*\((?:The|the) /;

/** The feed of a province from cursor to its end. */
async function drain(c, cursor) {
  const events = [];
  for (;;) {
    const r = await c.get(`/api/v1/feed?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(r.status, 200, r.text);
    events.push(...r.body.items);
    cursor = r.body.next_cursor;
    if (!r.body.more) return { events, cursor };
  }
}

test('issue 11.10 R17: an automatic rejection is stored as its code and served in both languages, without a mixed string', async () => {
  const g = makeGroup({ type: 'id_dup', members: [{ school: S.a }, { school: S.a2 }] });
  const [A, B] = g.members;
  await corroborate(await login(CLERK.a), A);
  await corroborate(await login(CLERK.a2), B);
  await ok(await login(COUNTY[130102]), A.id, 'approve');
  assert.deepEqual(sql(`SELECT COALESCE(reject_reason, 'NULL'), reject_code FROM group_member WHERE id = ${B.id}`)[0], ['NULL', 'auto_reject']);
  const v = (await (await login(CLERK.a2)).get(`/api/v1/groups/${g.id}`)).body;
  const b = v.members.find((m) => m.id === B.id);
  assert.equal(b.reject_reason, null);
  assert.deepEqual(b.reject_system, { code: 'auto_reject', message: '同一区县已核办通过本组另一条佐证，本条自动不通过。',
    message_en: 'The county approved another corroboration in this group; this one is rejected automatically.' });
  const ev = v.history.find((e) => e.action === 'auto_reject');
  assert.equal(ev.reason, null);
  assert.equal(ev.system_reason.code, 'auto_reject');
  assert.doesNotMatch(JSON.stringify(v), MIXED);
  // the school's queue says the same, in both languages, and counts it as rejected
  const q = (await (await login(CLERK.a2)).get('/api/v1/queue?filter=rejected&limit=500')).body;
  const item = q.items.find((x) => x.member_id === B.id);
  assert.ok(item, 'listed as rejected, to handle again');
  assert.equal(item.reject_system.code, 'auto_reject');
  // R20: the problem list's filter "rejected, to handle again" is the same concept (sql/404: a code without words too)
  for (const who of [COUNTY[130102], CLERK.a2]) {
    const r = await (await login(who)).get('/api/v1/groups?rejected=1&limit=100');
    assert.equal(r.status, 200, r.text);
    assert.ok(r.body.items.some((x) => x.id === g.id), `${who}: the group of the member rejected automatically is listed as rejected`);
  }
});

test('issue 11.10 R18 R29: the arbitrator\'s words stay the person\'s; the system text comes from the table; the feed reads Chinese text then the words', async () => {
  const prov = await login('prov_13');
  const { cursor } = await drain(prov, '');
  const g = makeGroup({ type: 'id_dup', members: [{ school: S.a }, { school: S.b }] });
  const [A, B] = g.members;
  await corroborate(await login(CLERK.a), A);
  await corroborate(await login(CLERK.b), B);
  await ok(await login(COUNTY[130102]), A.id, 'approve');
  await ok(await login(COUNTY[130104]), B.id, 'approve');
  const city = await login('city_1301');
  const r = await city.post(`/api/v1/groups/${g.id}/arbitration`, { member_id: A.id, reason: '长安区材料更完整' });
  assert.equal(r.status, 200, r.text);
  const v = (await city.get(`/api/v1/groups/${g.id}`)).body;
  const b = v.members.find((m) => m.id === B.id);
  assert.equal(b.reject_reason, '长安区材料更完整');
  assert.equal(b.reject_system.code, 'arbitration_lost');
  assert.equal(b.reject_system.message_en, 'The arbitrator upheld another record; handle this one again.');
  assert.doesNotMatch(JSON.stringify(v), MIXED);
  const { events } = await drain(prov, cursor);
  const lost = events.find((e) => e.member_id === B.id && e.action === 'arbitration_lost');
  assert.ok(lost, 'the feed has the event');
  assert.equal(lost.reason, '仲裁认定本组另一条学籍，本条驳回学校重新处理。 长安区材料更完整');
  assert.equal(lost.system_reason.message_en, 'The arbitrator upheld another record; handle this one again.');
});
