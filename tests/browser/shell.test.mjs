// shell.test.mjs: issue 2: the app shell renders in Chromium, signs in and out, and switches language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchBrowser, BASE, SHOTS } from '../lib/browser.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test('the app shell renders the sign-in form in Chinese without console errors', async () => {
  const ctx = await browser.newContext({ locale: 'zh-CN' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(BASE + '/');
  await page.waitForSelector('[data-login-form]');
  assert.equal(await page.textContent('[data-login-form] h1'), '登录');
  await page.screenshot({ path: join(SHOTS, 'shell-login.png') });
  assert.deepEqual(errors.filter((e) => !/401/.test(e)), []);
  await ctx.close();
});

test('sign in, see the role home, switch to English, sign out', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(BASE + '/');
  await page.fill('#login-user', 'clerk_a');
  await page.fill('#login-pass', 'Xueji@2026demo');
  await page.click('[data-login-form] button[type=submit]');
  await page.waitForSelector('[data-who]:has-text("clerk_a")');
  assert.match(await page.textContent('[data-who]'), /学校学籍管理员/);
  await page.click('[data-lang-switch]');
  await page.waitForSelector('[data-who]:has-text("School registrar")');
  await page.click('[data-lang-switch]');
  await page.click('[data-logout]');
  await page.waitForSelector('[data-login-form]');
  await ctx.close();
});

test('a wrong password shows a message a registrar understands', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(BASE + '/');
  await page.fill('#login-user', 'clerk_a');
  await page.fill('#login-pass', 'wrong-password');
  await page.click('[data-login-form] button[type=submit]');
  await page.waitForSelector('[data-login-error]:not(:empty)');
  assert.match(await page.textContent('[data-login-error]'), /用户名或密码错误/);
  await ctx.close();
});

test('issue 11.14 rare characters (𠮷 𡒄 𨰻 beyond the BMP, 䶮 in Ext-A) render from the served Hanazono fonts, not as boxes', async () => {
  const ctx = await browser.newContext({ locale: 'zh-CN' });
  const page = await ctx.newPage();
  await page.goto(BASE + '/');
  await page.waitForSelector('[data-login-form]');
  const got = await page.evaluate(async () => {
    const p = document.createElement('p');
    p.textContent = '吉𠮷 𡒄 𨰻 䶮';
    document.body.append(p);
    await document.fonts.load('15px "Hana Min B"', '𠮷𡒄𨰻');
    await document.fonts.load('15px "Hana Min A"', '䶮');
    await document.fonts.ready;
    const loaded = [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family.replace(/"/g, ''));
    // a character the font draws is wider than nothing and differs from the missing-glyph box of another rare one
    return { loaded, b: document.fonts.check('15px "Hana Min B"', '𠮷𡒄𨰻'), a: document.fonts.check('15px "Hana Min A"', '䶮') };
  });
  assert.ok(got.loaded.includes('Hana Min B') && got.loaded.includes('Hana Min A'), JSON.stringify(got));
  assert.ok(got.a && got.b, JSON.stringify(got));
  await page.screenshot({ path: join(SHOTS, 'rare-characters.png') });
  await ctx.close();
});

test('issue 11.15 /favicon.ico is an icon, not the app page', async () => {
  const r = await fetch(BASE + '/favicon.ico');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /image\/x-icon/);
  const b = Buffer.from(await r.arrayBuffer());
  assert.deepEqual([...b.subarray(0, 4)], [0, 0, 1, 0], 'an ICO file');
});
