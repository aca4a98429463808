#!/usr/bin/env node
// suspects-gen.mjs: deterministic records for the suspected-duplicate bench (issue 17 item 5, R31): N base children,
// near-duplicates of every kind (the same child written differently) and true different children who look alike
// (twins with the same birth date and consecutive ID numbers, common names), with the truth.
//
// Usage: node tests/bench/suspects-gen.mjs N SEED SCHOOLS.tsv STUDENTS.tsv TRUTH.tsv
//   SCHOOLS.tsv: school id, province, city, county (one per line); STUDENTS.tsv: rows for LOAD DATA into student
//   (id, school_id, province_code, city_code, county_code, name, gender, birth_date, id_type, id_number, student_no,
//   guardian_name, guardian_phone);
//   TRUTH.tsv: id_a, id_b, kind, same (1: the same child, 0: different children who look alike).
// Kinds (named as sx_kind_name names them): normalised (spaces, full width), variant (traditional characters),
// homophone (another character of the same reading), substituted (one character mistyped), dropped (one character
// left out), transposed (two characters swapped), compound_surname (a compound surname cut), day_month_swapped,
// date_digit (one digit of the date),
// id_digit (the same child, resident ID one digit apart, both valid); look-alikes: twins, common (same name, other
// birth date and ID). Each kind is planted for RATE of N (env SUSPECT_RATE, default 0.005).
// Guardians (R4: every record names its guardian and the guardian's phone): a child's two records are entered from the
// same family's papers, so the second names the same guardian with probability SUSPECT_GUARDIAN_SAME (default 0.9) and
// the same phone with probability SUSPECT_PHONE_SAME (default 0.8), independently (a parent's phone changed, the other
// parent named); twins share both (same parents); children with a common name have their own.
import { readFileSync, writeFileSync } from 'node:fs';
import { SURNAMES, COMPOUND_SURNAMES, GIVEN_MALE, GIVEN_FEMALE, GIVEN_NEUTRAL } from './surnames.mjs';

const [N = 20000, SEED = 1, schoolsFile, outFile, truthFile] = process.argv.slice(2);
const n = Number(N);
const RATE = Number(process.env.SUSPECT_RATE || 0.005);
const GUARDIAN_SAME = Number(process.env.SUSPECT_GUARDIAN_SAME ?? 0.9), PHONE_SAME = Number(process.env.SUSPECT_PHONE_SAME ?? 0.8);
let s = Number(SEED) >>> 0;
const rnd = () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const pick = (a) => a[Math.floor(rnd() * a.length)];
const schools = readFileSync(schoolsFile, 'utf8').trim().split('\n').map((l) => l.split('\t'));

const TRAD = Object.fromEntries([...'伟偉强強军軍涛濤鹏鵬华華飞飛凯凱帅帥宁寧龙龍阳陽轩軒泽澤铭銘远遠东東鸿鴻诚誠轶軼骏駿锐銳硕碩尧堯静靜丽麗艳豔颖穎诗詩悦悅瑶瑤梦夢洁潔艺藝岚嵐莹瑩琼瓊凤鳳红紅兰蘭张張刘劉陈陳杨楊黄黃赵趙吴吳孙孫马馬罗羅郑鄭谢謝许許韩韓冯馮邓鄧叶葉苏蘇卢盧蒋蔣钟鐘汪汪'].reduce((a, c, i, all) => (i % 2 ? a : [...a, [c, all[i + 1]]]), []));
const HOMO = ['伟玮炜韦', '明鸣铭', '华桦骅', '丽莉俐', '静婧靖', '杰洁婕捷', '涛滔韬', '磊蕾垒', '芳方', '敏闽珉', '强蔷', '辉晖徽',
  '燕艳雁彦', '玲铃翎凌', '刚钢纲', '峰锋枫丰', '婷庭亭廷', '宇雨语羽禹', '欣馨心新鑫', '浩昊皓', '晨辰宸', '轩萱宣璇', '涵寒晗',
  '怡依宜仪', '佳嘉家', '梓子紫'].map((g) => [...g]);
const homoOf = (c) => HOMO.find((g) => g.includes(c));
const TOTAL = SURNAMES.reduce((a, [, w]) => a + w, 0);
function surname() {
  if (rnd() < 0.02) return pick(COMPOUND_SURNAMES);
  let x = rnd() * TOTAL;
  for (const [sn, w] of SURNAMES) if ((x -= w) <= 0) return sn;
  return SURNAMES[0][0];
}
function given(g) {
  const pool = [...(g === 'M' ? GIVEN_MALE : GIVEN_FEMALE), ...GIVEN_NEUTRAL, ...HOMO.flat()];
  return rnd() < 0.75 ? pick(pool) + pick(pool) : pick(pool);
}
const pad = (v, k) => String(v).padStart(k, '0');
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const check = (b) => '10X98765432'[[...b].reduce((a, c, i) => a + Number(c) * W[i], 0) % 11];
/** A valid resident ID number: county, birth, sequence (its last digit's parity = gender), check character. */
function residentId(county, birth, gender, seq = Math.floor(rnd() * 500)) {
  const body = county + birth.replaceAll('-', '') + pad(seq * 2 + (gender === 'M' ? 1 : 0), 3).slice(-3);
  return body + check(body);
}
function birthDate() { return `${2008 + Math.floor(rnd() * 11)}-${pad(1 + Math.floor(rnd() * 12), 2)}-${pad(1 + Math.floor(rnd() * 28), 2)}`; }
const validDate = (d) => { const [y, m, dd] = d.split('-').map(Number); const x = new Date(Date.UTC(y, m - 1, dd)); return m >= 1 && m <= 12 && x.getUTCDate() === dd && y >= 2000 && y <= 2020; };

const rows = [], truth = [];
let id = 1000000;
function add(r) {
  r.id = ++id;
  rows.push(r);
  return r;
}
/** A guardian: the father (the child's surname) or the mother (a surname of her own). */
function guardianName(sn) { return (rnd() < 0.6 ? sn : surname()) + given(rnd() < 0.5 ? 'M' : 'F'); }
function phone() { return '1' + pick(['3', '5', '7', '8', '9']) + pad(Math.floor(rnd() * 1e9), 9); }
function base() {
  const sc = pick(schools), gender = rnd() < 0.5 ? 'M' : 'F', birth = birthDate();
  const sn = surname();
  const resident = rnd() < 0.85;
  return add({ school: sc, sn, gn: given(gender), gender, birth, type: resident ? '1' : 'Z', idn: resident ? residentId(sc[3], birth, gender) : null,
    gname: guardianName(sn), phone: phone() });
}
const nameOf = (r) => r.name ?? r.sn + r.gn;
/** The second record of the same child: no resident ID (else R7 joins them), another school of the county mostly. */
function dup(b, over) {
  const sc = rnd() < 0.7 ? b.school : pick(schools);
  const t = rnd() < 0.7 ? 'Z' : 'A';
  const gname = rnd() < GUARDIAN_SAME ? b.gname : guardianName(b.sn), ph = rnd() < PHONE_SAME ? b.phone : phone();
  return add({ school: sc, sn: b.sn, gn: b.gn, gender: b.gender, birth: b.birth, type: t, idn: t === 'A' ? 'E' + pad(Math.floor(rnd() * 1e8), 8) : null, gname, phone: ph, ...over });
}
const MAKERS = {
  normalised: (b) => { const nm = nameOf(b); const f = pick([(x) => x[0] + ' ' + x.slice(1), (x) => x[0] + '\u3000' + x.slice(1), (x) => x + ' ']); return { name: f(nm) }; },
  variant: (b) => { const nm = [...nameOf(b)]; const i = nm.findIndex((c) => TRAD[c]); if (i < 0) return null; return { name: nm.map((c) => TRAD[c] ?? c).join('') }; },
  homophone: (b) => { const g = [...b.gn]; const i = g.findIndex((c) => homoOf(c)); if (i < 0) return null; const alt = homoOf(g[i]).filter((c) => c !== g[i]); g[i] = pick(alt); return { name: b.sn + g.join('') }; },
  substituted: (b) => { const g = [...b.gn]; if (g.length < 2) return null; const i = Math.floor(rnd() * g.length); let c; do c = pick(GIVEN_NEUTRAL); while (c === g[i] || homoOf(c)?.includes(g[i])); g[i] = c; return { name: b.sn + g.join('') }; },
  dropped: (b) => { const g = [...b.gn]; if (g.length < 2) return null; g.splice(Math.floor(rnd() * 2), 1); return { name: b.sn + g.join('') }; },
  transposed: (b) => { const g = [...b.gn]; if (g.length < 2 || g[0] === g[1]) return null; return { name: b.sn + g[1] + g[0] }; },
  compound_surname: (b) => { if (b.sn.length < 2) return null; return { name: b.sn[0] + b.gn }; },
  day_month_swapped: (b) => { const [y, m, d] = b.birth.split('-'); const x = `${y}-${d}-${m}`; if (m === d || !validDate(x)) return null; return { birth: x }; },
  date_digit: (b) => { for (let k = 0; k < 10; k++) { const i = pick([3, 6, 8, 9]); const c = [...b.birth]; c[i] = String((Number(c[i]) + 1 + Math.floor(rnd() * 8)) % 10); const x = c.join(''); if (x !== b.birth && validDate(x)) return { birth: x }; } return null; },
  id_digit: (b) => { if (b.type !== '1') return null; const seq = Number(b.idn.slice(14, 17)); let o; do o = Math.floor(rnd() * 1000); while (o === seq || (o % 2) !== (seq % 2) || String(o).padStart(3, '0')[0] !== b.idn[14] || String(o).padStart(3, '0')[2] !== b.idn[16]); const body = b.idn.slice(0, 14) + pad(o, 3); return { type: '1', idn: body + check(body) }; },
};
const KINDS = Object.keys(MAKERS);
const bases = [];
for (let i = 0; i < n; i++) bases.push(base());
const per = Math.max(1, Math.round(n * RATE));
for (const kind of KINDS) {
  let made = 0;
  for (let tries = 0; made < per && tries < per * 50; tries++) {
    const b = pick(bases);
    const over = MAKERS[kind](b);
    if (!over) continue;
    const d = dup(b, over);
    truth.push([b.id, d.id, kind, 1]);
    made++;
  }
}
// true different children who look alike
for (let k = 0; k < per; k++) {
  const b = pick(bases);
  if (b.type !== '1') { k--; continue; }
  // twins: same surname, birth, school; given names sharing a character; consecutive sequence numbers
  const g = [...b.gn];
  const gn = g.length === 2 ? g[0] + pick(GIVEN_NEUTRAL.filter((c) => c !== g[1])) : g[0] + pick(GIVEN_NEUTRAL);
  const seq = Math.floor(Number(b.idn.slice(14, 17)) / 2);
  const tw = add({ school: b.school, sn: b.sn, gn, gender: b.gender, birth: b.birth, type: '1', idn: residentId(b.school[3], b.birth, b.gender, (seq + 1) % 500), gname: b.gname, phone: b.phone });
  truth.push([b.id, tw.id, 'twins', 0]);
  // common name: the same name and gender, another birth date and resident ID
  let birth;
  do birth = birthDate(); while (birth.slice(0, 4) === b.birth.slice(0, 4));
  const sc = pick(schools);
  const cm = add({ school: sc, sn: b.sn, gn: b.gn, gender: b.gender, birth, type: '1', idn: residentId(sc[3], birth, b.gender), gname: guardianName(b.sn), phone: phone() });
  truth.push([b.id, cm.id, 'common', 0]);
}
const esc = (v) => (v === null || v === undefined ? '\\N' : String(v).replaceAll('\\', '\\\\').replaceAll('\t', '\\t'));
writeFileSync(outFile, rows.map((r) => [r.id, r.school[0], r.school[1], r.school[2], r.school[3], nameOf(r), r.gender, r.birth, r.type, r.idn,
  'B' + pad(r.id, 18), r.gname, r.phone].map(esc).join('\t')).join('\n') + '\n');
writeFileSync(truthFile, truth.map((t) => t.join('\t')).join('\n') + '\n');
console.error(`suspects-gen: ${rows.length} records (${n} base), ${truth.filter((t) => t[3] === 1).length} near-duplicates, ${truth.filter((t) => t[3] === 0).length} look-alike pairs`);
