// system-reasons.test.mjs: issue 11 item 10 in the browser against the real service: an automatic rejection (R17) reads
// in the screen's language only, from the service's one table (no "中文 (R17: English)" parsing of a stored string):
// Chinese on the Chinese screen, English on the English one, in the rejection line and in the history.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchBrowser, BASE, SHOTS } from '../lib/browser.mjs';
import { userPage } from '../lib/web.mjs';
import { SCHOOLS as S, CLERK, COUNTY, login, makeGroup, ok, corroborate } from '../lib/workflow.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test('issue 11.10 R17: the automatic rejection is Chinese on the Chinese screen and English on the English one, line and history', async () => {
  const g = makeGroup({ type: 'id_dup', members: [{ school: S.a }, { school: S.a2 }] });
  const [A, B] = g.members;
  await corroborate(await login(CLERK.a), A);
  await corroborate(await login(CLERK.a2), B);
  await ok(await login(COUNTY[130102]), A.id, 'approve');
  for (const lang of ['zh', 'en']) {
    const U = await userPage(browser, CLERK.a2, { lang });
    await U.page.goto(`${BASE}/#/groups/${g.id}`);
    await U.page.waitForSelector(`[data-member="${B.id}"] [data-reject-reason]`);
    const line = await U.page.textContent(`[data-member="${B.id}"] [data-reject-reason]`);
    const hist = await U.page.textContent('[data-history]');
    if (lang === 'zh') {
      assert.match(line, /不通过原因：同一区县已核办通过本组另一条佐证，本条自动不通过。$/);
      assert.match(hist, /自动不通过.*原因：同一区县已核办通过本组另一条佐证/);
      assert.doesNotMatch(line, /[A-Za-z]{3,}/);
    } else {
      assert.match(line, /Rejection reason: The county approved another corroboration in this group; this one is rejected automatically\.$/);
      assert.match(hist, /Rejected automatically.*Reason: The county approved another corroboration/);
      assert.doesNotMatch(line, /[\u3400-\u9fff]/);
    }
    assert.doesNotMatch(line + hist, /\(R\d+|auto_reject/);
    await U.page.screenshot({ path: join(SHOTS, `reasons-10-${lang}.png`), fullPage: true });
    assert.deepEqual(U.errors, []);
    assert.deepEqual(U.http, []);
    await U.ctx.close();
  }
});
