// whole-case.test.mjs: issue 11 items 8 and 16 in the browser against the real service, each user in its own context:
// reviewers and arbitrators see the whole case (R26-R28): the bureaus' approval opinions, each side labelled from the
// viewer's side, enrolment date, grade and class, evidence images that open full size, the reuse warning linking the
// other groups of the viewer's jurisdiction; a school sees the other school's record as short facts only, without its
// evidence; a JPEG over 40 Mpx is offered as a download and never decoded inline. Screenshots: $XJ_VARDIR/screenshots/case-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchBrowser, BASE, SHOTS } from '../lib/browser.mjs';
import { userPage } from '../lib/web.mjs';
import { sql } from '../lib/api.mjs';
import { SCHOOLS as S, CLERK, COUNTY, makeGroup } from '../lib/workflow.mjs';
import { uniqueJpeg } from '../lib/evidence.mjs';
import { claimSize, caseAwaitingArbitration } from '../lib/case.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const as = (user, opts) => userPage(browser, user, opts);

const shot = (page, name) => page.screenshot({ path: join(SHOTS, `case-${name}.png`), fullPage: true });


test('issue 11.8 R28: the arbitrator reads both bureaus\' approval opinions beside each side\'s evidence; images open full size', async () => {
  const { g, A, C, evA, evC } = await caseAwaitingArbitration();
  const P = await as('prov_13');
  await P.page.goto(`${BASE}/#/arbitration/${g.id}`);
  await P.page.waitForSelector('[data-arb-form]');
  assert.match(await P.page.textContent(`[data-review-opinion="${A.id}"]`), /主管部门核办意见：长安区核实：学籍卡与考勤记录一致/);
  assert.match(await P.page.textContent(`[data-review-opinion="${C.id}"]`), /路南区核实：家长提供了租房合同/);
  assert.match(await P.page.textContent(`[data-school-opinion="${A.id}"]`), /长安学校：学生在本校三年级就读/);
  for (const ev of [evA, evC]) await P.page.waitForSelector(`[data-evidence-preview="${ev.id}"]`);
  // the bureau's side labels are the schools' names, not "本校"
  const heads = await P.page.$$eval('[data-compare] thead [data-side]', (els) => els.map((e) => e.textContent));
  assert.equal(heads.length, 2);
  assert.ok(heads.every((x) => x !== '本校' && x !== '其他学校' && x.length > 0), heads.join());
  // enrolment date, grade and class decide where the child studies
  assert.match(await P.page.textContent('[data-fact="grade"]'), /三年级.*二年级/);
  assert.match(await P.page.textContent('[data-fact="class_name"]'), /2班.*5班/);
  assert.match(await P.page.textContent('[data-fact="enrol_date"]'), /2021-09-01.*2022-09-01/);
  await shot(P.page, '08-arbitrator');
  // a click on the image opens it full size in a new tab
  const [full] = await Promise.all([P.ctx.waitForEvent('page'), P.page.click(`[data-evidence-preview="${evA.id}"]`)]);
  await full.waitForLoadState();
  assert.equal(new URL(full.url()).pathname + new URL(full.url()).search, `/api/v1/evidence/${evA.id}?inline=1`);
  const natural = await full.evaluate(() => document.querySelector('img')?.naturalWidth || 0);
  assert.ok(natural > 0, 'the full image is shown');
  await full.close();
  assert.deepEqual(P.errors, []);
  assert.deepEqual(P.http, []);
  await P.ctx.close();
});

test('issue 11.8 R26 R27: the school sees "本校" and the other school as short facts without its evidence; the county sees both sides\' evidence and the reuse warning links the other group', async () => {
  const { g, g2, A, C, evA, evC } = await caseAwaitingArbitration({ reuse: true });
  const Sa = await as(CLERK.a);
  await Sa.page.goto(`${BASE}/#/groups/${g.id}`);
  await Sa.page.waitForSelector('[data-compare]');
  await Sa.page.waitForSelector(`[data-evidence-preview="${evA.id}"]`);
  const heads = await Sa.page.$$eval('[data-compare] thead [data-side]', (els) => els.map((e) => e.textContent));
  assert.deepEqual(heads, ['本校', '其他学校']);
  assert.equal(await Sa.page.locator(`[data-member="${C.id}"] [data-evidence-id]`).count(), 0, 'no evidence of the other school');
  assert.match(await Sa.page.textContent(`[data-evidence-hidden="${C.id}"]`), /其他学校的证明材料/);
  assert.match(await Sa.page.textContent('[data-fact="grade"]'), /三年级.*二年级/);
  // its own file cited again in its own other group: linked (inside its jurisdiction)
  await Sa.page.waitForSelector(`[data-evidence-reuse="${evA.id}"] [data-reuse-group="${g2.id}"]`);
  await shot(Sa.page, '08-school-side');
  assert.deepEqual(Sa.errors, []);
  assert.deepEqual(Sa.http, [], 'the school page asks for nothing it may not see');
  await Sa.ctx.close();

  const K = await as(COUNTY[130102]);
  await K.page.goto(`${BASE}/#/groups/${g.id}`);
  await K.page.waitForSelector(`[data-evidence-preview="${evA.id}"]`);
  await K.page.waitForSelector(`[data-evidence-preview="${evC.id}"]`);
  const kheads = await K.page.$$eval('[data-compare] thead [data-side]', (els) => els.map((e) => e.textContent));
  assert.ok(!kheads.includes('本校'), kheads.join());
  assert.match(await K.page.textContent(`[data-review-opinion="${A.id}"]`), /长安区核实/);
  await K.page.waitForSelector(`[data-evidence-reuse="${evA.id}"]`);
  assert.match(await K.page.textContent(`[data-evidence-reuse="${evA.id}"]`), /其他 1 个问题学籍组/);
  // the history keeps every opinion (R25), and says what the group did in words, not codes
  const hist = await K.page.textContent('[data-history]');
  assert.match(hist, /意见：长安区核实：学籍卡与考勤记录一致/);
  assert.match(hist, /意见：长安学校：学生在本校三年级就读/);
  assert.match(hist, /提交共同上级仲裁 → 需要仲裁/);
  assert.doesNotMatch(hist, /group_awaiting_arbitration|awaiting_arbitration/);
  await shot(K.page, '08-county-reuse');
  await K.page.click(`[data-evidence-reuse="${evA.id}"] [data-reuse-group="${g2.id}"]`);
  await K.page.waitForSelector(`[data-group="${g2.id}"]`);
  assert.deepEqual(K.errors, []);
  assert.deepEqual(K.http, []);
  await K.ctx.close();
});

test('issue 11.16 R23: a 48 Mpx JPEG uploaded through the form is offered as a download and never decoded inline; a small one previews', async () => {
  const g = makeGroup({ type: 'id_dup', members: [{ school: S.a }, { school: S.b }] });
  const m = g.members[0].id;
  const A = await as(CLERK.a);
  const inline = [];
  A.page.on('request', (r) => { if (/[?&]inline=1/.test(r.url())) inline.push(new URL(r.url()).pathname); });
  await A.page.goto(`${BASE}/#/groups/${g.id}`);
  await A.page.waitForSelector(`[data-member-actions="${m}"] [data-action="submit_corroborate"]`);
  await A.page.click(`[data-member-actions="${m}"] [data-action="submit_corroborate"]`);
  await A.page.fill(`[data-member-actions="${m}"] textarea[name=opinion]`, '学生在本校就读，附户口本照片');
  await A.page.setInputFiles(`[data-member-actions="${m}"] [data-evidence-input]`, [
    { name: '户口本全页.jpg', mimeType: 'image/jpeg', buffer: claimSize(uniqueJpeg(), 8000, 6000) },
    { name: '在读证明.jpg', mimeType: 'image/jpeg', buffer: uniqueJpeg() },
  ]);
  await A.page.waitForSelector('[data-file="在读证明.jpg"] [data-verdict="ok"]');
  await A.page.click(`[data-member-actions="${m}"] [data-submit-action="corroborate"]`);
  await A.page.waitForSelector(`[data-member="${m}"] [data-evidence-no-preview]`);
  const ids = sql(`SELECT e.id, e.orig_name FROM evidence e WHERE e.id IN (SELECT j.id FROM history h, JSON_TABLE(CONCAT('[', h.evidence_ids, ']'), '$[*]' COLUMNS (id BIGINT PATH '$')) j WHERE h.member_id = ${m})`);
  const big = ids.find((r) => r[1] === '户口本全页.jpg')[0], small = ids.find((r) => r[1] === '在读证明.jpg')[0];
  assert.match(await A.page.textContent(`[data-evidence-no-preview="${big}"]`), /图片过大（8000×6000 像素）.*请下载后查看/);
  assert.equal(await A.page.locator(`[data-evidence-preview="${big}"]`).count(), 0, 'no <img> for the large one');
  assert.equal(await A.page.getAttribute(`[data-evidence-id="${big}"] [data-evidence-link]`, 'href'), `/api/v1/evidence/${big}`);
  await A.page.waitForSelector(`[data-evidence-preview="${small}"]`);
  assert.ok(!inline.includes(`/api/v1/evidence/${big}`), 'the browser never asked for the large image inline');
  await shot(A.page, '16-large-jpeg-download');
  assert.deepEqual(A.errors, []);
  assert.deepEqual(A.http, []);
  await A.ctx.close();
});
