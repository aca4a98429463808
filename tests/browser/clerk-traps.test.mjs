// clerk-traps.test.mjs: traps of a county clerk and a bureau arbitrator in the browser against the real service
// (R26–R28), one test per trap, each user in its own browser context:
// - a school merger has no pre-selected target and is confirmed naming both schools; a move to another county is
// confirmed by the county's name (an unknown code is said, nothing sent)
// - the problem list shows a bureau's own record as "ours" (the service's `mine`)
// - a secondary panel's failure is said in the panel, the working list stays
// - a suspected pair decided or changed meanwhile (409) is redrawn as it is now
// - the group page after a 409 redraws its actions from a fresh read, and a failed refresh after a done action is not
// said as the action's failure
// - times are shown in China time whatever the browser's zone
// - the group page's "back" returns to the list left, its filters kept.
// Screenshots: $XJ_VARDIR/screenshots/clerk-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchBrowser, BASE, SHOTS } from '../lib/browser.mjs';
import { signIn, watchErrors } from '../lib/web.mjs';
import { sql, sqlCount, Client } from '../lib/api.mjs';
import * as reg from '../lib/registry.mjs';
import { makeGroup, corroborate, login, SCHOOLS as S } from '../lib/workflow.mjs';
import { runSuspects, variantPair } from '../lib/suspects.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** A signed-in page in its own browser context; the API requests it sends are kept. */
async function as(user, { lang = 'zh', timezoneId } = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId });
  if (lang === 'en') await ctx.addInitScript(() => localStorage.setItem('xj.lang', 'en'));
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  const sent = [];
  page.on('request', (q) => { if (q.url().includes('/api/')) sent.push(`${q.method()} ${new URL(q.url()).pathname}`); });
  await signIn(page, user);
  return { ctx, page, errors, sent };
}

const shot = (page, name) => page.screenshot({ path: join(SHOTS, `clerk-${name}.png`), fullPage: true });
const title = (page) => page.textContent('#dlg-title');
const hash = () => sql("SELECT password_hash FROM app_user WHERE username = 'clerk_a'")[0][0];

/** A county bureau user of county (its user made when missing) and a fresh school of the county. */
async function countySchool(county, name) {
  sql(`INSERT IGNORE INTO app_user (username, display_name, role, unit_id, password_hash) VALUES ('county_${county}', 'county ${county}', 'county', ${county}, '${hash()}')`);
  const api = await Client.login(`county_${county}`);
  for (;;) {
    const code = `${county}${String(6000 + Math.floor(Math.random() * 3999))}`;
    if (sqlCount(`SELECT COUNT(*) FROM unit WHERE code = '${code}'`)) continue;
    const r = await api.post('/api/v1/schools', { code, county_code: county, name, type: '211' });
    assert.equal(r.status, 201, r.text);
    return r.body;
  }
}

test('R1 R26: a merger has no target chosen at first (OK is refused, said in the dialog) and a second confirmation names both schools (zh, en)', async () => {
  // 赞皇县 130129: no other suite keeps schools there
  const county = '130129';
  const from = await countySchool(county, '合并陷阱甲小学');
  const into = await countySchool(county, '合并陷阱乙小学');
  const clerk = `clerk_${from.code}`;
  sql(`INSERT INTO app_user (username, display_name, role, unit_id, password_hash) VALUES ('${clerk}', '${clerk}', 'school_clerk', ${from.id}, '${hash()}')`);
  const r = await (await Client.login(clerk)).post('/api/v1/students', reg.record({ code: from.code }));
  assert.equal(r.status, 201, r.text);

  const K = await as(`county_${county}`);
  await K.page.click('nav a[href="#/schools"]');
  await K.page.click(`[data-merge-school="${from.code}"]`);
  await K.page.waitForSelector(`#sch-merge-into option[value="${into.id}"]`);
  assert.equal(await K.page.$eval('#sch-merge-into', (s) => s.selectedIndex), -1, 'no target pre-selected');
  await K.page.click('[data-dialog-ok]');
  await K.page.waitForFunction(() => /请先选择转入学校/.test(document.querySelector('[data-dialog-error]')?.textContent || ''));
  assert.equal(await K.page.locator('[data-dialog]').count(), 1, 'the dialog stays open');
  assert.ok(!K.sent.some((s) => s.endsWith('/merge')), 'nothing sent');
  await K.page.selectOption('#sch-merge-into', String(into.id));
  await K.page.click('[data-dialog-ok]');
  await K.page.waitForFunction(() => /确认将/.test(document.querySelector('#dlg-title')?.textContent || ''));
  const said = await title(K.page);
  assert.match(said, new RegExp(`合并陷阱甲小学.*${from.code}.*合并陷阱乙小学.*${into.code}`), 'both schools named');
  await shot(K.page, 'merge-second');
  // cancelled at the second confirmation: nothing moved
  await K.page.click('[data-dialog-cancel]');
  await K.page.waitForFunction(() => !document.querySelector('[data-dialog]'));
  assert.ok(!K.sent.some((s) => s.endsWith('/merge')));
  assert.equal(sqlCount(`SELECT COUNT(*) FROM student WHERE school_id = ${from.id}`), 1);
  assert.deepEqual(K.errors, []);
  await K.ctx.close();

  // in English: both named; confirmed, the records move
  const E = await as(`county_${county}`, { lang: 'en' });
  await E.page.click('nav a[href="#/schools"]');
  await E.page.click(`[data-merge-school="${from.code}"]`);
  await E.page.waitForSelector(`#sch-merge-into option[value="${into.id}"]`);
  await E.page.click('[data-dialog-ok]');
  await E.page.waitForFunction(() => /choose the target school/.test(document.querySelector('[data-dialog-error]')?.textContent || ''));
  await E.page.selectOption('#sch-merge-into', String(into.id));
  await E.page.click('[data-dialog-ok]');
  await E.page.waitForFunction(() => /^Really move/.test(document.querySelector('#dlg-title')?.textContent || ''));
  assert.match(await title(E.page), new RegExp(`合并陷阱甲小学.*${from.code}.*合并陷阱乙小学.*${into.code}`));
  await E.page.click('[data-dialog-ok]');
  await E.page.waitForFunction(() => /1 records moved/.test(document.querySelector('[data-flash]')?.textContent || ''));
  assert.equal(sqlCount(`SELECT COUNT(*) FROM student WHERE school_id = ${into.id}`), 1);
  assert.deepEqual(E.errors, []);
  await E.ctx.close();
});

test('R1 R26: a move to another county names the county found for the code before it is sent; an unknown code is said and nothing is sent', async () => {
  // 元氏县 130132 → 赵县 130133
  const s = await countySchool('130132', '调整陷阱小学');
  const P = await as('prov_13');
  await P.page.click('nav a[href="#/schools"]');
  await P.page.fill('#sch-q', s.code);
  await P.page.click('[data-schools] form[role=search] button[type=submit]');
  await P.page.waitForSelector(`[data-move-school="${s.code}"]`);
  await P.page.click(`[data-move-school="${s.code}"]`);
  await P.page.fill('#sch-move-county', '139999');
  await P.page.click('[data-dialog-ok]');
  await P.page.waitForFunction(() => /没有代码为“139999”的区县/.test(document.querySelector('[data-dialog-error]')?.textContent || ''));
  assert.equal(await P.page.locator('[data-dialog]').count(), 1, 'the dialog stays open');
  assert.ok(!P.sent.some((x) => x.endsWith('/move')), 'nothing sent');
  await P.page.fill('#sch-move-county', '130133');
  await P.page.click('[data-dialog-ok]');
  await P.page.waitForFunction(() => /^调整到 赵县（130133）？/.test(document.querySelector('#dlg-title')?.textContent || ''));
  await shot(P.page, 'move-confirm');
  assert.ok(!P.sent.some((x) => x.endsWith('/move')), 'nothing sent before the confirmation');
  await P.page.click('[data-dialog-ok]');
  await P.page.waitForFunction(() => /调整到赵县/.test(document.querySelector('[data-flash]')?.textContent || ''));
  assert.deepEqual(sql(`SELECT parent_id FROM unit WHERE id = ${s.id}`)[0], ['130133']);
  assert.deepEqual(P.errors, []);
  await P.ctx.close();
});

test('R26: the problem list shows as a county\'s own record the member within the county (the service\'s mine), not the first member', async () => {
  // 唐山 路南区 (outside 桥西区) first, 桥西区 second: the county's own is the second
  const g = makeGroup({ type: 'nbg_dup', members: [{ school: S.c }, { school: S.b }] });
  const ownNo = sql(`SELECT s.student_no FROM student s WHERE s.id = ${g.members[1].studentId}`)[0][0];
  const K = await as('county_130104');
  const [res] = await Promise.all([
    K.page.waitForResponse((r) => r.url().includes('/api/v1/groups?') && r.request().method() === 'GET'),
    K.page.goto(`${BASE}/#/problems?q=${encodeURIComponent(g.name)}`),
  ]);
  const item = (await res.json()).items.find((x) => x.id === g.id);
  assert.deepEqual(item.members.map((m) => m.mine), [false, true], 'the service says which member is the county\'s');
  await K.page.waitForSelector(`[data-group-row="${g.id}"]`);
  const ours = await K.page.textContent(`[data-group-row="${g.id}"] td[data-label="本校记录"]`);
  assert.ok(ours.includes(ownNo), `"ours" is the 桥西区 record (${ownNo}), not ${ours}`);
  const others = await K.page.textContent(`[data-group-row="${g.id}"] td[data-label="与之重复的记录"]`);
  assert.ok(!others.includes(ownNo), 'the county\'s own record is not among the clashing ones');
  await shot(K.page, 'problems-mine');
  assert.deepEqual(K.errors, []);
  await K.ctx.close();
});

/** Make every request matching pred fail (500) until the returned function is called. */
async function failing(page, pred) {
  const handler = (route) => route.fulfill({ status: 500, contentType: 'application/json',
    body: JSON.stringify({ error: { code: 'internal', message: '系统内部错误，请稍后重试。', message_en: 'Internal error.', field: null } }) });
  await page.route(pred, handler);
  return () => page.unroute(pred, handler);
}

test('R26: a failed reminders panel (queue, arbitration) or overdue summary is said inside the panel; the main list stays and the panel can be read again', async () => {
  const g = makeGroup({ type: 'nbg_dup', members: [{ school: S.b, state: 'awaiting_review' }, { school: S.c }] });
  const K = await as('county_130104');
  let heal = await failing(K.page, (u) => u.pathname === '/api/v1/reminders');
  await K.page.goto(`${BASE}/#/queue?q=${encodeURIComponent(g.name)}`);
  await K.page.waitForSelector('[data-reminders] [data-panel-error]');
  assert.match(await K.page.textContent('[data-reminders] [data-panel-error]'), /这一栏没有读出来：系统内部错误/);
  await K.page.waitForSelector(`[data-queue] [data-queue-row="${g.members[0].id}"]`);
  assert.equal(await K.page.locator('[data-load-error]').count(), 0, 'no error page');
  await shot(K.page, 'queue-panel-failed');
  await heal();
  await K.page.click('[data-reminders] [data-panel-retry]');
  await K.page.waitForFunction(() => !document.querySelector('[data-panel-error]'));
  assert.equal(await K.page.locator(`[data-queue-row="${g.members[0].id}"]`).count(), 1);

  // the overdue screen: its summary by unit (1000 rows) fails, its list stays
  heal = await failing(K.page, (u) => u.pathname === '/api/v1/overdue' && u.searchParams.get('limit') === '1000');
  await K.page.goto(`${BASE}/#/overdue`);
  await K.page.waitForSelector('[data-overdue] [data-panel-error]');
  assert.match(await K.page.textContent('[data-overdue] [data-panel-error]'), /系统内部错误/);
  await K.page.waitForSelector('[data-overdue] [data-list-body] table, [data-overdue] [data-list-body] [data-empty]');
  assert.equal(await K.page.locator('[data-load-error]').count(), 0, 'no error page');
  await heal();
  await K.ctx.close();

  // a bureau's arbitration list (in English)
  const B = await as('prov_13', { lang: 'en' });
  await failing(B.page, (u) => u.pathname === '/api/v1/reminders');
  await B.page.goto(`${BASE}/#/arbitration`);
  await B.page.waitForSelector('[data-reminders] [data-panel-error]');
  assert.match(await B.page.textContent('[data-reminders] [data-panel-error]'), /This panel could not be read: Internal error/);
  await B.page.waitForSelector('[data-arbitration] [data-list-body] table, [data-arbitration] [data-list-body] [data-empty]');
  assert.equal(await B.page.locator('[data-load-error]').count(), 0, 'no error page');
  await B.ctx.close();
});

test('R31: a suspected pair changed meanwhile (409 version_conflict) is redrawn with its new version; one decided meanwhile (409 already_decided) leaves the open list, the reason said', async () => {
  runSuspects();
  const [a1, b1] = await variantPair();
  const [a2, b2] = await variantPair();
  runSuspects();
  const pairId = (a, b) => Number(sql(`SELECT id FROM suspect_pair WHERE lo_id=${Math.min(a, b)} AND hi_id=${Math.max(a, b)}`)[0][0]);
  const p1 = pairId(a1, b1), p2 = pairId(a2, b2);
  const K = await as('county_130102');
  await K.page.goto(`${BASE}/#/suspects`);
  await K.page.waitForSelector(`[data-sx-pair="${p1}"]`);
  await K.page.waitForSelector(`[data-sx-pair="${p2}"]`);
  // p1 changed behind the screen's back (still open, a new version)
  sql(`UPDATE suspect_pair SET version = version + 1 WHERE id = ${p1}`);
  await K.page.click(`[data-sx-pair="${p1}"] [data-sx-decide="different"]`);
  await K.page.click('[data-dialog-ok]');
  await K.page.waitForFunction(() => /已被他人更改/.test(document.querySelector('[data-flash]')?.textContent || ''));
  // redrawn with the new version: the decision now goes through
  await K.page.click(`[data-sx-pair="${p1}"] [data-sx-decide="different"]`);
  await K.page.click('[data-dialog-ok]');
  await K.page.waitForSelector(`[data-sx-pair="${p1}"]`, { state: 'detached' });
  assert.equal(sql(`SELECT state FROM suspect_pair WHERE id = ${p1}`)[0][0], 'different');
  // p2 decided by someone else meanwhile: the card no longer offers the decisions
  sql(`UPDATE suspect_pair SET state = 'different', decided_at = UTC_TIMESTAMP(6), decided_fp = fp, version = version + 1 WHERE id = ${p2}`);
  await K.page.click(`[data-sx-pair="${p2}"] [data-sx-decide="same_child"]`);
  await K.page.click('[data-dialog-ok]');
  await K.page.waitForFunction(() => /已有决定/.test(document.querySelector('[data-flash]')?.textContent || ''));
  await K.page.waitForSelector(`[data-sx-pair="${p2}"]`, { state: 'detached' });
  await shot(K.page, 'suspect-decided-meanwhile');
  assert.equal(sqlCount(`SELECT COUNT(*) FROM suspect_pair WHERE id = ${p2} AND group_id IS NULL`), 1, 'no group opened');
  await K.ctx.close();
});

test('R17 R25: on the group page a 409 is said and the actions redrawn from a fresh read (no stale form); a failed refresh after a done action is said as such, not as the action\'s failure', async () => {
  // each group's 长安区 record corroborated by its school: awaiting the county's review
  const mk = async () => {
    const g = makeGroup({ type: 'nbg_dup', members: [{ school: S.a }, { school: S.c }] });
    await corroborate(await login('clerk_a'), g.members[0]);
    return g;
  };
  const g1 = await mk(), g2 = await mk(), g3 = await mk();
  const K = await as('county_130102');
  const box = (g) => `[data-member-actions="${g.members[0].id}"]`;
  const flashText = () => K.page.textContent('[data-flash]');
  const open = async (g) => {
    await K.page.goto(`${BASE}/#/groups/${g.id}`);
    await K.page.click(`${box(g)} [data-action="approve"]`);
    await K.page.waitForSelector(`${box(g)} [data-confirm-approve]`);
  };
  // 1. the member changed meanwhile (a new version): said; the form gives way to the actions read afresh, which then work
  await open(g1);
  sql(`UPDATE group_member SET version = version + 1 WHERE id = ${g1.members[0].id}`);
  await K.page.click(`${box(g1)} [data-confirm-approve]`);
  await K.page.waitForFunction(() => /记录已被他人更改/.test(document.querySelector('[data-flash]')?.textContent || ''));
  await K.page.waitForSelector(`${box(g1)} [data-action="approve"]`);
  assert.equal(await K.page.locator('[data-confirm-approve]').count(), 0, 'no stale form');
  await K.page.click(`${box(g1)} [data-action="approve"]`);
  await K.page.click(`${box(g1)} [data-confirm-approve]`);
  await K.page.waitForFunction(() => /已提交/.test(document.querySelector('[data-flash]')?.textContent || ''));
  assert.equal(sql(`SELECT state FROM group_member WHERE id = ${g1.members[0].id}`)[0][0], 'approved');
  // 2. approved by someone else meanwhile: said; the approval is no longer offered
  await open(g2);
  sql(`UPDATE group_member SET state = 'approved', version = version + 1 WHERE id = ${g2.members[0].id}`);
  await K.page.click(`${box(g2)} [data-confirm-approve]`);
  await K.page.waitForFunction(() => /记录已被他人更改/.test(document.querySelector('[data-flash]')?.textContent || ''));
  await K.page.waitForFunction((sel) => !document.querySelector(`${sel} [data-confirm-approve]`) && !document.querySelector(`${sel} [data-action="approve"]`), box(g2));
  await shot(K.page, 'group-409');
  // 3. done, but the page's refresh fails: the action is said done; the form does not say it failed
  await open(g3);
  let armed = true;
  await K.page.route((u) => u.pathname === `/api/v1/groups/${g3.id}`, (route) => (armed && route.request().method() === 'GET'
    ? route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: '系统内部错误，请稍后重试。', message_en: 'Internal error.', field: null } }) })
    : route.continue()));
  await K.page.click(`${box(g3)} [data-confirm-approve]`);
  await K.page.waitForFunction(() => /已提交.*但页面没有刷新.*系统内部错误/.test(document.querySelector('[data-flash]')?.textContent || ''));
  assert.equal(await K.page.locator(`${box(g3)} [data-form-error]`).textContent().catch(() => ''), '', 'not said as the action\'s failure');
  assert.equal(sql(`SELECT state FROM group_member WHERE id = ${g3.members[0].id}`)[0][0], 'approved');
  armed = false;
  assert.match(await flashText(), /核办|approve/i);
  await K.ctx.close();
});

test('R24 R26: the group page shows its times in China time, agreeing with the list\'s day, in a browser set to New York time', async () => {
  const g = makeGroup({ type: 'nbg_dup', members: [{ school: S.a }, { school: S.c }] });
  // 23:30 UTC on 1 March is 07:30 on 2 March in China (18:30 on 1 March in New York)
  sql(`UPDATE problem_group SET created_at = '2026-03-01 23:30:00' WHERE id = ${g.id}`);
  const A = await as('clerk_a', { timezoneId: 'America/New_York' });
  await A.page.goto(`${BASE}/#/problems?q=${encodeURIComponent(g.name)}`);
  await A.page.waitForSelector(`[data-group-row="${g.id}"]`);
  assert.match(await A.page.textContent(`[data-group-row="${g.id}"]`), /2026-03-02/);
  await A.page.goto(`${BASE}/#/groups/${g.id}`);
  await A.page.waitForSelector(`[data-group="${g.id}"] dl.facts`);
  const facts = await A.page.textContent(`[data-group="${g.id}"] dl.facts`);
  assert.match(facts, /2026\/3\/2 07:30:00/, facts);
  assert.deepEqual(A.errors, []);
  await A.ctx.close();
});

test('R26: the group page\'s "back" returns to the list the user came from, its filters kept; opened directly, to the role\'s own list', async () => {
  const g = makeGroup({ type: 'nbg_dup', members: [{ school: S.a, state: 'awaiting_review' }, { school: S.c }] });
  const K = await as('county_130102');
  const list = `#/problems?q=${encodeURIComponent(g.name)}&type=nbg_dup`;
  await K.page.goto(`${BASE}/${list}`);
  await K.page.click(`[data-group-link="${g.id}"]`);
  await K.page.waitForSelector(`[data-group="${g.id}"] [data-back]`);
  assert.equal(await K.page.getAttribute('[data-back]', 'href'), list);
  assert.equal(await K.page.textContent('[data-back]'), '返回问题学籍列表');
  await K.page.click('[data-back]');
  await K.page.waitForSelector(`[data-group-row="${g.id}"]`);
  assert.equal(await K.page.inputValue('[data-problems] input[name="q"]'), g.name, 'the search kept');
  // from the overdue list: back there
  await K.page.goto(`${BASE}/#/overdue`);
  await K.page.waitForSelector('[data-overdue]');
  await K.page.goto(`${BASE}/#/groups/${g.id}`);
  await K.page.waitForSelector(`[data-group="${g.id}"] [data-back]`);
  assert.equal(await K.page.getAttribute('[data-back]', 'href'), '#/overdue');
  assert.equal(await K.page.textContent('[data-back]'), '返回超期未办理列表');
  await K.ctx.close();
  // opened directly (a new tab): the county's own list, named as it is
  const D = await as('county_130102', { lang: 'en' });
  await D.page.goto(`${BASE}/#/groups/${g.id}`);
  await D.page.waitForSelector(`[data-group="${g.id}"] [data-back]`);
  assert.equal(await D.page.getAttribute('[data-back]', 'href'), '#/queue');
  assert.equal(await D.page.textContent('[data-back]'), 'Back to the work queue');
  await D.ctx.close();
});

test('R30 R24: the overdue summary by unit says when it counted only the most overdue page (more steps than it read), instead of looking complete', async () => {
  const K = await as('county_130104');
  // the service's answer to the summary's read, with a next page as a province with over 1,000 late steps gets
  const summaryRead = (u) => u.pathname === '/api/v1/overdue' && u.searchParams.get('limit') === '1000';
  let more = 'more';
  await K.page.route(summaryRead, async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    const one = { kind: 'member', group_id: 1, member_id: 1, state: 'awaiting_review', age_days: 3, escalated: false, unit: { code: '130104', name: '桥西区' } };
    await route.fulfill({ response: res, json: { ...body, items: body.items.length ? body.items : [one], next_cursor: more } });
  });
  await K.page.goto(`${BASE}/#/overdue`);
  await K.page.waitForSelector('[data-overdue-units] [data-overdue-partial]');
  assert.match(await K.page.textContent('[data-overdue-partial]'), /只统计了超期最久的 \d+ 项（超期事项更多）：各单位的数目不全/);
  more = null; // every step read: the same summary without the note
  await K.page.reload();
  await K.page.waitForSelector('[data-overdue-units]');
  assert.equal(await K.page.locator('[data-overdue-partial]').count(), 0, 'a summary of every step says nothing of the kind');
  assert.deepEqual(K.errors, []);
  await K.ctx.close();
});
