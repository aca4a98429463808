// web.mjs: helpers of the browser suites (issue 7): sign in through the form, collect page errors, probe endpoints.
import { BASE } from './browser.mjs';

export const DEMO_PASSWORD = 'Xueji@2026demo';

/** Sign in through the form and wait for the role's home page (or the selector `until`, e.g. the forced password change).
 * @param {import('playwright-core').Page} page @param {string} user */
export async function signIn(page, user, password = DEMO_PASSWORD, until = '[data-home]') {
  await page.goto(BASE + '/');
  await page.waitForSelector('[data-login-form]');
  await page.fill('#login-user', user);
  await page.fill('#login-pass', password);
  await page.click('[data-login-form] button[type=submit]');
  await page.waitForSelector(until);
}

/** Collect console errors and uncaught exceptions of a page (failed requests the test expects are filtered by the caller). */
export function watchErrors(page) {
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
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
