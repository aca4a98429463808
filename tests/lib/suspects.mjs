// suspects.mjs: issue 17 (R31) test helpers: records of one child written differently, and the full run.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { VARDIR } from './api.mjs';
import { record, register, SCHOOLS } from './registry.mjs';

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

/** Two records of the same child in a school of county 130102, the second with the name written traditionally
 * (over and over2: other fields of the first and of the second, e.g. the guardian). */
export async function variantPair(over = {}, over2 = {}) {
  const [simp, trad] = variantNames();
  const base = record(SCHOOLS.a, { name: simp, ...over });
  const a = await register('clerk_a', base);
  const b = await register('clerk_a', record(SCHOOLS.a, { name: trad, gender: base.gender, birth_date: base.birth_date, id_type: 'Z', id_number: '', ...over2 }));
  return [a.student_id, b.student_id, simp, trad];
}

