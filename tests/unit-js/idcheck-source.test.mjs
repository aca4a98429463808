// idcheck-source.test.mjs (one concept, one place; R4, R8.2): the browser's live ID check (web/js/idcheck.js) is a port
// of fcgi/idcheck.c, kept so that the clerk sees a wrong number while typing. The C source is the one place of the ID
// types, their lengths, the years of a date of birth and the messages; this test reads them from there and fails when
// the port keeps other ones (the shared vectors, tests/fixtures/idcheck-vectors.tsv, test the rest of the behaviour).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ID, ID_MESSAGES, checkByType, checkChar } from '../../web/js/idcheck.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const C = readFileSync(`${ROOT}fcgi/idcheck.c`, 'utf8');
const H = readFileSync(`${ROOT}fcgi/idcheck.h`, 'utf8');
const TODAY = '20261207';

/** The rows of idcheck.c's idcheck_types: {code, zh, en, min, max}. */
function cTypes() {
  const body = /idcheck_types\[\] = \{([\s\S]*?)\n\};/.exec(C)?.[1];
  assert.ok(body, 'idcheck.c defines idcheck_types[]');
  const rows = [...body.matchAll(/\{'(.)', "([^"]*)", "([^"]*)", (\d+), (\d+)\}/g)]
    .map(([, code, zh, en, min, max]) => ({ code, zh, en, min: Number(min), max: Number(max) }));
  assert.ok(rows.length >= 7, 'the table is read');
  return rows;
}

/** A number of type code and n characters, right where n is a right length (types 1 and 9: 15 or 18 characters). */
function sample(code, n) {
  if (code === '1' && n === 18) return '11010519491231002X';
  if (code === '1' && n === 15) return '110105491231002';
  if (code === '9' && n === 18) { const b = '9' + '1'.repeat(16); return b + checkChar(b); }
  if (code === '9' && n === 15) return 'ABC' + '1'.repeat(12);
  return (code === '1' || code === '9' ? '1' : 'A1').repeat(n).slice(0, n);
}

test('R4: the ID types the port knows are the table of idcheck.c, no more, no fewer', () => {
  const codes = cTypes().map((t) => t.code);
  const known = [];
  for (let k = 0x21; k < 0x7f; k++) {
    const c = String.fromCharCode(k);
    if (checkByType(c, 'A1A1A1', '', TODAY).code !== ID.TYPE) known.push(c);
  }
  assert.deepEqual(known.sort(), [...codes].sort());
});

test('R4: each type\'s length range is the table\'s (a number one character shorter or longer is id_length)', () => {
  for (const t of cTypes()) {
    const fixed = t.code === '1' || t.code === '9'; // exactly 15 or 18
    for (const n of [t.min, t.max].filter(Boolean)) assert.equal(checkByType(t.code, sample(t.code, n), '', TODAY).code, ID.OK, `type ${t.code}, ${n}`);
    if (t.min > 0) assert.equal(checkByType(t.code, sample(t.code, t.min - 1), '', TODAY).code, ID.LENGTH, `type ${t.code}, ${t.min - 1}`);
    else assert.equal(checkByType(t.code, '', '', TODAY).code, ID.OK, `type ${t.code} may be empty`);
    assert.equal(checkByType(t.code, sample(t.code, t.max + 1), '', TODAY).code, ID.LENGTH, `type ${t.code}, ${t.max + 1}`);
    if (fixed) for (let n = t.min + 1; n < t.max; n++) assert.equal(checkByType(t.code, sample(t.code, n), '', TODAY).code, ID.LENGTH, `type ${t.code}, ${n}`);
  }
});

test('R8.2: the years of an embedded date of birth are idcheck.h\'s IDCHECK_YEAR_MIN', () => {
  const min = Number(/#define IDCHECK_YEAR_MIN (\d+)/.exec(H)?.[1]);
  assert.ok(min > 0);
  const id = (y) => { const b = `110105${y}0101001`; return b + checkChar(b); };
  assert.equal(checkByType('1', id(min), '', TODAY).code, ID.OK, `${min}`);
  assert.equal(checkByType('1', id(min - 1), '', TODAY).code, ID.DATE, `${min - 1}`);
});

test('R4 R8.2: the port\'s result codes and messages are idcheck.c\'s (idcheck_code, idcheck_message_zh/en)', () => {
  /** the cases of a switch function of idcheck.c: {ID_ERR_x: "text"} */
  const cases = (fn) => {
    const body = new RegExp(`${fn}\\(enum id_result r\\)\\n\\{([\\s\\S]*?)\\n\\}`).exec(C)?.[1];
    assert.ok(body, fn);
    return Object.fromEntries([...body.matchAll(/case (ID_\w+): return "([^"]*)";/g)].map((m) => [m[1], m[2]]));
  };
  const code = cases('idcheck_code'), zh = cases('idcheck_message_zh'), en = cases('idcheck_message_en');
  assert.deepEqual(Object.values(code).sort(), Object.values(ID).sort(), 'the same result codes');
  for (const [e, c] of Object.entries(code)) {
    assert.equal(ID_MESSAGES.zh[`id.${c}`], zh[e], `zh ${c}`);
    assert.equal(ID_MESSAGES.en[`id.${c}`], en[e], `en ${c}`);
  }
  assert.equal(Object.keys(ID_MESSAGES.zh).length, Object.keys(code).length);
  assert.equal(Object.keys(ID_MESSAGES.en).length, Object.keys(code).length);
});
