// authz-matrix.test.mjs: issue 3's proof: every route of the router table x every role -> the expected status
// (derived from the roles column of `xueji --routes`), plus each module's own/foreign-jurisdiction probes from
// tests/api/authz-cases/*.mjs (see the README there for how a module adds its cases).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { http, sql, sqlCount } from '../lib/api.mjs';
import { DEMO_TOKENS, BearerClient, login, remember, unitId, userId, uniqueName } from '../lib/auth.mjs';

const ROLE_ACCOUNTS = {
  school_clerk: 'clerk_a', school_leader: 'leader_a', county: 'county_130102', bureau: 'city_1301', admin: 'admin_13',
  province_api: 'province_api:13',
};
const KNOWN_ROLES = new Set(Object.keys(ROLE_ACCOUNTS));
const PLACEHOLDER_ID = '999999999';
/** Routes that end the caller's session: probed with a fresh session so the shared ones survive. */
const ENDS_SESSION = new Set(['DELETE /api/v1/session']);

/** The router table: [{method, path, roles: Set|'public', maxBody, key}]. */
function routeTable() {
  const out = execFileSync(`${process.env.XJ_BUILD}/xueji`, ['--routes'], { encoding: 'utf8' }).trim().split('\n');
  return out.map((line) => {
    const [method, path, roles, maxBody] = line.split(' ');
    return { method, path, roles: roles === 'public' ? 'public' : new Set(roles.split(',')), maxBody: Number(maxBody), key: `${method} ${path}`, line };
  });
}

const clients = new Map();
/** A signed-in client for a demo user name, or a bearer client for 'province_api:NN' (cached). */
async function as(name) {
  if (!clients.has(name)) {
    const m = /^province_api:(\d+)$/.exec(name);
    clients.set(name, m ? new BearerClient(DEMO_TOKENS[m[1]]) : await login(name));
  }
  return clients.get(name);
}

/** Send a probe of a route as a client (null = anonymous); raw: {raw, headers} instead of a JSON body. */
function probe(client, method, path, body, raw) {
  const opts = raw ? raw : ['POST', 'PUT', 'PATCH'].includes(method) ? { body: body ?? {} } : {};
  return client ? client.req(method, path, opts) : http(method, path, opts);
}

async function loadCaseFiles() {
  const dir = new URL('./authz-cases/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort();
  const mods = [];
  for (const f of files) mods.push({ file: f, ...(await import(new URL(f, dir))).default });
  return mods;
}

const routes = routeTable();
const caseFiles = await loadCaseFiles();

test('the router table is complete: every route has a known roles column', () => {
  assert.ok(routes.length >= 14, `${routes.length} routes`);
  for (const r of routes) {
    assert.match(r.method, /^(GET|POST|PUT|PATCH|DELETE)$/, r.line);
    assert.match(r.path, /^\/api\/v1\//, r.line);
    assert.ok(Number.isInteger(r.maxBody), r.line);
    if (r.roles !== 'public') {
      assert.ok(r.roles.size > 0, r.line);
      for (const role of r.roles) assert.ok(KNOWN_ROLES.has(role), `unknown role ${role} in: ${r.line}`);
    }
  }
});

test('every route x every role: 401 anonymous, 403 for roles not admitted, neither (nor 5xx) for admitted roles', async () => {
  const exceptions = new Map();
  for (const m of caseFiles) for (const e of m.roleExceptions || []) exceptions.set(`${e.route}|${e.role}`, e);
  const failures = [];
  let probes = 0;
  for (const r of routes) {
    const path = r.path.replace(/\{[^}]+\}/g, PLACEHOLDER_ID);
    for (const role of ['anonymous', ...KNOWN_ROLES]) {
      const account = ROLE_ACCOUNTS[role];
      let client = role === 'anonymous' ? null : await as(account);
      if (client && ENDS_SESSION.has(r.key) && !(client instanceof BearerClient)) client = await login(account);
      const res = await probe(client, r.method, path);
      probes++;
      const admitted = r.roles === 'public' || r.roles.has(role);
      const exc = exceptions.get(`${r.key}|${role}`);
      let ok;
      let want;
      if (exc) { want = String(exc.status); ok = res.status === exc.status; }
      else if (r.roles === 'public') { want = 'not 401/403, < 500'; ok = ![401, 403].includes(res.status) && res.status < 500; }
      else if (role === 'anonymous') { want = '401'; ok = res.status === 401 && res.body?.error?.code === 'unauthenticated'; }
      else if (!admitted) { want = '403'; ok = res.status === 403 && res.body?.error?.code === 'forbidden'; }
      else { want = 'not 401/403, < 500'; ok = ![401, 403].includes(res.status) && res.status < 500; }
      if (!ok) failures.push(`${r.key} as ${role}: got ${res.status} (${res.body?.error?.code ?? res.text.slice(0, 60)}), want ${want}`);
    }
  }
  assert.ok(probes >= routes.length * 7);
  assert.deepEqual(failures, [], `${failures.length} of ${probes} probes failed`);
});

test('every route of a module that has authz cases is covered by jurisdiction probes or declared unscoped', (t) => {
  const missing = [];
  const unowned = [];
  for (const r of routes) {
    const owners = caseFiles.filter((m) => (m.owns || []).some((p) => r.path === p || r.path.startsWith(p.endsWith('/') ? p : `${p}/`)));
    if (owners.length === 0) { unowned.push(r.key); continue; }
    if (!owners.some((m) => (m.covers || []).includes(r.key) || (m.unscoped || {})[r.key])) missing.push(`${r.key} (owned by ${owners.map((m) => m.file).join(', ')})`);
  }
  for (const m of caseFiles) {
    for (const k of [...(m.covers || []), ...Object.keys(m.unscoped || {})]) {
      assert.ok(routes.some((r) => r.key === k), `${m.file} names ${k}, which is not in the router table`);
    }
  }
  assert.deepEqual(missing, [], 'routes without a jurisdiction entry');
  // issue 3: a new route without an entry fails (no opt-in): add it to an authz-cases file's owns + covers/unscoped
  assert.deepEqual(unowned, [], 'routes no tests/api/authz-cases/NN-<module>.mjs owns');
});

/** Does a probe (method, path with ids and maybe a query) address route r? */
const addresses = (r, method, path) => method === r.method &&
  new RegExp(`^${r.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/?]+')}$`).test(path.split('?')[0]);

/** Each module's cases, built once (building may create users or records). */
const built = new Map();
function casesOf(m) {
  const ctx = { as, sql, sqlCount, unitId, userId, uniqueName, remember, DEMO_TOKENS };
  if (!built.has(m)) built.set(m, m.cases(ctx));
  return built.get(m);
}

test('every route a module declares covered has at least one jurisdiction probe', async () => {
  const empty = [];
  for (const m of caseFiles) {
    const cases = await casesOf(m);
    for (const k of m.covers || []) {
      const r = routes.find((x) => x.key === k);
      if (r && !cases.some((c) => addresses(r, c.method, c.path))) empty.push(`${k} (${m.file})`);
    }
  }
  assert.deepEqual(empty, [], 'routes listed in covers without a probe of them');
});

for (const m of caseFiles) {
  test(`jurisdiction probes of ${m.module} (${m.file}): own jurisdiction allowed, foreign is 404 or empty`, async () => {
    const cases = await casesOf(m);
    const failures = [];
    for (const c of cases) {
      const res = await probe(await as(c.as), c.method, c.path, c.body, c.raw && { raw: c.raw, headers: c.headers });
      const want = c.expect === undefined ? null : [].concat(c.expect);
      if (want && !want.includes(res.status)) { failures.push(`${c.name}: ${c.method} ${c.path} as ${c.as}: got ${res.status} ${res.text.slice(0, 120)}, want ${want}`); continue; }
      try { if (c.check) await c.check(res); } catch (e) { failures.push(`${c.name}: ${e.message}`); }
    }
    assert.deepEqual(failures, []);
  });
}
