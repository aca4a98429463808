// schools-merge.test.mjs: issue 16 item 2 (R1, R25) in the browser: a county bureau merges a school into another of its
// county (the dialog lists only the open schools of that county); the records move, then the emptied school closes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchBrowser, SHOTS } from '../lib/browser.mjs';
import { signIn, watchErrors } from '../lib/web.mjs';
import { sql, sqlCount, Client } from '../lib/api.mjs';
import { record } from '../lib/registry.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test('issue 16.2 a county bureau merges a school into another of its county in the browser; the records follow', async () => {
  const county = '130108';
  const hash = sql("SELECT password_hash FROM app_user WHERE username = 'clerk_a'")[0][0];
  sql(`INSERT IGNORE INTO app_user (username, display_name, role, unit_id, password_hash) VALUES ('county_${county}', '裕华区教育局', 'county', ${county}, '${hash}')`);
  const api = await Client.login(`county_${county}`);
  const fresh = () => {
    for (;;) {
      const c = `${county}${String(5000 + Math.floor(Math.random() * 999))}`;
      if (!sqlCount(`SELECT COUNT(*) FROM unit WHERE code = '${c}'`)) return c;
    }
  };
  const from = (await api.post('/api/v1/schools', { code: fresh(), county_code: county, name: '浏览器并入前小学', type: '211' })).body;
  const into = (await api.post('/api/v1/schools', { code: fresh(), county_code: county, name: '浏览器并入后小学', type: '211' })).body;
  const clerk = `clerk_${from.code}`;
  sql(`INSERT INTO app_user (username, display_name, role, unit_id, password_hash) VALUES ('${clerk}', '${clerk}', 'school_clerk', ${from.id}, '${hash}')`);
  const reg = await (await Client.login(clerk)).post('/api/v1/students', record({ code: from.code }));
  assert.equal(reg.status, 201, reg.text);

  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await signIn(page, `county_${county}`);
  await page.click('nav a[href="#/schools"]');
  await page.click(`[data-merge-school="${from.code}"]`);
  await page.waitForSelector('[data-dialog-ok]');
  assert.match(await page.textContent('#dlg-title'), new RegExp(`浏览器并入前小学.*${from.code}`), 'the dialog names the school');
  const options = await page.$$eval('#sch-merge-into option', (os) => os.map((o) => o.value));
  assert.ok(options.includes(String(into.id)), 'the other school of the county is offered');
  assert.ok(!options.includes(String(from.id)), 'not itself');
  await page.selectOption('#sch-merge-into', String(into.id));
  await page.screenshot({ path: join(SHOTS, 'schools-merge.png'), fullPage: true });
  await page.click('[data-dialog-ok]');
  // the second confirmation names both schools
  await page.waitForFunction(() => /确认将.*转入/.test(document.querySelector('#dlg-title')?.textContent || ''));
  await page.click('[data-dialog-ok]');
  await page.waitForFunction(() => /1 条学籍/.test(document.querySelector('[data-flash]')?.textContent || ''));
  assert.equal(sqlCount(`SELECT COUNT(*) FROM student WHERE school_id = ${into.id}`), 1, 'the record moved');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM student WHERE school_id = ${from.id}`), 0);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('issue 16.2 a school changed by someone else while the close dialog is open is not closed: the bureau is told to refresh', async () => {
  const county = '130108';
  const hash = sql("SELECT password_hash FROM app_user WHERE username = 'clerk_a'")[0][0];
  sql(`INSERT IGNORE INTO app_user (username, display_name, role, unit_id, password_hash) VALUES ('county_${county}', '裕华区教育局', 'county', ${county}, '${hash}')`);
  const api = await Client.login(`county_${county}`);
  let code;
  do code = `${county}${String(6000 + Math.floor(Math.random() * 999))}`; while (sqlCount(`SELECT COUNT(*) FROM unit WHERE code = '${code}'`));
  const s = (await api.post('/api/v1/schools', { code, county_code: county, name: '浏览器撤销前小学', type: '211' })).body;
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await signIn(page, `county_${county}`);
  await page.click('nav a[href="#/schools"]');
  await page.fill('[data-school-search]', code);
  await page.press('[data-school-search]', 'Enter');
  await page.click(`[data-close-school="${code}"]`);
  await page.waitForSelector('[data-dialog-ok]');
  assert.match(await page.textContent('#dlg-title'), /浏览器撤销前小学/);
  // meanwhile a colleague renames it (its version moves on)
  const renamed = await api.req('PATCH', `/api/v1/schools/${s.id}`, { body: { version: s.version, name: '浏览器撤销前小学（更名）' } });
  assert.equal(renamed.status, 200, renamed.text);
  await page.click('[data-dialog-ok]');
  await page.waitForFunction(() => /已被他人修改/.test(document.querySelector('[data-flash]')?.textContent || ''));
  assert.equal(sqlCount(`SELECT COUNT(*) FROM unit WHERE id = ${s.id} AND closed_at IS NULL`), 1, 'the school stays open');
  // opened again, the dialog names the school as it is now, and the close goes through
  await page.click(`[data-close-school="${code}"]`);
  await page.waitForFunction(() => /更名/.test(document.querySelector('#dlg-title')?.textContent || ''));
  await page.click('[data-dialog-ok]');
  await page.waitForFunction(() => /已撤销学校/.test(document.querySelector('[data-flash]')?.textContent || ''));
  assert.equal(sqlCount(`SELECT COUNT(*) FROM unit WHERE id = ${s.id} AND closed_at IS NOT NULL`), 1);
  assert.deepEqual(errors.filter((e) => !/409/.test(e)), []);
  await ctx.close();
});
