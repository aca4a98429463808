// redetect-sweep.test.mjs: issue 14 item 2: `xueji --redetect` reads the candidate keys without locks and evaluates
// them in slices of short transactions, so clerks keep registering while it runs; it finds every clash planted behind
// detection's back (R7-R9), reports progress, and a second run finds nothing new (idempotent).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { sql, sqlCount } from '../lib/api.mjs';
import { as, record, SCHOOLS, uniqueName } from '../lib/registry.mjs';

const VARDIR = process.env.XJ_VARDIR;

/** Run `xueji --redetect` with extra environment; resolves {code, out, err}. */
function redetect(env = {}) {
  const secrets = Object.fromEntries(readFileSync(`${VARDIR}/secrets.env`, 'utf8').trim().split('\n').map((l) => l.split('=')));
  const child = spawn(`${process.env.XJ_BUILD}/xueji`, ['--redetect'], {
    env: { ...process.env, XJ_DB_SOCKET: `${VARDIR}/run/db.sock`, XJ_DB_PASSWORD: secrets.XJ_DB_PASSWORD, ...env },
  });
  let out = '', err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  return { child, done: new Promise((res) => child.on('exit', (code) => res({ code, out, err }))) };
}

/** Insert records straight into the table (records loaded by other means: no detection ran on them). */
function plant(rows) {
  const sid = sqlCount(`SELECT id FROM unit WHERE code='${SCHOOLS.a.code}'`);
  const sid2 = sqlCount(`SELECT id FROM unit WHERE code='${SCHOOLS.d.code}'`);
  const values = rows.map((r, i) => {
    const [school, p, c, k] = i % 2 ? [sid2, '37', '3701', '370102'] : [sid, '13', '1301', '130102'];
    const no = `T${String(Date.now()).slice(-9)}${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
    return `(${school}, '${p}', '${c}', '${k}', '${r.name}', '${r.gender}', '${r.birth_date}', '${r.id_type}', ${r.id_number ? `'${r.id_number}'` : 'NULL'}, '${no}', 'pending')`;
  });
  sql(`INSERT INTO student (school_id, province_code, city_code, county_code, name, gender, birth_date, id_type, id_number, student_no, status) VALUES ${values.join(',')}`);
}

/** Open groups of a type holding the records with this ID number (or this name, for nbg). */
const openGroupsOf = (type, where) => sql(`SELECT g.id, COUNT(*) FROM problem_group g JOIN group_member m ON m.group_id=g.id
  JOIN student s ON s.id=m.student_id WHERE g.type='${type}' AND g.state<>'done' AND ${where} GROUP BY g.id`);

test('issue 14 R7-R9: a full re-detection in short transactions finds every planted clash while clerks keep registering; progress; idempotent', async () => {
  // 20 ID-number pairs across two provinces and 10 name+gender+birth pairs (one without an ID number), unseen by detection
  const pairs = [], nbg = [];
  for (let i = 0; i < 20; i++) {
    const a = record(SCHOOLS.a);
    pairs.push([a, { ...record(SCHOOLS.d), gender: a.gender, birth_date: a.birth_date, id_number: a.id_number }]);
  }
  for (let i = 0; i < 10; i++) {
    const a = record(SCHOOLS.a);
    nbg.push([a, { ...a, id_type: 'Z', id_number: '' }]);
  }
  plant([...pairs.flat(), ...nbg.flat()]);
  const c = await as('clerk_a');
  const run = redetect({ XJ_REDETECT_SLICE: '3' }); // three keys per transaction: many commits while clerks register
  let finished = false, registered = 0;
  const result = run.done.then((r) => { finished = true; return r; });
  const failures = [];
  while (!finished) {
    const r = await c.post('/api/v1/students', record(SCHOOLS.a, { name: uniqueName() }));
    if (r.status !== 201) failures.push(`${r.status} ${r.text}`);
    else registered++;
  }
  const { code, out, err } = await result;
  assert.equal(code, 0, out + err);
  assert.deepEqual(failures, [], 'every registration during the run succeeded');
  assert.ok(registered >= 1, 'registrations ran while the re-detection did');
  const m = out.match(/redetect: (\d+) keys in (\d+) transactions, longest ([\d.]+) s/);
  assert.ok(m, out);
  assert.ok(Number(m[2]) >= 10, `many short transactions: ${m[0]}`);
  assert.match(err, /ID numbers shared: \d+ candidate keys/);
  assert.match(err, /ID numbers shared: \d+\/\d+ keys/);
  for (const [a] of pairs) {
    const g = openGroupsOf('id_dup', `s.id_number='${a.id_number}'`);
    assert.equal(g.length, 1, `one open ID-duplicate group for ${a.id_number}`);
    assert.equal(g[0][1], '2');
    // R2: members in Hebei and Shandong: the ministry arbitrates
    assert.equal(sqlCount(`SELECT scope_level FROM problem_group WHERE id=${g[0][0]}`), 0);
  }
  for (const [a] of nbg) {
    const g = openGroupsOf('nbg_dup', `s.name='${a.name}' AND s.birth_date='${a.birth_date}'`);
    assert.equal(g.length, 1, `one open name+gender+birth group for ${a.name}`);
    assert.equal(g[0][1], '2');
  }
  // a second run settles nothing more
  const again = await redetect().done;
  assert.equal(again.code, 0, again.out + again.err);
  assert.match(again.out, /groups opened 0, members added 0, members closed 0, members reopened 0, groups done 0/);
});

test('issue 14 R5: the re-detection gives a verified record outside any open group its G number (found through the index, not a scan)', async () => {
  const r = record(SCHOOLS.a);
  plant([r]);
  // a register result behind the service's back: verified, about the record's current number and name
  // and an L number as registration gives (G_COND: only L numbers become G numbers)
  sql(`UPDATE student SET verify_state='verified', verify_id_number=id_number, verify_name=name,
    student_no=CONCAT('L130102', DATE_FORMAT(birth_date,'%Y%m%d'), '9', LPAD(FLOOR(RAND()*1000),3,'0')) WHERE id_number='${r.id_number}'`);
  const { code, out } = await redetect().done;
  assert.equal(code, 0, out);
  assert.match(out, /G numbers given [1-9]/);
  assert.equal(sql(`SELECT student_no FROM student WHERE id_number='${r.id_number}'`)[0][0], `G${r.id_number}`);
});

test('issue 14 item 3 R7-R9: a key whose open group holds exactly its live records is settled without a transaction; a record added, deleted or un-grouped behind detection\'s back is not', async () => {
  const pairs = [];
  for (let i = 0; i < 4; i++) {
    const a = record(SCHOOLS.a);
    pairs.push([a, { ...record(SCHOOLS.d), gender: a.gender, birth_date: a.birth_date, id_number: a.id_number }]);
  }
  const a0 = record(SCHOOLS.a);
  const nb = [a0, { ...a0, id_type: 'Z', id_number: '' }];
  plant([...pairs.flat(), ...nb]);
  const first = await redetect().done;
  assert.equal(first.code, 0, first.out + first.err);
  // nothing changed: every key planted here is settled by the lock-free read (and nothing else changes)
  const again = await redetect().done;
  assert.equal(again.code, 0, again.out + again.err);
  assert.match(again.out, /groups opened 0, members added 0, members closed 0, members reopened 0, groups done 0/);
  const settled = Number(again.out.match(/(\d+) keys settled/)[1]);
  assert.ok(settled >= 5, `the 4 ID-number keys and the name+gender+birth key are settled: ${again.out}`);
  assert.match(again.err, /ID numbers shared: \d+ candidate keys, \d+ settled/);
  // the same read in chunks of 2 keys on 3 readers (XJ_REDETECT_SETTLED_CHUNK): every chunk's answer counts, whichever
  // reader read it
  const split = await redetect({ XJ_REDETECT_SETTLED_CHUNK: '2', XJ_REDETECT_READERS: '3' }).done;
  assert.equal(split.code, 0, split.out + split.err);
  assert.match(split.out, /groups opened 0, members added 0, members closed 0, members reopened 0, groups done 0/);
  assert.equal(Number(split.out.match(/(\d+) keys settled/)[1]), settled, `as in one reader's chunks: ${split.out}`);
  // behind detection's back: a third record with pair 0's number, pair 1's second record deleted, pair 2's member row gone
  plant([{ ...record(SCHOOLS.a), gender: pairs[0][0].gender, birth_date: pairs[0][0].birth_date, id_number: pairs[0][0].id_number }]);
  sql(`UPDATE student SET status='deleted' WHERE id_number='${pairs[1][1].id_number}' AND school_id=(SELECT id FROM unit WHERE code='${SCHOOLS.d.code}')`);
  const g2 = openGroupsOf('id_dup', `s.id_number='${pairs[2][0].id_number}'`)[0][0];
  sql(`DELETE FROM group_member WHERE group_id=${g2} AND student_id=(SELECT id FROM student WHERE id_number='${pairs[2][0].id_number}' LIMIT 1)`);
  const third = await redetect({ XJ_REDETECT_SETTLED_CHUNK: '2', XJ_REDETECT_READERS: '3' }).done; // found in any reader's chunk
  assert.equal(third.code, 0, third.out + third.err);
  const m = third.out.match(/members added (\d+), members closed (\d+), members reopened \d+, groups done (\d+)/);
  assert.ok(Number(m[1]) >= 2, `the third record of pair 0 and pair 2's lost member are added: ${third.out}`);
  assert.ok(Number(m[3]) >= 1, `pair 1's clash is gone, its group done: ${third.out}`);
  assert.equal(openGroupsOf('id_dup', `s.id_number='${pairs[0][0].id_number}'`)[0][1], '3');
  assert.equal(openGroupsOf('id_dup', `s.id_number='${pairs[2][0].id_number}'`)[0][1], '2');
  assert.equal(openGroupsOf('id_dup', `s.id_number='${pairs[1][0].id_number}' AND s.status<>'deleted'`).length, 0);
  // every key evaluated in its transaction (XJ_REDETECT_ALL=1) agrees: what was settled needed nothing
  const all = await redetect({ XJ_REDETECT_ALL: '1' }).done;
  assert.equal(all.code, 0, all.out + all.err);
  assert.match(all.out, /groups opened 0, members added 0, members closed 0, members reopened 0, groups done 0/);
  assert.match(all.out, /\b0 keys settled/);
});

test('issue 14 item 3 R7: a name+gender+birth that only residents share is no candidate of a full re-detection; an open group on such a key is still closed', async () => {
  const totalNbg = (err) => {
    const m = err.match(/name\+gender\+birth shared: (\d+) candidate keys, (\d+) settled/);
    assert.ok(m, err);
    return Number(m[1]) + Number(m[2]);
  };
  const before = await redetect().done;
  assert.equal(before.code, 0, before.out + before.err);
  // two children of one name, sex and birthday, each with his own resident ID number: R7 opens nothing for them
  const r0 = record(SCHOOLS.a);
  plant([r0, { ...record(SCHOOLS.d, { gender: r0.gender, birth_date: r0.birth_date }), name: r0.name }]);
  const residents = await redetect().done;
  assert.equal(residents.code, 0, residents.out + residents.err);
  assert.equal(totalNbg(residents.err), totalNbg(before.err), 'the residents\' shared key is not read as a candidate');
  assert.equal(openGroupsOf('nbg_dup', `s.name='${r0.name}'`).length, 0);
  // a shared key with a record without a resident number is one, and its group opens
  const n0 = record(SCHOOLS.a);
  plant([n0, { ...n0, id_type: 'Z', id_number: '' }]);
  const mixed = await redetect().done;
  assert.equal(mixed.code, 0, mixed.out + mixed.err);
  assert.equal(totalNbg(mixed.err), totalNbg(before.err) + 1);
  assert.equal(openGroupsOf('nbg_dup', `s.name='${n0.name}'`)[0]?.[1], '2');
  // behind detection's back the second record gets a resident number of its own: the key is no candidate now, and the
  // open groups' source still closes the group (R7: no clash left)
  const own = record(SCHOOLS.d, { gender: n0.gender, birth_date: n0.birth_date });
  sql(`UPDATE student SET id_type='1', id_number='${own.id_number}' WHERE name='${n0.name}' AND id_type='Z'`);
  const closed = await redetect().done;
  assert.equal(closed.code, 0, closed.out + closed.err);
  assert.equal(totalNbg(closed.err), totalNbg(before.err));
  assert.match(closed.out, /groups done [1-9]/);
  assert.equal(openGroupsOf('nbg_dup', `s.name='${n0.name}'`).length, 0);
});
