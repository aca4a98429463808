// foundation.test.mjs: issue 2: health, router (404/405), error model, bad input at the HTTP layer, OpenAPI, headers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { http, Client, BASE, VARDIR, ROOT, sql, sqlCount, assertError } from '../lib/api.mjs';

test('health reports database ok and the schema version', async () => {
  const r = await http('GET', '/api/v1/health');
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'ok');
  assert.equal(r.body.database, 'ok');
  assert.ok(r.body.schema_version >= 2);
  assert.match(r.headers.get('content-type'), /application\/json/);
});

test('unknown route is 404 JSON', async () => {
  const r = await http('GET', '/api/v1/no-such-thing');
  assertError(r, 404, 'no_route');
});

test('wrong method is 405 with Allow', async () => {
  const r = await http('POST', '/api/v1/health', { body: {} });
  assertError(r, 405, 'method_not_allowed');
  assert.equal(r.headers.get('allow'), 'GET, HEAD');
});

test('malformed JSON is 400 naming the byte position, and stores nothing', async () => {
  const before = sqlCount('SELECT COUNT(*) FROM session');
  const r = await http('POST', '/api/v1/session', { raw: '{"username": "clerk_a", "password": ', headers: { 'content-type': 'application/json' } });
  assertError(r, 400, 'bad_json');
  assert.match(r.body.error.message_en, /byte \d+/);
  assert.equal(sqlCount('SELECT COUNT(*) FROM session'), before);
});

test('trailing garbage after JSON is 400', async () => {
  const r = await http('POST', '/api/v1/session', { raw: '{"username":"a","password":"b"} x', headers: { 'content-type': 'application/json' } });
  assertError(r, 400, 'bad_json');
});

test('invalid UTF-8 inside a JSON string is 400 bad_utf8', async () => {
  const raw = Buffer.concat([Buffer.from('{"username":"'), Buffer.from([0xc3, 0x28]), Buffer.from('","password":"x"}')]);
  const r = await http('POST', '/api/v1/session', { raw, headers: { 'content-type': 'application/json' } });
  assertError(r, 400, 'bad_utf8');
});

test('wrong content type is 415', async () => {
  const r = await http('POST', '/api/v1/session', { raw: 'username=a&password=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assertError(r, 415, 'unsupported_media_type');
});

test('body over the route limit is 413 from nginx', async () => {
  const r = await http('POST', '/api/v1/session', { raw: 'x'.repeat(20000), headers: { 'content-type': 'application/json' } });
  assertError(r, 413, 'too_large');
});

test('body over the route limit is 413 from the service too', async () => {
  // DELETE /api/v1/session takes no body; nginx's /api/ cap (64 KiB) lets 1 KiB through
  const r = await http('DELETE', '/api/v1/session', { raw: 'x'.repeat(1024), headers: { 'content-type': 'application/json' } });
  assertError(r, 413, 'too_large');
});

test('oversized header is 400 and oversized query is 414', async () => {
  const big = await http('GET', '/api/v1/health', { headers: { 'x-big': 'a'.repeat(10000) } });
  assert.equal(big.status, 400);
  const longq = await http('GET', '/api/v1/health?q=' + 'a'.repeat(9000));
  assert.equal(longq.status, 414);
  const midq = await http('GET', '/api/v1/health?q=' + 'a'.repeat(5000));
  assertError(midq, 414, 'uri_too_long');
});

test('a request line with a NUL or broken HTTP is answered 400, and the service keeps serving', async () => {
  const reply = await new Promise((resolve) => {
    const u = new URL(BASE);
    const s = net.connect(Number(u.port), u.hostname, () => s.end('GET /api/v1/health\x00 HTTP/1.1\r\nHost: x\r\n\r\n'));
    let d = '';
    s.on('data', (c) => { d += c; });
    s.on('close', () => resolve(d));
  });
  assert.match(reply, /^HTTP\/1\.1 400/);
  assert.equal((await http('GET', '/api/v1/health')).status, 200);
});

test('OpenAPI document lists every route of the router table', async () => {
  const r = await http('GET', '/api/v1/openapi.json');
  assert.equal(r.status, 200);
  assert.match(r.body.openapi, /^3\./);
  const table = execFileSync(`${process.env.XJ_BUILD}/xueji`, ['--routes'], { encoding: 'utf8' }).trim().split('\n');
  assert.ok(table.length >= 5);
  const missing = [];
  for (const line of table) {
    const [method, path] = line.split(' ');
    const op = r.body.paths?.[path]?.[method.toLowerCase()];
    if (!op) missing.push(`${method} ${path}`);
  }
  assert.deepEqual(missing, [], 'routes missing from the OpenAPI document');
});

test('security headers on the app shell and the API', async () => {
  for (const p of ['/', '/api/v1/health', '/api/v1/nothing']) {
    const r = await http('GET', p);
    const csp = r.headers.get('content-security-policy');
    assert.match(csp, /frame-ancestors 'none'/, p);
    assert.match(csp, /default-src 'self'/, p);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', p);
    assert.equal(r.headers.get('referrer-policy'), 'no-referrer', p);
  }
});

test('static assets are served gzip-compressed', async () => {
  const res = await fetch(BASE + '/js/app.js', { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-encoding'), 'gzip');
  assert.match(res.headers.get('content-type'), /javascript/);
});

test('the app shell is served for client routes', async () => {
  const r = await http('GET', '/');
  assert.equal(r.status, 200);
  assert.match(r.text, /<script type="module" src="\/js\/app.js">/);
  const deep = await http('GET', '/some/client/route');
  assert.equal(deep.status, 200);
  assert.match(deep.text, /js\/app\.js/);
});

test('one structured log line per request: time, method, path, status, microseconds, user', async () => {
  const marker = '/api/v1/health';
  await http('GET', marker + '?logcheck=1');
  const lines = readFileSync(`${VARDIR}/log/access.log`, 'utf8').trim().split('\n');
  const last = lines.map((l) => JSON.parse(l)).reverse().find((e) => e.path === marker);
  assert.ok(last, 'a log line for the request');
  for (const k of ['time', 'method', 'path', 'status', 'us', 'user']) assert.ok(k in last, k);
  assert.equal(last.status, 200);
  assert.ok(Number.isInteger(last.us));
});

test('HEAD on a GET route answers without a body', async () => {
  const res = await fetch(BASE + '/api/v1/health', { method: 'HEAD' });
  assert.equal(res.status, 200);
  assert.equal((await res.text()).length, 0);
});

test('issue 10.7 nginx\'s body caps are the route table\'s: one location per path, its largest method cap', () => {
  const table = new Map();
  for (const line of execFileSync(`${process.env.XJ_BUILD}/xueji`, ['--routes'], { encoding: 'utf8' }).trim().split('\n')) {
    const [, path, , max] = line.split(' ');
    table.set(path, Math.max(table.get(path) ?? 0, Number(max)));
  }
  const inc = readFileSync(`${VARDIR}/nginx/routes.inc`, 'utf8');
  const caps = new Map();
  for (const m of inc.matchAll(/location (?:= (\S+)|~ \^(\S+)\$) \{\n\s*client_max_body_size (\S+);/g)) {
    const path = m[1] ?? m[2].replaceAll('[^/]+', '{id}').replaceAll('\\.', '.');
    caps.set(path, m[3]);
  }
  const norm = (p) => p.replace(/\{[a-z_]+\}/g, '{id}');
  assert.equal(caps.size, new Set([...table.keys()].map(norm)).size, 'one location per path');
  for (const [path, max] of table) assert.equal(caps.get(norm(path)), max > 0 ? String(max) : '1k', path);
});

test('issue 10.7 a body over its route\'s cap is refused by nginx in the API error shape; at the cap it reaches the service', async () => {
  const over = await http('PUT', '/api/v1/session/password', { raw: 'x'.repeat(4097), headers: { 'content-type': 'application/json' } });
  assertError(over, 413, 'too_large');
  const at = await http('PUT', '/api/v1/session/password', { raw: 'x'.repeat(4096), headers: { 'content-type': 'application/json' } });
  assert.notEqual(at.status, 413, at.text);
});

test('issue 11.15 each operation is described once in fcgi/openapi/*.json (the served document has no duplicated entries)', async () => {
  const { readdirSync } = await import('node:fs');
  const seen = new Map();
  const dir = new URL('../../fcgi/openapi/', import.meta.url);
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
    const d = JSON.parse(readFileSync(new URL(f, dir), 'utf8'));
    for (const [path, item] of Object.entries(d.paths || {})) {
      for (const m of Object.keys(item)) {
        const k = `${m.toUpperCase()} ${path}`;
        assert.ok(!seen.has(k), `${k} in ${seen.get(k)} and ${f}`);
        seen.set(k, f);
      }
    }
  }
});

test('issue 10.7 GET /api/v1/rules: the limits and the workflow table the app draws from, as the service holds them', async () => {
  const r = await http('GET', '/api/v1/rules');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.limits.evidence_file_bytes, 2097152, 'R23: 2 MB');
  assert.ok(r.body.limits.bodies.some((b) => b.method === 'POST' && b.path === '/api/v1/evidence' && b.max_body === r.body.limits.evidence_request_bytes));
  const t = r.body.workflow.transitions;
  assert.ok(t.length >= 20);
  assert.ok(t.some((x) => x.from === 'awaiting_review' && x.action === 'approve' && x.actors.includes('county')));
  assert.ok(t.every((x) => x.from && x.action && x.to && Array.isArray(x.actors)));
  // R8.2 R24: the app's "today" and its texts of the due date are the settings (XJ_TZ_OFFSET_MINUTES, XJ_DUE_WORKING_DAYS)
  assert.deepEqual(r.body.calendar, { tz_offset_minutes: 480, due_working_days: 10 }, 'the test instance runs the defaults');
  const cal = await (await Client.login('clerk_a')).get('/api/v1/holidays');
  assert.equal(cal.body.due_working_days, r.body.calendar.due_working_days, 'one setting, served twice alike');
});

test('one concept, one place: each length the OpenAPI document gives a limited field (x-limit) is the one GET /api/v1/rules serves in limits.fields, and each served field is documented', async () => {
  const { openapiDoc } = await import('../lib/openapi.mjs');
  const fields = (await http('GET', '/api/v1/rules')).body.limits.fields;
  const seen = new Set();
  const wrong = [];
  /** every schema with x-limit, at its JSON path */
  const walk = (o, p) => {
    if (!o || typeof o !== 'object') return;
    const k = o['x-limit'];
    if (k !== undefined) {
      const f = fields[k];
      seen.add(k);
      if (!f) wrong.push(`${p}: ${k} is not served`);
      else if (o.maxLength !== f.max) wrong.push(`${p}: maxLength ${o.maxLength}, served ${k}.max ${f.max}`);
      // without a served minimum a field may only say it is not empty
      else if (o.minLength !== undefined && o.minLength !== (f.min ?? 1)) wrong.push(`${p}: minLength ${o.minLength}, served ${k}.min ${f.min}`);
    }
    for (const [n, v] of Object.entries(o)) walk(v, `${p}/${n}`);
  };
  walk(openapiDoc(), '#');
  assert.deepEqual(wrong, []);
  assert.deepEqual(Object.keys(fields).filter((k) => !seen.has(k)), [], 'every served field is documented');
  assert.deepEqual(fields.school_name, { min: 2, max: 60 }, 'R1');
});

/** The enums of the OpenAPI document at a property named one of names: [JSON path, values without null]. */
async function enumsOf(...names) {
  const { openapiDoc } = await import('../lib/openapi.mjs');
  const found = [];
  const walk = (o, p) => {
    if (!o || typeof o !== 'object') return;
    for (const [n, v] of Object.entries(o)) {
      if (names.includes(n) && v && Array.isArray(v.enum)) found.push([`${p}/${n}`, v.enum.filter((x) => x !== null)]);
      if (names.includes(n) && v?.items && Array.isArray(v.items.enum)) found.push([`${p}/${n}[]`, v.items.enum]);
      walk(v, `${p}/${n}`);
    }
  };
  walk(openapiDoc(), '#');
  return found;
}

/** The values a CHECK constraint of the schema admits (col IN ('a','b'...)), as the database holds it. */
function checkValues(name) {
  const clause = sql(`SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND CONSTRAINT_NAME = '${name}'`)[0]?.[0];
  assert.ok(clause, `the schema has ${name}`);
  return [...clause.matchAll(/'([^']*)'/g)].map((m) => m[1]);
}

test('one concept, one place (R4): the ID types are idcheck.c\'s table, served at GET /api/v1/rules; the OpenAPI enums and the schema\'s CHECK name the same codes', async () => {
  const types = (await http('GET', '/api/v1/rules')).body.id_types;
  const codes = types.map((x) => x.code);
  assert.deepEqual(codes, ['1', '6', '7', '8', '9', 'A', 'Z'], 'R4');
  assert.deepEqual(types[0], { code: '1', name: '居民身份证', name_en: 'Resident ID card', min_length: 15, max_length: 18 });
  assert.ok(types.every((x) => x.name && x.name_en && x.min_length <= x.max_length));
  const docs = await enumsOf('id_type', 'code');
  const idEnums = docs.filter(([p, v]) => p.endsWith('/id_type') || v.includes('Z'));
  assert.ok(idEnums.length >= 2, 'the registry\'s id_type and the rules\' id_types are documented');
  for (const [p, v] of idEnums) assert.deepEqual([...v].sort(), [...codes].sort(), p);
  assert.deepEqual(checkValues('ck_student_idtype').sort(), [...codes].sort(), 'the student table admits the same codes');
});

test('one concept, one place (R1): the school types are school.c\'s table, served at GET /api/v1/rules; the OpenAPI enums name the same codes', async () => {
  const types = (await http('GET', '/api/v1/rules')).body.school_types;
  const codes = types.map((x) => x.code);
  assert.deepEqual(types[0], { code: '211', name: '小学', name_en: 'Primary school' });
  assert.ok(codes.length >= 9 && types.every((x) => /^\d{3}$/.test(x.code) && x.name && x.name_en));
  const docs = (await enumsOf('type', 'code')).filter(([, v]) => v.includes('211'));
  assert.ok(docs.length >= 2, 'the School schema and the rules\' school_types are documented');
  for (const [p, v] of docs) assert.deepEqual([...v].sort(), [...codes].sort(), p);
});

test('one concept, one place (R3): the roles a user may hold are role.c\'s (ROLES_HUMAN), served at GET /api/v1/rules; the OpenAPI enums, the schema\'s CHECK and the app\'s words name the same roles', async () => {
  const roles = (await http('GET', '/api/v1/rules')).body.user_roles;
  assert.deepEqual(roles, ['school_clerk', 'school_leader', 'county', 'bureau', 'admin'], 'R3');
  const docs = await enumsOf('role', 'user_roles');
  assert.ok(docs.length >= 3, 'the user schemas and the rules\' user_roles are documented');
  for (const [p, v] of docs) assert.deepEqual(v, roles, p);
  assert.deepEqual(checkValues('ck_user_role'), roles, 'the user table admits the same roles');
  // the app's words for them (i18n.js role.*, in both languages: the header names the role before the rules are read)
  const words = readFileSync(`${ROOT}/web/js/i18n.js`, 'utf8');
  for (const r of roles) assert.equal(words.split(`'role.${r}':`).length - 1, 2, `role.${r} in zh and en`);
});

test('issue 10.6 every operation describes what it answers: each 2xx has its content (a JSON schema the tests validate every answer against)', async () => {
  const { openapiDoc } = await import('../lib/openapi.mjs');
  const missing = [];
  for (const [path, item] of Object.entries(openapiDoc().paths)) {
    for (const [m, op] of Object.entries(item)) {
      for (const [st, r] of Object.entries(op.responses || {})) {
        if (/^2/.test(st) && st !== '204' && !r.content && !r.$ref) missing.push(`${m.toUpperCase()} ${path} ${st}`);
      }
    }
  }
  assert.deepEqual(missing, []);
});

test('security log: every event the service writes is in the OpenAPI list of events (an unlisted one failed the security-log list\'s response validation)', () => {
  const spec = JSON.parse(readFileSync(`${ROOT}/fcgi/openapi/10-auth.json`, 'utf8'));
  const listed = new Set(spec.components.schemas.SecurityEvent.properties.event.enum);
  const src = execFileSync('grep', ['-rhE', '\\.event = ', `${ROOT}/fcgi`], { encoding: 'utf8' });
  const written = new Set([...src.matchAll(/\.event = ([^,}]*)/g)].flatMap((m) => [...m[1].matchAll(/"([a-z_]+)"/g)].map((x) => x[1])));
  assert.ok(written.size >= 15, [...written].join(' '));
  for (const e of written) assert.ok(listed.has(e), `${e} is written to the security log but not in the OpenAPI enum`);
});

test('settings: README\'s configuration table is `xueji --settings` (one table of every XJ_* setting), and a bad value stops a start naming the variable', () => {
  const xueji = `${process.env.XJ_BUILD}/xueji`;
  const table = execFileSync(xueji, ['--settings'], { encoding: 'utf8' }).trim().split('\n');
  assert.ok(table.length >= 40, `${table.length} settings`);
  const readme = readFileSync(`${ROOT}/README.md`, 'utf8');
  const rows = readme.split('\n').filter((l) => /^\| `XJ_/.test(l));
  assert.deepEqual(rows, table, 'README lists exactly the settings, with their defaults, ranges and meanings');
  // every XJ_* name the service's code reads is in the table (config_int/config_str assert it; this finds it before)
  const names = new Set(table.map((l) => /`(XJ_[A-Z_]+)`/.exec(l)[1]));
  const src = execFileSync('grep', ['-rhoE', 'config_(int|str)\\("XJ_[A-Z_]+"', `${ROOT}/fcgi`], { encoding: 'utf8' });
  for (const m of src.matchAll(/"(XJ_[A-Z_]+)"/g)) assert.ok(names.has(m[1]), `${m[1]} is read but not in the table`);
  const env = { PATH: process.env.PATH };
  const bad = (extra) => spawnSync(xueji, ['--check-settings'], { env: { ...env, ...extra }, encoding: 'utf8' });
  for (const [k, v, why] of [['XJ_SUSPECT_THRESHOLD', '0.7', /not a whole number \(allowed: 1 to 1000; unset: 700\)/],
    ['XJ_DUE_WORKING_DAYS', '0', /outside 1 to 200/], ['XJ_THREADS', '5000', /outside 1 to 4096/], ['XJ_KEEP_SESSIONS_DAYS', '30d', /not a whole number/]]) {
    const r = bad({ [k]: v });
    assert.equal(r.status, 2, `${k}=${v}: refused`);
    assert.match(r.stderr, new RegExp(`${k}=${v.replace('.', '\\.')} `), 'names the variable and its value');
    assert.match(r.stderr, why);
  }
  const typo = bad({ XJ_DUE_WORKNG_DAYS: '3' });
  assert.equal(typo.status, 0, 'an unknown name does not stop it');
  assert.match(typo.stderr, /warning: XJ_DUE_WORKNG_DAYS is not a setting of xueji: did you mean XJ_DUE_WORKING_DAYS\?/);
  assert.equal(bad({ XJ_ROOT: '/x' }).stderr, '', 'another tool\'s XJ_ name is not a setting\'s typo');
  const good = bad({ XJ_SUSPECT_THRESHOLD: '650', XJ_THREADS: '' });
  assert.equal(good.status, 0, good.stderr);
  assert.equal(good.stderr, '');
});
