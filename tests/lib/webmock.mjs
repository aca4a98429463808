// webmock.mjs: a small in-memory fake of the JSON API contract (HELPER_CONTEXT) for the screen tests: the real service signs in, everything else under /api/v1/ is answered here.
// It lets the browser tests prove the screens' behaviour (forms, checks, confirmations, paging, progress) independently of the data of the registry and workflow modules.
import { checkResponse } from './openapi.mjs';

const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n) => new Date(Date.now() - n * 86400000).toISOString();
const dayOffset = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
/** The member states waiting on someone (fcgi/workflow.c wf_state_pending). */
const PENDING = ['unconfirmed', 'open', 'awaiting_leader', 'awaiting_review'];

/** One unit's counts of GET /api/v1/stats and /api/v1/stats/schools (issue 13 item 3). */
const unit = (students, members, groups, late) => ({ students_by_status: students, members_by_state: members, groups_by_state: groups,
  groups_total: Object.values(groups).reduce((a, n) => a + n, 0), overdue: { members: late, groups_past_deadline: 0, arbitrations: 0 } });

/** Fresh fake state: two schools in two counties of one city (R18), three groups. */
export function fakeWorld() {
  const A = { school_id: 1001, school: '长安区第一实验小学', county: '长安区', county_code: '130102' };
  const C = { school_id: 1005, school: '路南区路南小学', county: '路南区', county_code: '130202' };
  // the shape of GET /api/v1/groups/{id} members (workflow): student {…}, school {id, code, name}, county {code, name}
  const member = (id, side, over) => {
    const { student: st = {}, ...rest } = over;
    return {
      id, version: 1, state: 'open', handling: null, opinion: null, proposed: null, reject_reason: null, due_date: dayOffset(10), overdue: false, step_started_at: daysAgo(1),
      student: { id: 300 + id, name: '张三', gender: 'M', birth_date: '2015-03-01', id_type: '1', id_number: '1301**********0016', student_no: 'L1301022015030100' + id, status: 'problem', ...st },
      school: { id: side.school_id, code: '', name: side.school }, county: { code: side.county_code, name: side.county }, school_id: side.school_id, county_code: side.county_code,
      ...rest,
    };
  };
  const ev = (id, member_id, ids) => ({ id, time: daysAgo(2), actor_name: '张老师', actor_role: 'school_clerk', action: 'submit_corroborate', member_id, state_before: 'open', state_after: 'awaiting_review', reason: null, evidence_ids: ids });
  const groups = [
    { id: 101, type: 'id_dup', state: 'open', version: 1, created_at: daysAgo(20), members: [member(1, A, {}), member(2, C, { student: { name: '张山', student_no: 'G130102201503010016', birth_date: '2015-03-02' } })], history: [] },
    { id: 102, type: 'nbg_dup', state: 'open', version: 1, created_at: daysAgo(30), members: [member(3, A, { state: 'awaiting_review', handling: 'corroborate', opinion: '本校在读', due_date: dayOffset(-3), overdue: true, step_started_at: daysAgo(16) }), member(4, C, { student: { id_type: '6', id_number: 'H1234567' } })], history: [ev(1, 3, [902])] },
    { id: 103, type: 'id_dup', state: 'awaiting_arbitration', version: 1, created_at: daysAgo(40), members: [member(5, A, { state: 'approved', handling: 'corroborate', opinion: '学生一直在本校就读' }), member(6, C, { state: 'approved', handling: 'corroborate', opinion: '学生在我校' })], history: [ev(2, 5, [903]), ev(3, 6, [904])] },
  ];
  const meta = new Map([[902, { id: 902, name: '证明.doc', mime: 'application/msword', kind: 'doc', size: 12000 }], [903, { id: 903, name: '户口本.jpg', mime: 'image/jpeg', kind: 'jpeg', size: 300 }], [904, { id: 904, name: '材料.rar', mime: 'application/x-rar', kind: 'rar', size: 5000 }]]);
  return { groups, meta, uploads: [], actions: [], arbitrations: [], students: [], imports: new Map(), users: [
    { id: 1, username: 'clerk_a', display_name: '张老师', role: 'school_clerk', unit: { id: 1001, name: A.school, code: '1301020001' }, disabled: false, version: 1 },
  ], credentials: [{ id: 7, name: '河北省学籍系统', prefix: 'xjp_ab12', created_at: daysAgo(3), last_used_at: daysAgo(1), revoked_at: null }] };
}

/** A 1x1 JPEG (for the evidence preview). */
export const TINY_JPEG = Buffer.from('/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=', 'base64');

/** Every answer of the stand-in that the OpenAPI document does not describe (issue 10: the stand-in cannot drift). */
export const DRIFT = [];
const json = (route, status, body) => {
  const rq = route.request();
  for (const e of checkResponse(rq.method(), new URL(rq.url()).pathname, status, 'application/json', body)) DRIFT.push(e);
  return route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
};
const err = (route, status, code, message, field = null) => json(route, status, { error: { code, message, message_en: message, field } });

/**
 * Answer /api/v1/* (except the session) from the world for a user of `role` at `schoolId`.
 * @param {import('playwright-core').BrowserContext} ctx @param {ReturnType<typeof fakeWorld>} w @param {{role: string, schoolId?: number}} who
 */
export async function installMock(ctx, w, who) {
  const mine = (m) => who.schoolId !== undefined && m.school_id === who.schoolId;
  const allowedFor = (g, m) => {
    if (who.role === 'school_clerk' && mine(m)) {
      if (m.state === 'open') return g.type === 'id_error' ? ['submit_change', 'submit_delete'] : ['submit_corroborate', 'submit_change', 'submit_delete'];
      if (['approved', 'upheld', 'deleted', 'changed'].includes(m.state) && g.state === 'done') return ['reopen'];
    }
    if (who.role === 'county' && m.state === 'awaiting_review' && m.county_code === who.county) return ['approve', 'reject'];
    if (who.role === 'bureau' && m.state === 'approved' && g.state === 'awaiting_arbitration') return ['arbitrate'];
    return [];
  };
  const view = (g) => ({ ...g, arbitration: g.state === 'open' ? 'waiting' : g.state === 'awaiting_arbitration' ? 'required' : 'settled', members: g.members.map((m) => ({ ...m, mine: mine(m), allowed_actions: allowedFor(g, m) })) });
  await ctx.route('**/api/v1/**', async (route) => {
    const req = route.request();
    const url = new URL(req.url());
    const p = url.pathname;
    const method = req.method();
    if (p === '/api/v1/session' || p.startsWith('/api/v1/session/')) return route.fallback();
    if (p === '/api/v1/rules') return route.fallback(); // the service's own rules table (public)
    if (method !== 'GET' && !req.headers()['x-csrf-token']) return err(route, 403, 'csrf', 'no token');
    let m;
    if (method === 'GET' && p === '/api/v1/groups') {
      // the registry's list: the one envelope {items: [GroupSummary], next_cursor} (the cursor: an offset here), filters type and (group) state
      let list = w.groups;
      const type = url.searchParams.get('type'), st = url.searchParams.get('state');
      if (type) list = list.filter((g) => g.type === type);
      if (st) list = list.filter((g) => g.state === st);
      const limit = Number(url.searchParams.get('limit') || 20), offset = Number(url.searchParams.get('cursor') || 0);
      if (limit > 100) return err(route, 422, 'invalid', 'limit', 'limit');
      const groups = list.slice(offset, offset + limit).map((g) => ({ id: g.id, type: g.type, state: g.state, created_at: g.created_at, done_at: null, scope_level: 3,
        arbiter: { unit_id: 130102, code: '130102', name: '长安区' }, member_count: g.members.length,
        members: g.members.map((x) => ({ member_id: x.id, state: x.state, student_id: x.student.id, student_no: x.student.student_no, name: x.student.name, gender: x.student.gender,
          birth_date: x.student.birth_date, id_type: x.student.id_type, id_number_masked: x.student.id_number, school: { code: '', name: x.school.name }, county: x.county, status: 'problem', mine: mine(x),
          // R24, R20: as the service sends them (a pending member's due date, overdue, rejected back with the school)
          due_date: PENDING.includes(x.state) ? x.due_date : null, overdue: PENDING.includes(x.state) && !!x.overdue,
          rejected: !!x.reject_reason && ['unconfirmed', 'open'].includes(x.state) })) }));
      return json(route, 200, { items: groups, next_cursor: offset + limit < list.length ? String(offset + limit) : null });
    }
    if (method === 'GET' && (m = /^\/api\/v1\/groups\/(\d+)$/.exec(p))) {
      const g = w.groups.find((x) => x.id === Number(m[1]));
      return g ? json(route, 200, view(g)) : err(route, 404, 'not_found', 'No such object.');
    }
    if (method === 'POST' && (m = /^\/api\/v1\/members\/(\d+)\/actions$/.exec(p))) {
      const body = req.postDataJSON();
      const g = w.groups.find((x) => x.members.some((y) => y.id === Number(m[1])));
      const mem = g?.members.find((y) => y.id === Number(m[1]));
      if (!mem) return err(route, 404, 'not_found', 'No such object.');
      if (body.expected_version !== mem.version) return err(route, 409, 'conflict', 'version');
      if (!allowedFor(g, mem).includes(body.action)) return err(route, 409, 'conflict', 'not allowed now');
      if ((body.action === 'submit_corroborate' || body.action === 'submit_change') && !(body.evidence_ids || []).length) return err(route, 422, 'invalid', 'At least one evidence file is required (R23). (请上传证明材料)', 'evidence_ids');
      if (['submit_delete', 'leader_confirm', 'reopen'].includes(body.action) && body.confirm !== true) return err(route, 422, 'invalid', 'confirm', 'confirm');
      if (body.action === 'reject' && !body.reason) return err(route, 422, 'invalid', 'reason required', 'reason');
      w.actions.push({ member: mem.id, ...body, key: req.headers()['idempotency-key'] });
      const before = mem.state;
      if (body.action === 'submit_corroborate' || body.action === 'submit_change') Object.assign(mem, { state: 'awaiting_review', handling: body.action.slice(7), opinion: body.opinion || null, proposed: body.changes || null });
      else if (body.action === 'submit_delete') Object.assign(mem, { state: 'awaiting_leader', handling: 'delete' });
      else if (body.action === 'approve') Object.assign(mem, { state: mem.handling === 'corroborate' ? 'approved' : mem.handling === 'change' ? 'changed' : 'deleted', reject_reason: null });
      else if (body.action === 'reject') Object.assign(mem, { state: 'open', reject_reason: body.reason, handling: null });
      mem.version += 1;
      g.history.push({ id: 100 + g.history.length, time: new Date().toISOString(), actor_name: '测试', actor_role: who.role, action: body.action, member_id: mem.id, state_before: before, state_after: mem.state, reason: body.reason || null, evidence_ids: body.evidence_ids || [] });
      return json(route, 200, { member: { ...mem, allowed_actions: allowedFor(g, mem) }, group: { id: g.id, state: g.state, version: g.version }, events: [], new_group_id: null });
    }
    if (method === 'POST' && (m = /^\/api\/v1\/groups\/(\d+)\/arbitration$/.exec(p))) {
      const body = req.postDataJSON();
      const g = w.groups.find((x) => x.id === Number(m[1]));
      if (!body.reason) return err(route, 422, 'invalid', 'reason required', 'reason');
      for (const x of g.members) { if (x.id === body.member_id) x.state = 'upheld'; else { x.state = 'open'; x.reject_reason = body.reason; } }
      g.state = 'open';
      w.arbitrations.push(body);
      return json(route, 200, view(g));
    }
    if (method === 'POST' && p === '/api/v1/evidence') {
      const buf = req.postDataBuffer() || Buffer.alloc(0);
      const name = /filename="([^"]*)"/.exec(buf.toString('latin1'))?.[1] || 'f';
      if (!/name="files"/.test(buf.toString('latin1'))) return err(route, 422, 'evidence_no_file', '没有文件');
      const jpg = /\.jpe?g$/i.test(name);
      const ev = { id: 900 + w.uploads.length + 10, sha256: '0'.repeat(64), name: Buffer.from(name, 'latin1').toString('utf8'), mime: jpg ? 'image/jpeg' : 'application/msword', kind: jpg ? 'jpeg' : 'doc', size: buf.length };
      w.uploads.push(ev);
      w.meta.set(ev.id, ev);
      return json(route, 201, [ev]);
    }
    if (method === 'GET' && (m = /^\/api\/v1\/evidence\/(\d+)\/meta$/.exec(p))) {
      const x = w.meta.get(Number(m[1]));
      // issue 11 item 16: a JPEG says whether it may be previewed (the service reads its frame size)
      const px = x?.kind === 'jpeg' || x?.mime === 'image/jpeg' ? { width: 1, height: 1, preview: true } : { preview: false };
      return x ? json(route, 200, { sha256: '0'.repeat(64), ...x, ...px, cited_in: [] }) : err(route, 404, 'not_found', 'No such object.');
    }
    if (method === 'GET' && (m = /^\/api\/v1\/evidence\/(\d+)$/.exec(p))) return route.fulfill({ status: 200, contentType: 'image/jpeg', body: TINY_JPEG });
    if (method === 'GET' && p === '/api/v1/queue') {
      // the shape of GET /api/v1/queue (workflow): {queue, counts: {total, overdue, oldest_age_days, rejected}, items}, overdue first
      let items;
      if (who.role === 'bureau') {
        items = w.groups.filter((g) => g.state === 'awaiting_arbitration').map((g) => ({ kind: 'arbitration', group_id: g.id, type: g.type, due_date: dayOffset(5), overdue: false, age_days: 2, version: g.version, members: g.members.length, approved: g.members.filter((x) => x.state === 'approved').length }));
      } else {
        const want = who.role === 'school_leader' ? ['awaiting_leader'] : who.role === 'county' ? ['awaiting_review'] : ['open', 'unconfirmed'];
        items = w.groups.flatMap((g) => g.members.filter((x) => want.includes(x.state) && (who.role !== 'county' || x.county_code === who.county) && (who.schoolId === undefined || x.school_id === who.schoolId))
          .map((x) => ({ kind: 'member', member_id: x.id, group_id: g.id, type: g.type, group_state: g.state, state: x.state, handling: x.handling, reject_reason: x.reject_reason, due_date: x.due_date, overdue: x.due_date < today(),
            age_days: Math.floor((Date.now() - Date.parse(x.step_started_at)) / 86400000), version: x.version, student: { name: x.student.name, gender: x.student.gender, birth_date: x.student.birth_date, student_no: x.student.student_no }, school_id: x.school_id })))
          .sort((a, b) => (b.overdue - a.overdue) || a.due_date.localeCompare(b.due_date));
      }
      const limit = Number(url.searchParams.get('limit') || 100);
      return json(route, 200, { queue: 'x', role: who.role, today: today(), next_cursor: null, counts: { total: items.length, overdue: items.filter((x) => x.overdue).length, oldest_age_days: 16, rejected: items.filter((x) => x.reject_reason).length }, items: items.slice(0, limit) });
    }
    if (method === 'GET' && p === '/api/v1/reminders') {
      // issue 11 item 9: a county's or bureau's reminders, keyset-paged (none in this world)
      return json(route, 200, { items: [], next_cursor: null });
    }
    if (method === 'GET' && p === '/api/v1/overdue') {
      const items = w.groups.flatMap((g) => g.members.filter((x) => x.due_date < today()).map((x) => ({ kind: 'member', group_id: g.id, member_id: x.id, type: g.type, state: x.state, due_date: x.due_date, days_overdue: 3, school_id: x.school_id, county_code: x.county_code, name: x.student.name, student_no: x.student.student_no })));
      return json(route, 200, { today: today(), items, next_cursor: null });
    }
    if (method === 'GET' && p === '/api/v1/stats') {
      // issue 13 item 3: totals and per-county rows (the schools: GET /api/v1/stats/schools)
      return json(route, 200, { today: today(), scope_level: 3, groups: { by_type: { id_dup: { open: 1, awaiting_arbitration: 1 }, nbg_dup: { open: 1 } }, by_state: { open: 2, awaiting_arbitration: 1 }, total: 3 },
        students: { by_status: { pending: 4, formal: 120, problem: 6 }, total: 130 }, members: { by_state: { open: 3, awaiting_review: 1, approved: 2 }, total: 6 },
        counties: [{ code: '130102', name: '长安区', ...unit({ pending: 3, formal: 80, problem: 3 }, { open: 1, awaiting_review: 1, approved: 1 }, { open: 2, awaiting_arbitration: 1 }, 1) },
          { code: '130202', name: '路南区', ...unit({ pending: 1, formal: 40, problem: 3 }, { open: 2, approved: 1 }, { open: 1, awaiting_arbitration: 1 }, 0) }],
        overdue: { members: 1, groups_past_deadline: 0, arbitrations: 0 } });
    }
    if (method === 'GET' && p === '/api/v1/stats/schools') {
      // the schools under the bureau, keyset-paged (one page here)
      return json(route, 200, { today: today(), next_cursor: null,
        items: [{ id: 1001, code: '1301020001', name: '长安区第一实验小学', county_code: '130102', closed: false, closed_at: null, ...unit({ pending: 3, formal: 50, problem: 2 }, { open: 1, approved: 1 }, { open: 1, awaiting_arbitration: 1 }, 1) },
          { id: 1002, code: '1301020002', name: '长安区育红小学', county_code: '130102', closed: true, closed_at: daysAgo(5), ...unit({ formal: 30, problem: 1 }, { awaiting_review: 1 }, { open: 1 }, 0) }] });
    }
    if (method === 'GET' && p === '/api/v1/students') {
      const st = url.searchParams.get('status');
      const all = [...w.students, { id: 501, name: '李四', gender: 'F', birth_date: '2016-05-02', id_type: '1', id_number: '130102201605020027', student_no: 'L1301022016050200001', status: 'pending', school: { id: 1001, code: '1301020001', name: '长安区第一实验小学' }, created_at: daysAgo(2) }];
      const items = st ? all.filter((s) => s.status === st) : all;
      const limit = Number(url.searchParams.get('limit') || 50), offset = Number(url.searchParams.get('cursor') || 0);
      return json(route, 200, { items: items.slice(offset, offset + limit), next_cursor: offset + limit < items.length ? String(offset + limit) : null });
    }
    if (method === 'POST' && p === '/api/v1/students') {
      const b = req.postDataJSON();
      const s = { id: 600 + w.students.length, ...b, student_no: 'L1301022015030100' + (10 + w.students.length), status: 'pending' };
      w.students.push(s);
      return json(route, 201, { index: 0, status: 'created', student_id: s.id, student_no: s.student_no, problems: [], warnings: [] });
    }
    if (method === 'POST' && p === '/api/v1/registrations/approve') {
      const b = req.postDataJSON();
      return json(route, 200, { approved: b.student_ids.length, results: b.student_ids.map((id) => ({ student_id: id, outcome: 'approved' })) });
    }
    // imports (registry): ImportJob {id, state, rows_total, rows_done, rows_valid, rows_error, rows_created, issues: [{row, column, field, code, message, message_en}]}
    if (method === 'POST' && p === '/api/v1/imports') {
      const id = 77;
      w.imports.set(id, { polls: 0, filename: url.searchParams.get('filename'), dryRun: url.searchParams.get('dry_run'), type: req.headers()['content-type'] });
      return json(route, 202, { id, state: 'validating', dry_run: true, rows_total: 3, rows_done: 1 });
    }
    if (method === 'POST' && (m = /^\/api\/v1\/imports\/(\d+)\/commit$/.exec(p))) {
      w.imports.get(Number(m[1])).committing = true;
      return json(route, 202, { id: Number(m[1]), state: 'committing', rows_total: 3, rows_done: 0 });
    }
    if (method === 'GET' && (m = /^\/api\/v1\/imports\/(\d+)$/.exec(p))) {
      const j = w.imports.get(Number(m[1]));
      j.polls += 1;
      const issues = [{ row: 3, column: '身份证件号', field: 'id_number', code: 'id_checksum', message: '身份证件号校验码错误', message_en: 'ID number check character is wrong' }];
      if (!j.committing) return json(route, 200, { id: 77, state: 'validated', dry_run: true, rows_total: 3, rows_done: 3, rows_valid: 2, rows_error: 1, rows_created: 2, rows_unchanged: 0, issues });
      return json(route, 200, j.polls < 3 ? { id: 77, state: 'committing', rows_total: 3, rows_done: 1 } : { id: 77, state: 'done', rows_total: 3, rows_done: 3, rows_valid: 2, rows_error: 1, rows_created: 2, rows_unchanged: 0, groups_touched: 0, issues });
    }
    // auth shapes: cursor pages {items, next_cursor}; PATCH with version; temporary_password shown once
    if (method === 'GET' && p === '/api/v1/users') return json(route, 200, { items: w.users, next_cursor: null });
    if (method === 'GET' && p === '/api/v1/units') return json(route, 200, { items: [{ id: 1001, name: '长安区第一实验小学', code: '1301020001', level: 4 }], next_cursor: null });
    if (method === 'POST' && p === '/api/v1/users') {
      const b = req.postDataJSON();
      if (b.password !== undefined) return err(route, 422, 'invalid', 'unknown field', 'password');
      const u = { id: 2 + w.users.length, ...b, unit: { id: b.unit_id, name: '长安区第一实验小学', code: '1301020001' }, disabled: false, version: 1 };
      w.users.push(u);
      return json(route, 201, { user: u, temporary_password: 'Temp-Pass-12345' });
    }
    if (method === 'PATCH' && (m = /^\/api\/v1\/users\/(\d+)$/.exec(p))) {
      const u = w.users.find((x) => x.id === Number(m[1]));
      const b = req.postDataJSON();
      if (b.version !== u.version) return err(route, 409, 'conflict', 'version');
      delete b.version;
      Object.assign(u, b, { version: u.version + 1 });
      return json(route, 200, u);
    }
    if (method === 'POST' && /^\/api\/v1\/users\/\d+\/password-reset$/.test(p)) return json(route, 200, { temporary_password: 'Reset-Pass-67890', must_change_password: true });
    if (method === 'GET' && p === '/api/v1/credentials') return json(route, 200, { items: w.credentials, next_cursor: null });
    if (method === 'POST' && p === '/api/v1/credentials') {
      const c = { id: 8 + w.credentials.length, name: req.postDataJSON().name, prefix: 'xjp_cd34', created_at: new Date().toISOString(), last_used_at: null, revoked_at: null };
      w.credentials.push(c);
      return json(route, 201, { credential: c, token: 'xjp_cd34.SECRET-SHOWN-ONCE' });
    }
    if (method === 'DELETE' && (m = /^\/api\/v1\/credentials\/(\d+)$/.exec(p))) {
      const c = w.credentials.find((x) => x.id === Number(m[1]));
      c.revoked_at = new Date().toISOString();
      return route.fulfill({ status: 204 });
    }
    return err(route, 404, 'no_route', 'No such endpoint.');
  });
}
