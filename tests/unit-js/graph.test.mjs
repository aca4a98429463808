// graph.test.mjs: issue 10 item 9: no circles. The web modules' static imports and the service's #include graph have no
// cycle, and no view imports another view (views share pieces through modules outside web/js/views/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname, resolve, relative, basename } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;

/** The cycles of a graph {node: [node]} (Tarjan's strongly connected components of more than one node). */
function cycles(g) {
  let index = 0;
  const idx = new Map(), low = new Map(), stack = [], on = new Set(), out = [];
  const visit = (v) => {
    idx.set(v, index); low.set(v, index); index++; stack.push(v); on.add(v);
    for (const w of g[v] || []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do { w = stack.pop(); on.delete(w); comp.push(w); } while (w !== v);
      if (comp.length > 1 || (g[v] || []).includes(v)) out.push(comp.sort());
    }
  };
  for (const v of Object.keys(g)) if (!idx.has(v)) visit(v);
  return out;
}

function webGraph() {
  const g = {};
  const walk = (d) => {
    for (const e of readdirSync(join(ROOT, d), { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory() && e.name !== 'vendor' && e.name !== 'node_modules') walk(p);
      else if (e.name.endsWith('.js')) {
        const src = readFileSync(join(ROOT, p), 'utf8');
        g[p] = [...src.matchAll(/^import\s[^'"]*['"](\.[^'"]+)['"]/gm)].map((m) => relative(ROOT, resolve(ROOT, dirname(p), m[1])));
      }
    }
  };
  walk('web/js');
  return g;
}

test('issue 10.9 the web modules import each other without a cycle; app.js alone reaches the views, no view imports a view', () => {
  const g = webGraph();
  assert.ok(Object.keys(g).length > 20);
  assert.deepEqual(cycles(g), []);
  for (const [m, deps] of Object.entries(g)) {
    if (m.startsWith('web/js/views/')) assert.deepEqual(deps.filter((d) => d.startsWith('web/js/views/')), [], `${m} imports a view`);
    if (!m.startsWith('web/js/views/') && m !== 'web/js/app.js') assert.deepEqual(deps.filter((d) => d.startsWith('web/js/views/')), [], `${m} reaches into the views`);
  }
});

test('issue 10.9 the service\'s #include graph (fcgi/) has no cycle', () => {
  const g = {};
  for (const f of readdirSync(join(ROOT, 'fcgi')).filter((x) => /\.[ch]$/.test(x))) {
    const mod = basename(f).replace(/\.[ch]$/, '');
    const deps = [...readFileSync(join(ROOT, 'fcgi', f), 'utf8').matchAll(/^#include "([a-z_0-9]+)\.h"/gm)].map((m) => m[1]).filter((d) => d !== mod);
    g[mod] = [...new Set([...(g[mod] || []), ...deps])];
  }
  assert.deepEqual(cycles(g), []);
});
