// schools-import-move.test.mjs: issue 16 items 1 and 2 in the browser: a county bureau checks a school list file (the
// problems by row and column, no import button while any row is wrong), then imports the corrected file and sees the
// schools listed; the province's bureau moves one of them to another county of the province (re-districting).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchBrowser, BASE, SHOTS } from '../lib/browser.mjs';
import { signIn, watchErrors } from '../lib/web.mjs';
import { sql, sqlCount } from '../lib/api.mjs';
import { newSchoolCode } from '../lib/units.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

// 井陉矿区 130107 and 新华区 130105 (石家庄): no other suite keeps schools there
const COUNTY = '130107', TO = '130105';
const HEADER = '学校标识码,学校名称,办学类型,区县代码,地址';

async function page(user) {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
  const p = await ctx.newPage();
  const errors = watchErrors(p);
  await signIn(p, user);
  return { ctx, page: p, errors };
}

test('issue 16.1 16.2 a county imports a school list after a dry run naming the bad row; the province moves a school to another county', async () => {
  const hash = sql("SELECT password_hash FROM app_user WHERE username = 'clerk_a'")[0][0];
  sql(`INSERT IGNORE INTO app_user (username, display_name, role, unit_id, password_hash) VALUES ('county_${COUNTY}', '井陉矿区教育局', 'county', ${COUNTY}, '${hash}')`);
  const a = newSchoolCode(COUNTY);
  let b;
  do { b = newSchoolCode(COUNTY); } while (b === a);
  const K = await page(`county_${COUNTY}`);
  await K.page.click('nav a[href="#/schools"]');
  await K.page.waitForSelector('[data-school-import]');
  // a file with a wrong type on its row 3: the problem is named, nothing can be imported
  const bad = `${HEADER}\n${a},矿区第一小学,小学,${COUNTY},\n${b},矿区第二小学,大学,${COUNTY},\n`;
  await K.page.setInputFiles('#sch-import-file', { name: '学校名单.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await K.page.click('[data-school-import] button[type=submit]');
  await K.page.waitForSelector('[data-import-issue="3"]');
  assert.match(await K.page.textContent('[data-import-issue="3"]'), /办学类型.*代码表/);
  assert.equal(await K.page.locator('[data-school-import-commit]').count(), 0, 'no import while a row is wrong');
  await K.page.screenshot({ path: join(SHOTS, 'schools-import-dry-run.png'), fullPage: true });
  assert.equal(sqlCount(`SELECT COUNT(*) FROM unit WHERE code IN ('${a}', '${b}')`), 0);
  // corrected: the dry run says what would be opened; the import opens both
  const good = bad.replace('大学', '初级中学');
  await K.page.setInputFiles('#sch-import-file', { name: '学校名单.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
  await K.page.click('[data-school-import] button[type=submit]');
  await K.page.waitForSelector('[data-school-import-commit]');
  assert.match(await K.page.textContent('[data-import-summary]'), /共 2 行：可新建 2 所/);
  await K.page.click('[data-school-import-commit]');
  await K.page.waitForSelector(`[data-school-row="${b}"]`);
  assert.match(await K.page.textContent('[data-flash]'), /已导入 2 所学校/);
  assert.match(await K.page.textContent(`[data-school-row="${b}"]`), /矿区第二小学.*初级中学.*在办/);
  assert.equal(await K.page.locator(`[data-move-school="${b}"]`).count(), 0, 'a county does not move schools');

  // the province's bureau moves 矿区第二小学 to 新华区
  const P = await page('prov_13');
  await P.page.click('nav a[href="#/schools"]');
  await P.page.waitForSelector('[data-schools]');
  assert.equal(await P.page.locator('[data-school-form]').count(), 0, 'a bureau does not open schools');
  const id = sql(`SELECT id FROM unit WHERE code = '${b}'`)[0][0];
  // a province holds thousands of schools: it finds one by its code
  await P.page.fill('#sch-q', b);
  await P.page.click('[data-schools] form[role=search] button[type=submit]');
  await P.page.waitForSelector(`[data-move-school="${b}"]`);
  await P.page.click(`[data-move-school="${b}"]`);
  await P.page.fill('#sch-move-county', TO);
  await P.page.click('[data-dialog-ok]');
  // the county is confirmed by its name
  await P.page.waitForFunction(() => /调整到 新华区（130105）/.test(document.querySelector('#dlg-title')?.textContent || ''));
  await P.page.click('[data-dialog-ok]');
  await P.page.waitForFunction(() => /已将“矿区第二小学”调整到/.test(document.querySelector('[data-flash]')?.textContent || ''));
  assert.match(await P.page.textContent('[data-flash]'), /调整到新华区/);
  assert.deepEqual(sql(`SELECT parent_id, county_code FROM unit WHERE id = ${id}`)[0], [TO, TO]);
  await P.page.screenshot({ path: join(SHOTS, 'schools-moved.png'), fullPage: true });
  for (const x of [K, P]) { assert.deepEqual(x.errors, []); await x.ctx.close(); }
});
