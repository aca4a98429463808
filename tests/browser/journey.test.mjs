// journey.test.mjs: issue 7 proof against the real modules: each role's main journey across separate browser contexts
// (schools submit → their bureaus review → the common superior arbitrates → both schools see the outcome, R16–R20, R26–R28),
// the import flow with a real GB18030 CSV and a real XLSX, an accepted and a refused upload (R23), screenshots.
// Nothing here skips itself: a journey that cannot run fails (issue 10 item 10).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, BASE, SHOTS } from '../lib/browser.mjs';
import { signIn, watchErrors } from '../lib/web.mjs';
import { xlsx } from '../lib/web-xlsx.mjs';
import { Client, ROOT, sql } from '../lib/api.mjs';
import { checkChar } from '../../web/js/idcheck.js';

const FIX = join(ROOT, 'tests/fixtures/evidence');
import * as wf from '../lib/workflow.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** A fresh, valid resident ID number (R8) born 2015-03-01 in county `area`; male unless female. */
function newId(area, female = false) {
  for (;;) { // unused in this database (suites share the instance; an ID the school already holds is "unchanged")
    const seq = String(Math.floor(Math.random() * 500) * 2 + (female ? 2 : 1)).padStart(3, '0').slice(-3);
    const body = `${area}20150301${seq}`;
    const id = body + checkChar(body);
    if (sql(`SELECT COUNT(*) FROM student WHERE id_number = '${id}'`)[0][0] === '0') return id;
  }
}
const uniqueName = () => '测' + String.fromCharCode(0x4e00 + Math.floor(Math.random() * 0x4000)) + String.fromCharCode(0x4e00 + Math.floor(Math.random() * 0x4000));

/** A signed-in page in its own browser context (one per user: separate cookies). */
async function as(user) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await signIn(page, user);
  return { ctx, page, errors };
}

/** Open the group of the record named `name` from the user's problem list. */
async function openGroupOf(page, name) {
  await page.goto(BASE + '/#/problems');
  const row = page.locator('[data-group-row]', { hasText: name }).first();
  await row.waitFor({ timeout: 10000 });
  await row.locator('[data-group-link]').click();
  await page.waitForSelector('[data-compare]');
}

/** The member id of the record of `school` (its name) on the open group page. */
async function memberOf(page, school) {
  return page.$$eval('[data-member]', (els, s) => els.find((e) => e.querySelector('h3')?.textContent.includes(s))?.dataset.member, school);
}

/** The school corroborates member m on the open group page; `refuse` first tries a file the server must refuse (R23). */
async function corroborate(page, m, opinion, files, refuse) {
  await page.click(`[data-member-actions="${m}"] [data-action="submit_corroborate"]`);
  await page.fill(`[data-member-actions="${m}"] textarea[name=opinion]`, opinion);
  if (refuse) {
    // an Excel sheet named .doc: the browser sees the OLE2 signature and lets it go; the server (libmagic) refuses it
    await page.setInputFiles(`[data-member-actions="${m}"] [data-evidence-input]`, [join(FIX, refuse)]);
    await page.waitForSelector(`[data-file="${refuse}"] [data-verdict="ok"]`);
    await page.click(`[data-member-actions="${m}"] [data-submit-action="corroborate"]`);
    await page.waitForSelector(`[data-member-actions="${m}"] [data-form-error]:not(:empty)`);
    const refused = await page.textContent(`[data-member-actions="${m}"] [data-form-error]`);
    assert.match(refused, /bad-xls\.doc|DOC|不受支持|文件/, `refused in words: ${refused}`);
    await page.screenshot({ path: join(SHOTS, 'journey-upload-refused.png'), fullPage: true });
    await page.click(`[data-file="${refuse}"] button`);
  }
  await page.setInputFiles(`[data-member-actions="${m}"] [data-evidence-input]`, files.map((f) => join(FIX, f)));
  await page.click(`[data-member-actions="${m}"] [data-submit-action="corroborate"]`);
  await page.waitForSelector(`[data-member="${m}"] [data-evidence-link]`);
  await page.waitForFunction((id) => document.querySelector(`[data-compare] td[data-member-state]`) && !document.querySelector(`[data-member-actions="${id}"] [data-action="submit_corroborate"]`), m);
}

/** A county bureau approves member m from its review queue (R16, R18). */
async function approveFromQueue(user, m) {
  const K = await as(user);
  await K.page.click('[data-nav-item="nav.queue"]');
  await K.page.waitForSelector(`[data-queue-row="${m}"]`);
  await K.page.screenshot({ path: join(SHOTS, `journey-${user}-queue.png`), fullPage: true });
  await K.page.click(`[data-queue-link="${m}"]`);
  await K.page.waitForSelector(`[data-member="${m}"] [data-evidence-link]`);
  await K.page.click(`[data-member-actions="${m}"] [data-action="approve"]`);
  await K.page.click('[data-confirm-approve]');
  await K.page.waitForFunction((id) => !document.querySelector(`[data-member-actions="${id}"] [data-action]`), m);
  assert.deepEqual(K.errors, []);
  await K.ctx.close();
}

/** The arbitrator opens group gid from its list and upholds member m with a reason (R18, R28). */
async function arbitrate(user, gid, m, reason) {
  const B = await as(user);
  await B.page.click('[data-nav-item="nav.arbitration"]');
  await B.page.waitForSelector(`[data-arb-row="${gid}"]`);
  await B.page.screenshot({ path: join(SHOTS, `journey-${user}-arbitration-list.png`), fullPage: true });
  await B.page.click(`[data-arb-link="${gid}"]`);
  await B.page.waitForSelector('[data-arb-form]');
  await B.page.screenshot({ path: join(SHOTS, `journey-${user}-arbitration.png`), fullPage: true });
  await B.page.check(`[data-arb-pick="${m}"]`);
  await B.page.fill('#arb-reason', reason);
  await B.page.click('[data-arb-submit]');
  await B.page.click('[data-dialog-ok]');
  await B.page.waitForSelector('[data-not-waiting]');
  assert.deepEqual(B.errors, []);
  await B.ctx.close();
}

/** From two corroborations to the arbitrated outcome, seen by both schools (R16–R20, R26–R28). A and C are signed-in school pages on the group. */
async function corroborateReviewArbitrate(A, C, gid, mA, mC, openAgain) {
  await corroborate(A.page, mA, '该生在本校就读，附户口本', ['ok-baseline.jpg'], 'bad-xls.doc');
  await corroborate(C.page, mC, '该生在育才小学就读', ['ok-word97.doc']);
  await approveFromQueue('county_130102', mA);
  await approveFromQueue('county_130104', mC);
  // both approved across counties of one city: the group waits for the city's arbitration (R2, R18)
  await openAgain(A.page);
  await A.page.waitForSelector('[data-arbitration="awaiting_arbitration"]');
  assert.match(await A.page.textContent('[data-arbitration]'), /需要仲裁/);
  await arbitrate('city_1301', gid, mA, '长安区材料完整，学生实际在该校就读');
  // both schools see the outcome: A upheld, B rejected with the reason and must handle its record again (R20)
  await openAgain(A.page);
  assert.match(await A.page.textContent(`[data-member="${mA}"]`) + await A.page.textContent('[data-compare]'), /仲裁通过/);
  await openAgain(C.page);
  await C.page.waitForSelector(`[data-member="${mC}"] [data-reject-reason]`);
  assert.match(await C.page.textContent(`[data-member="${mC}"] [data-reject-reason]`), /长安区材料完整/);
  assert.ok(await C.page.locator(`[data-member-actions="${mC}"] [data-action]`).count() > 0, 'school B must handle its record again');
  await C.page.screenshot({ path: join(SHOTS, 'journey-school-b-rejected.png'), fullPage: true });
  await A.page.screenshot({ path: join(SHOTS, 'journey-school-a-upheld.png'), fullPage: true });
}

test('R16–R20, R26–R28 journey from a registration: two schools corroborate, both bureaus approve, the city arbitrates, both schools see the outcome', async () => {
  const id = newId('130102');
  const name = uniqueName();
  // school A registers the student through the form (R8 checks as it types)
  const A = await as('clerk_a');
  await A.page.click('[data-nav-item="nav.register"]');
  await A.page.fill('#reg-name', name);
  await A.page.selectOption('#reg-gender', 'M');
  await A.page.fill('#reg-idno', id);
  await A.page.waitForSelector('[data-id-hint].ok');
  await A.page.click('[data-register-form] button[type=submit]');
  await A.page.waitForSelector('[data-registered]');
  // school B (桥西区, another county of the same city) registers the same ID: an ID duplicate across counties (R7, R9, R18)
  const b = await Client.login('clerk_b');
  const r = await b.post('/api/v1/students', { name, gender: 'M', birth_date: '2015-03-01', id_type: '1', id_number: id });
  assert.ok(r.status === 201 || r.status === 200, r.text);
  await openGroupOf(A.page, name);
  const gid = Number(await A.page.getAttribute('[data-group]', 'data-group'));
  const mA = await memberOf(A.page, '第一实验小学');
  const C = await as('clerk_b');
  await openGroupOf(C.page, name);
  const mC = await memberOf(C.page, '育才小学');
  await corroborateReviewArbitrate(A, C, gid, mA, mC, (page) => openGroupOf(page, name));
  for (const x of [A, C]) { assert.deepEqual(x.errors, []); await x.ctx.close(); }
});

test('R16–R20, R26–R28 journey on a detected group (workflow fixtures): corroborate with a refused and an accepted upload, review, arbitrate, outcome', async () => {
  wf.ensureUsers();
  const g = wf.makeGroup({ type: 'id_dup', members: [{ school: wf.SCHOOLS.a }, { school: wf.SCHOOLS.b }] });
  const [mA, mC] = g.members.map((m) => m.id);
  const open = async (page) => { await page.goto(`${BASE}/#/groups/${g.id}`); await page.reload(); await page.waitForSelector('[data-compare]'); };
  const A = await as('clerk_a');
  await A.page.click('[data-nav-item="nav.problems"]');
  await A.page.waitForSelector(`[data-group-row="${g.id}"]`); // R26: the school's problem records list it
  await A.page.screenshot({ path: join(SHOTS, 'journey-school-a-problems.png'), fullPage: true });
  await open(A.page);
  assert.equal(await A.page.textContent('[data-arbitration]'), '等待', '是否需要仲裁: 等待 while open (R21)');
  await A.page.screenshot({ path: join(SHOTS, 'journey-school-a-group.png'), fullPage: true });
  const C = await as('clerk_b');
  await open(C.page);
  await corroborateReviewArbitrate(A, C, g.id, mA, mC, open);
  for (const x of [A, C]) { assert.deepEqual(x.errors, []); await x.ctx.close(); }
});

test('R13 deletion of a never-approved record: the clerk confirms twice, the leader confirms twice from its queue, no bureau step', async () => {
  wf.ensureUsers();
  const g = wf.makeGroup({ type: 'id_dup', members: [{ school: wf.SCHOOLS.a }, { school: wf.SCHOOLS.b }] });
  const m = g.members[0].id;
  const open = async (page) => { await page.goto(`${BASE}/#/groups/${g.id}`); await page.reload(); await page.waitForSelector('[data-compare]'); };
  const A = await as('clerk_a');
  await open(A.page);
  await A.page.click(`[data-member-actions="${m}"] [data-action="submit_delete"]`);
  assert.match(await A.page.textContent('[data-dialog] h2'), /确认删除/);
  await A.page.click('[data-dialog-ok]');
  assert.match(await A.page.textContent('[data-dialog] h2'), /再次确认/);
  await A.page.click('[data-dialog-ok]');
  await A.page.waitForSelector('[data-member-state="awaiting_leader"]');
  const L = await as('leader_a');
  await L.page.click('[data-nav-item="nav.leader"]');
  await L.page.waitForSelector(`[data-queue-row="${m}"]`);
  await L.page.screenshot({ path: join(SHOTS, 'journey-leader-queue.png'), fullPage: true });
  await L.page.click(`[data-queue-link="${m}"]`);
  await L.page.click(`[data-member-actions="${m}"] [data-action="leader_confirm"]`);
  await L.page.click('[data-dialog-ok]');
  await L.page.click('[data-dialog-ok]');
  await L.page.waitForSelector('[data-member-state="deleted"]');
  await open(A.page);
  await A.page.waitForSelector('[data-member-state="deleted"]');
  for (const x of [A, L]) { assert.deepEqual(x.errors, []); await x.ctx.close(); }
});

/** Rows for an import file from the registry's own CSV template (header, and its sample row's formats when it has one). */
async function importRows(client, people) {
  const t = await client.get('/api/v1/imports/template.csv');
  assert.equal(t.status, 200, t.text);
  const lines = t.text.replace(/^\ufeff/, '').split(/\r?\n/).filter(Boolean);
  const header = lines[0].split(',');
  const sample = lines[1] ? lines[1].split(',') : null;
  const rows = people.map((p) => header.map((hd, i) => {
    if (/姓名|name/i.test(hd)) return p.name;
    if (/性别|gender/i.test(hd)) return sample && /^[MF]$/.test(sample[i]) ? 'M' : '男';
    if (/出生|birth/i.test(hd)) return p.birth || '2015-03-01';
    if (/学校|school/i.test(hd)) return client.user?.unit?.code || '1301020001';
    if (/类型|type/i.test(hd)) return sample && /居民/.test(sample[i]) ? '居民身份证' : '1';
    if (/证件号|身份证|id_number/i.test(hd)) return p.id;
    return sample ? sample[i] : '';
  }));
  return [header, ...rows];
}

test('import: a real GB18030 CSV and a real XLSX: dry run with row numbers, commit with progress, failed rows', async () => {
  const client = await Client.login('clerk_a');
  const A = await as('clerk_a');
  for (const kind of ['csv', 'xlsx']) {
    const good = { name: uniqueName(), id: newId('130102') };
    const bad = { name: uniqueName(), id: newId('130102'), birth: '2015-13-01' }; // no such date: refused (a malformed ID would only warn, R8.2)
    const table = await importRows(client, [good, bad]);
    let buffer, file;
    if (kind === 'csv') {
      const utf8 = table.map((r) => r.join(',')).join('\r\n') + '\r\n';
      buffer = execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030'], { input: utf8 });
      assert.notDeepEqual(buffer, Buffer.from(utf8), 'really GB18030');
      file = { name: 'students-gb18030.csv', mimeType: 'text/csv', buffer };
    } else {
      buffer = xlsx(table);
      file = { name: 'students.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer };
    }
    await A.page.goto(BASE + '/#/import');
    await A.page.waitForSelector('[data-import-form]');
    await A.page.setInputFiles('[data-import-file]', file);
    await A.page.click('[data-dry-run]');
    await A.page.waitForSelector('[data-summary]', { timeout: 20000 });
    assert.match(await A.page.textContent('[data-summary]'), /共 2 行：1 行可以导入，1 行有错误/, kind);
    assert.deepEqual(await A.page.$$eval('[data-error-row]', (r) => [...new Set(r.map((x) => x.dataset.errorRow))]), ['3'], 'row number as in the file (header is row 1)');
    await A.page.screenshot({ path: join(SHOTS, `import-${kind}-dry-run.png`), fullPage: true });
    await A.page.click('[data-commit]');
    await A.page.waitForSelector('[data-import-done]', { timeout: 60000 });
    const href = await A.page.getAttribute('[data-failed-csv]', 'href');
    assert.match(href, /^\/api\/v1\/imports\/[^/]+\/failed\.csv$/);
    const failed = await client.get(href);
    assert.equal(failed.status, 200);
    const s = await client.get('/api/v1/students?q=' + encodeURIComponent(good.name));
    assert.ok(JSON.stringify(s.body).includes(good.name), `${kind}: the good row was imported: ${s.status} ${JSON.stringify(s.body).slice(0, 600)} (${good.name})`);
  }
  assert.deepEqual(A.errors, []);
  await A.ctx.close();
});

test('R27 statistics with charts, R24 overdue, every dashboard on the real service without an error; screenshots', async () => {
  // something in every queue: a group with members waiting at each step
  wf.ensureUsers();
  wf.makeGroup({ type: 'id_dup', members: [{ school: wf.SCHOOLS.a }, { school: wf.SCHOOLS.b, state: 'awaiting_review', dueDate: '2020-01-02' }] });
  for (const [user, pages] of [['clerk_a', ['#/', '#/problems', '#/students', '#/help']], ['county_130104', ['#/', '#/queue', '#/registrations', '#/stats', '#/overdue']],
    ['city_1301', ['#/', '#/arbitration', '#/stats', '#/overdue']], ['leader_a', ['#/', '#/queue']], ['admin_13', ['#/', '#/users', '#/credentials']]]) {
    const U = await as(user);
    for (const hash of pages) {
      await U.page.goto(BASE + '/' + hash);
      await U.page.reload();
      await U.page.waitForSelector('main h1');
      if (hash === '#/stats') await U.page.waitForSelector('[data-stats][data-charts-ready]', { timeout: 15000 });
      else await U.page.waitForLoadState('networkidle');
      await U.page.screenshot({ path: join(SHOTS, `real-${user}-${hash.replace(/[#/]/g, '') || 'home'}.png`), fullPage: true });
      assert.equal(await U.page.locator('[data-flash].error:not([hidden])').count(), 0, `${user} ${hash}: ${await U.page.textContent('[data-flash]')}`);
    }
    assert.deepEqual(U.errors, []);
    await U.ctx.close();
  }
});
