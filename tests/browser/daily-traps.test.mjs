// daily-traps.test.mjs: traps of daily work in the browser against the real service (R26–R28), one test per trap, each
// user in its own browser context: a download the service refuses says why instead of saving its JSON error as the
// file; a merger's target is found among all the schools of the county; the problem list's due date and "rejected"
// badge show what the service holds; a batch approval says who was not approved and why; the queue's filter chips keep
// the search; the group page's forms send once. Screenshots: $XJ_VARDIR/screenshots/traps-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, BASE, SHOTS } from '../lib/browser.mjs';
import { signIn, watchErrors } from '../lib/web.mjs';
import { ROOT, sql, sqlCount, Client } from '../lib/api.mjs';
import * as reg from '../lib/registry.mjs';
import { newIdNumber, makeGroup, SCHOOLS as S } from '../lib/workflow.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** A signed-in page in its own browser context (one per user: separate cookies); downloads counted. */
async function as(user, { lang = 'zh' } = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
  if (lang === 'en') await ctx.addInitScript(() => localStorage.setItem('xj.lang', 'en'));
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  const downloads = [];
  page.on('download', (d) => downloads.push(d));
  await signIn(page, user);
  return { ctx, page, errors, downloads };
}

const shot = (page, name) => page.screenshot({ path: join(SHOTS, `traps-${name}.png`), fullPage: true });

/** Import a file of one good and one bad row through the import page; returns the import job's id. */
async function importWithFailedRow(page) {
  const good = reg.record(reg.SCHOOLS.a), bad = reg.record(reg.SCHOOLS.a, { birth_date: '2015-02-30' });
  await page.goto(`${BASE}/#/import`);
  await page.waitForSelector('[data-import-form]');
  await page.setInputFiles('[data-import-file]', { name: 'students.csv', mimeType: 'text/csv', buffer: Buffer.from(reg.csv([good, bad])) });
  await page.click('[data-dry-run]');
  await page.waitForSelector('[data-commit]', { timeout: 30000 });
  await page.click('[data-commit]');
  await page.waitForSelector('[data-failed-csv]', { timeout: 30000 });
  return (await page.getAttribute('[data-failed-csv]', 'href')).match(/imports\/(\d+)\/failed/)[1];
}

test('R26: a failed-rows file the service refuses (409, its issues incomplete) is said beside the link and nothing is saved; once it is whole it is saved under the server\'s name', async () => {
  const A = await as('clerk_a');
  const id = await importWithFailedRow(A.page);
  // the job counts more failed rows than it kept issues for: the service refuses an incomplete file (409)
  sql(`UPDATE import_job SET rows_error = rows_error + 1 WHERE id = ${id}`);
  await A.page.click('[data-failed-csv]');
  await A.page.waitForSelector('[data-download-error]');
  assert.match(await A.page.textContent('[data-download-error]'), /失败行文件会不完整，因此不提供/);
  assert.equal(await A.page.getAttribute('[data-download-error]', 'data-download-error'), 'conflict');
  assert.equal(A.downloads.length, 0, 'the JSON error is not saved as a file');
  await shot(A.page, 'failed-csv-refused');
  // whole again: the click saves the CSV under the name the server gives
  sql(`UPDATE import_job SET rows_error = rows_error - 1 WHERE id = ${id}`);
  const [dl] = await Promise.all([A.page.waitForEvent('download'), A.page.click('[data-failed-csv]')]);
  assert.equal(dl.suggestedFilename(), `import-${id}-failed.csv`);
  assert.match(readFileSync(await dl.path(), 'utf8'), /错误信息/);
  assert.equal(await A.page.locator('[data-download-error]').count(), 0, 'the refusal is no longer said');
  assert.deepEqual(A.errors, []);
  await A.ctx.close();
});

test('R26: the same refusal in English says the service\'s English message; a template is saved under the server\'s own (UTF-8) name', async () => {
  const A = await as('clerk_a', { lang: 'en' });
  const id = await importWithFailedRow(A.page);
  sql(`UPDATE import_job SET rows_error = rows_error + 1 WHERE id = ${id}`);
  await A.page.click('[data-failed-csv]');
  await A.page.waitForSelector('[data-download-error]');
  const said = await A.page.textContent('[data-download-error]');
  assert.match(said, /a failed-rows file would be incomplete/);
  assert.doesNotMatch(said, /[\u3400-\u9fff]/);
  assert.equal(A.downloads.length, 0);
  const [dl] = await Promise.all([A.page.waitForEvent('download'), A.page.click('[data-template-csv]')]);
  assert.equal(dl.suggestedFilename(), '学生导入模板.csv');
  assert.match(readFileSync(await dl.path(), 'utf8'), /监护人姓名/);
  assert.deepEqual(A.errors, []);
  await A.ctx.close();
});

test('issue 16.2 R30: the merger\'s target is found among all the schools of the county, not only those of the list\'s page', async () => {
  // 井陉县 130121: no other suite keeps schools there; its bureau gets 52 schools, the target opened last (past the
  // list's first page of 50 and past the dialog's first page)
  const county = '130121';
  const hash = sql("SELECT password_hash FROM app_user WHERE username = 'clerk_a'")[0][0];
  sql(`INSERT IGNORE INTO app_user (username, display_name, role, unit_id, password_hash) VALUES ('county_${county}', '井陉县教育局', 'county', ${county}, '${hash}')`);
  const api = await Client.login(`county_${county}`);
  let n = 0;
  const open = async (name) => {
    for (;;) {
      const code = `${county}${String(1000 + ++n).padStart(4, '0')}`;
      if (sqlCount(`SELECT COUNT(*) FROM unit WHERE code = '${code}'`)) continue;
      const r = await api.post('/api/v1/schools', { code, county_code: county, name, type: '211' });
      assert.equal(r.status, 201, r.text);
      return r.body;
    }
  };
  const from = await open('陷阱并入前小学');
  for (let i = 0; i < 50; i++) await open(`陷阱填充小学${i}`);
  const into = await open('陷阱远处目标小学');
  const clerk = `clerk_${from.code}`;
  sql(`INSERT INTO app_user (username, display_name, role, unit_id, password_hash) VALUES ('${clerk}', '${clerk}', 'school_clerk', ${from.id}, '${hash}')`);
  const r = await (await Client.login(clerk)).post('/api/v1/students', reg.record({ code: from.code }));
  assert.equal(r.status, 201, r.text);

  const K = await as(`county_${county}`);
  await K.page.click('nav a[href="#/schools"]');
  await K.page.click(`[data-merge-school="${from.code}"]`);
  await K.page.waitForSelector('[data-dialog-ok]');
  const offered = () => K.page.$$eval('#sch-merge-into option', (os) => os.map((o) => o.value));
  assert.equal((await offered()).length, 49, 'the first page of the county\'s schools (50), less the school itself');
  assert.ok(!(await offered()).includes(String(into.id)), 'the target is not on the first page');
  assert.ok(!(await offered()).includes(String(from.id)), 'never the school itself');
  // "more" reads the next page of the county's schools
  await K.page.click('[data-merge-more]');
  await K.page.waitForFunction((id) => !!document.querySelector(`#sch-merge-into option[value="${id}"]`), into.id);
  // a search by name finds it at once
  await K.page.fill('#sch-merge-q', '远处目标');
  await K.page.press('#sch-merge-q', 'Enter');
  await K.page.waitForFunction(() => document.querySelectorAll('#sch-merge-into option').length === 1);
  assert.deepEqual(await offered(), [String(into.id)]);
  assert.equal(await K.page.locator('[data-dialog]').count(), 1, 'searching keeps the dialog open');
  await K.page.selectOption('#sch-merge-into', String(into.id));
  await shot(K.page, 'merge-search');
  await K.page.click('[data-dialog-ok]');
  // the second confirmation names both schools
  await K.page.waitForFunction(() => /确认将.*转入/.test(document.querySelector('#dlg-title')?.textContent || ''));
  await K.page.click('[data-dialog-ok]');
  await K.page.waitForFunction(() => /1 条学籍/.test(document.querySelector('[data-flash]')?.textContent || ''));
  assert.match(await K.page.textContent('[data-flash]'), /陷阱远处目标小学/);
  assert.equal(sqlCount(`SELECT COUNT(*) FROM student WHERE school_id = ${into.id}`), 1, 'the record moved');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM student WHERE school_id = ${from.id}`), 0);
  assert.deepEqual(K.errors, []);
  await K.ctx.close();
});

/** A resident ID number of county 130102 with a wrong check character (R8.2): registering it opens an ID-error group. */
function badCheck(birth, gender) {
  const good = newIdNumber('130102', birth, gender);
  return good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
}

test('R24 R20: the problem list shows each record\'s due date (overdue marked) and the "rejected" badge the service holds', async () => {
  const mk = async (birth) => {
    const out = await reg.register('clerk_a', reg.record(reg.SCHOOLS.a, { birth_date: birth, gender: 'F', id_number: badCheck(birth, 'F') }));
    const gid = out.problems.find((p) => p.type === 'id_error').group_id;
    return { gid, m: Number(sql(`SELECT m.id FROM group_member m WHERE m.group_id = ${gid}`)[0][0]) };
  };
  const late = await mk('2012-05-02'), rejected = await mk('2012-05-03'), plain = await mk('2012-05-04');
  sql(`UPDATE group_member SET due_date = '2020-01-02' WHERE id = ${late.m}`);
  sql(`UPDATE group_member SET reject_reason = '证明材料看不清，请重新上传' WHERE id = ${rejected.m}`);
  const plainDue = sql(`SELECT DATE_FORMAT(due_date, '%Y-%m-%d') FROM group_member WHERE id = ${plain.m}`)[0][0];
  assert.match(plainDue, /^\d{4}-\d{2}-\d{2}$/, 'a pending member has a due date');
  const A = await as('clerk_a');
  await A.page.goto(`${BASE}/#/problems`);
  await A.page.waitForSelector(`[data-group-row="${plain.gid}"]`);
  const row = (g) => `[data-group-row="${g.gid}"]`;
  assert.equal(await A.page.getAttribute(`${row(late)} [data-due]`, 'data-due'), '2020-01-02');
  assert.match(await A.page.textContent(`${row(late)} [data-due]`), /2020-01-02 · 已超期/);
  assert.equal(await A.page.locator(`${row(late)} [data-rejected]`).count(), 0);
  assert.equal(await A.page.textContent(`${row(rejected)} [data-rejected]`), '被驳回');
  assert.equal(await A.page.getAttribute(`${row(plain)} [data-due]`, 'data-due'), plainDue);
  assert.equal(await A.page.locator(`${row(plain)} [data-overdue]`).count(), 0, 'not overdue');
  assert.equal(await A.page.locator(`${row(plain)} [data-rejected]`).count(), 0);
  await shot(A.page, 'problems-due-rejected');
  // the filters and the badges agree: "rejected" lists the row with the badge
  await A.page.goto(`${BASE}/#/problems?rejected=1`);
  await A.page.waitForSelector(`${row(rejected)} [data-rejected]`);
  // (this test's rows: other suites' groups may be listed because another member of the school's is rejected)
  assert.equal(await A.page.locator(`${row(late)}, ${row(plain)}`).count(), 0, 'the rows not rejected are not listed');
  assert.deepEqual(A.errors, []);
  await A.ctx.close();
});

test('R6: a batch approval says how many were approved and names each one not approved with the service\'s reason', async () => {
  // 行唐县 130125, a county of its own: its bureau sees only this test's registrations
  const county = '130125';
  const hash = sql("SELECT password_hash FROM app_user WHERE username = 'clerk_a'")[0][0];
  sql(`INSERT IGNORE INTO app_user (username, display_name, role, unit_id, password_hash) VALUES ('county_${county}', '行唐县教育局', 'county', ${county}, '${hash}')`);
  const bureau = await Client.login(`county_${county}`);
  const school = (await bureau.post('/api/v1/schools', { code: `${county}0001`, county_code: county, name: '陷阱审核小学', type: '211' })).body;
  const clerk = `clerk_${school.code}`;
  sql(`INSERT INTO app_user (username, display_name, role, unit_id, password_hash) VALUES ('${clerk}', '${clerk}', 'school_clerk', ${school.id}, '${hash}')`);
  const c = await Client.login(clerk);
  const one = (await c.post('/api/v1/students', reg.record({ code: school.code }))).body;
  const two = (await c.post('/api/v1/students', reg.record({ code: school.code }))).body;
  const K = await as(`county_${county}`);
  await K.page.click('nav a[href="#/registrations"]');
  await K.page.waitForSelector(`[data-reg-row="${two.student_id}"]`);
  await K.page.check('[data-select-all]');
  // meanwhile a colleague approves the first one
  assert.equal((await bureau.post('/api/v1/registrations/approve', { student_ids: [one.student_id] })).body.approved, 1);
  await K.page.click('[data-approve-batch]');
  await K.page.click('[data-dialog-ok]');
  await K.page.waitForSelector(`[data-not-approved="${one.student_id}"]`);
  assert.match(await K.page.textContent('[data-flash]'), /已审核通过 1 名学生。\s*1 名未审核通过，原因见下。/);
  const said = await K.page.textContent(`[data-not-approved="${one.student_id}"]`);
  assert.match(said, /已是正式学籍/);
  assert.ok(said.includes(one.student_no), `the record is named: ${said}`);
  assert.equal(await K.page.locator('[data-not-approved]').count(), 1, 'the approved one is not listed');
  await shot(K.page, 'registrations-not-approved');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM student WHERE id IN (${one.student_id}, ${two.student_id}) AND status = 'formal'`), 2);
  assert.deepEqual(K.errors, []);
  await K.ctx.close();
});

test('issue 13.1: the queue\'s filter chips keep the search and the other filters typed', async () => {
  const mk = async (birth, name) => {
    const out = await reg.register('clerk_a', reg.record(reg.SCHOOLS.a, { name, birth_date: birth, gender: 'M', id_number: badCheck(birth, 'M') }));
    const m = Number(sql(`SELECT m.id FROM group_member m WHERE m.group_id = ${out.problems.find((p) => p.type === 'id_error').group_id}`)[0][0]);
    sql(`UPDATE group_member SET reject_reason = '证明材料看不清，请重新上传' WHERE id = ${m}`);
    return m;
  };
  const name = reg.uniqueName();
  const sought = await mk('2012-06-02', name), other = await mk('2012-06-03', reg.uniqueName());
  const A = await as('clerk_a');
  await A.page.goto(`${BASE}/#/queue?q=${encodeURIComponent(name)}&type=id_error`);
  await A.page.waitForSelector(`[data-queue-row="${sought}"]`);
  await A.page.click('[data-queue-filter="rejected"]');
  await A.page.waitForFunction(() => /filter=rejected/.test(location.hash));
  await A.page.waitForSelector(`[data-queue-row="${sought}"]`);
  const hash = new URLSearchParams((await A.page.evaluate(() => location.hash)).split('?')[1]);
  assert.deepEqual([hash.get('q'), hash.get('type'), hash.get('filter')], [name, 'id_error', 'rejected']);
  assert.equal(await A.page.inputValue('[data-search-q]'), name, 'the search box still shows the search');
  assert.equal(await A.page.inputValue('[data-search="queue"] select[name=type]'), 'id_error');
  assert.equal(await A.page.locator(`[data-queue-row="${other}"]`).count(), 0, 'the other rejected record stays filtered out by the search');
  await shot(A.page, 'queue-chip-keeps-search');
  // "all" drops the chip's filter only
  await A.page.click('[data-queue-filter="all"]');
  await A.page.waitForFunction(() => !/filter=/.test(location.hash));
  const all = new URLSearchParams((await A.page.evaluate(() => location.hash)).split('?')[1]);
  assert.deepEqual([all.get('q'), all.get('type')], [name, 'id_error']);
  await A.page.waitForSelector(`[data-queue-row="${sought}"]`);
  assert.deepEqual(A.errors, []);
  await A.ctx.close();
});

test('issue 11.2: the registration form\'s Idempotency-Key comes from the one key maker (api.js actionKey): the page\'s prefix, sent as the key, new for each new form', async () => {
  const A = await as('clerk_a');
  const sent = [];
  A.page.on('request', (r) => { if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/students') sent.push(r.headers()['idempotency-key']); });
  const register = async () => {
    await A.page.goto(`${BASE}/#/students/new`);
    await A.page.waitForSelector('[data-register-form]');
    const key = await A.page.getAttribute('[data-register-form]', 'data-form-key');
    await A.page.fill('#reg-name', reg.uniqueName());
    await A.page.selectOption('#reg-gender', 'F');
    await A.page.fill('#reg-idno', newIdNumber('130102', '2015-07-08', 'F'));
    await A.page.waitForSelector('[data-id-hint].ok');
    await A.page.click('[data-register-form] button[type=submit]');
    await A.page.waitForSelector('[data-registered-what]');
    return key;
  };
  const first = await register();
  const after = await A.page.getAttribute('[data-register-form]', 'data-form-key');
  // actionKey's shape: <the page's random prefix>-<target>-<hash of the body>, at most 100 characters (the service's limit)
  const shape = /^([0-9a-z-]+)-reg(\d+)-[0-9a-f]+$/;
  assert.match(first, shape);
  assert.ok(first.length <= 100);
  assert.equal(sent[0], first, 'the key sent is the form\'s');
  assert.notEqual(after, first, 'a cleared form has a new key');
  assert.equal(after.match(shape)[1], first.match(shape)[1], 'made by the same maker of the same page');
  // the cleared form registers the next child with its new key
  assert.equal(await register(), after);
  assert.equal(sent[1], after);
  // another visit of the form (the same page): another form, another key of the same maker
  await A.page.click('[data-nav-item="nav.problems"]');
  await A.page.waitForSelector('[data-problems]');
  await A.page.goto(`${BASE}/#/students/new`);
  await A.page.waitForSelector('[data-register-form]');
  const third = await A.page.getAttribute('[data-register-form]', 'data-form-key');
  assert.ok(![first, after].includes(third), 'a new form instance, a new key');
  assert.equal(third.match(shape)[1], first.match(shape)[1]);
  assert.deepEqual(A.errors, []);
  await A.ctx.close();
});

test('R29 issue 11.2: a registration whose answer was lost, then edited and sent again under its key, is answered 409 idempotency_key_reused: the form says the first was saved, registers nothing twice and takes a new key', async () => {
  const A = await as('clerk_a');
  await A.page.goto(`${BASE}/#/students/new`);
  await A.page.waitForSelector('[data-register-form]');
  const key = await A.page.getAttribute('[data-register-form]', 'data-form-key');
  const name = reg.uniqueName();
  await A.page.fill('#reg-name', name);
  await A.page.selectOption('#reg-gender', 'F');
  await A.page.fill('#reg-idno', newIdNumber('130102', '2015-07-08', 'F'));
  await A.page.waitForSelector('[data-id-hint].ok');
  let posts = 0; // the first answer is lost after the service stored the record
  await A.page.route('**/api/v1/students', async (route) => {
    if (route.request().method() !== 'POST' || posts++) return route.continue();
    await route.fetch();
    return route.abort('connectionreset');
  });
  const said = (text) => A.page.waitForFunction((t) => document.querySelector('[data-register-form] [data-form-error]')?.textContent.includes(t), text);
  await A.page.click('[data-register-form] button[type=submit]');
  await said('网络中断');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM student WHERE name = '${name}'`), 1, 'the lost answer\'s record is stored');
  await A.page.fill('#reg-name', `${name}甲`); // edited: the same key with other content
  await A.page.click('[data-register-form] button[type=submit]');
  await said('上一次提交已经保存');
  assert.equal(posts, 2);
  assert.notEqual(await A.page.getAttribute('[data-register-form]', 'data-form-key'), key, 'the next submission gets a new key');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM student WHERE name LIKE '${name}%'`), 1, 'nothing registered twice');
  assert.deepEqual(A.errors, []);
  await A.ctx.close();
});

/** Count a page's POSTs to the API paths matching re. */
function countPosts(page, re) {
  const n = { count: 0 };
  page.on('request', (r) => { if (r.method() === 'POST' && re.test(new URL(r.url()).pathname)) n.count++; });
  return n;
}

test('R16 R20: on the group page a double click sends an action once: the corroboration with its evidence, the rejection with its reason', async () => {
  const g = makeGroup({ type: 'id_dup', members: [{ school: S.a }, { school: S.a2 }] });
  const m = g.members[0].id;
  const A = await as('clerk_a');
  const actions = countPosts(A.page, /^\/api\/v1\/members\/\d+\/actions$/), uploads = countPosts(A.page, /^\/api\/v1\/evidence$/);
  await A.page.goto(`${BASE}/#/groups/${g.id}`);
  await A.page.waitForSelector(`[data-member-actions="${m}"] [data-action="submit_corroborate"]`);
  await A.page.click(`[data-member-actions="${m}"] [data-action="submit_corroborate"]`);
  await A.page.fill(`[data-member-actions="${m}"] textarea[name=opinion]`, '本校在读学生，信息真实。');
  await A.page.setInputFiles(`[data-member-actions="${m}"] [data-evidence-input]`, [join(ROOT, 'tests/fixtures/evidence/ok-baseline.jpg')]);
  await A.page.dblclick(`[data-member-actions="${m}"] [data-submit-action="corroborate"]`);
  await A.page.waitForSelector(`[data-member="${m}"] [data-evidence-link]`);
  assert.equal(sql(`SELECT state FROM group_member WHERE id = ${m}`)[0][0], 'awaiting_review');
  assert.equal(actions.count, 1, 'one corroboration sent');
  assert.equal(uploads.count, 1, 'its file uploaded once');
  assert.equal(await A.page.locator('[data-form-error]:not(:empty)').count(), 0, 'no "someone else changed it" after the second click');
  const K = await as('county_130102');
  const sent = countPosts(K.page, /^\/api\/v1\/members\/\d+\/actions$/);
  await K.page.goto(`${BASE}/#/groups/${g.id}`);
  await K.page.waitForSelector(`[data-member-actions="${m}"] [data-action="reject"]`);
  await K.page.click(`[data-member-actions="${m}"] [data-action="reject"]`);
  // without a reason: said, nothing sent, the button usable again
  await K.page.click(`[data-member-actions="${m}"] button[type=submit]`);
  assert.match(await K.page.textContent(`[data-member-actions="${m}"] [data-form-error]`), /请填写原因/);
  assert.equal(await K.page.isEnabled(`[data-member-actions="${m}"] button[type=submit]`), true);
  await K.page.fill(`[data-member-actions="${m}"] textarea`, '证明材料不清晰');
  await K.page.dblclick(`[data-member-actions="${m}"] button[type=submit]`);
  await K.page.waitForSelector(`[data-member="${m}"] [data-reject-reason]`);
  assert.equal(sent.count, 1, 'one rejection sent');
  assert.equal(sql(`SELECT COUNT(*) FROM history WHERE member_id = ${m} AND action = 'reject'`)[0][0], '1');
  for (const x of [A, K]) { assert.deepEqual(x.errors, []); await x.ctx.close(); }
});
