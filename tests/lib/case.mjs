// case.mjs: fixtures of issue 11 items 8 and 16 shared by the API and browser suites: a cross-city case awaiting
// arbitration with real JPEG evidence and the bureaus' approval opinions, and JPEGs claiming any pixel size.
import assert from 'node:assert/strict';
import { sql } from './api.mjs';
import { SCHOOLS as S, CLERK, COUNTY, login, makeGroup, ok } from './workflow.mjs';
import { upload, uniqueJpeg, fixture } from './evidence.mjs';

/** Upload one JPEG as a school's clerk through POST /api/v1/evidence; returns its evidence row. */
export async function uploadJpeg(clerk, data, filename = '在读证明.jpg') {
  const r = await upload(clerk, [{ filename, type: 'image/jpeg', data }]);
  assert.equal(r.status, 201, r.text);
  return r.body[0];
}

/** A copy of a JPEG whose first frame header claims width x height (structurally whole: accepted as evidence). */
export function claimSize(jpg, width, height) {
  const b = Buffer.from(jpg);
  for (let i = 2; i + 9 < b.length; i++) {
    if (b[i] === 0xff && b[i + 1] >= 0xc0 && b[i + 1] <= 0xc3) { b.writeUInt16BE(height, i + 5); b.writeUInt16BE(width, i + 7); return b; }
  }
  throw new Error('no frame header');
}

/**
 * A cross-city id_dup case (长安区 school a, 路南区 school c: 河北 arbitrates, R2) where both schools corroborated with a
 * real JPEG and both county bureaus approved with an opinion: it awaits arbitration. Member A studies in 三年级 2班 since
 * 2021-09-01, C in 二年级 5班 since 2022-09-01. opts.reuse: school a cites its file again in a second group (g2).
 */
export async function caseAwaitingArbitration(opts = {}) {
  const g = makeGroup({ type: 'id_dup', members: [{ school: S.a }, { school: S.c }] });
  const [A, C] = g.members;
  sql(`UPDATE student SET enrol_date = '2021-09-01', grade = '三年级', class_name = '2班' WHERE id = ${A.studentId}`);
  sql(`UPDATE student SET enrol_date = '2022-09-01', grade = '二年级', class_name = '5班' WHERE id = ${C.studentId}`);
  const ca = await login(CLERK.a), cc = await login(CLERK.c);
  const evA = await uploadJpeg(ca, uniqueJpeg(fixture('ok-plasma.jpg')));
  const evC = await uploadJpeg(cc, uniqueJpeg(fixture('ok-scan-420.jpg')));
  await ok(ca, A.id, 'submit_corroborate', { opinion: '长安学校：学生在本校三年级就读', evidence_ids: [evA.id] });
  await ok(cc, C.id, 'submit_corroborate', { opinion: '路南学校：学生在本校二年级就读', evidence_ids: [evC.id] });
  let g2 = null;
  if (opts.reuse) {
    g2 = makeGroup({ type: 'nbg_dup', members: [{ school: S.a }, { school: S.a2 }] });
    await ok(ca, g2.members[0].id, 'submit_corroborate', { opinion: '同一份证明', evidence_ids: [evA.id] });
  }
  await ok(await login(COUNTY[130102]), A.id, 'approve', { opinion: '长安区核实：学籍卡与考勤记录一致' });
  const last = await ok(await login(COUNTY[130202]), C.id, 'approve', { opinion: '路南区核实：家长提供了租房合同' });
  assert.equal(last.group.state, 'awaiting_arbitration');
  return { g, g2, A, C, evA, evC, ca, cc };
}
