// daily-traps.test.mjs: traps of daily work in the browser against the real service (R26–R28), one test per trap, each
// user in its own browser context: a download the service refuses says why instead of saving its JSON error as the
// file; a merger's target is found among all the schools of the county; the problem list's due date and "rejected"
// badge show what the service holds; a batch approval says who was not approved and why; the queue's filter chips keep
// the search; the group page's forms send once. Screenshots: $XJ_VARDIR/screenshots/traps-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, BASE, SHOTS } from '../lib/browser.mjs';
import { signIn, watchErrors } from '../lib/web.mjs';
import { sql } from '../lib/api.mjs';
import * as reg from '../lib/registry.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** A signed-in page in its own browser context (one per user: separate cookies); downloads counted. */
async function as(user, { lang = 'zh' } = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
  if (lang === 'en') await ctx.addInitScript(() => localStorage.setItem('xj.lang', 'en'));
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  const downloads = [];
  page.on('download', (d) => downloads.push(d));
  await signIn(page, user);
  return { ctx, page, errors, downloads };
}

const shot = (page, name) => page.screenshot({ path: join(SHOTS, `traps-${name}.png`), fullPage: true });

/** Import a file of one good and one bad row through the import page; returns the import job's id. */
async function importWithFailedRow(page) {
  const good = reg.record(reg.SCHOOLS.a), bad = reg.record(reg.SCHOOLS.a, { birth_date: '2015-02-30' });
  await page.goto(`${BASE}/#/import`);
  await page.waitForSelector('[data-import-form]');
  await page.setInputFiles('[data-import-file]', { name: 'students.csv', mimeType: 'text/csv', buffer: Buffer.from(reg.csv([good, bad])) });
  await page.click('[data-dry-run]');
  await page.waitForSelector('[data-commit]', { timeout: 30000 });
  await page.click('[data-commit]');
  await page.waitForSelector('[data-failed-csv]', { timeout: 30000 });
  return (await page.getAttribute('[data-failed-csv]', 'href')).match(/imports\/(\d+)\/failed/)[1];
}

test('R26: a failed-rows file the service refuses (409, its issues incomplete) is said beside the link and nothing is saved; once it is whole it is saved under the server\'s name', async () => {
  const A = await as('clerk_a');
  const id = await importWithFailedRow(A.page);
  // the job counts more failed rows than it kept issues for: the service refuses an incomplete file (409)
  sql(`UPDATE import_job SET rows_error = rows_error + 1 WHERE id = ${id}`);
  await A.page.click('[data-failed-csv]');
  await A.page.waitForSelector('[data-download-error]');
  assert.match(await A.page.textContent('[data-download-error]'), /失败行文件会不完整，因此不提供/);
  assert.equal(await A.page.getAttribute('[data-download-error]', 'data-download-error'), 'conflict');
  assert.equal(A.downloads.length, 0, 'the JSON error is not saved as a file');
  await shot(A.page, 'failed-csv-refused');
  // whole again: the click saves the CSV under the name the server gives
  sql(`UPDATE import_job SET rows_error = rows_error - 1 WHERE id = ${id}`);
  const [dl] = await Promise.all([A.page.waitForEvent('download'), A.page.click('[data-failed-csv]')]);
  assert.equal(dl.suggestedFilename(), `import-${id}-failed.csv`);
  assert.match(readFileSync(await dl.path(), 'utf8'), /错误信息/);
  assert.equal(await A.page.locator('[data-download-error]').count(), 0, 'the refusal is no longer said');
  assert.deepEqual(A.errors, []);
  await A.ctx.close();
});

test('R26: the same refusal in English says the service\'s English message; a template is saved under the server\'s own (UTF-8) name', async () => {
  const A = await as('clerk_a', { lang: 'en' });
  const id = await importWithFailedRow(A.page);
  sql(`UPDATE import_job SET rows_error = rows_error + 1 WHERE id = ${id}`);
  await A.page.click('[data-failed-csv]');
  await A.page.waitForSelector('[data-download-error]');
  const said = await A.page.textContent('[data-download-error]');
  assert.match(said, /a failed-rows file would be incomplete/);
  assert.doesNotMatch(said, /[\u3400-\u9fff]/);
  assert.equal(A.downloads.length, 0);
  const [dl] = await Promise.all([A.page.waitForEvent('download'), A.page.click('[data-template-csv]')]);
  assert.equal(dl.suggestedFilename(), '学生导入模板.csv');
  assert.match(readFileSync(await dl.path(), 'utf8'), /监护人姓名/);
  assert.deepEqual(A.errors, []);
  await A.ctx.close();
});
