// search.test.mjs: issue 13 item 1 (R1–R3, R30) in the browser: the student list's search box finds by the beginning of
// a name and pages by cursor (next and previous, no repeats, no gaps); the school and county filters are offered by
// level; the problem list and the queue carry the search and their filters to the server; a bad search term answers
// the server's message, in the screen's language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchBrowser, BASE, SHOTS } from '../lib/browser.mjs';
import { signIn, watchErrors } from '../lib/web.mjs';
import { sql, sqlCount } from '../lib/api.mjs';

const N = 63; // more than a page (PER_PAGE = 50)
let browser, P, baseId;

before(async () => {
  browser = await launchBrowser();
  for (;;) { // a name prefix no record has
    P = '欧' + String.fromCodePoint(0x4e00 + Math.floor(Math.random() * 0x51a5));
    if (!sqlCount(`SELECT COUNT(*) FROM student WHERE name LIKE '${P}%'`)) break;
  }
  baseId = sqlCount('SELECT COALESCE(MAX(id), 0) FROM student');
  const tag = String(Date.now() % 1e9).padStart(9, '0');
  // N records of school a named P + one more character, each its own G number and ID (nothing clashes: no detection)
  sql(`INSERT INTO student (school_id, province_code, city_code, county_code, name, gender, birth_date, id_type, id_number,
      student_no, status, source)
    SELECT u.id, u.province_code, u.city_code, u.county_code, CONCAT('${P}', CONVERT(CHAR(0x4E00 + x.seq USING utf16) USING utf8mb4)),
      IF(x.seq % 2, 'M', 'F'), '2013-04-05', 'A', CONCAT('SRCH${tag}', LPAD(x.seq, 3, '0')),
      CONCAT('G8${tag}', LPAD(x.seq, 7, '0'), 'X'), 'formal', 'import'
    FROM seq_1_to_${N} x JOIN unit u ON u.code = '1301020001'`);
});

after(async () => {
  await browser?.close();
  if (baseId !== undefined) sql(`DELETE FROM student WHERE id > ${baseId} AND name LIKE '${P}%'`);
});

const rows = (page) => page.$$eval('[data-student-row]', (trs) => trs.map((tr) => Number(tr.dataset.studentRow)));

test('R30 the student list searches by the beginning of a name and pages by cursor: next, previous, no repeats, no gaps', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await signIn(page, 'county_130102');
  await page.goto(`${BASE}/#/students`);
  await page.waitForSelector('[data-search="students"]');
  assert.ok(await page.$('#sf-school'), 'a county bureau chooses a school');
  assert.equal(await page.$('#sf-county'), null, 'a county bureau has no county filter (city and above)');
  await page.fill('#sf-q', P);
  await page.click('[data-search="students"] button[type=submit]');
  await page.waitForFunction(() => location.hash.includes('q='));
  await page.waitForSelector('[data-student-row]');
  const p1 = await rows(page);
  assert.equal(p1.length, 50, 'the first page');
  const names1 = await page.$$eval('[data-student-row] td:nth-child(2)', (tds) => tds.map((td) => td.textContent));
  assert.ok(names1.every((n) => n.startsWith(P)), 'only the names searched for');
  assert.deepEqual(names1, [...names1].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), 'ordered by name');
  await page.screenshot({ path: join(SHOTS, 'search-students.png'), fullPage: true });
  await page.click('[data-next]');
  await page.waitForFunction((first) => document.querySelector('[data-student-row]') && !document.querySelector(`[data-student-row="${first}"]`), p1[0]);
  const p2 = await rows(page);
  assert.equal(p2.length, N - 50, 'the second page by cursor holds the rest');
  assert.equal(new Set([...p1, ...p2]).size, N, 'no repeats, no gaps');
  assert.equal(await page.isDisabled('[data-next]'), true, 'the list ends there');
  await page.click('[data-prev]');
  await page.waitForSelector(`[data-student-row="${p1[0]}"]`);
  assert.deepEqual(await rows(page), p1, 'previous shows page 1 again');
  // the school filter narrows; a school of another county finds nothing (R1–R3)
  await page.fill('#sf-school', '1301040001');
  await page.click('[data-search="students"] button[type=submit]');
  await page.waitForSelector('[data-empty]');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a bad search term answers the server\'s own message (422), Chinese on the Chinese screen; a city bureau filters by county', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
  const page = await ctx.newPage();
  await signIn(page, 'city_1301');
  await page.goto(`${BASE}/#/students?q=${encodeURIComponent('王%')}`);
  await page.waitForFunction(() => /不能使用 % 或 _/.test(document.body.textContent));
  assert.doesNotMatch(await page.textContent('body'), /not allowed/, 'no English on the Chinese screen');
  // the screen stays, with the search as typed and its field marked, the message where the list would be
  await page.waitForSelector('[data-list-error]');
  assert.equal(await page.inputValue('#sf-q'), '王%');
  assert.equal(await page.getAttribute('#sf-q', 'aria-invalid'), 'true');
  assert.match(await page.textContent('[data-list-error]'), /不能使用 % 或 _/);
  await page.goto(`${BASE}/#/students?q=${encodeURIComponent(P)}&county=130102`);
  await page.waitForSelector('[data-student-row]');
  assert.ok(await page.$('#sf-county'), 'a city bureau chooses a county');
  assert.equal(await page.inputValue('#sf-county'), '130102');
  await page.goto(`${BASE}/#/students?q=${encodeURIComponent(P)}&county=130104`);
  await page.waitForSelector('[data-empty]');
  await ctx.close();
});

/** The list a screen section draws itself answered (its rows or its "no records"): a county's queue holds the reminders
 * panel first, hidden while it has no reminders (a fresh instance) but with its own "no records" in it. */
const listAnswered = (page, section, row) => page.waitForSelector(`[data-${section}] > .paged [data-empty], [data-${row}]`);
/** Resolves when the page asks path with every one of parts in its (decoded) query. */
const asks = (page, path, parts) => page.waitForRequest((r) => {
  const u = decodeURIComponent(r.url());
  return u.includes(path) && parts.every((x) => u.includes(x));
});

test('the problem list and the queue carry the search and their filters to the server', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await signIn(page, 'county_130102');
  await page.goto(`${BASE}/#/problems`);
  await page.waitForSelector('[data-search="problems"]');
  await page.fill('#pf-q', P);
  await page.selectOption('#pf-member_state', 'awaiting_review');
  await page.check('[data-search="problems"] input[name=overdue]');
  const problems = asks(page, '/api/v1/groups?', [`q=${P}`, 'member_state=awaiting_review', 'overdue=1']);
  await page.click('[data-search="problems"] button[type=submit]');
  await problems;
  await page.waitForFunction(() => location.hash.includes('member_state=awaiting_review'));
  await listAnswered(page, 'problems', 'group-row');
  assert.equal(await page.isChecked('[data-search="problems"] input[name=overdue]'), true, 'the form shows the filters in use');
  await page.goto(`${BASE}/#/queue?filter=rejected`);
  await page.waitForSelector('[data-search="queue"]');
  await page.fill('#qf-q', P);
  await page.selectOption('#qf-type', 'id_dup');
  const queue = asks(page, '/api/v1/queue?', ['filter=rejected', `q=${P}`, 'type=id_dup']);
  await page.click('[data-search="queue"] button[type=submit]');
  await queue;
  await page.waitForFunction(() => location.hash.includes('type=id_dup'));
  await listAnswered(page, 'queue', 'queue-row');
  assert.deepEqual(errors, []);
  await ctx.close();
});
