// overdue-paging.test.mjs: issue 13 item 1 (R24, R30) in the browser: the overdue list pages by the server's cursor
// (next and previous, 50 rows a page, most overdue first), no repeats and no gaps across the pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchBrowser, BASE, SHOTS } from '../lib/browser.mjs';
import { signIn, watchErrors } from '../lib/web.mjs';
import { SCHOOLS as S, settledGroups } from '../lib/workflow.mjs';

// this suite's groups leave the work lists afterwards, so other suites' first pages of the overdue list are theirs
const groups = settledGroups();
const makeGroup = groups.make;
after(groups.settle);

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

// a row's key: the member's id for a member's step, "arbitration-<group>" or "deadline-<group>" for a group's step
const rows = (page) => page.$$eval('[data-overdue-row]', (trs) => trs.map((tr) => tr.dataset.overdueRow));

test('issue 13.1 R30: the overdue list pages by cursor in the browser: next, previous, no repeats, no gaps', async () => {
  // 30 groups of two members of county 130102, due in 1999 (before any other suite's rows): 60 rows, more than a page
  const mine = [];
  for (let i = 0; i < 30; i++) {
    const day = `1999-01-${String(1 + (i % 28)).padStart(2, '0')}`;
    const g = makeGroup({ type: 'id_dup', members: [{ school: S.a, dueDate: day }, { school: S.a2, dueDate: day }] });
    mine.push(...g.members.map((m) => String(m.id)));
  }
  // two groups past their clearance deadline after those rows: a group's step is a row of its own (no member), with a
  // key of its own on page 2 (it used to be "undefined" for every group's row)
  const late = [0, 1].map(() => makeGroup({ type: 'id_dup', deadline: '1999-02-01', members: [{ school: S.a }, { school: S.a2 }] }).id);
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await signIn(page, 'county_130102');
  await page.goto(`${BASE}/#/overdue`);
  await page.waitForSelector('[data-overdue-row]');
  const p1 = await rows(page);
  assert.equal(p1.length, 50, 'a full first page');
  assert.ok(p1.every((id) => mine.includes(id)), 'the most overdue first: this test\'s rows');
  await page.screenshot({ path: join(SHOTS, 'overdue-paging.png'), fullPage: true });
  await page.click('[data-next]');
  await page.waitForFunction((first) => document.querySelector('[data-overdue-row]') && !document.querySelector(`[data-overdue-row="${first}"]`), p1[0]);
  const p2 = await rows(page);
  assert.ok(p2.length >= 10, 'the second page by cursor');
  assert.equal(new Set([...p1, ...p2]).size, p1.length + p2.length, 'no repeats');
  assert.deepEqual(p2.slice(0, 10).sort(), mine.filter((id) => !p1.includes(id)).sort(), 'no gaps: the rest of this test\'s rows open page 2');
  assert.deepEqual(p2.slice(10, 12), late.map((g) => `deadline-${g}`), 'then the groups past their deadline, each its own row');
  await page.click('[data-prev]');
  await page.waitForSelector(`[data-overdue-row="${p1[0]}"]`);
  assert.deepEqual(await rows(page), p1, 'previous shows page 1 again');
  assert.deepEqual(errors, []);
  await ctx.close();
});
