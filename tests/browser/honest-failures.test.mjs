// honest-failures.test.mjs: issue 11 item 11 in the browser against the real service: a page that fails to load replaces
// the previous page with the error (never the old page under an error line); an expired session says so, apart from a
// wrong password; two minutes before the idle timeout the app warns and offers to stay signed in, and at the end it signs
// out and says why. Each user in its own browser context. Screenshots: $XJ_VARDIR/screenshots/honest-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchBrowser, BASE, SHOTS } from '../lib/browser.mjs';
import { signIn, watchErrors, DEMO_PASSWORD } from '../lib/web.mjs';
import { sql } from '../lib/api.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

async function fresh(opts = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
  if (opts.lang === 'en') await ctx.addInitScript(() => localStorage.setItem('xj.lang', 'en'));
  const page = await ctx.newPage();
  return { ctx, page, errors: watchErrors(page) };
}
const shot = (page, name) => page.screenshot({ path: join(SHOTS, `honest-${name}.png`), fullPage: true });

/** The id of the newest live session of a user (the one this context just opened). */
const newestSession = (user) => sql(`SELECT MAX(s.id) FROM session s JOIN app_user u ON u.id = s.user_id WHERE u.username = '${user}' AND s.ended_at IS NULL`)[0][0];

test('issue 11.11: a page that fails to load replaces the previous page with the error and offers to try again', async () => {
  const { ctx, page } = await fresh();
  await signIn(page, 'county_130102');
  await page.goto(`${BASE}/#/queue`);
  await page.waitForSelector('[data-queue-row], main h1');
  const before = await page.textContent('main h1');
  // the group cannot be loaded: the service fails (500) ...
  let fail = 'server';
  await page.route('**/api/v1/groups/*', (route) => (fail === 'server'
    ? route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: '系统内部错误，请稍后重试。', message_en: 'Internal error.', field: null } }) })
    : fail === 'network' ? route.abort('connectionrefused') : route.continue()));
  await page.goto(`${BASE}/#/groups/1`);
  await page.waitForSelector('[data-load-error]');
  assert.notEqual(await page.textContent('main h1'), before);
  assert.equal(await page.textContent('main h1'), '页面没有打开');
  assert.match(await page.textContent('main'), /系统内部错误/);
  assert.equal(await page.locator('[data-queue-row]').count(), 0, 'nothing of the previous page is left');
  await shot(page, '11-load-failed');
  // ... or cannot be reached: the words say so
  fail = 'network';
  await page.click('[data-retry]');
  await page.waitForFunction(() => /无法连接服务器/.test(document.querySelector('[data-load-error]')?.textContent || ''));
  // once the service answers again, "try again" opens the page
  fail = 'none';
  await page.click('[data-retry]');
  await page.waitForFunction(() => !document.querySelector('[data-load-error]'));
  await ctx.close();
});

test('issue 11.11 R3: an expired session says so on the sign-in form; a wrong password says that instead', async () => {
  const { ctx, page, errors } = await fresh();
  await signIn(page, 'clerk_b');
  const sid = newestSession('clerk_b');
  sql(`UPDATE session SET last_seen = UTC_TIMESTAMP(6) - INTERVAL 31 MINUTE WHERE id = ${sid}`);
  await page.click('[data-nav-item="nav.problems"]');
  await page.waitForSelector('[data-login-form]');
  const said = await page.textContent('[data-flash]');
  assert.match(said, /登录已超时/);
  assert.doesNotMatch(said, /密码错误/);
  assert.equal(await page.locator('[data-logout]').isVisible(), false, 'signed out');
  await shot(page, '11-session-expired');
  await page.fill('#login-user', 'clerk_b');
  await page.fill('#login-pass', 'not-the-password');
  await page.click('[data-login-form] button[type=submit]');
  await page.waitForFunction(() => (document.querySelector('[data-login-error]')?.textContent || '').length > 0);
  const wrong = await page.textContent('[data-login-error]');
  assert.match(wrong, /用户名或密码错误/);
  assert.doesNotMatch(wrong, /超时/);
  await page.fill('#login-pass', DEMO_PASSWORD);
  await page.click('[data-login-form] button[type=submit]');
  await page.waitForSelector('[data-problems]');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('issue 11.11 R3: two minutes before the idle timeout the app warns; "stay signed in" keeps the session; at the end it signs out and says why', async () => {
  const { ctx, page, errors } = await fresh();
  await page.clock.install();
  await signIn(page, 'clerk_a');
  const sid = newestSession('clerk_a');
  const idle = await page.evaluate(async () => (await (await fetch('/api/v1/session')).json()).idle_timeout_seconds);
  assert.equal(await page.locator('[data-idle-warning]').count(), 0);
  // 26.5 minutes without a request: no warning yet (the end is counted from a minute before the last request: the
  // service notes a request at most once a minute, so the session may end up to a minute earlier than 30 min after it)
  await page.clock.fastForward('26:30');
  await page.clock.runFor(6000);
  assert.equal(await page.locator('[data-idle-warning]').count(), 0);
  // 27 min: within two minutes of the end
  await page.clock.fastForward('00:30');
  await page.clock.runFor(6000);
  await page.waitForSelector('[data-idle-warning]');
  assert.match(await page.textContent('[data-idle-warning]'), /约 \d+ 秒后将自动退出登录/);
  await shot(page, '11-idle-warning');
  await page.click('[data-stay-signed-in]');
  await page.waitForSelector('[data-idle-warning]', { state: 'detached' });
  assert.equal(await page.locator('[data-logout]').isVisible(), true, 'still signed in');
  // then nobody touches it: at the end the app signs out itself and says why
  await page.clock.fastForward('29:10');
  await page.clock.runFor(6000);
  await page.waitForSelector('[data-login-form]');
  assert.match(await page.textContent('[data-flash]'), /登录已超时/);
  assert.ok((await page.textContent('[data-flash]')).includes(`（${idle / 60} 分钟没有操作）`), 'the minutes are the served idle timeout');
  // the session was ended on the service too (DELETE /api/v1/session), not only forgotten by the page
  await page.waitForFunction(() => true);
  assert.equal(sql(`SELECT ended_at IS NOT NULL FROM session WHERE id = ${sid}`)[0][0], '1', 'the session is ended');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('issue 11.11: the same in English: the expired session and the load failure in English words only', async () => {
  const { ctx, page } = await fresh({ lang: 'en' });
  await signIn(page, 'clerk_b');
  sql(`UPDATE session SET last_seen = UTC_TIMESTAMP(6) - INTERVAL 31 MINUTE WHERE id = ${newestSession('clerk_b')}`);
  await page.click('[data-nav-item="nav.problems"]');
  await page.waitForSelector('[data-login-form]');
  const said = await page.textContent('[data-flash]');
  assert.match(said, /session has ended/);
  assert.doesNotMatch(said, /[\u3400-\u9fff]/);
  await ctx.close();
});

test('issue 11.11 R3: a tab left idle does not warn or sign out while another tab of the same session is in use', async () => {
  const { ctx, page, errors } = await fresh();
  await ctx.clock.install();
  await signIn(page, 'clerk_b');
  const other = await ctx.newPage(); // the same user's second tab (same session cookie)
  await other.goto(`${BASE}/#/problems`);
  await other.waitForSelector('[data-problems]');
  await ctx.clock.fastForward('27:00');
  // the other tab is used: its requests keep the one session alive (the service counts any request)
  await other.reload();
  await other.waitForSelector('[data-problems]');
  await ctx.clock.runFor(6000);
  assert.equal(await page.locator('[data-idle-warning]').count(), 0, 'the idle tab does not warn');
  await ctx.clock.fastForward('03:00');
  await ctx.clock.runFor(6000);
  assert.equal(await page.locator('[data-login-form]').count(), 0, 'nor sign the user out');
  assert.equal(await page.locator('[data-logout]').isVisible(), true);
  assert.deepEqual(errors, []);
  await ctx.close();
});
