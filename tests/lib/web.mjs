// web.mjs: helpers of the browser suites (issue 7): sign in through the form, collect page errors, probe endpoints.
import { BASE } from './browser.mjs';

export const DEMO_PASSWORD = 'Xueji@2026demo';

/** Sign in through the form and wait for the role's home page (or the selector `until`, e.g. the forced password change)
 * and for the API requests the page started meanwhile (the home page fills its tiles after it shows: a test that then
 * ages or ends the session in SQL must not race a tile's request). @param {import('playwright-core').Page} page
 * @param {string} user */
export async function signIn(page, user, password = DEMO_PASSWORD, until = '[data-home]') {
  const quiet = apiQuiet(page);
  await page.goto(BASE + '/');
  await page.waitForSelector('[data-login-form]');
  await page.fill('#login-user', user);
  await page.fill('#login-pass', password);
  await page.click('[data-login-form] button[type=submit]');
  await page.waitForSelector(until);
  await quiet.settled();
}

/**
 * Count a page's API requests in flight from now on; `settled()` resolves once none has been in flight for `ms`.
 * @param {import('playwright-core').Page} page @returns {{settled: () => Promise<void>}}
 */
export function apiQuiet(page, ms = 150) {
  const open = new Set();
  let last = Date.now();
  const isApi = (r) => new URL(r.url()).pathname.startsWith('/api/');
  const done = (r) => { if (open.delete(r)) last = Date.now(); };
  const start = (r) => { if (isApi(r)) { open.add(r); last = Date.now(); } };
  page.on('request', start);
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return {
    async settled() {
      const until = Date.now() + 30000;
      while (open.size > 0 || Date.now() - last < ms) {
        if (Date.now() > until) throw new Error(`API requests still in flight after 30 s: ${[...open].map((r) => r.url()).join(' ')}`);
        await new Promise((res) => setTimeout(res, 25));
      }
      for (const [ev, f] of [['request', start], ['requestfinished', done], ['requestfailed', done]]) page.off(ev, f);
    },
  };
}

/**
 * A signed-in page of its own browser context (one per user: separate cookies), watching its console errors and its
 * failed API calls (issue 11). opts: width, height (1366x900), lang ('zh' | 'en').
 * @returns {Promise<{ctx: any, page: import('playwright-core').Page, errors: string[], http: string[]}>}
 */
export async function userPage(browser, user, { width = 1366, height = 900, lang = 'zh' } = {}) {
  const ctx = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN' });
  if (lang === 'en') await ctx.addInitScript(() => localStorage.setItem('xj.lang', 'en'));
  const page = await ctx.newPage();
  const errors = watchErrors(page), http = watchHttpErrors(page);
  await signIn(page, user);
  return { ctx, page, errors, http };
}

/** Collect console errors and uncaught exceptions of a page (failed requests the test expects are filtered by the caller). */
export function watchErrors(page) {
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

/**
 * Collect every API answer of a page with an error status (4xx/5xx) and every failed request (issue 11 item 15: a page
 * calls only the API its role may use). Entries are "STATUS METHOD /path". @param {import('playwright-core').Page} page
 */
export function watchHttpErrors(page) {
  const bad = [];
  page.on('response', (r) => {
    const u = new URL(r.url());
    // (the app's first GET /api/v1/session answers 401 while nobody is signed in: that is its question, not noise)
    if (r.status() === 401 && r.request().method() === 'GET' && u.pathname === '/api/v1/session') return;
    if (r.status() >= 400 && u.pathname.startsWith('/api/')) bad.push(`${r.status()} ${r.request().method()} ${u.pathname}${u.search}`);
  });
  // (a request the browser aborted because the test navigated away is the test's doing, not the page's)
  page.on('requestfailed', (r) => { if (!/ERR_ABORTED/.test(r.failure()?.errorText || '')) bad.push(`failed ${r.method()} ${new URL(r.url()).pathname} ${r.failure()?.errorText || ''}`); });
  return bad;
}

/** Whether the service has a route (the router answers 404 "no_route" before it authenticates anything else). */

/** Form controls of the page without an accessible label (label[for], a wrapping label, aria-label or aria-labelledby). */
export function unlabeledControls(page) {
  return page.$$eval('main input:not([type=hidden]), main select, main textarea, dialog input, dialog textarea', (els) => els.filter((el) => {
    if (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')) return false;
    if (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)) return false;
    return !el.closest('label');
  }).map((el) => el.outerHTML.slice(0, 80)));
}
