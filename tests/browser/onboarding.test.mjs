// onboarding.test.mjs: issue 16 item 6: onboarding without SQL, all in the browser, on a jurisdiction nobody has set up
// (青海 63: no school, no account of it in the demo data). The ministry's administrator opens the province: its
// administrator and its bureau; the province's administrator (first sign-in: a temporary password to change) makes the
// bureau account of a county (西宁市城东区 630102), opens a school in that county and makes the school's clerk; the clerk
// signs in, changes the temporary password and registers a student, whom the county bureau then sees to approve.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchBrowser, BASE, SHOTS } from '../lib/browser.mjs';
import { signIn, watchErrors } from '../lib/web.mjs';
import { sql, sqlCount } from '../lib/api.mjs';
import { newIdNumber } from '../lib/workflow.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const PROVINCE = '630000', COUNTY = '630102';
const NEW_PASSWORD = 'Qinghai#Onboard2026';
// names of this run (a re-run on the same instance makes its own)
const run = String(process.pid % 10000).padStart(4, '0') + String(Math.floor(Math.random() * 100)).padStart(2, '0');

async function page() {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
  const p = await ctx.newPage();
  return { ctx, page: p, errors: watchErrors(p) };
}

/** As an administrator on #/users: create username (role at the unit found by its code); returns the one-time password. */
async function createUser(p, username, display, role, unitCode) {
  await p.goto(BASE + '/#/users');
  await p.waitForSelector('[data-user-form]');
  await p.fill('#nu-username', username);
  await p.fill('#nu-display', display);
  await p.selectOption('#nu-role', role);
  await p.fill('#nu-unitq', unitCode);
  await p.click('[data-unit-find]');
  await p.waitForFunction((code) => [...document.querySelectorAll('#nu-unit option')].some((o) => o.textContent.includes(`(${code})`)), unitCode);
  const value = await p.$eval('#nu-unit', (s, code) => [...s.options].find((o) => o.textContent.includes(`(${code})`)).value, unitCode);
  await p.selectOption('#nu-unit', value);
  await p.click('[data-user-form] button[type=submit]');
  await p.waitForSelector('[data-secret]');
  const secret = (await p.textContent('[data-secret]')).trim();
  assert.ok(secret.length >= 10, 'a one-time password is shown');
  return secret;
}

/** First sign-in with a temporary password: the app asks for a new one before anything else. */
async function firstSignIn(p, username, temporary) {
  await signIn(p, username, temporary, '[data-must-change]');
  await p.fill('#acct-old', temporary);
  await p.fill('#acct-new', NEW_PASSWORD);
  await p.fill('#acct-again', NEW_PASSWORD);
  await p.click('[data-account] button[type=submit]');
  await p.waitForFunction(() => /已修改|changed/.test(document.querySelector('[data-flash]')?.textContent || ''));
}

test('issue 16.6 onboarding without SQL: the ministry sets up a province, which sets up a county and a school, whose clerk registers a student', async () => {
  const admin = `admin_63_${run}`, bureau = `prov_63_${run}`, county = `county_630102_${run}`, clerk = `clerk_63_${run}`;
  let code;
  do { code = `${COUNTY}${String(Math.floor(Math.random() * 9000) + 1000)}`; } while (sqlCount(`SELECT COUNT(*) FROM unit WHERE code = '${code}'`));

  // 1. the ministry's administrator: the province's administrator and its bureau
  const M = await page();
  await signIn(M.page, 'admin');
  const adminPw = await createUser(M.page, admin, '青海省管理员', 'admin', PROVINCE);
  await createUser(M.page, bureau, '青海省教育厅', 'bureau', PROVINCE);
  await M.page.screenshot({ path: join(SHOTS, 'onboarding-1-ministry.png'), fullPage: true });

  // 2. the province's administrator: first sign-in, a county bureau account, a school, the school's clerk
  const P = await page();
  await firstSignIn(P.page, admin, adminPw);
  const countyPw = await createUser(P.page, county, '城东区教育局', 'county', COUNTY);
  await P.page.click('nav a[href="#/schools"]');
  await P.page.waitForSelector('[data-school-form]');
  await P.page.fill('#sch-code', code);
  await P.page.fill('#sch-name', '城东区新建实验小学');
  await P.page.selectOption('#sch-type', '211');
  await P.page.fill('#sch-address', '西宁市城东区八一路 1 号');
  await P.page.fill('#sch-county', COUNTY);
  await P.page.click('[data-school-form] button[type=submit]');
  await P.page.waitForSelector(`[data-school-row="${code}"]`);
  assert.match(await P.page.textContent(`[data-school-row="${code}"]`), /城东区新建实验小学.*小学.*在办/);
  const clerkPw = await createUser(P.page, clerk, '城东区新建实验小学学籍员', 'school_clerk', code);
  await P.page.screenshot({ path: join(SHOTS, 'onboarding-2-province.png'), fullPage: true });

  // 3. the clerk: first sign-in, then registers a student of the new school
  const C = await page();
  await firstSignIn(C.page, clerk, clerkPw);
  const name = '青' + String.fromCharCode(0x4e00 + Math.floor(Math.random() * 0x4000)) + String.fromCharCode(0x4e00 + Math.floor(Math.random() * 0x4000));
  const id = newIdNumber(COUNTY, '2016-09-01', 'M');
  await C.page.click('nav a[href="#/students/new"]');
  await C.page.waitForSelector('[data-register-form]');
  await C.page.fill('#reg-name', name);
  await C.page.selectOption('#reg-gender', 'M');
  await C.page.fill('#reg-idno', id);
  await C.page.waitForSelector('[data-id-hint].ok');
  await C.page.click('[data-register-form] button[type=submit]');
  await C.page.waitForSelector('[data-registered-what]');
  assert.match(await C.page.textContent('[data-registered-what]'), new RegExp(`${name}（学籍号 L${COUNTY}20160901\\d{4}）`));
  await C.page.screenshot({ path: join(SHOTS, 'onboarding-3-registered.png'), fullPage: true });
  assert.deepEqual(sql(`SELECT u.code, s.county_code, s.status FROM student s JOIN unit u ON u.id = s.school_id WHERE s.id_number = '${id}'`), [[code, COUNTY, 'pending']]);

  // 4. the county bureau (the temporary password its administrator handed over) sees the registration to approve
  const K = await page();
  await firstSignIn(K.page, county, countyPw);
  await K.page.click('nav a[href="#/registrations"]');
  const sid = sql(`SELECT id FROM student WHERE id_number = '${id}'`)[0][0];
  await K.page.waitForSelector(`[data-reg-row="${sid}"]`);
  assert.match(await K.page.textContent(`[data-reg-row="${sid}"]`), new RegExp(name));
  for (const x of [M, P, C, K]) { assert.deepEqual(x.errors, []); await x.ctx.close(); }
  // every account was made through the screens: the security log has them, by the administrators who made them
  const made = sql(`SELECT l.event, a.username FROM security_log l JOIN app_user a ON a.id = l.actor_user_id JOIN app_user t ON t.id = l.target_user_id
    WHERE t.username IN ('${admin}', '${bureau}', '${county}', '${clerk}') AND l.event = 'user_created' ORDER BY l.id`);
  assert.deepEqual(made, [['user_created', 'admin'], ['user_created', 'admin'], ['user_created', admin], ['user_created', admin]]);
  assert.equal(sqlCount(`SELECT COUNT(*) FROM security_log l JOIN unit u ON u.id = l.unit_id WHERE l.event = 'school_created' AND u.code = '${code}'`), 1);
});
