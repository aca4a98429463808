// registry.mjs: helpers of the registry tests (issue 4): valid and malformed ID numbers, unique names, CSV
// building, the provincial caller, import jobs.
import assert from 'node:assert/strict';
import { Client, http, sql, sqlCount, until } from './api.mjs';

const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';
/** ISO 7064 MOD 11-2 check character of 17 digits (R8.2). */
export function checkChar(body17) {
  let s = 0;
  for (let i = 0; i < 17; i++) s += (body17.charCodeAt(i) - 48) * W[i];
  return CHECK[s % 11];
}

// ID numbers in use: those of the database when first asked (other suites share the instance; suites run one at a
// time), then every number this process issued. One query, not one per number: a test that makes thousands of
// records must not block the event loop for long (an idle keep-alive socket would go stale meanwhile).
let issued = null;
/** A fresh valid resident ID number (never issued before in this process, not in the database): area (6 digits),
 * birth 'YYYY-MM-DD', gender 'M'/'F' (R8.2 parity). */
export function residentId(area, birth, gender = 'M') {
  issued ??= new Set(sql('SELECT id_number FROM student').map((r) => r[0]));
  for (;;) {
    const n = 1 + Math.floor(Math.random() * 499);
    const body = area + birth.replaceAll('-', '') + String(n * 2 + (gender === 'M' ? 1 : 0)).padStart(3, '0');
    const id = body + checkChar(body);
    if (!issued.has(id)) { issued.add(id); return id; }
  }
}

/** A random birth date between 2010 and 2018 ('YYYY-MM-DD'). */
export function birthDate() {
  const y = 2010 + Math.floor(Math.random() * 9);
  const m = 1 + Math.floor(Math.random() * 12);
  const d = 1 + Math.floor(Math.random() * 28);
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** A birth date in year whose L-number prefix of county 130102 no counter and no record has used yet (R5 tests). */
export function freshBirth(year) {
  for (;;) {
    const b = `${year}-${String(1 + Math.floor(Math.random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(Math.random() * 28)).padStart(2, '0')}`;
    const p = `L130102${b.replaceAll('-', '')}`;
    if (sqlCount(`SELECT COUNT(*) FROM student_no_seq WHERE prefix='${p}'`) + sqlCount(`SELECT COUNT(*) FROM student WHERE student_no LIKE '${p}%'`) === 0)
      return b;
  }
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
/** A name that no other test uses (surname + two random CJK ideographs). */
export function uniqueName() {
  const c = () => String.fromCodePoint(0x4e00 + Math.floor(Math.random() * 0x51a5));
  return SURNAMES[Math.floor(Math.random() * SURNAMES.length)] + c() + c();
}

/** Demo schools (sql/demo/00-accounts.sql) and their clerks. */
export const SCHOOLS = {
  a: { code: '1301020001', county: '130102', clerk: 'clerk_a' }, // 长安区
  a2: { code: '1301020002', county: '130102' },
  b: { code: '1301040001', county: '130104', clerk: 'clerk_b' }, // 桥西区 (same city 1301)
  c: { code: '1302020001', county: '130202', clerk: 'clerk_c' }, // 唐山 (same province 13)
  d: { code: '3701020001', county: '370102', clerk: 'clerk_d' }, // 济南 (other province)
  e: { code: '3702020001', county: '370202', clerk: 'clerk_e' },
};

/** Birth-place counties for test ID numbers (real codes; wide, so random numbers rarely meet across test runs). */
const AREAS = ['110101', '110105', '120101', '130102', '130104', '130202', '130203', '140105', '210102', '220102', '310104',
  '320102', '330102', '340102', '350102', '360102', '370102', '370103', '370202', '370203', '410102', '420102', '430102',
  '440103', '450102', '500103', '510104', '520102', '530102', '610102', '620102', '650102'];

/** A complete valid record for a school, overridable. */
export function record(school, over = {}) {
  const gender = over.gender ?? (Math.random() < 0.5 ? 'M' : 'F');
  const birth = over.birth_date ?? birthDate();
  return {
    name: uniqueName(), gender, birth_date: birth, id_type: '1',
    id_number: residentId(AREAS[Math.floor(Math.random() * AREAS.length)], birth, gender), school_code: school.code,
    grade: '3', class_name: '2', enrol_date: '2022-09-01', guardian_phone: '13812345678', ...over,
  };
}

/** A record of another school (and child name) with the same resident ID number as rec: same gender and birth
 * date, so the number stays valid for it (R8.2 gender parity) and only the ID duplicate (R8.1) clashes. */
export function sameId(rec, school, over = {}) {
  const r = rec.student ?? rec;
  return record(school, { gender: r.gender, birth_date: r.birth_date, id_number: r.id_number, ...over });
}

const clients = new Map();
/** A signed-in client, cached per user name. */
export async function as(user) {
  if (!clients.has(user)) clients.set(user, await Client.login(user));
  return clients.get(user);
}

/** Demo provincial credentials of issue 3 (sql/demo/10-credentials.sql, public demo values). */
const DEMO_TOKENS = {
  13: 'xjp_DEMO13-not-secret-demo-credential-hebei0000',
  37: 'xjp_DEMO37-not-secret-demo-credential-shandong0',
};
/** A client authenticated with `Authorization: Bearer token` (provincial system, R29). */
class BearerClient {
  constructor(token) { this.token = token; }
  req(method, path, opts = {}) {
    return http(method, path, { ...opts, headers: { ...(opts.headers || {}), authorization: `Bearer ${this.token}` } });
  }
  get(p, o) { return this.req('GET', p, o); }
  post(p, body, o = {}) { return this.req('POST', p, { ...o, body }); }
}
const provinces = new Map();
/** The provincial system of province 13 or 37: its demo Bearer credential when the instance knows it (issue 3
 * merged); otherwise the XJ_TEST_HOOKS stand-in, the province bureau's session (prov_13 / prov_37). */
export async function province(code = '13') {
  if (!provinces.has(code)) {
    const b = new BearerClient(DEMO_TOKENS[code]);
    const probe = await b.get('/api/v1/students?limit=1');
    provinces.set(code, probe.status === 200 ? b : await as(`prov_${code}`));
  }
  return provinces.get(code);
}

/** Register one record as the school's clerk; asserts 201 unless expect says otherwise. */
export async function register(clerk, rec, expect = 201) {
  const c = await as(clerk);
  const r = await c.post('/api/v1/students', rec);
  assert.equal(r.status, expect, r.text);
  return r.body;
}

export const HEADER = '姓名,性别,出生日期,证件类型,证件号码,学校标识码,年级,班级,入学日期,监护人联系电话';
/** The template's header: every field of R4 a school enters, the guardian's name included (issue 11). */
export const TEMPLATE_HEADER = '姓名,性别,出生日期,证件类型,证件号码,学校标识码,年级,班级,入学日期,监护人姓名,监护人联系电话';
/** CSV text (no BOM) from records (objects as for the API, gender M/F written 男/女). */
export function csv(records, header = HEADER) {
  const esc = (v) => (v == null ? '' : /[",\r\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v));
  const lines = records.map((r) => [r.name, r.gender === 'M' ? '男' : r.gender === 'F' ? '女' : r.gender, r.birth_date, r.id_type,
    r.id_number, r.school_code, r.grade, r.class_name, r.enrol_date, r.guardian_phone].map(esc).join(','));
  return [header, ...lines].join('\n') + '\n';
}

/** POST a raw file to /api/v1/imports. */
export async function upload(client, body, { type = 'text/csv', dryRun = true, query = '' } = {}) {
  return client.req('POST', `/api/v1/imports?dry_run=${dryRun ? 1 : 0}${query}`, { raw: body, headers: { 'content-type': type } });
}

/** Poll a job until it leaves validating/committing. */
export async function waitJob(client, id, ms = 120000) {
  return until(async () => {
    const r = await client.get(`/api/v1/imports/${id}?issues_limit=1000`);
    assert.equal(r.status, 200, r.text);
    return ['validating', 'committing'].includes(r.body.state) ? null : r.body;
  }, ms, 200);
}

export { http };

// ---------- a minimal XLSX writer (stored zip; shared strings, numbers) for import tests ----------
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
/** CRC-32 of a buffer (zip). */
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
/** A zip archive (method 0, stored) of {name: string|Buffer}. */
export function zip(files) {
  const locals = [], centrals = [];
  let off = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    const nm = Buffer.from(name, 'utf8'), crc = crc32(data);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0); lh.writeUInt16LE(20, 4); lh.writeUInt16LE(0x0800, 6); lh.writeUInt16LE(0, 8);
    lh.writeUInt16LE(0, 10); lh.writeUInt16LE(0x21, 12); lh.writeUInt32LE(crc, 14); lh.writeUInt32LE(data.length, 18);
    lh.writeUInt32LE(data.length, 22); lh.writeUInt16LE(nm.length, 26); lh.writeUInt16LE(0, 28);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0); ch.writeUInt16LE(20, 4); ch.writeUInt16LE(20, 6); ch.writeUInt16LE(0x0800, 8);
    ch.writeUInt16LE(0, 10); ch.writeUInt16LE(0, 12); ch.writeUInt16LE(0x21, 14); ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(data.length, 20); ch.writeUInt32LE(data.length, 24); ch.writeUInt16LE(nm.length, 28);
    ch.writeUInt32LE(off, 42);
    locals.push(lh, nm, data);
    centrals.push(ch, nm);
    off += 30 + nm.length + data.length;
  }
  const cd = Buffer.concat(centrals), n = Object.keys(files).length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(n, 8); end.writeUInt16LE(n, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(off, 16);
  return Buffer.concat([...locals, cd, end]);
}
const xesc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** An XLSX workbook whose first sheet holds rows (arrays of cells: a string, {n: number}, or null); a null row is
 * left blank (it still takes its row number). A second sheet "other" holds junk the reader must ignore. */
export function xlsx(rows) {
  const sst = [], idx = new Map();
  const col = (i) => String.fromCharCode(65 + i);
  const sheetRows = rows.map((cells, r) => {
    if (!cells) return '';
    const cs = cells.map((v, c) => {
      const ref = `${col(c)}${r + 1}`;
      if (v == null || v === '') return '';
      if (typeof v === 'object') return `<c r="${ref}"><v>${v.n}</v></c>`;
      if (!idx.has(v)) { idx.set(v, sst.length); sst.push(v); }
      return `<c r="${ref}" t="s"><v>${idx.get(v)}</v></c>`;
    }).join('');
    return `<row r="${r + 1}">${cs}</row>`;
  }).join('');
  const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  return zip({
    '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    'xl/workbook.xml': `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${NS}" xmlns:r="${R}"><sheets><sheet name="学生" sheetId="1" r:id="rId1"/><sheet name="other" sheetId="2" r:id="rId3"/></sheets></workbook>`,
    'xl/_rels/workbook.xml.rels': `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${R}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId3" Type="${R}/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId2" Type="${R}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    'xl/worksheets/sheet1.xml': `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${NS}"><sheetData>${sheetRows}</sheetData></worksheet>`,
    'xl/worksheets/sheet2.xml': `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>junk</t></is></c></row></sheetData></worksheet>`,
    'xl/sharedStrings.xml': `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${NS}" count="${sst.length}" uniqueCount="${sst.length}">${sst.map((s) => `<si><t xml:space="preserve">${xesc(s)}</t></si>`).join('')}</sst>`,
  });
}
/** Excel serial day number (1900 system) of 'YYYY-MM-DD'. */
export function excelSerial(iso) {
  return Math.round((Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) - Date.UTC(1899, 11, 30)) / 86400000);
}
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
