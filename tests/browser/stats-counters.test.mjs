// stats-counters.test.mjs: issue 13 item 3 on the real service: the county bureau's home tiles and the statistics page
// show the counters (GET /api/v1/stats): the registrations-to-approve tile is the exact count (not "200+"), the page
// has one row per county and per school (a paged list, GET /api/v1/stats/schools) with the numbers the API gives, Chinese on the Chinese screen, English on the
// English one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, BASE } from '../lib/browser.mjs';
import { signIn, watchErrors } from '../lib/web.mjs';
import { Client } from '../lib/api.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const sum = (o) => Object.values(o || {}).reduce((a, n) => a + n, 0);

test('issue 13 item 3 county bureau: home tiles and per-county and per-school statistics rows from the counters, in Chinese and in English', async () => {
  const client = await Client.login('county_130102');
  const api = (await client.get('/api/v1/stats')).body;
  const schools = (await client.get('/api/v1/stats/schools?limit=50')).body.items; // the page's first page (PER_PAGE)
  assert.ok(schools.length >= 1);
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await signIn(page, 'county_130102');
  await page.waitForSelector('[data-tile="home.regs"] [data-n]:not(:empty)');
  await page.waitForFunction(() => document.querySelector('[data-tile="home.regs"] [data-n]')?.textContent !== '—');
  assert.equal(await page.textContent('[data-tile="home.regs"] [data-n]'), String(api.students.by_status.pending ?? 0));
  assert.equal(await page.textContent('[data-tile="home.total"] [data-n]'), String(api.groups.total));
  await page.goto(`${BASE}/#/stats`);
  await page.waitForSelector('[data-unit-rows="school"] tbody tr');
  const rows = await page.locator('[data-unit-rows="school"] tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
  assert.deepEqual(rows, schools.map((s) => [s.name + (s.closed ? '（已撤销）' : ''), s.code, String(sum(s.students_by_status)), String(s.students_by_status.pending ?? 0),
    String(sum(s.members_by_state)), String(s.groups_total), String(s.groups_total - (s.groups_by_state.done ?? 0)), String(s.overdue.members)]));
  assert.equal(await page.locator('[data-unit-rows="county"] tbody tr').count(), api.counties.length);
  assert.match(await page.textContent('[data-unit-rows="school"] h2'), /^各学校明细$/);
  await page.click('[data-lang-switch]');
  await page.waitForFunction(() => document.querySelector('[data-unit-rows="school"] h2')?.textContent === 'Per school');
  assert.match(await page.textContent('[data-unit-rows="county"] thead'), /^UnitCodeRecordsPending approvalProblem records \(members\)GroupsGroups not doneOverdue \(members\)$/);
  await page.click('[data-lang-switch]');
  assert.deepEqual(errors, []);
  await ctx.close();
});
