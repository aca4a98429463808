// web.mjs: issue 7 speed figures: bytes the school home page's first load transfers (compressed, cold cache; aim ≤ 200 KB, charts excluded)
// and the time to render the school's problem list with 10,000 problem records behind it (server-paged, R30).
// Needs a running instance: BASE_URL, XJ_VARDIR (tests/bench/run.sh sets them). Seeds the 10,000 records by SQL once (bench instance only).
import { launchBrowser, BASE } from '../lib/browser.mjs';
import { sql, sqlCount, VARDIR } from '../lib/api.mjs';
import { fakeWorld, installMock } from '../lib/webmock.mjs';

const USER = 'clerk_a';
const PASSWORD = 'Xueji@2026demo';
const N = Number(process.env.WEB_BENCH_RECORDS || 10000);

/** Sign the context in through the API (the cookie lands in the context; no page, no cache warmed). */
async function apiSignIn(ctx) {
  const r = await ctx.request.post(BASE + '/api/v1/session', { data: { username: USER, password: PASSWORD } });
  if (r.status() !== 201) throw new Error('sign-in failed: ' + r.status());
}

/** Sum the transferred bytes (headers + encoded body) of every response of a page load. */
async function firstLoad(browser) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await apiSignIn(ctx);
  const page = await ctx.newPage();
  const reqs = [];
  page.on('requestfinished', (req) => reqs.push(req));
  await page.goto(BASE + '/#/', { waitUntil: 'networkidle' });
  await page.waitForSelector('[data-home]');
  let bytes = 0, body = 0, gz = 0;
  const rows = [];
  for (const req of reqs) {
    const s = await req.sizes();
    const resp = await req.response();
    const enc = resp ? (await resp.allHeaders())['content-encoding'] || '' : '';
    if (enc === 'gzip') gz += 1;
    bytes += s.responseBodySize + s.responseHeadersSize;
    body += s.responseBodySize;
    rows.push([new URL(req.url()).pathname, s.responseBodySize, enc]);
  }
  const charts = rows.some(([p]) => p.includes('echarts'));
  await ctx.close();
  return { bytes, body, requests: reqs.length, gz, charts, rows };
}

/** Seed N open ID-duplicate groups between clerk_a's school and a school of another county (once). */
function seed() {
  const have = sqlCount("SELECT COUNT(*) FROM problem_group WHERE clash_key LIKE 'webbench-%'");
  if (have >= N) return have;
  const [a] = sql("SELECT id FROM unit WHERE code='1301020001'")[0];
  const [c] = sql("SELECT id FROM unit WHERE code='1302020001'")[0];
  const [prov] = sql("SELECT id FROM unit WHERE code='130000'")[0];
  const seqT = `seq_1_to_${N}`;
  sql(`INSERT IGNORE INTO student (school_id, province_code, city_code, county_code, name, gender, birth_date, id_type, id_number, student_no, status)
       SELECT ${a}, '13', '1301', '130102', CONCAT('压测', seq), 'M', '2015-01-01', '1', CONCAT('13010220150101', LPAD(seq, 4, '0')), CONCAT('LW', LPAD(seq, 17, '0')), 'problem' FROM ${seqT};
       INSERT IGNORE INTO student (school_id, province_code, city_code, county_code, name, gender, birth_date, id_type, id_number, student_no, status)
       SELECT ${c}, '13', '1302', '130202', CONCAT('压测', seq), 'M', '2015-01-01', '1', CONCAT('13010220150101', LPAD(seq, 4, '0')), CONCAT('LX', LPAD(seq, 17, '0')), 'problem' FROM ${seqT};
       INSERT IGNORE INTO problem_group (type, clash_key, open_key, state, scope_level, arbiter_unit_id)
       SELECT 'id_dup', CONCAT('webbench-', seq), CONCAT('webbench-', seq), 'open', 1, ${prov} FROM ${seqT};
       INSERT IGNORE INTO group_member (group_id, student_id, school_id, province_code, city_code, county_code, state, due_date)
       SELECT g.id, s.id, s.school_id, s.province_code, s.city_code, s.county_code, 'open', UTC_DATE() + INTERVAL 14 DAY
       FROM ${seqT} q JOIN problem_group g ON g.type = 'id_dup' AND g.open_key = CONCAT('webbench-', q.seq)
       JOIN student s ON s.student_no IN (CONCAT('LW', LPAD(q.seq, 17, '0')), CONCAT('LX', LPAD(q.seq, 17, '0')));`);
  return sqlCount("SELECT COUNT(*) FROM problem_group WHERE clash_key LIKE 'webbench-%'");
}

/** Time from navigating to the problem list until its first page of rows is on screen (median of runs). */
async function renderList(browser, ctxSetup) {
  const times = [];
  let rowsShown = 0, total = '';
  for (let i = 0; i < 5; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await ctxSetup(ctx);
    await apiSignIn(ctx);
    const page = await ctx.newPage();
    await page.goto(BASE + '/#/', { waitUntil: 'networkidle' });
    await page.waitForSelector('[data-home]');
    const t0 = Date.now();
    await page.evaluate(() => { location.hash = '#/problems'; });
    await page.waitForSelector('[data-group-row]', { timeout: 30000 });
    times.push(Date.now() - t0);
    rowsShown = await page.locator('[data-group-row]').count();
    total = await page.textContent('[data-page-info]');
    await ctx.close();
  }
  times.sort((x, y) => x - y);
  return { median: times[Math.floor(times.length / 2)], max: times.at(-1), rowsShown, total };
}

const browser = await launchBrowser();
try {
  const fl = await firstLoad(browser);
  console.log(`web first load, school home (cold cache): ${(fl.bytes / 1024).toFixed(1)} KB transferred (bodies ${(fl.body / 1024).toFixed(1)} KB) in ${fl.requests} requests, ${fl.gz} gzip-encoded; charts loaded: ${fl.charts ? 'yes' : 'no'}; aim <= 200 KB`);
  for (const [p, b, enc] of fl.rows.sort((x, y) => y[1] - x[1]).slice(0, 8)) console.log(`  ${String(b).padStart(7)} B ${enc.padEnd(5)} ${p}`);
  const real = await fetch(BASE + '/api/v1/groups').then((r) => r.status).catch(() => 0);
  if (real !== 404 && VARDIR) {
    let seeded = 0;
    try { seeded = seed(); } catch (e) { console.log(`  (seeding ${N} groups by SQL failed: ${String(e.message).split('\n')[0]})`); }
    const r = await renderList(browser, async () => {});
    console.log(`problem list render, real service, ${seeded} seeded groups behind it: median ${r.median} ms, max ${r.max} ms (5 runs), ${r.rowsShown} rows on the first page; ${r.total}`);
  } else {
    console.log('problem list render, real service: n/a (GET /api/v1/groups not on this build)');
  }
  const w = fakeWorld();
  const g0 = w.groups[0];
  w.groups = Array.from({ length: N }, (_, i) => ({ ...g0, id: 100000 + i, members: g0.members.map((m) => ({ ...m, id: m.id + 10 * i })) }));
  const m = await renderList(browser, (ctx) => installMock(ctx, w, { role: 'school_clerk', schoolId: 1001 }));
  console.log(`problem list render, client side only (fake API paging ${N} groups, 50 per page): median ${m.median} ms, max ${m.max} ms; ${m.rowsShown} rows drawn; ${m.total}`);
} finally {
  await browser.close();
}
