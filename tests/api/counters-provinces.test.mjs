// counters-provinces.test.mjs: issue 13 item 3 (R30): two provinces import at the same time, each file opening many
// problem groups (ID numbers twice within the province, R7): the country's group counters are sharded by the member's
// province (sql/330, 386), so the two commits never lock the same country rows in different orders (they deadlocked on the
// group id mod 16 shards); both imports finish, every group is counted once in the country, and `xueji
// --check-counters` finds every counter equal to a COUNT(*) of its rows.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql, sqlCount, counters } from '../lib/api.mjs';
import { province, record, SCHOOLS, csv, upload, sameId } from '../lib/registry.mjs';
import { settleGroups } from '../lib/workflow.mjs';

// the groups the imports open leave the work lists afterwards (settleGroups: members closed, groups done), so the
// schools' queues of other suites are theirs again (the counters follow through the triggers)
const jobs = [];
after(() => {
  if (!jobs.length) return;
  const gids = `SELECT DISTINCT m.group_id FROM group_member m JOIN student s ON s.id = m.student_id WHERE s.import_job_id IN (${jobs.join(',')})`;
  settleGroups(sql(gids).map((r) => r[0]));
});

const N = 2400;   // records per province
const PAIRS = 400; // ID numbers twice within a province's file: a group each

/** A province's file: N records of two schools, the last PAIRS rows repeating the ID numbers of the first PAIRS. */
function file(a, b) {
  const rows = Array.from({ length: N - PAIRS }, (_, i) => record(i % 2 ? a : b));
  for (let i = 0; i < PAIRS; i++) rows.push(sameId(rows[i], i % 2 ? b : a));
  return { rows, ids: rows.slice(0, PAIRS).map((r) => r.id_number) };
}

test('issue 13.3 R30: two provinces\' simultaneous imports each opening many groups both finish; the country\'s group counters stay exact', async () => {
  const hebei = file(SCHOOLS.a, SCHOOLS.c), shandong = file(SCHOOLS.d, SCHOOLS.e);
  const groupsBefore = sqlCount('SELECT COUNT(*) FROM problem_group');
  const [p13, p37] = [await province('13'), await province('37')];
  const ups = await Promise.all([
    upload(p13, csv(hebei.rows), { dryRun: false, query: '&test_chunk=200' }),
    upload(p37, csv(shandong.rows), { dryRun: false, query: '&test_chunk=200' }),
  ]);
  for (const u of ups) assert.equal(u.status, 202, u.text);
  jobs.push(...ups.map((u) => u.body.id));
  let done;
  for (;;) {
    done = await Promise.all([p13.get(`/api/v1/imports/${ups[0].body.id}?issues_limit=0`), p37.get(`/api/v1/imports/${ups[1].body.id}?issues_limit=0`)]);
    if (done.every((j) => !['validating', 'committing'].includes(j.body.state))) break;
    await new Promise((res) => setTimeout(res, 50));
  }
  for (const j of done) {
    assert.equal(j.body.state, 'done', JSON.stringify(j.body.error));
    assert.equal(j.body.rows_created, N);
  }
  // each repeated ID number: one open group of two members of its own province
  for (const [prov, ids] of [['13', hebei.ids], ['37', shandong.ids]]) {
    const n = sqlCount(`SELECT COUNT(DISTINCT g.id) FROM problem_group g JOIN group_member m ON m.group_id = g.id
      JOIN student s ON s.id = m.student_id WHERE g.type = 'id_dup' AND g.state = 'open' AND m.province_code = '${prov}'
      AND s.id_number IN (${ids.map((x) => `'${x}'`).join(',')})`);
    assert.equal(n, PAIRS, `province ${prov}: a group per repeated ID number`);
  }
  assert.ok(sqlCount('SELECT COUNT(*) FROM problem_group') - groupsBefore >= 2 * PAIRS);
  // the country's counters were written through each province's own shard, and sum to the groups
  // (sql/386: the province's 16 sub-rows, province x 16 + group id mod 16)
  const shards = sql("SELECT DISTINCT shard DIV 16 FROM count_group WHERE level = 0 AND kind = 'g' AND n <> 0").map((r) => Number(r[0]));
  assert.ok(shards.includes(13) && shards.includes(37), `country shards by province: ${shards}`);
  for (const [state, n] of sql('SELECT state, COUNT(*) FROM problem_group GROUP BY state')) {
    assert.equal(sqlCount(`SELECT COALESCE(SUM(n), 0) FROM count_group WHERE level = 0 AND kind = 'g' AND k2 = '${state}'`), Number(n),
      `the country's ${state} groups`);
  }
  const check = counters();
  assert.equal(check.status, 0, check.out);
  assert.match(check.out, /^check-counters: 0 mismatches/m);
});
