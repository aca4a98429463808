// admin-safe.test.mjs: issue 11 item 12 in the browser against the real service: safe buttons look safe. A role change
// needs a confirmation naming the user and both roles; destructive buttons are red and name the user or credential;
// after a password reset the user row can be edited without a reload; the user screen does not scroll sideways at
// 1366 px; administrators read the security log on screen; the leader's confirmation of a deletion is red and names the
// student. Each user in its own browser context. Screenshots: $XJ_VARDIR/screenshots/admin-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { launchBrowser, BASE, SHOTS } from '../lib/browser.mjs';
import { userPage } from '../lib/web.mjs';
import { Client, sql } from '../lib/api.mjs';
import { SCHOOLS as S, makeGroup } from '../lib/workflow.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });
const shot = (page, name) => page.screenshot({ path: join(SHOTS, `admin-${name}.png`), fullPage: true });
const roleOf = (u) => sql(`SELECT role FROM app_user WHERE username = '${u}'`)[0][0];

/** A fresh school clerk at school a, created by admin_13 through the API. */
async function freshUser() {
  const admin = await Client.login('admin_13');
  const username = `adm_${randomBytes(4).toString('hex')}`;
  const unit = Number(sql(`SELECT id FROM unit WHERE code = '${S.a}'`)[0][0]);
  const r = await admin.post('/api/v1/users', { username, display_name: '测试用户', role: 'school_clerk', unit_id: unit });
  assert.equal(r.status, 201, r.text);
  return username;
}

test('issue 11.12: a role change needs a confirmation naming the user; destructive buttons are red and name the user; after a reset the row is editable without reload; no sideways scroll at 1366 px', async () => {
  const user = await freshUser();
  const A = await userPage(browser, 'admin_13');
  await A.page.goto(`${BASE}/#/users?q=${user}`);
  await A.page.waitForSelector(`[data-user-row="${user}"]`);
  // no sideways scroll at 1366 px
  const wide = await A.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(wide <= 0, `the user screen scrolls sideways by ${wide}px`);
  // a role change asks first, naming the user and both roles; cancel keeps the old role
  await A.page.selectOption(`[data-role-of="${user}"]`, 'school_leader');
  await A.page.waitForSelector('[data-dialog]');
  const q = await A.page.textContent('[data-dialog] h2');
  assert.match(q, new RegExp(`将 ${user} 的角色由“学校学籍管理员”改为“学校学籍主管领导”`));
  assert.equal(await A.page.getAttribute('[data-dialog-ok]', 'class'), 'danger');
  assert.match(await A.page.textContent('[data-dialog-ok]'), new RegExp(user));
  await shot(A.page, '12-role-confirm');
  await A.page.click('[data-dialog-cancel]');
  assert.equal(await A.page.inputValue(`[data-role-of="${user}"]`), 'school_clerk', 'cancel puts the old role back');
  assert.equal(roleOf(user), 'school_clerk');
  // destructive buttons: red, named
  for (const sel of [`[data-toggle="${user}"]`, `[data-reset="${user}"]`]) {
    assert.equal(await A.page.getAttribute(sel, 'class'), 'danger', sel);
    assert.match(await A.page.getAttribute(sel, 'aria-label'), new RegExp(user));
  }
  // reset the password, then change the role right away: no reload, no conflict
  await A.page.click(`[data-reset="${user}"]`);
  assert.match(await A.page.textContent('[data-dialog-ok]'), new RegExp(`重置 ${user} 的密码`));
  await A.page.click('[data-dialog-ok]');
  await A.page.waitForSelector('[data-once] [data-secret]');
  await A.page.selectOption(`[data-role-of="${user}"]`, 'school_leader');
  await A.page.click('[data-dialog-ok]');
  await A.page.waitForFunction(() => /已保存/.test(document.querySelector('[data-flash]')?.textContent || ''));
  assert.equal(roleOf(user), 'school_leader');
  await A.page.click(`[data-toggle="${user}"]`);
  assert.match(await A.page.textContent('[data-dialog-ok]'), new RegExp(`停用 ${user}`));
  await A.page.click('[data-dialog-ok]');
  // the row's state badge turns to 已停用 only once the list has reloaded after the saved change (the button's own
  // label "停用 …" matched before, so the check could run before the request)
  await A.page.waitForSelector(`[data-user-row="${user}"] .badge.bad`);
  assert.equal(await A.page.textContent(`[data-user-row="${user}"] .badge.bad`), '已停用');
  assert.equal(sql(`SELECT disabled FROM app_user WHERE username = '${user}'`)[0][0], '1');
  await shot(A.page, '12-users');
  assert.deepEqual(A.errors, []);
  assert.deepEqual(A.http, []);
  await A.ctx.close();
});

test('issue 11.12 R3: administrators read the security log on screen, filtered by event, in words', async () => {
  const user = await freshUser();
  const admin = await Client.login('admin_13');
  const id = sql(`SELECT id FROM app_user WHERE username = '${user}'`)[0][0];
  assert.equal((await admin.post(`/api/v1/users/${id}/password-reset`, {})).status, 200);
  const A = await userPage(browser, 'admin_13');
  await A.page.click('[data-nav-item="nav.security"]');
  await A.page.waitForSelector('[data-security-log] [data-sec-row]');
  assert.match(await A.page.textContent('[data-security-log]'), /登录成功/);
  await A.page.selectOption('#sec-event', 'password_reset');
  await A.page.waitForFunction(() => [...document.querySelectorAll('[data-sec-row]')].length > 0
    && [...document.querySelectorAll('[data-sec-row]')].every((r) => r.dataset.secEvent === 'password_reset'));
  const first = await A.page.textContent('[data-sec-row]');
  assert.match(first, /管理员重置密码/);
  assert.match(first, new RegExp(`用户 #${id}`));
  assert.match(first, /admin_13/);
  await shot(A.page, '12-security-log');
  const wide = await A.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(wide <= 0, `the security log scrolls sideways by ${wide}px`);
  assert.deepEqual(A.errors, []);
  assert.deepEqual(A.http, []);
  await A.ctx.close();
});

test('issue 11.12 R13: the leader\'s confirmation of a deletion is red and names the student twice', async () => {
  const g = makeGroup({ type: 'id_dup', members: [{ school: S.a, state: 'awaiting_leader' }, { school: S.b }] });
  const m = g.members[0].id;
  sql(`UPDATE group_member SET handling = 'delete' WHERE id = ${m}`);
  const name = sql(`SELECT name FROM student WHERE id = ${g.members[0].studentId}`)[0][0];
  const L = await userPage(browser, 'leader_a');
  await L.page.goto(`${BASE}/#/groups/${g.id}`);
  const btn = `[data-member-actions="${m}"] [data-action="leader_confirm"]`;
  await L.page.waitForSelector(btn);
  assert.equal(await L.page.getAttribute(btn, 'class'), 'danger');
  await L.page.click(btn);
  assert.match(await L.page.textContent('[data-dialog] h2'), new RegExp(`确认删除 ${name}（L\\d+）的学籍`));
  await L.page.click('[data-dialog-ok]');
  assert.match(await L.page.textContent('[data-dialog] h2'), new RegExp(`真的删除 ${name} 的学籍`));
  await L.page.click('[data-dialog-cancel]');
  assert.equal(sql(`SELECT state FROM group_member WHERE id = ${m}`)[0][0], 'awaiting_leader', 'cancelled: nothing deleted');
  assert.deepEqual(L.errors, []);
  await L.ctx.close();
});
