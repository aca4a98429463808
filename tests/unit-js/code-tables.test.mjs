// code-tables.test.mjs (one concept, one place): the code tables the service holds in C (the ID types of R4,
// fcgi/idcheck.c; the school types of R1, fcgi/school.c; the roles of R3, fcgi/role.c) are served at GET /api/v1/rules
// and the app draws its choices and labels from there. This test reads each table from its C source and fails when
// the app (web/js) writes a list of its codes again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';

const ROOT = new URL('../../', import.meta.url).pathname;
const src = (f) => readFileSync(`${ROOT}${f}`, 'utf8');

/** The tables: their one place and the codes read from there. */
const TABLES = [
  { name: 'ID types (R4)', file: 'fcgi/idcheck.c',
    codes: () => [.../idcheck_types\[\] = \{([\s\S]*?)\n\};/.exec(src('fcgi/idcheck.c'))[1].matchAll(/\{'(.)', "/g)].map((m) => m[1]) },
  { name: 'school types (R1)', file: 'fcgi/school.c',
    codes: () => [.../school_types\[\] = \{([\s\S]*?)\n\};/.exec(src('fcgi/school.c'))[1].matchAll(/\{"(\d+)", "/g)].map((m) => m[1]) },
  { name: 'roles (R3)', file: 'fcgi/role.c',
    codes: () => [.../names\[\] = \{([^}]*)\}/.exec(src('fcgi/role.c'))[1].matchAll(/"(\w+)"/g)].map((m) => m[1]) },
];

/** Every .js file of the app below web/js. */
function appFiles(dir = 'web/js') {
  return readdirSync(`${ROOT}${dir}`, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? appFiles(`${dir}/${e.name}`) : e.name.endsWith('.js') ? [`${dir}/${e.name}`] : []);
}

for (const tb of TABLES) {
  test(`one concept, one place: the app keeps no list of the ${tb.name} (${tb.file} is their place, served at GET /api/v1/rules)`, () => {
    const codes = new Set(tb.codes());
    assert.ok(codes.size >= 3, `${tb.file}: the table is read`);
    const copies = [];
    for (const f of appFiles()) {
      // an array literal that names three or more of the codes is a list of them
      for (const m of src(f).matchAll(/\[[^[\]]*\]/g)) {
        const named = new Set([...m[0].matchAll(/'([^'\\]*)'|"([^"\\]*)"/g)].map((x) => x[1] ?? x[2]).filter((s) => codes.has(s)));
        if (named.size >= 3) copies.push(`${f}: ${m[0].slice(0, 80)}`);
      }
    }
    assert.deepEqual(copies, []);
  });
}
