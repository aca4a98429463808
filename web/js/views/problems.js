// views/problems.js: problem records of the school (or jurisdiction) with filters and counts by type and state, paged by the server (R26, R30).
import { api, qs } from '../api.js';
import { t, extend } from '../i18n.js';
import { h, replace } from '../dom.js';
import { state, flashError, hashParams, textOf } from '../shell.js';
import { label, fact, dueCell, table, pagedList, cursorLoader, fetchAllPages, exportButtons, select, pairs, day, searchForm, pick, typeFilter, dueBeforeFilter, PROBLEM_TYPES, field, colon } from '../ui.js';
import { isMine, idProblem } from '../case.js';

extend({
  zh: {
    'problems.title': '问题学籍处理', 'problems.by_type': '按问题类型', 'problems.by_state': '按是否需要仲裁', 'problems.q': '姓名、证件号或学籍号',
    'problems.mine': '本校记录', 'problems.others': '与之重复的记录', 'problems.rejected': '被驳回',
    'problems.opened': '生成日期', 'problems.overdue': '超期',
  },
  en: {
    'problems.title': 'Problem records', 'problems.by_type': 'By problem type', 'problems.by_state': 'By arbitration state', 'problems.q': 'Name, ID or student number',
    'problems.mine': 'Our record', 'problems.others': 'Clashing records', 'problems.rejected': 'Rejected',
    'problems.opened': 'Opened', 'problems.overdue': 'Overdue',
  },
});

export const TYPES = PROBLEM_TYPES;
export const MSTATES = ['unconfirmed', 'open', 'awaiting_leader', 'awaiting_review', 'approved', 'upheld', 'deleted', 'changed', 'closed'];
export const GSTATES = ['open', 'awaiting_arbitration', 'done'];

/**
 * The member of a group row that is "ours" (R26): the one the service marks `mine` (GET /api/v1/groups: within the
 * caller's school, county or city; before, the list sent no such flag and a bureau was shown its first member as
 * its own), else the first. @param {any} g
 */
export function mainMember(g) {
  const ms = g.members || [];
  return ms.find(isMine) || ms[0] || {};
}

/** What is wrong (ID error, R8.2/R10) or the register's new number (ID changed, R11), in words, for a list row (issue 11 item 6). @param {any} g */
export function whyOf(g) {
  const m = mainMember(g);
  if (idProblem(m)) return textOf(idProblem(m));
  const reg = fact(m, 'register_id_number');
  return reg ? `${t('f.register_id_number')}${colon()}${reg}` : '';
}

/** Short description of a record: name · student number. */
const short = (m) => [fact(m, 'name'), fact(m, 'student_no')].filter(Boolean).join(' · ');

/** Render #/problems. Filters: problem type and group state (是否需要仲裁), both applied by the server. @param {HTMLElement} main */
export async function render(main) {
  const p = hashParams();
  // issue 13 item 1: search by a member's name, ID or student number; filters by school, county, problem type, member
  // handling state, group state, rejected to handle again, overdue, due before a date (all on the server, by cursor)
  const filters = pick(p, ['q', 'school', 'county', 'type', 'state', 'member_state', 'rejected', 'overdue', 'due_before']);
  const form = searchForm('#/problems', p, state.user, 'pf', [
    typeFilter(),
    { name: 'state', label: t('gstate.label'), input: select('state', [['', t('f.all')], ...GSTATES.map((c) => [c, label('gstate', c)])]) },
    { name: 'member_state', label: t('group.member_state'), input: select('member_state', [['', t('f.all')], ...MSTATES.map((c) => [c, label('mstate', c)])]) },
    dueBeforeFilter(),
    { name: 'rejected', label: t('problems.rejected'), input: h('input', { type: 'checkbox', name: 'rejected', value: '1' }) },
    { name: 'overdue', label: t('problems.overdue'), input: h('input', { type: 'checkbox', name: 'overdue', value: '1' }) }]);
  const counts = h('div', { data: { counts: '' } });
  const columns = [
    { label: t('f.group'), cell: (g) => h('a', { href: `#/groups/${encodeURIComponent(g.id)}`, data: { groupLink: g.id } }, `#${g.id}`) },
    { label: t('problems.opened'), cell: (g) => day(g.created_at) },
    { label: t('f.type'), cell: (g) => h('span', {}, label('type', g.type), whyOf(g) ? h('div', { class: 'small', data: { idProblem: '' } }, whyOf(g)) : null) },
    { label: t('problems.mine'), cell: (g) => short(mainMember(g)) },
    { label: t('problems.others'), cell: (g) => {
      const mm = mainMember(g);
      const others = (g.members || []).filter((m) => m !== mm);
      return h('ul', { class: 'plain' }, others.map((m) => h('li', {}, `${fact(m, 'school')} · ${short(m)}`)));
    } },
    // R20, R24: the list's members carry `rejected` (back with the school to handle again), `due_date` (of a pending
    // step, else null) and `overdue` (GET /api/v1/groups); before, this read fields the list never sent and stayed empty
    { label: t('group.member_state'), cell: (g) => {
      const mm = mainMember(g);
      return h('span', {}, label('mstate', mm.state), mm.rejected ? [' ', h('span', { class: 'badge bad', data: { rejected: '' } }, t('problems.rejected'))] : null);
    } },
    { label: t('gstate.label'), cell: (g) => label('gstate', g.state) },
    { label: t('f.due'), cell: (g) => { const mm = mainMember(g); return h('span', { data: { due: mm.due_date || '' } }, mm.due_date ? dueCell(mm) : ''); } },
    { label: t('f.actions'), cell: (g) => h('a', { href: `#/groups/${encodeURIComponent(g.id)}`, class: 'button' }, t('ui.view')) },
  ];
  const params = filters;
  const load = cursorLoader('/api/v1/groups', params);
  let counted = false;
  const list = pagedList({
    load,
    draw: (items) => table(columns, items, { caption: t('problems.title'), rowAttrs: (g) => ({ data: { groupRow: g.id } }) }),
    onLoaded: (res) => { if (!counted) { counted = true; drawCounts(counts, res.raw, filters); } },
    onError: flashError,
  });
  const exp = exportButtons({
    filename: `problems-${day(new Date().toISOString())}`,
    fetch: () => fetchAllPages(load),
    columns: [
      { label: t('f.group'), value: (g) => g.id }, { label: t('f.type'), value: (g) => label('type', g.type) },
      { label: t('f.id_problem'), value: (g) => whyOf(g) }, { label: t('f.school'), value: (g) => fact(mainMember(g), 'school') }, { label: t('f.name'), value: (g) => fact(mainMember(g), 'name') },
      { label: t('f.student_no'), value: (g) => fact(mainMember(g), 'student_no') },
      { label: t('group.member_state'), value: (g) => label('mstate', mainMember(g).state) },
      { label: t('gstate.label'), value: (g) => label('gstate', g.state) }, { label: t('f.due'), value: (g) => day(mainMember(g).due_date) },
    ],
  }, flashError);
  replace(main, h('section', { data: { problems: state.user.role } },
    h('h1', {}, t('problems.title')), counts, form, h('div', { class: 'toolbar' }, exp), list.el));
  await list.first();
}

/** Counts of groups by type and by state (GET /api/v1/stats, the caller's jurisdiction), as links that filter. */
async function drawCounts(el, raw, filters) {
  let byType = pairs(raw?.counts?.by_type), byState = pairs(raw?.counts?.by_state);
  // a school has no statistics endpoint (no COUNT over a list, R30) and does not ask (issue 11 item 15): filters without numbers
  const bare = () => { byType = TYPES.map((k) => [k, null]); byState = GSTATES.map((k) => [k, null]); };
  if (!byType.length && !byState.length && /^school_/.test(state.user?.role || '')) bare();
  else if (!byType.length && !byState.length) {
    try {
      const s = await api('GET', '/api/v1/stats');
      byType = pairs(s?.groups?.by_type || s?.by_type);
      byState = pairs(s?.groups?.by_state || s?.by_state);
    } catch { bare(); }
  }
  const chips = (list, key, prefix, cur) => h('div', { class: 'counts' }, list.map(([k, n]) => h('a', {
    class: 'chip', 'aria-current': cur === k ? 'true' : null,
    href: '#/problems' + qs({ ...filters, [key]: cur === k ? '' : k }), data: { count: `${key}:${k}` },
  }, label(prefix, k), n === null ? null : h('span', { class: 'n' }, String(n)))));
  replace(el,
    byType.length ? h('div', {}, h('h2', { class: 'small' }, t('problems.by_type')), chips(byType, 'type', 'type', filters.type)) : null,
    byState.length ? h('div', {}, h('h2', { class: 'small' }, t('problems.by_state')), chips(byState, 'state', 'gstate', filters.state)) : null);
}
