// schools.test.mjs: issue 16 item 1 (R1) in the browser: a county bureau opens a school of its county without SQL,
// sees it in its list, and closes it; the close button is red and its confirmation names the school (issue 11.12).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchBrowser, BASE, SHOTS } from '../lib/browser.mjs';
import { signIn, watchErrors } from '../lib/web.mjs';
import { sql, sqlCount } from '../lib/api.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test('issue 16.1 a county bureau opens a school in the browser, sees it listed, and closes it after a confirmation naming it', async () => {
  const county = '130108';
  const hash = sql("SELECT password_hash FROM app_user WHERE username = 'clerk_a'")[0][0];
  sql(`INSERT IGNORE INTO app_user (username, display_name, role, unit_id, password_hash) VALUES ('county_${county}', '裕华区教育局', 'county', ${county}, '${hash}')`);
  let code;
  do { code = `${county}${String(6000 + Math.floor(Math.random() * 999))}`; } while (sqlCount(`SELECT COUNT(*) FROM unit WHERE code = '${code}'`));
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await signIn(page, `county_${county}`);
  await page.click('nav a[href="#/schools"]');
  await page.waitForSelector('[data-school-form]');
  assert.equal(await page.inputValue('#sch-county'), county, 'its own county is filled in');
  await page.fill('#sch-code', code);
  await page.fill('#sch-name', '裕华区浏览器测试小学');
  await page.selectOption('#sch-type', '312');
  await page.click('[data-school-form] button[type=submit]');
  await page.waitForSelector(`[data-school-row="${code}"]`);
  assert.match(await page.textContent(`[data-school-row="${code}"]`), /九年一贯制学校.*在办/);
  await page.screenshot({ path: join(SHOTS, 'schools-opened.png'), fullPage: true });
  const btn = page.locator(`[data-close-school="${code}"]`);
  assert.match(await btn.getAttribute('class'), /danger/, 'a destructive action looks destructive');
  await btn.click();
  await page.waitForSelector('[data-dialog-ok]');
  assert.match(await page.textContent('#dlg-title'), new RegExp(`裕华区浏览器测试小学.*${code}`), 'the confirmation names the school');
  await page.click('[data-dialog-ok]');
  await page.waitForSelector(`[data-school-row="${code}"] [data-school-state="closed"]`);
  assert.equal(sql(`SELECT closed_at IS NOT NULL FROM unit WHERE code = '${code}'`)[0][0], '1');
  assert.deepEqual(errors, []);
  await ctx.close();
});
