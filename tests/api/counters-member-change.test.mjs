// counters-member-change.test.mjs: issue 13 item 3 (R30; R24 due days; R1-R3 for the levels): a member's change that
// keeps its group and school (a decision: state, handling, due date) writes only the counters whose key changes
// (sql/385): the group's presence at school, county, city, province and country stays untouched, a handling-only change
// writes the school's row alone, and every counter stays equal to a COUNT(*) after each kind of change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, counters } from '../lib/api.mjs';
import { SCHOOLS as S, makeGroup, ensureUsers } from '../lib/workflow.mjs';

/** One member UPDATE in its own session: the rows the statement and its triggers wrote (inserts + updates). */
function writes(memberId, set) {
  const out = sql(`FLUSH STATUS; UPDATE group_member SET ${set} WHERE id = ${memberId};
    SELECT SUM(VARIABLE_VALUE) FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME IN ('HANDLER_UPDATE', 'HANDLER_WRITE')`);
  return Number(out[0][0]);
}

test('issue 13 item 3 (R30): a member staying in its group and school writes only the counters of the keys it changes, all exact', (t) => {
  ensureUsers();
  // a group spanning two schools of one county and another province: presence at every level
  const g = makeGroup({ type: 'id_dup', deadline: '2030-06-30', members: [{ school: S.a, dueDate: '2030-01-10' }, { school: S.a2 }, { school: S.d }] });
  const [m] = g.members;
  const handlingOnly = writes(m.id, "handling = 'corroborate'");
  const stateOnly = writes(m.id, "state = 'awaiting_leader'");
  const dueOnly = writes(m.id, "due_date = '2030-01-20'");
  const dueAway = writes(m.id, 'due_date = NULL');
  const nothing = writes(m.id, 'opinion = "本校学生信息真实"');
  t.diagnostic(`rows written: handling ${handlingOnly}, state ${stateOnly}, due date ${dueOnly}, due date removed ${dueAway}, other column ${nothing}`);
  const check = counters();
  assert.equal(check.status, 0, check.out);
  assert.match(check.out, /^check-counters: 0 mismatches/m);
  // handler counts: an upsert meeting its row counts a write and an update (before 385: handling 48, due date 44, due
  // date removed 39, state 39 rows). The member's row itself, then the school's 'm' row old and new (a handling is a school-only key)
  assert.ok(handlingOnly <= 1 + 2 * 2, `handling only: ${handlingOnly} rows`);
  // 'm' and 'd' rows, old and new, at school + 4 levels; no presence rows
  assert.ok(stateOnly <= 1 + 2 * 2 * 2 * 5, `state: ${stateOnly} rows`);
  assert.ok(dueOnly <= 1 + 2 * 2 * 5, `due date: ${dueOnly} rows`);
  assert.ok(dueAway <= 1 + 2 * 5, `due date removed: ${dueAway} rows`);
  assert.ok(nothing <= 1, `no counted column: ${nothing} rows`);
  // a move to another school still moves the group's presence (330's count_member path): exact
  sql(`UPDATE group_member SET school_id = (SELECT id FROM unit WHERE code = '${S.b}'), county_code = '130104' WHERE id = ${g.members[1].id}`);
  const moved = counters();
  assert.equal(moved.status, 0, moved.out);
});
