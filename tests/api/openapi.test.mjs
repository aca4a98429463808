// openapi.test.mjs: issue 10 item 6: the served OpenAPI document and the route table describe the same service:
// every route of `xueji --routes` has exactly one operation in GET /api/v1/openapi.json, and every operation of the
// document is a route (an operation with no route would be validated against by tests yet answer no_route).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { http } from '../lib/api.mjs';
import { openapiDoc } from '../lib/openapi.mjs';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** "METHOD /path" of each route of the router table. */
function routeKeys() {
  return execFileSync(`${process.env.XJ_BUILD}/xueji`, ['--routes'], { encoding: 'utf8' })
    .trim().split('\n').map((l) => l.split(' ').slice(0, 2).join(' '));
}

/** "METHOD /path" of each operation of a document, in order (a repeat would show twice). */
function opKeys(doc) {
  const out = [];
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const m of Object.keys(item)) if (METHODS.includes(m)) out.push(`${m.toUpperCase()} ${path}`);
  }
  return out;
}

const dupes = (xs) => xs.filter((x, i) => xs.indexOf(x) !== i);

test('issue 10.6 every route of the route table has exactly one operation in the served document, and every operation is a route', async () => {
  const r = await http('GET', '/api/v1/openapi.json');
  assert.equal(r.status, 200, r.text);
  const routes = routeKeys();
  const ops = opKeys(r.body);
  assert.ok(routes.length >= 14, `${routes.length} routes`);
  assert.deepEqual(dupes(routes), [], 'a route twice in the route table');
  assert.deepEqual(dupes(ops), [], 'an operation described twice in the served document');
  assert.deepEqual(routes.filter((k) => !ops.includes(k)), [], 'routes with no operation in the document');
  assert.deepEqual(ops.filter((k) => !routes.includes(k)), [], 'operations in the document that no route serves');
});

test('issue 10.6 the tests validate against the document the service serves (tests/lib/openapi.mjs merges fcgi/openapi/*.json the same way)', async () => {
  const r = await http('GET', '/api/v1/openapi.json');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(opKeys(openapiDoc()).sort(), opKeys(r.body).sort());
  assert.deepEqual(Object.keys(openapiDoc().components?.schemas || {}).sort(), Object.keys(r.body.components?.schemas || {}).sort());
});
