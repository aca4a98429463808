// idcheck.test.mjs: the browser's ID checks (web/js/idcheck.js) agree with the server's rules R4/R8.2 (same vectors as tests/unit/test_idcheck.c).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { checkChar, validDate, provinceOk, ID, checkResident as resident, checkByType as byType } from '../../web/js/idcheck.js';

// the checks take today from their caller (the app: the registry's today, GET /api/v1/rules); here a fixed one
const TODAY = '20261207';
const checkResident = (input, gender = '', today = TODAY) => resident(input, gender, today);
const checkByType = (type, input, gender = '', today = TODAY) => byType(type, input, gender, today);

/** Build a valid 18-char number from its parts (check character computed). */
function makeId(area, birth, seq) { const b = area + birth + seq; return b + checkChar(b); }

test('R8 MOD 11-2 check character: GB 11643 published samples', () => {
  assert.equal(checkChar('11010519491231002'), 'X');
  assert.equal(checkChar('44052418800101001'), '4');
  assert.equal(checkChar('1101051949123100a'), '');
});

test('R8 MOD 11-2 check character matches an independent computation', () => {
  for (let n = 0; n < 2000; n++) {
    const s = String(110105194912310000n + BigInt(n * 7919)).slice(0, 17);
    let sum = 0;
    for (let i = 0; i < 17; i++) sum += Number(s[i]) * ((2 ** (17 - i)) % 11);
    assert.equal(checkChar(s), '10X98765432'[sum % 11], s);
  }
});

test('R8 the GB 11643 sample is valid, female; lower-case x is normalised', () => {
  assert.deepEqual(checkResident('11010519491231002X', 'F'), { code: ID.OK, normalized: '11010519491231002X', birth: '1949-12-31' });
  assert.equal(checkResident('11010519491231002X').code, ID.OK);
  const r = checkResident('11010519491231002x', 'F');
  assert.equal(r.code, ID.OK);
  assert.equal(r.normalized, '11010519491231002X');
});

test('R8 Gregorian dates and the 1900–2099 range', () => {
  assert.ok(validDate(2000, 2, 29));
  assert.ok(!validDate(1900, 2, 29));
  assert.ok(!validDate(2019, 2, 29));
  assert.ok(!validDate(2019, 4, 31));
  assert.ok(!validDate(2019, 13, 1));
  assert.ok(!validDate(0, 1, 1));
  assert.equal(checkResident(makeId('110105', '20000229', '001'), 'M').code, ID.OK);
  assert.equal(checkResident(makeId('110105', '19000229', '001'), 'M').code, ID.DATE);
  assert.equal(checkResident(makeId('110105', '20190229', '001'), 'M').code, ID.DATE);
  assert.equal(checkResident(makeId('110105', '19000101', '001'), 'M').code, ID.OK);
  assert.equal(checkResident(makeId('110105', '20991231', '001'), 'M').code, ID.DATE, 'a birth in the future (issue 11)');
  assert.equal(checkResident(makeId('110105', '20991231', '001'), 'M', '21000101').code, ID.OK);
  assert.equal(checkResident(makeId('110105', '21000101', '001'), 'M').code, ID.DATE);
  assert.equal(checkResident('440524188001010014', 'M').code, ID.DATE);
});

test('R8 issue 11: a birth date after today is an ID error like a wrong check character; today itself is fine', () => {
  assert.equal(checkResident('433130209912310014').code, ID.DATE);
  assert.equal(checkResident('433130209912310014').birth, '');
  assert.equal(checkByType('1', '433130209912310014').code, ID.DATE);
  const id = makeId('110105', '20260315', '001');
  assert.equal(checkResident(id, 'M', '20260315').code, ID.OK);
  assert.equal(checkResident(id, 'M', '20260314').code, ID.DATE);
  assert.equal(checkResident(id, 'M', '2026-03-15').code, ID.OK, 'today as YYYY-MM-DD too (rules.js registryDay)');
  assert.equal(checkResident(id, 'M', '2026-03-14').code, ID.DATE);
});

test('R8 every wrong check character is refused', () => {
  const id = makeId('320102', '20100615', '123');
  assert.equal(checkResident(id, 'M').code, ID.OK);
  for (const c of '0123456789X') {
    if (c === id[17]) continue;
    assert.equal(checkResident(id.slice(0, 17) + c, 'M').code, ID.CHECKSUM, c);
  }
});

test('R8 a 15-digit legacy number is converted (19 inserted, check computed)', () => {
  const r = checkResident('110105491231002', 'F');
  assert.equal(r.code, ID.OK);
  assert.equal(r.normalized, '11010519491231002X');
  assert.equal(checkResident('110105490230002').code, ID.DATE);
  assert.equal(checkResident('110105000229002').code, ID.DATE);
  assert.equal(checkResident('110105960229002').code, ID.OK);
  assert.equal(checkResident('100105491231002').code, ID.PROVINCE);
  assert.equal(checkResident('810000491231002').code, ID.PROVINCE, 'permits are 18-char only');
});

test('R8 province codes 11–65 and 81/82/83 on residence permits', () => {
  for (const p of [11, 15, 21, 23, 31, 37, 41, 46, 50, 54, 61, 65]) assert.ok(provinceOk(p, false), String(p));
  for (const p of [10, 16, 20, 24, 30, 38, 40, 47, 49, 55, 60, 66, 71, 81, 91]) assert.ok(!provinceOk(p, false), String(p));
  for (const p of [81, 82, 83]) {
    assert.ok(provinceOk(p, true));
    assert.equal(checkResident(makeId(`${p}0000`, '20100101', '001'), 'M').code, ID.OK);
  }
  assert.equal(checkResident(makeId('710000', '20100101', '001')).code, ID.PROVINCE);
  assert.equal(checkResident(makeId('100000', '20100101', '001')).code, ID.PROVINCE);
});

test('R8 the 17th digit is odd for male, even for female', () => {
  const male = makeId('110105', '20100101', '001');
  const female = makeId('110105', '20100101', '002');
  assert.equal(checkResident(male, 'M').code, ID.OK);
  assert.equal(checkResident(male, 'F').code, ID.GENDER);
  assert.equal(checkResident(female, 'F').code, ID.OK);
  assert.equal(checkResident(female, 'm').code, ID.GENDER);
  assert.equal(checkResident(female, '').code, ID.OK);
});

test('R8 empty, length and characters, no trimming, bytes as the server counts them', () => {
  assert.equal(checkResident('').code, ID.EMPTY);
  assert.equal(checkResident('11010519491231002').code, ID.LENGTH);
  assert.equal(checkResident('11010519491231002X1').code, ID.LENGTH);
  assert.equal(checkResident('11010519491231002X ').code, ID.LENGTH);
  assert.equal(checkResident('11010519491231002Y').code, ID.CHARS);
  assert.equal(checkResident('1101051949123100X2').code, ID.CHARS);
  assert.equal(checkResident('１1010519491231002X').code, ID.LENGTH, 'a full-width digit is 3 bytes');
});

test('R4 other ID types: HK/Macao/Taiwan, foreign permanent residence, passport, other', () => {
  assert.equal(checkByType('6', 'h1234567(8)').normalized, 'H1234567(8)');
  assert.equal(checkByType('7', '1234').code, ID.LENGTH);
  assert.equal(checkByType('8', '12345_').code, ID.CHARS);
  assert.equal(checkByType('8', '').code, ID.EMPTY);
  const f = makeId('910000', '20100101', '001');
  assert.equal(checkByType('9', f).code, ID.OK);
  assert.equal(checkByType('9', f.slice(0, 17) + (f[17] === '0' ? '1' : '0')).code, ID.CHECKSUM);
  assert.equal(checkByType('9', makeId('110105', '20100101', '001')).code, ID.CHARS);
  assert.equal(checkByType('9', 'abc123456789012').normalized, 'ABC123456789012');
  assert.equal(checkByType('9', '1234').code, ID.LENGTH);
  assert.equal(checkByType('A', 'e1234567').normalized, 'E1234567');
  assert.equal(checkByType('A', 'E-1234567').code, ID.CHARS);
  assert.equal(checkByType('Z', '').code, ID.OK);
  assert.equal(checkByType('Z', 'a b').code, ID.CHARS);
  assert.equal(checkByType('Z', 'x'.repeat(31)).code, ID.LENGTH);
  assert.equal(checkByType('Q', '123').code, ID.TYPE);
  assert.equal(checkByType('1', '11010519491231002x', 'F').normalized, '11010519491231002X');
});

test('R4 R8.2 the shared vectors (tests/fixtures/idcheck-vectors.tsv): the browser agrees with the server on every line', () => {
  const file = new URL('../fixtures/idcheck-vectors.tsv', import.meta.url);
  let n = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [type, input, g, today, code, norm] = line.split('\t');
    const gender = g === '-' ? '' : g;
    const r = today !== '-' ? checkResident(input, gender, today) : checkByType(type, input, gender);
    assert.deepEqual([r.code, r.normalized || '-'], [code, norm], line);
    n++;
  }
  assert.ok(n >= 40, `${n} vectors`);
});
