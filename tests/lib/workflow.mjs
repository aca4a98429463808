// workflow.mjs: fixtures of the workflow tests: extra demo accounts, students, problem groups and evidence written
// straight into the database (as the registry's detection and the evidence module would), signed-in clients, actions.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Client, sql, VARDIR } from './api.mjs';

/** Run SQL as root expecting it may fail: returns {ok, out, err} without printing the server's error. */
export function sqlTry(query) {
  try {
    const out = execFileSync('mariadb', ['--no-defaults', '-uroot', `--socket=${VARDIR}/run/db.sock`, '-N', '-B', 'xueji', '-e', query],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { ok: true, out, err: '' };
  } catch (e) {
    return { ok: false, out: '', err: String(e.stderr || e.message) };
  }
}

/** Demo schools (sql/demo/00-accounts.sql) by letter. */
export const SCHOOLS = {
  a: '1301020001', // 长安区 130102, 石家庄 1301, 河北 13
  a2: '1301020002', // 长安区 again (same county as a)
  b: '1301040001', // 桥西区 130104 (same city as a)
  c: '1302020001', // 唐山 路南区 130202 (same province as a)
  d: '3701020001', // 济南 历下区 370102 (another province)
  e: '3702020001', // 青岛 市南区 370202
};

/** Accounts the workflow tests add beside the demo ones (same password). */
const EXTRA_USERS = [
  ['wf_clerk_a2', 'school_clerk', SCHOOLS.a2], ['wf_leader_a2', 'school_leader', SCHOOLS.a2],
  ['wf_leader_c', 'school_leader', SCHOOLS.c], ['wf_leader_d', 'school_leader', SCHOOLS.d],
  ['wf_leader_e', 'school_leader', SCHOOLS.e], ['wf_admin_13', 'admin', '130000'],
  ['wf_county_130102b', 'county', '130102'],
];

/** Clerk and leader usernames of each school letter. */
export const CLERK = { a: 'clerk_a', a2: 'wf_clerk_a2', b: 'clerk_b', c: 'clerk_c', d: 'clerk_d', e: 'clerk_e' };
export const LEADER = { a: 'leader_a', a2: 'wf_leader_a2', b: 'leader_b', c: 'wf_leader_c', d: 'wf_leader_d', e: 'wf_leader_e' };
/** County bureau usernames by county code. */
export const COUNTY = { 130102: 'county_130102', 130104: 'county_130104', 130202: 'county_130202', 370102: 'county_370102', 370202: 'county_370202' };

let usersMade = false;
/** Create the extra accounts once (idempotent). */
export function ensureUsers() {
  if (usersMade) return;
  const hash = sql("SELECT password_hash FROM app_user WHERE username = 'clerk_a'")[0][0];
  for (const [u, role, code] of EXTRA_USERS) {
    sql(`INSERT IGNORE INTO app_user (username, display_name, role, unit_id, password_hash)
         SELECT '${u}', '${u}', '${role}', id, '${hash}' FROM unit WHERE code = '${code}'`);
  }
  usersMade = true;
}

const clients = new Map();
/** A signed-in client for username (cached; retries while the login rate limit answers 429). */
export async function login(username) {
  ensureUsers();
  if (clients.has(username)) return clients.get(username);
  for (let i = 0; ; i++) {
    try {
      const c = await Client.login(username);
      clients.set(username, c);
      return c;
    } catch (e) {
      if (i > 40 || !/429/.test(String(e.message))) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

const schoolCache = new Map();
/** {id, code, county, city, province} of a school code. */
export function school(code) {
  if (!schoolCache.has(code)) {
    const r = sql(`SELECT id, county_code, city_code, province_code FROM unit WHERE code = '${code}' AND level = 4`)[0];
    assert.ok(r, `school ${code}`);
    schoolCache.set(code, { id: Number(r[0]), code, county: r[1], city: r[2], province: r[3] });
  }
  return schoolCache.get(code);
}

/** ISO 7064 MOD 11-2 check character of 17 digits. */
export function checkChar(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(first17[i]) * w[i];
  return '10X98765432'[s % 11];
}

let seq = Math.floor(Math.random() * 1e6);
/** A valid, fresh resident ID number: area, birth date YYYY-MM-DD, gender M/F. */
export function newIdNumber(area, birth, gender) {
  const b = birth.replaceAll('-', '');
  for (;;) {
    seq = (seq + 7919) % 1000000;
    let s3 = seq % 1000;
    if ((s3 % 2 === 1) !== (gender === 'M')) s3 = (s3 + 1) % 1000;
    const first = `${area}${b}${String(s3).padStart(3, '0')}`;
    const id = first + checkChar(first);
    // fresh in this database: other suites share the instance and its open groups
    if (sql(`SELECT COUNT(*) FROM student WHERE id_number = '${id}'`)[0][0] === '0') return id;
  }
}

let nameSeq = Math.floor(Math.random() * 1e9);
/** A fresh name, so that name-gender-birth groups of different tests never clash. */
export function newName() {
  nameSeq++;
  const cs = '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥';
  let n = nameSeq, s = '测';
  for (let i = 0; i < 6; i++) { s += cs[n % cs.length]; n = Math.floor(n / cs.length); }
  return s;
}

function q(s) { return s == null ? 'NULL' : `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "''")}'`; }

/**
 * Insert a student at a school. opts: name, gender, birth, idType ('1'), idNumber, prefix ('L'|'G'), status, everApproved,
 * verifyState, registerIdNumber. Returns the student id.
 */
export function makeStudent(schoolCode, opts = {}) {
  const s = school(schoolCode);
  const gender = opts.gender ?? 'M';
  const birth = opts.birth ?? '2015-03-0' + (1 + (seq % 9));
  const idType = opts.idType ?? '1';
  const idNumber = opts.idNumber === undefined ? (idType === '1' ? newIdNumber(s.county, birth, gender) : null) : opts.idNumber;
  const name = opts.name ?? newName();
  // 5000-5999: the registry's own counter (R5) never gets that far in a test, so a number inserted here can never be
  // the one an import or registration is handed (that was a rare 'still deadlocking' import: a duplicate number);
  // 6000-9999 are load.test.mjs's numbers, loaded as they are (a number of both refused its file at random)
  const lPrefix = 'L' + s.county + birth.replaceAll('-', '');
  let free = null; // after a clash: the numbers of 5000-5999 not yet taken for this county and birth date
  for (let attempt = 0; ; attempt++) {
    seq = (seq + 104729) % 1000000;
    const no = opts.prefix === 'G' && attempt === 0 && idNumber && idNumber.length === 18
      ? 'G' + idNumber
      : lPrefix + String(free ? free[seq % free.length] : 5000 + (seq % 1000));
    try {
      const r = sql(`INSERT INTO student (school_id, province_code, city_code, county_code, name, gender, birth_date, id_type, id_number,
          student_no, status, ever_approved, verify_state, register_id_number)
        VALUES (${s.id}, '${s.province}', '${s.city}', '${s.county}', ${q(name)}, '${gender}', '${birth}', '${idType}', ${q(idNumber)},
          '${no}', ${q(opts.status ?? 'problem')}, ${opts.everApproved ? 1 : 0}, ${q(opts.verifyState ?? 'unverified')},
          ${q(opts.registerIdNumber ?? null)});
        SELECT LAST_INSERT_ID();`);
      return Number(r[0][0]);
    } catch (e) {
      if (attempt > 5 || !/Duplicate/.test(String(e.message))) throw e;
      // the suites make thousands of records of a few birth dates in one county: a random number clashes more often as
      // they fill (six clashes in a row failed a test at random), so draw again from the numbers still free
      const used = new Set(sql(`SELECT RIGHT(student_no, 4) FROM student WHERE student_no LIKE '${lPrefix}5___'`).map((r) => Number(r[0])));
      free = Array.from({ length: 1000 }, (_, i) => 5000 + i).filter((n) => !used.has(n));
      if (!free.length) throw new Error(`makeStudent: every number ${lPrefix}5000-5999 is taken; use another birth date`);
    }
  }
}

/** R2 common superior of county codes, as the registry computes it: [scope_level, arbiter unit id]. */
export function commonSuperior(counties) {
  const same = (n) => new Set(counties.map((c) => c.slice(0, n))).size === 1;
  if (same(6)) return [3, Number(counties[0])];
  if (same(4) && counties[0].slice(2, 4) !== '90') return [2, Number(counties[0].slice(0, 4) + '00')]; // 90: a placeholder (issue 16.4)
  if (same(2)) return [1, Number(counties[0].slice(0, 2) + '0000')];
  return [0, 1];
}

/**
 * A problem group with members, written as the registry's detection would.
 * spec: {type: 'id_dup'|'nbg_dup'|'id_error'|'id_changed', members: [{school: code, prefix, everApproved, status, state, ...}],
 *        deadline}. id_dup members share one ID number; nbg_dup members share name, gender and birth date
 * (their ID type defaults to 'Z' with no number). Returns {id, members: [{id, studentId, school, county}], idNumber, name}.
 */
export function makeGroup(spec) {
  const type = spec.type ?? 'id_dup';
  const ms = spec.members;
  const first = school(ms[0].school);
  const birth = spec.birth ?? '2014-0' + (1 + (seq % 9)) + '-1' + (seq % 9);
  const gender = spec.gender ?? 'F';
  const idNumber = type === 'id_dup' ? newIdNumber(first.county, birth, gender) : undefined;
  const name = newName();
  const students = ms.map((m) => {
    const o = { gender, birth, ...m };
    if (type === 'id_dup') { o.idType = '1'; o.idNumber = idNumber; }
    if (type === 'nbg_dup') { o.name = name; o.idType = m.idType ?? 'Z'; o.idNumber = m.idNumber ?? null; }
    if (type === 'id_error') {
      const f17 = first.county + birth.replaceAll('-', '') + '001';
      o.idNumber = m.idNumber ?? f17 + (checkChar(f17) === '0' ? '1' : '0'); // R8.2: wrong check character
    }
    if (type === 'id_changed') { o.verifyState = 'changed'; o.registerIdNumber = newIdNumber(first.county, birth, gender); }
    return makeStudent(m.school, o);
  });
  const counties = ms.map((m) => school(m.school).county);
  const [scope, arbiter] = commonSuperior(counties);
  const clash = type === 'id_dup' ? idNumber : type === 'nbg_dup' ? `${name}|${gender}|${birth}` : String(students[0]);
  const gid = Number(sql(`INSERT INTO problem_group (type, clash_key, open_key, state, scope_level, arbiter_unit_id, deadline)
      VALUES ('${type}', ${q(clash)}, ${q(clash)}, 'open', ${scope}, ${arbiter}, ${q(spec.deadline ?? null)});
      SELECT LAST_INSERT_ID();`)[0][0]);
  const members = ms.map((m, i) => {
    const s = school(m.school);
    const state = m.state ?? (type === 'id_changed' ? 'unconfirmed' : 'open');
    const id = Number(sql(`INSERT INTO group_member (group_id, student_id, school_id, province_code, city_code, county_code, state, due_date)
        VALUES (${gid}, ${students[i]}, ${s.id}, '${s.province}', '${s.city}', '${s.county}', '${state}', ${q(m.dueDate ?? null)});
        SELECT LAST_INSERT_ID();`)[0][0]);
    return { id, studentId: students[i], school: m.school, county: s.county, province: s.province };
  });
  sql(`INSERT INTO history (group_id, actor_role, action, state_after) VALUES (${gid}, 'system', 'detected', 'open')`);
  return { id: gid, type, members, idNumber, name, birth, gender, arbiter, scope };
}

/** A stored evidence row of a school (as the evidence module would keep it); returns its id. */
export function makeEvidence(schoolCode) {
  const s = school(schoolCode);
  // a real stored file, as the evidence module would leave it (content-addressed under the data dir), so
  // suites that check "every row has its content" hold while this fixture's rows exist
  const body = randomBytes(1024);
  const sha = createHash('sha256').update(body).digest('hex');
  const dir = `${VARDIR}/data/${sha.slice(0, 2)}/${sha.slice(2, 4)}`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/${sha}`, body);
  // and counted in the school's usage, as an upload is (R23 quota)
  return Number(sql(`INSERT INTO evidence (sha256, size, mime, orig_name, school_id, uploader_id)
      VALUES (UNHEX('${sha}'), 1024, 'image/jpeg', '证明.jpg', ${s.id}, (SELECT MIN(id) FROM app_user)); SELECT LAST_INSERT_ID();
      INSERT INTO evidence_usage (school_id, bytes, files) VALUES (${s.id}, 1024, 1)
        ON DUPLICATE KEY UPDATE bytes = bytes + 1024, files = files + 1;`)[0][0]);
}

/** Current {state, version, handling, reject_reason, due_date, reject_code} of a member (issue 11 item 10: a system
 * rejection is its code, the person's words are reject_reason). */
export function member(id) {
  const r = sql(`SELECT state, version, COALESCE(handling,''), COALESCE(reject_reason,''), COALESCE(due_date,''), COALESCE(reject_code,'') FROM group_member WHERE id = ${id}`)[0];
  return { state: r[0], version: Number(r[1]), handling: r[2] || null, reject_reason: r[3] || null, due_date: r[4] || null, reject_code: r[5] || null };
}
/** Current state of a group. */
export function groupState(id) { return sql(`SELECT state FROM problem_group WHERE id = ${id}`)[0][0]; }
/** Status and ever_approved of a student. */
export function student(id) {
  const r = sql(`SELECT status, ever_approved, name, gender, birth_date, id_type, COALESCE(id_number,''), verify_state FROM student WHERE id = ${id}`)[0];
  return { status: r[0], ever_approved: r[1] === '1', name: r[2], gender: r[3], birth_date: r[4], id_type: r[5], id_number: r[6] || null, verify_state: r[7] };
}

/** POST an action on a member as `client`, with the member's current version unless given. */
export async function act(client, memberId, action, body = {}, headers = {}) {
  const v = body.expected_version ?? member(memberId).version;
  return client.post(`/api/v1/members/${memberId}/actions`, { action, expected_version: v, ...body }, { headers });
}

/** Like act, asserting 200; returns the body. */
export async function ok(client, memberId, action, body = {}) {
  const r = await act(client, memberId, action, body);
  assert.equal(r.status, 200, `${action} on member ${memberId}: ${r.text}`);
  return r.body;
}

/** Corroborate with a fresh evidence file of the member's school. */
export async function corroborate(clerk, m, opinion = '本校学生信息真实，在校就读。') {
  return ok(clerk, m.id, 'submit_corroborate', { opinion, evidence_ids: [makeEvidence(m.school)] });
}

/** History rows of a group: [{action, member_id, before, after, role, reason}]. */
export function history(groupId) {
  return sql(`SELECT action, COALESCE(member_id,''), COALESCE(state_before,''), COALESCE(state_after,''), actor_role, COALESCE(reason,''),
      COALESCE(evidence_ids,''), COALESCE(actor_user_id,'') FROM history WHERE group_id = ${groupId} ORDER BY id`)
    .map((r) => ({ action: r[0], member_id: r[1] ? Number(r[1]) : null, before: r[2], after: r[3], role: r[4], reason: r[5], evidence: r[6], user: r[7] }));
}

/** Today in China Standard Time as YYYY-MM-DD (what the service uses for due dates). */
export function todayCN() {
  return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
}

/** The day n working days after `from` (YYYY-MM-DD), skipping weekends and the given exceptions {date: working}. */
export function addWorkingDays(from, n, exceptions = {}) {
  const d = new Date(from + 'T00:00:00Z');
  while (n > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    const iso = d.toISOString().slice(0, 10);
    const wd = d.getUTCDay();
    const working = iso in exceptions ? exceptions[iso] : wd !== 0 && wd !== 6;
    if (working) n--;
  }
  return d.toISOString().slice(0, 10);
}

/** The first item of the caller's work queue satisfying pred, walking every page by cursor (R30); undefined if none. */
export async function findInQueue(client, pred) {
  let cursor = '';
  for (let i = 0; i < 1000; i++) {
    const q = (await client.get(`/api/v1/queue?limit=500${cursor ? `&cursor=${cursor}` : ''}`)).body;
    const hit = q.items.find(pred);
    if (hit || !q.next_cursor) return hit;
    cursor = q.next_cursor;
  }
  return undefined;
}

// ---- random workflow steps (workflow-random.test.mjs, counters.test.mjs) ----
const ACTORS = [
  ...Object.values(CLERK), ...Object.values(LEADER), ...Object.values(COUNTY), 'wf_county_130102b',
  'city_1301', 'prov_13', 'prov_37', 'ministry',
];
const ALL_ACTIONS = ['confirm_register', 'submit_corroborate', 'submit_change', 'submit_delete', 'leader_confirm', 'leader_decline',
  'approve', 'reject', 'arbitrate', 'reopen'];
const PLAUSIBLE = {
  unconfirmed: ['confirm_register'], open: ['submit_corroborate', 'submit_change', 'submit_delete'],
  awaiting_leader: ['leader_confirm', 'leader_decline'], awaiting_review: ['approve', 'approve', 'reject'],
  approved: ['arbitrate', 'reopen'], upheld: ['reopen'], changed: ['reopen'], closed: ['reopen'], deleted: ['reopen'], reopened: ['reopen'],
};

export function rng(seed) {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}
export const pick = (r, a) => a[Math.floor(r() * a.length)];

/** The member rows of a group: [{id, state, version, school, county, studentId, birth, gender, arbiter, gstate}]. */
function members(gid) {
  return sql(`SELECT m.id, m.state, m.version, u.code, m.county_code, m.student_id, s.birth_date, s.gender, g.arbiter_unit_id, g.state
      FROM group_member m JOIN problem_group g ON g.id = m.group_id
      JOIN unit u ON u.id = m.school_id JOIN student s ON s.id = m.student_id WHERE m.group_id = ${gid} ORDER BY m.id`)
    .map((r) => ({ id: Number(r[0]), state: r[1], version: Number(r[2]), school: r[3], county: r[4], studentId: Number(r[5]),
      birth: r[6], gender: r[7], arbiter: Number(r[8]), gstate: r[9] }));
}

const SCHOOL_LETTER = Object.fromEntries(Object.entries(SCHOOLS).map(([k, v]) => [v, k]));
const ARBITER = { 130100: 'city_1301', 130000: 'prov_13', 370000: 'prov_37', 1: 'ministry' };
/** The actor who would rightly act next on m (its school's clerk or leader, its county, the arbiter). */
function rightActor(m) {
  const l = SCHOOL_LETTER[m.school];
  if (m.state === 'awaiting_leader') return LEADER[l];
  if (m.state === 'awaiting_review') return COUNTY[m.county];
  if (m.state === 'approved' && m.gstate === 'awaiting_arbitration') return ARBITER[m.arbiter] ?? COUNTY[m.county];
  return CLERK[l];
}

/** One random request; returns the HTTP status. */
export async function randomStep(r, gid, stats) {
  const ms = members(gid);
  const m = pick(r, ms);
  const actor = r() < 0.7 ? rightActor(m) : pick(r, ACTORS);
  const c = await login(actor);
  const action = r() < 0.75 ? pick(r, PLAUSIBLE[m.state]) : pick(r, ALL_ACTIONS);
  const body = { action, expected_version: r() < 0.08 ? Math.max(1, m.version - 1) : m.version };
  if (r() < 0.9) body.opinion = '随机测试意见';
  if (r() < 0.9) body.reason = '随机测试原因';
  if (r() < 0.85) body.confirm = true;
  if (r() < 0.9) body.evidence_ids = [makeEvidence(r() < 0.95 ? m.school : SCHOOLS.e)];
  if (action === 'submit_change') {
    body.changes = r() < 0.6 ? { id_number: newIdNumber(m.county, m.birth, m.gender) } : { name: '随机' + Math.floor(r() * 1e6) };
  }
  let res;
  if (action === 'arbitrate' && r() < 0.7) {
    res = await c.post(`/api/v1/groups/${gid}/arbitration`, { member_id: m.id, reason: body.reason ?? '', expected_version: body.expected_version });
  } else {
    res = await c.post(`/api/v1/members/${m.id}/actions`, body);
  }
  assert.ok([200, 403, 404, 409, 422].includes(res.status), `${actor} ${action} on ${m.id}: ${res.status} ${res.text}`);
  stats[res.status] = (stats[res.status] ?? 0) + 1;
  return res;
}

/**
 * Takes groups out of every work list (a suite's cleanup, so that its open or overdue steps do not fill other suites'
 * first pages): by plain SQL, the members are approved without a due date and the groups done; in an ID duplicate only
 * its first member stands, the others are deleted, so the §6 invariants still hold (R17/R21: a done ID duplicate has at
 * most one standing member; the cluster's fault test checks every group of the database after the API suite). Final
 * states only: detection re-opens a closed or changed member whose record it finds in the clash again (R9), and the
 * records still clash. The groups keep their open key, so no re-detection opens the clash again.
 * @param {Array<number|string>} ids problem_group ids
 */
export function settleGroups(ids) {
  if (!ids.length) return;
  const list = ids.join(',');
  const standing = sql(`SELECT MIN(m.id) FROM group_member m JOIN problem_group g ON g.id = m.group_id
    WHERE g.id IN (${list}) AND g.type = 'id_dup' GROUP BY g.id`).map((r) => r[0]);
  sql(`UPDATE group_member SET state = 'approved', due_date = NULL WHERE group_id IN (${list});
    UPDATE group_member m JOIN problem_group g ON g.id = m.group_id SET m.state = 'deleted'
      WHERE g.id IN (${list}) AND g.type = 'id_dup'${standing.length ? ` AND m.id NOT IN (${standing.join(',')})` : ''};
    UPDATE problem_group SET state = 'done', deadline = NULL, arb_due_date = NULL WHERE id IN (${list})`);
}

/**
 * makeGroup that remembers the groups it made, and settle() to take them out of every work list afterwards
 * (settleGroups).
 * @returns {{make: typeof makeGroup, settle: () => void}}
 */
export function settledGroups() {
  const made = [];
  return {
    make: (spec) => { const g = makeGroup(spec); made.push(g.id); return g; },
    settle: () => settleGroups(made),
  };
}
