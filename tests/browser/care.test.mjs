// care.test.mjs: issue 7 "Care" against the real service: keyboard use with a visible focus in a sensible
// order, and text contrast of at least 4.5:1 (WCAG 2 AA; 3:1 for large text) on every role's dashboards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, BASE } from '../lib/browser.mjs';
import { DEMO_PASSWORD, signIn } from '../lib/web.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** Describe the focused element: tag, id or data-* hook, and whether a focus indicator is drawn. */
function focused(page) {
  return page.evaluate(() => {
    const e = document.activeElement;
    const cs = getComputedStyle(e);
    const ring = !(cs.outlineStyle === 'none' || parseFloat(cs.outlineWidth) === 0) || cs.boxShadow !== 'none';
    return { tag: e.tagName, id: e.id, text: (e.textContent || '').trim().slice(0, 20), ring, inMain: !!e.closest('main') };
  });
}

/** Visible text elements whose colour contrast against their effective background is below WCAG AA. */
function lowContrast(page) {
  return page.evaluate(() => {
    const parse = (c) => (c.match(/[\d.]+/g) || ['0', '0', '0', '0']).map(Number);
    const lum = (rgb) => {
      const [r, g, b] = rgb.slice(0, 3).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if ((c.length > 3 ? c[3] : 1) > 0.5) return lum(c);
      }
      return 1; // the canvas is white
    };
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
      const box = el.getBoundingClientRect();
      const cs = getComputedStyle(el);
      if (!box.width || !box.height || cs.visibility === 'hidden' || Number(cs.opacity) === 0) continue;
      const f = lum(parse(cs.color)), b = background(el);
      const ratio = (Math.max(f, b) + 0.05) / (Math.min(f, b) + 0.05);
      const size = parseFloat(cs.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) out.push(`${el.tagName} "${el.textContent.trim().slice(0, 20)}" ${ratio.toFixed(2)}:1`);
    }
    return out;
  });
}

test('care: keyboard only: sign in with Tab and Enter, skip link first, every focused control shows a focus ring', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await ctx.newPage();
  await page.goto(BASE + '/');
  await page.waitForSelector('[data-login-form]');
  assert.equal((await focused(page)).id, 'login-user', 'the user name field has the focus on arrival');
  await page.keyboard.type('clerk_a');
  await page.keyboard.press('Tab');
  assert.equal((await focused(page)).id, 'login-pass', 'Tab goes from user name to password');
  await page.keyboard.type(DEMO_PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-home]');
  // the skip link is the first control of the page; Enter on it moves the focus into the main content
  const first = await page.evaluate(() => {
    const t = [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
      .filter((e) => e.tabIndex >= 0 && !e.disabled);
    return t[0] && 'skip' in t[0].dataset;
  });
  assert.ok(first, 'the skip link comes first in the tab order');
  await page.focus('[data-skip]');
  const skip = await focused(page);
  assert.match(skip.text, /跳到正文/);
  assert.ok(skip.ring, 'the skip link shows its focus');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !!document.activeElement.closest('main'));
  const seen = [];
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f.tag === 'BODY') break;
    seen.push(f);
  }
  assert.ok(seen.length >= 5, 'the navigation and the home page are reachable by Tab');
  assert.deepEqual(seen.filter((f) => !f.ring).map((f) => `${f.tag} ${f.text}`), [], 'every focused control shows a focus ring');
  // a navigation link followed with Enter opens its screen, no mouse needed
  await page.focus('[data-nav-item="nav.problems"]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash.startsWith('#/problems'));
  await page.waitForSelector('main h1');
  await ctx.close();
});

test('care: text contrast at least 4.5:1 (3:1 large) on the dashboards of every role, in Chinese and English', async () => {
  const pages = {
    clerk_a: ['#/', '#/problems', '#/students', '#/import', '#/help'],
    leader_a: ['#/'],
    county_130102: ['#/', '#/queue', '#/registrations', '#/stats', '#/overdue'],
    city_1301: ['#/', '#/arbitration'],
    admin_13: ['#/users', '#/credentials'],
  };
  const bad = [];
  for (const [user, routes] of Object.entries(pages)) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await ctx.newPage();
    await signIn(page, user);
    for (const [i, route] of routes.entries()) {
      await page.goto(BASE + '/' + route);
      await page.waitForSelector('main h1');
      await page.waitForLoadState('networkidle');
      for (const x of await lowContrast(page)) bad.push(`${user} ${route}: ${x}`);
      if (i === 0) { // the English switch changes words, not colours: check once per role
        await page.click('[data-lang-switch]');
        await page.waitForLoadState('networkidle');
        for (const x of await lowContrast(page)) bad.push(`${user} ${route} (en): ${x}`);
        await page.click('[data-lang-switch]');
      }
    }
    await ctx.close();
  }
  assert.deepEqual(bad, []);
});
