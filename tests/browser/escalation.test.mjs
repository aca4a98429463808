// escalation.test.mjs: issue 11 item 9 in the browser against the real service (R24): the city's home and overdue list
// show the overdue steps of the units below grouped by unit with their age, escalated ones marked; a county's queue and a
// province's arbitration page remind them of the steps long past due directly below them. Each user in its own context.
// Screenshots: $XJ_VARDIR/screenshots/escalation-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchBrowser, BASE, SHOTS } from '../lib/browser.mjs';
import { userPage } from '../lib/web.mjs';
import { sql } from '../lib/api.mjs';
import { SCHOOLS as S, makeGroup } from '../lib/workflow.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const as = (user, lang = 'zh') => userPage(browser, user, { lang });
const shot = (page, name) => page.screenshot({ path: join(SHOTS, `escalation-${name}.png`), fullPage: true });
const LONG_AGO = '2001-02-06';

test('issue 11.9 R24: the city sees its units\' overdue steps grouped by unit with age, escalated marked; the county and the province are reminded', async () => {
  const g1 = makeGroup({ type: 'id_dup', members: [{ school: S.a, dueDate: LONG_AGO }, { school: S.a2 }] });
  const g2 = makeGroup({ type: 'id_dup', members: [{ school: S.b, state: 'awaiting_review', dueDate: LONG_AGO }, { school: S.b }] });
  sql(`UPDATE group_member SET step_started_at = UTC_TIMESTAMP(6) - INTERVAL 33 DAY WHERE id IN (${g1.members[0].id}, ${g2.members[0].id})`);
  const g3 = makeGroup({ type: 'id_dup', members: [{ school: S.a, state: 'approved' }, { school: S.b, state: 'approved' }] });
  sql(`UPDATE problem_group SET state = 'awaiting_arbitration', arb_since = UTC_TIMESTAMP(6) - INTERVAL 45 DAY, arb_due_date = '${LONG_AGO}' WHERE id = ${g3.id}`);

  const C = await as('city_1301');
  await C.page.waitForSelector('[data-overdue-units]');
  const row = C.page.locator(`[data-overdue-units] [data-overdue-unit="${S.a}"]`);
  await row.waitFor();
  assert.match(await row.textContent(), /长安区第一实验小学.*\d+.*\d+ 天/);
  assert.ok(await C.page.locator('[data-overdue-unit="130104"]').count() === 1, 'the county\'s own review is listed under the county');
  await shot(C.page, '09-city-home');
  await C.page.click('[data-tile="home.overdue"]');
  await C.page.waitForSelector(`[data-overdue-row="${g1.members[0].id}"]`);
  const r = await C.page.textContent(`[data-overdue-row="${g1.members[0].id}"]`);
  assert.match(r, /长安区第一实验小学/);
  assert.match(r, /33 天/);
  assert.match(r, /催办/);
  await C.page.waitForSelector('[data-overdue-units]');
  // the city is reminded of its county's review long past due, in its work queue
  await C.page.goto(`${BASE}/#/arbitration`);
  await C.page.waitForSelector(`[data-reminders] [data-reminder="${g2.members[0].id}"]`);
  assert.match(await C.page.textContent(`[data-reminder="${g2.members[0].id}"]`), /桥西区.*待核办/);
  await shot(C.page, '09-city-reminders');
  for (const x of [C]) { assert.deepEqual(x.errors, []); assert.deepEqual(x.http, []); await x.ctx.close(); }

  const K = await as('county_130102');
  // its home counts the reminders (GET /api/v1/reminders: a number, "200+" beyond a page of 200)
  await K.page.waitForFunction(() => /^[1-9]\d*\+?$/.test(document.querySelector('[data-tile="home.reminders"] [data-n]')?.textContent || ''));
  await K.page.goto(`${BASE}/#/queue`);
  await K.page.waitForSelector(`[data-reminders] [data-reminder="${g1.members[0].id}"]`);
  assert.match(await K.page.textContent(`[data-reminder="${g1.members[0].id}"]`), /长安区第一实验小学.*待处理.*33 天/);
  await shot(K.page, '09-county-reminders');
  assert.deepEqual(K.errors, []);
  assert.deepEqual(K.http, []);
  await K.ctx.close();

  const P = await as('prov_13', 'en');
  await P.page.goto(`${BASE}/#/arbitration`);
  await P.page.waitForSelector(`[data-reminders] [data-reminder="g${g3.id}"]`);
  const pr = await P.page.textContent(`[data-reminder="g${g3.id}"]`);
  assert.match(pr, /Awaiting arbitration.*45 days.*Escalated/);
  await shot(P.page, '09-province-reminders-en');
  assert.deepEqual(P.errors, []);
  assert.deepEqual(P.http, []);
  await P.ctx.close();
});
