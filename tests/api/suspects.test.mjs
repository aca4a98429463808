// suspects.test.mjs: issue 17 (R31): suspected duplicates: the full run (`xueji --suspects`) stores explained pairs,
// the bureau lists and decides them (R2 scope), "different children" is remembered until a compared field changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { sql, sqlCount, VARDIR } from '../lib/api.mjs';
import { record, register, SCHOOLS } from '../lib/registry.mjs';

const PAIRS = [['晓', '曉'], ['华', '華'], ['国', '國'], ['龙', '龍'], ['伟', '偉'], ['丽', '麗'], ['军', '軍'], ['红', '紅'],
  ['东', '東'], ['兰', '蘭'], ['凤', '鳳'], ['锋', '鋒'], ['进', '進'], ['刚', '剛'], ['庆', '慶'], ['让', '讓']];
const SUR = [['张', '張'], ['陈', '陳'], ['刘', '劉'], ['杨', '楊'], ['赵', '趙'], ['孙', '孫']];
const pick = (a) => a[Math.floor(Math.random() * a.length)];

/** A simplified name and its traditional writing (R31: 繁简异体). */
export function variantNames() {
  const s = pick(SUR), a = pick(PAIRS), b = pick(PAIRS);
  return [s[0] + a[0] + b[0], s[1] + a[1] + b[1]];
}

const secrets = () => Object.fromEntries(readFileSync(`${VARDIR}/secrets.env`, 'utf8').trim().split('\n').map((l) => l.split('=')));
/** `xueji --suspects` against the test instance's database. */
export function runSuspects(env = {}) {
  return execFileSync(`${process.env.XJ_BUILD}/xueji`, ['--suspects'], {
    encoding: 'utf8', env: { ...process.env, XJ_DB_SOCKET: `${VARDIR}/run/db.sock`, XJ_DB_PASSWORD: secrets().XJ_DB_PASSWORD, ...env },
  });
}

/** The stored pair of two students (lower id first), or null. */
function pairOf(x, y) {
  const [lo, hi] = x < y ? [x, y] : [y, x];
  const r = sql(`SELECT p.id, p.state, p.score, p.kind, p.rules, u.code FROM suspect_pair p JOIN unit u ON u.id=p.arbiter_unit_id
    WHERE p.lo_id=${lo} AND p.hi_id=${hi}`)[0];
  return r ? { id: Number(r[0]), state: r[1], score: Number(r[2]), kind: r[3], rules: JSON.parse(r[4]), arbiter: r[5] } : null;
}

/** Two records of the same child in schools of the county (a, a2), the second with the name written traditionally. */
async function variantPair() {
  const [simp, trad] = variantNames();
  const base = record(SCHOOLS.a, { name: simp });
  const a = await register('clerk_a', base);
  const b = await register('clerk_a', record(SCHOOLS.a, { name: trad, gender: base.gender, birth_date: base.birth_date, id_type: 'Z', id_number: '' }));
  return [a.student_id, b.student_id];
}

test('R31 full run: the same child written in traditional characters is a suspected pair, explained per field, idempotent', async () => {
  const [a, b] = await variantPair();
  const out = runSuspects();
  assert.match(out, /suspects: \d+ records, .* pairs at or above 700/);
  const p = pairOf(a, b);
  assert.ok(p, `pair stored: ${out}`);
  assert.equal(p.state, 'open');
  assert.equal(p.arbiter, '130102', 'R2: a pair within a county is the county\'s');
  assert.ok(p.score >= 700);
  const name = p.rules.find((r) => r.field === 'name');
  assert.ok(name && /繁简|异体/.test(name.zh), JSON.stringify(p.rules));
  runSuspects();
  assert.deepEqual(pairOf(a, b), p, 'a second run changes nothing');
  assert.equal(sqlCount('SELECT COUNT(*) FROM suspect_pair WHERE lo_id >= hi_id'), 0);
});
