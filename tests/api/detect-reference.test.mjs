// detect-reference.test.mjs: issue 10 item 4: one detection, one reference. Random records with planted clashes of every
// kind (R7, R8.1 ID duplicates in two or three schools, name+gender+birth duplicates of non-resident records, R8.2
// malformed numbers) are registered through the API; the groups detection's SQL (db_registry.c) opened for them must be
// exactly the clashes the in-memory reference detector (fcgi/dedup.c, `xueji --dedup-reference`) finds on the same
// records, after registration (R9, incremental) and again after a full re-detection (`xueji --redetect`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { sql, VARDIR } from '../lib/api.mjs';
import { as, birthDate, checkChar, record, residentId, uniqueName, SCHOOLS } from '../lib/registry.mjs';

const XUEJI = `${process.env.XJ_BUILD}/xueji`;
const AT = [SCHOOLS.a, SCHOOLS.b, SCHOOLS.c, SCHOOLS.d, SCHOOLS.e];
const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];
/** n distinct schools in random order. */
const schools = (n) => [...AT].sort(() => Math.random() - 0.5).slice(0, n);

/** Random records with planted clashes; every record names its school (and so its clerk). */
function generate() {
  const recs = [];
  for (let i = 0; i < 40; i++) recs.push(record(pick(AT))); // singles
  for (let i = 0; i < 8; i++) { // R8.1: one resident number in two or three schools, names and birth may differ (R7)
    const base = record(pick(AT));
    const [s1, ...rest] = schools(2 + (i % 2));
    recs.push({ ...base, school_code: s1.code });
    for (const s of rest) recs.push(record(s, { gender: base.gender, birth_date: base.birth_date, id_number: base.id_number }));
  }
  for (let i = 0; i < 8; i++) { // R7: same name, gender and birth; at least one record is not a resident ID
    const name = uniqueName(), birth = birthDate(), gender = pick(['M', 'F']);
    const [s1, s2, s3] = schools(3);
    recs.push(record(s1, { name, birth_date: birth, gender, id_type: 'Z', id_number: '' }));
    recs.push(i % 2 ? record(s2, { name, birth_date: birth, gender, id_type: 'A', id_number: `E${String(Math.random()).slice(2, 10)}` })
      : record(s2, { name, birth_date: birth, gender, id_number: residentId('370102', birth, gender) }));
    if (i % 3 === 0) recs.push(record(s3, { name, birth_date: birth, gender, id_number: residentId('130104', birth, gender) }));
  }
  for (let i = 0; i < 4; i++) { // R7: two resident records, same name/gender/birth, other numbers: no clash
    const name = uniqueName(), birth = birthDate(), gender = pick(['M', 'F']);
    const [s1, s2] = schools(2);
    recs.push(record(s1, { name, birth_date: birth, gender, id_number: residentId('130102', birth, gender) }));
    recs.push(record(s2, { name, birth_date: birth, gender, id_number: residentId('130202', birth, gender) }));
  }
  for (let i = 0; i < 6; i++) { // R8.2: a wrong check character
    const birth = birthDate(), gender = pick(['M', 'F']);
    const good = residentId('130102', birth, gender);
    const body = good.slice(0, 17), c = checkChar(body);
    recs.push(record(pick(AT), { birth_date: birth, gender, id_number: body + (c === '0' ? '1' : '0') }));
  }
  return recs.sort(() => Math.random() - 0.5);
}

const CLERK = Object.fromEntries(AT.map((s) => [s.code, s.clerk]));

/** The reference's clashes as sorted "type:id,id" strings, ids mapped from record indexes. */
function reference(recs, ids) {
  const tsv = recs.map((r) => [r.name, r.gender, r.birth_date, r.id_type, r.id_number ?? '', '1'].join('\t')).join('\n') + '\n';
  const out = execFileSync(XUEJI, ['--dedup-reference'], { input: tsv, encoding: 'utf8' });
  return out.trim().split('\n').filter(Boolean).map((l) => {
    const [type, , members] = l.split('\t');
    return `${type}:${members.split(',').map((i) => ids[Number(i)]).sort((a, b) => a - b).join(',')}`;
  }).sort();
}

/** Detection's open groups touching ids, as "type:id,id" of their members in a pending or open state. */
function detected(ids) {
  const rows = sql(`SELECT g.type, GROUP_CONCAT(m.student_id ORDER BY m.student_id) FROM problem_group g
      JOIN group_member m ON m.group_id = g.id
      WHERE g.state <> 'done' AND m.state NOT IN ('closed','deleted','changed')
        AND g.id IN (SELECT group_id FROM group_member WHERE student_id IN (${ids.join(',')}))
      GROUP BY g.id`);
  return rows.map(([type, ms]) => `${type}:${ms.split(',').map(Number).sort((a, b) => a - b).join(',')}`).sort();
}

test('issue 10.4 R7-R9: detection\'s SQL finds exactly the reference detector\'s clashes on random records, incrementally and on a full re-detection', async () => {
  const recs = generate();
  const ids = [];
  for (const r of recs) {
    const res = await (await as(CLERK[r.school_code])).post('/api/v1/students', r);
    assert.equal(res.status, 201, `${JSON.stringify(r)}: ${res.text}`);
    ids.push(res.body.student_id);
  }
  const want = reference(recs, ids);
  assert.ok(want.some((x) => x.startsWith('id_dup:')) && want.some((x) => x.startsWith('nbg_dup:')) && want.some((x) => x.startsWith('id_error:')),
    `every kind planted: ${want.join(' ')}`);
  assert.deepEqual(detected(ids), want, 'after registration (R9)');
  const secrets = Object.fromEntries(readFileSync(`${VARDIR}/secrets.env`, 'utf8').trim().split('\n').map((l) => l.split('=')));
  execFileSync(XUEJI, ['--redetect'], {
    encoding: 'utf8', env: { ...process.env, XJ_DB_SOCKET: `${VARDIR}/run/db.sock`, XJ_DB_PASSWORD: secrets.XJ_DB_PASSWORD },
  });
  assert.deepEqual(detected(ids), want, 'after a full re-detection');
});

test('issue 10.4 the reference command refuses a malformed line and stores nothing', () => {
  assert.throws(() => execFileSync(XUEJI, ['--dedup-reference'], { input: 'only a name\n', encoding: 'utf8', stdio: 'pipe' }),
    (e) => e.status === 2 && /line 1/.test(String(e.stderr)));
});
