// every-screen.test.mjs: issue 11 items 10, 13 and 15 over every screen of every role, against the real service, each
// user in its own browser context. 13: at 390 px the navigation is a menu, tables are cards and no screen scrolls
// sideways. 15: no screen asks the API for what its role may not use (no 4xx in the network, no console error). 10: the
// English screens' own words (headings, column heads, labels, buttons, navigation) hold no Chinese, the Chinese ones no
// English, and no screen shows an internal code or a rule number. Screenshots: $XJ_VARDIR/screenshots/every-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchBrowser, BASE, SHOTS } from '../lib/browser.mjs';
import { userPage } from '../lib/web.mjs';
import { caseAwaitingArbitration } from '../lib/case.mjs';

const ROLES = ['clerk_a', 'leader_a', 'county_130102', 'city_1301', 'prov_13', 'ministry', 'admin_13', 'admin'];
/** Codes and rule numbers no screen may show (issue 11 item 10). */
const CODE = /\b(group_opened|member_added|group_awaiting_arbitration|group_done|id_dup|id_error|id_changed|nbg_dup|suspected_dup|clash_gone|clash_remains|record_gone|member_reopened|auto_reject|arbitration_lost|awaiting_[a-z]+|id_checksum|school_clerk|school_leader|login_ok|login_failed|password_reset|user_updated|session_expired|undefined|null|NaN|\[object Object\])\b|\(R\d+|\bR\d+(\.\d+)?:/;
/** Latin words allowed on Chinese screens: formats, units, the language switch, the code of a unit or student. */
const LATIN_OK = ['CSV', 'XLSX', 'Excel', 'DOC', 'RAR', 'JPG', 'JPEG', 'KB', 'MB', 'English', 'API', 'ID', 'Bearer', 'Authorization'];

let browser, gid;
before(async () => {
  browser = await launchBrowser();
  gid = (await caseAwaitingArbitration({ reuse: true })).g.id; // a case every role above the schools (and school a) can open
});
after(async () => { await browser?.close(); });

/** The screens of a role: its navigation entries, help, and the case where its role sees one. */
async function screensOf(page, user) {
  const nav = await page.$$eval('[data-nav] a', (as) => as.map((a) => a.getAttribute('href')));
  const extra = ['#/help'];
  if (!/^admin/.test(user)) extra.push(`#/groups/${gid}`);
  if (['prov_13'].includes(user)) extra.push(`#/arbitration/${gid}`);
  return [...new Set([...nav, ...extra])];
}

/** Open a screen fresh and wait until it has drawn and its requests are done. */
async function open(page, hash) {
  await page.goto(`${BASE}/${hash}`);
  await page.reload();
  await page.waitForSelector('main h1');
  await page.waitForLoadState('networkidle');
}

const shotName = (user, hash, tag) => `every-${tag}-${user}-${hash.replace(/[^a-z0-9]+/gi, '_')}.png`;

test('issue 11.13: at 390 px every screen of every role has a menu instead of the navigation bar, cards instead of wide tables, and nothing scrolls sideways', async () => {
  const problems = [];
  for (const user of ROLES) {
    const U = await userPage(browser, user, { width: 390, height: 844 });
    const screens = await screensOf(U.page, user);
    for (const hash of screens) {
      await open(U.page, hash);
      const wide = await U.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      if (wide > 0) problems.push(`${user} ${hash}: scrolls sideways by ${wide}px`);
      if (await U.page.locator('[data-nav]').isVisible()) problems.push(`${user} ${hash}: the navigation bar is shown, not a menu`);
      const headRows = await U.page.$$eval('main table.cards thead', (ts) => ts.filter((t) => t.getBoundingClientRect().height > 2).length);
      if (headRows) problems.push(`${user} ${hash}: ${headRows} table head(s) shown: rows are not cards`);
      if (hash === screens[1]) await U.page.screenshot({ path: join(SHOTS, shotName(user, hash, '390')), fullPage: false });
    }
    // the menu opens, lists the role's screens, and closes when one is chosen
    await U.page.click('[data-menu-toggle]');
    assert.equal(await U.page.locator('[data-nav]').isVisible(), true, `${user}: the menu opens`);
    assert.equal(await U.page.getAttribute('[data-menu-toggle]', 'aria-expanded'), 'true');
    await U.page.screenshot({ path: join(SHOTS, `every-390-menu-${user}.png`) });
    await U.page.click('[data-nav] a:last-child');
    await U.page.waitForFunction(() => !document.querySelector('.topbar').classList.contains('menu-open'));
    problems.push(...U.errors.map((e) => `${user}: console: ${e}`));
    await U.ctx.close();
  }
  assert.deepEqual(problems, []);
});

test('issue 11.15 and 11.10: every screen of every role asks only the API its role may use (no 4xx, no console error); English screens use no Chinese words of their own and no internal codes', async () => {
  const problems = [];
  for (const user of ROLES) {
    const U = await userPage(browser, user, { lang: 'en' });
    for (const hash of await screensOf(U.page, user)) {
      await open(U.page, hash);
      const own = await U.page.$$eval('main h1, main h2, main th, main label, main button, main legend, main caption, [data-nav] a, header button:not([data-lang-switch])',
        (els) => els.filter((e) => !e.closest('[data-compare] thead') && !e.closest('[data-member]') && !e.closest('[data-side]'))
          .map((e) => { const c = e.cloneNode(true); c.querySelectorAll('[data-user-text]').forEach((x) => x.remove()); return c.textContent.trim(); })
          .filter((x) => /[\u3400-\u9fff]/.test(x)));
      if (own.length) problems.push(`${user} ${hash} (en): Chinese words of the screen: ${own.slice(0, 5).join(' | ')}`);
      const text = await U.page.textContent('main');
      const code = CODE.exec(text);
      if (code) problems.push(`${user} ${hash} (en): internal code or rule number "${code[0]}"`);
      if (hash.startsWith('#/groups')) await U.page.screenshot({ path: join(SHOTS, shotName(user, hash, 'en')), fullPage: true });
    }
    problems.push(...U.http.map((x) => `${user}: ${x}`), ...U.errors.map((e) => `${user}: console: ${e}`));
    await U.ctx.close();
  }
  assert.deepEqual(problems, []);
});

test('issue 11.10: Chinese screens of every role use no English words of their own and show no internal code', async () => {
  const problems = [];
  for (const user of ROLES) {
    const U = await userPage(browser, user);
    for (const hash of await screensOf(U.page, user)) {
      await open(U.page, hash);
      const own = await U.page.$$eval('main h1, main h2, main th, main label, main button, main legend, [data-nav] a, header button:not([data-lang-switch])',
        (els) => els.map((e) => { const c = e.cloneNode(true); c.querySelectorAll('[data-user-text]').forEach((x) => x.remove()); return c.textContent.trim(); }));
      for (const x of own) {
        const words = (x.match(/[A-Za-z]{2,}/g) || []).filter((w) => !LATIN_OK.includes(w));
        if (words.length) problems.push(`${user} ${hash} (zh): English in "${x.slice(0, 60)}"`);
      }
      const text = await U.page.textContent('main');
      const code = CODE.exec(text);
      if (code) problems.push(`${user} ${hash} (zh): internal code or rule number "${code[0]}"`);
    }
    problems.push(...U.http.map((x) => `${user}: ${x}`), ...U.errors.map((e) => `${user}: console: ${e}`));
    await U.ctx.close();
  }
  assert.deepEqual(problems, []);
});

test('issue 11.13: chart labels are not cut off in either language, on a phone or a desktop', async () => {
  const problems = [];
  for (const lang of ['zh', 'en']) {
    for (const width of [390, 1366]) {
      const U = await userPage(browser, 'prov_13', { width, height: 844, lang });
      await open(U.page, '#/stats');
      await U.page.waitForSelector('[data-charts-ready]', { timeout: 20000 });
      // every text ECharts drew (titles, axis names, legend, values) lies inside its chart's canvas
      const cut = await U.page.evaluate(() => {
        const out = [];
        for (const el of document.querySelectorAll('[data-chart]')) {
          const c = globalThis.echarts.getInstanceByDom(el);
          const W = c.getWidth(), H = c.getHeight();
          let texts = 0;
          c.getZr().storage.getDisplayList(true).forEach((d) => {
            if (!d.style || typeof d.style.text !== 'string' || !d.style.text) return;
            texts++;
            const r = d.getBoundingRect().clone();
            if (d.transform) r.applyTransform(d.transform);
            if (r.x < -0.5 || r.y < -0.5 || r.x + r.width > W + 0.5 || r.y + r.height > H + 0.5) out.push(`${el.dataset.chart}: "${d.style.text}" at ${Math.round(r.x)},${Math.round(r.y)} size ${Math.round(r.width)}x${Math.round(r.height)} outside ${W}x${H}`);
          });
          if (!texts) out.push(`${el.dataset.chart}: no text drawn`);
        }
        return out;
      });
      problems.push(...cut.map((x) => `${lang} ${width}px: ${x}`));
      await U.page.screenshot({ path: join(SHOTS, `every-charts-${lang}-${width}.png`), fullPage: true });
      await U.ctx.close();
    }
  }
  assert.deepEqual(problems, []);
});
