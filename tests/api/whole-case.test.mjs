// whole-case.test.mjs: issue 11 items 8 and 16 through the API: reviewers and arbitrators see the whole case (R26-R28):
// approval opinions kept in the history and shown to the arbitrator, the facts that decide where a child studies, who
// may open whose evidence (a school: its own files only; the members' county bureaus and the arbiter: every side's),
// reuse counts inside the caller's jurisdiction only; evidence previews are safe (a JPEG over 40 Mpx is never inline,
// a camera's multi-image JPEG is accepted).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, http, sql } from '../lib/api.mjs';
import { SCHOOLS as S, CLERK, COUNTY, login, makeGroup, ok } from '../lib/workflow.mjs';
import { upload, download, uniqueJpeg, fixture, snapshot, assertNothingStored } from '../lib/evidence.mjs';
import { uploadJpeg, claimSize, caseAwaitingArbitration } from '../lib/case.mjs';

test('issue 11.8 R25 R28: approval opinions are stored in the history and shown to the arbitrator on each member', async () => {
  const { g, A, C } = await caseAwaitingArbitration();
  const stored = sql(`SELECT member_id, opinion FROM history WHERE group_id = ${g.id} AND action = 'approve' ORDER BY id`);
  assert.deepEqual(stored, [[String(A.id), '长安区核实：学籍卡与考勤记录一致'], [String(C.id), '路南区核实：家长提供了租房合同']]);
  const arb = await login('prov_13');
  const v = (await arb.get(`/api/v1/groups/${g.id}`)).body;
  assert.equal(v.arbiter.is_me, true);
  const byId = Object.fromEntries(v.members.map((m) => [m.id, m]));
  assert.equal(byId[A.id].review_opinion, '长安区核实：学籍卡与考勤记录一致');
  assert.equal(byId[C.id].review_opinion, '路南区核实：家长提供了租房合同');
  // the schools' own opinions stay in the history too
  const hist = v.history.filter((h) => h.action === 'submit_corroborate').map((h) => h.opinion);
  assert.deepEqual(hist, ['长安学校：学生在本校三年级就读', '路南学校：学生在本校二年级就读']);
  assert.ok(v.history.filter((h) => h.action === 'approve').every((h) => h.opinion && h.reason === null));
});

test('issue 11.8 R26: the group shows enrolment date, grade and class of every record, the other school\'s as short facts (ID masked)', async () => {
  const { g, A, C, ca } = await caseAwaitingArbitration();
  const v = (await ca.get(`/api/v1/groups/${g.id}`)).body;
  const a = v.members.find((m) => m.id === A.id).student, c = v.members.find((m) => m.id === C.id).student;
  assert.deepEqual([a.enrol_date, a.grade, a.class_name], ['2021-09-01', '三年级', '2班']);
  assert.deepEqual([c.enrol_date, c.grade, c.class_name], ['2022-09-01', '二年级', '5班']);
  assert.match(c.id_number, /\*/, 'the other school\'s ID number is masked');
  assert.doesNotMatch(a.id_number, /\*/);
});

test('issue 11.8 R26 R27 R28: a school opens only its own evidence; the members\' county bureaus and the arbiter open every side\'s', async () => {
  const { evA, evC, ca, cc } = await caseAwaitingArbitration();
  // R26: the other school's evidence is not the school's to see (404: it does not learn it exists)
  assert.equal((await download(ca, evC.id)).status, 404);
  assertError(await ca.get(`/api/v1/evidence/${evC.id}/meta`), 404, 'not_found');
  assert.equal((await download(cc, evA.id)).status, 404);
  assert.equal((await download(ca, evA.id)).status, 200, 'its own file');
  // R27: each member's county bureau sees both sides' evidence (the case it reviews)
  for (const county of [COUNTY[130102], COUNTY[130202]]) {
    const k = await login(county);
    for (const ev of [evA, evC]) assert.equal((await download(k, ev.id)).status, 200, `${county} evidence ${ev.id}`);
  }
  // R28: the arbiter (河北) too
  const arb = await login('prov_13');
  for (const ev of [evA, evC]) assert.equal((await download(arb, ev.id)).status, 200);
  // a county bureau with no member in the case sees neither
  const other = await login(COUNTY[130104]);
  for (const ev of [evA, evC]) assert.equal((await download(other, ev.id)).status, 404);
});

test('issue 11.8: the reuse check counts only groups and uploads inside the caller\'s jurisdiction', async () => {
  // the same bytes cited by school c in this case and uploaded by school d (山东) elsewhere
  const { g, evC, cc } = await caseAwaitingArbitration();
  const data = Buffer.from(await (await download(cc, evC.id)).buf);
  const cd = await login(CLERK.d);
  const evD = await uploadJpeg(cd, data, 'copy.jpg');
  assert.equal(evD.sha256, evC.sha256);
  const g2 = makeGroup({ type: 'id_dup', members: [{ school: S.d }, { school: S.e }] });
  await ok(cd, g2.members[0].id, 'submit_corroborate', { opinion: '山东学校', evidence_ids: [evD.id] });
  // school c: its own file, cited in its own case only; nothing of 山东's copy
  const mc = (await cc.get(`/api/v1/evidence/${evC.id}/meta?group_id=${g.id}`)).body;
  assert.deepEqual(mc.reuse, { cited_elsewhere: false, groups_total: 0, groups: [], truncated: false, uploads_total: 1, other_schools: 0 });
  // school d: likewise nothing of 河北's
  const md = (await cd.get(`/api/v1/evidence/${evD.id}/meta?group_id=${g2.id}`)).body;
  assert.deepEqual(md.reuse, { cited_elsewhere: false, groups_total: 0, groups: [], truncated: false, uploads_total: 1, other_schools: 0 });
  // the ministry covers both: it is told, with the group ids
  const min = await login('ministry');
  const mm = (await min.get(`/api/v1/evidence/${evD.id}/meta?group_id=${g2.id}`)).body;
  assert.deepEqual(mm.reuse, { cited_elsewhere: true, groups_total: 1, groups: [g.id], truncated: false, uploads_total: 2, other_schools: 1 });
});

test('issue 11.16 R23: a JPEG over 40 Mpx is stored but never served inline; its metadata says so; a small one previews', async () => {
  const ca = await login(CLERK.a);
  const rules = (await http('GET', '/api/v1/rules')).body;
  assert.equal(rules.limits.jpeg_preview_pixels, 40000000);
  const big = await uploadJpeg(ca, claimSize(uniqueJpeg(), 8000, 6000), 'huge.jpg');
  const mb = (await ca.get(`/api/v1/evidence/${big.id}/meta`)).body;
  assert.deepEqual([mb.width, mb.height, mb.preview], [8000, 6000, false]);
  const d = await download(ca, big.id, '?inline=1');
  assert.equal(d.status, 200);
  assert.match(d.headers.get('content-disposition'), /^attachment;/, 'never inline');
  const small = await uploadJpeg(ca, uniqueJpeg(), 'small.jpg');
  const ms = (await ca.get(`/api/v1/evidence/${small.id}/meta`)).body;
  assert.equal(ms.preview, true);
  assert.ok(ms.width > 0 && ms.height > 0);
  assert.match((await download(ca, small.id, '?inline=1')).headers.get('content-disposition'), /^inline;/);
  // exactly at the limit still previews
  const edge = await uploadJpeg(ca, claimSize(uniqueJpeg(), 8000, 5000), 'edge.jpg');
  assert.equal((await ca.get(`/api/v1/evidence/${edge.id}/meta`)).body.preview, true);
});

test('issue 11.16 R23: a phone camera\'s multi-image JPEG (preview / gain map after the first EOI) is accepted; a second image that is no JPEG is refused and nothing stored', async () => {
  const ca = await login(CLERK.a);
  const primary = uniqueJpeg(fixture('ok-plasma.jpg')), preview = fixture('ok-baseline.jpg'), gain = fixture('ok-progressive-gray.jpg');
  const ev = await uploadJpeg(ca, Buffer.concat([primary, preview, gain]), 'IMG_0001.jpg');
  assert.equal(ev.kind, 'jpeg');
  const before = snapshot();
  const broken = Buffer.concat([uniqueJpeg(fixture('ok-plasma.jpg')), preview.subarray(0, preview.length - 40)]);
  const r = await upload(ca, [{ filename: 'IMG_0002.jpg', type: 'image/jpeg', data: broken }]);
  assertError(r, 422, 'evidence_type_refused');
  assertNothingStored(before);
});
