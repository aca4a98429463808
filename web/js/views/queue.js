// views/queue.js: the work waiting for this user: a county's review queue (待核办, R27) or a school leader's deletions to confirm (R13/R14), overdue first.
import { t, extend } from '../i18n.js';
import { h, replace } from '../dom.js';
import { state, flashError, hashParams } from '../shell.js';
import { qs } from '../api.js';
import { reasonText, label, fact, day, when, ageDays, dueCell, isOverdue, table, pagedList, cursorLoader, fetchAllPages, exportButtons, tf, searchForm, pick, typeFilter, dueBeforeFilter, whyText } from '../ui.js';
import { remindersSection } from '../escalation.js';

extend({
  zh: { 'queue.school': '本校待处理', 'queue.open_school': '处理', 'queue.f_all': '全部', 'queue.f_rejected': '被驳回需重新处理', 'queue.f_overdue': '超期', 'queue.filter': '筛选', 'queue.title': '待核办', 'queue.leader': '待确认删除', 'queue.open': '核办', 'queue.open_leader': '确认', 'queue.note': '超期的排在最前面。' },
  en: { 'queue.school': 'To handle at my school', 'queue.open_school': 'Handle', 'queue.f_all': 'All', 'queue.f_rejected': 'Rejected, to handle again', 'queue.f_overdue': 'Overdue', 'queue.filter': 'Filter', 'queue.title': 'Review queue', 'queue.leader': 'Deletions to confirm', 'queue.open': 'Review', 'queue.open_leader': 'Confirm', 'queue.note': 'Overdue items come first.' },
});

/** Link of a queue item to its group page, focused on the member. */
export const itemHref = (it) => `#/groups/${encodeURIComponent(it.group_id ?? it.group?.id ?? it.id)}?member=${encodeURIComponent(it.member_id ?? it.id)}`;
/** When the current step started. */
export const since = (it) => it.step_started_at || it.submitted_at || it.updated_at || it.created_at;

/** Render #/queue. @param {HTMLElement} main */
export async function render(main) {
  if (state.user.role === 'bureau') { location.hash = '#/arbitration'; return; }
  const leader = state.user.role === 'school_leader';
  const clerk = state.user.role === 'school_clerk';
  // issue 11 item 7: "rejected, to handle again" and "overdue" filter on the server (GET /api/v1/queue?filter=)
  const hp = hashParams();
  const filter = ['rejected', 'overdue'].includes(hp.filter) ? hp.filter : '';
  // issue 13 item 1: search (name beginning, ID or student number), school (a county's queue), problem type, due before
  const form = searchForm('#/queue', hp, state.user, 'qf', [
    typeFilter(),
    dueBeforeFilter()], { filter });
  const search = pick(hp, ['q', 'school', 'county', 'type', 'due_before']);
  const params = { filter, ...search };
  // a chip changes the filter only: the search and the other filters typed stay (they were dropped before)
  const chips = h('nav', { class: 'counts', 'aria-label': t('queue.filter'), data: { queueFilters: '' } }, ['', 'rejected', 'overdue'].map((f) =>
    h('a', { class: 'chip', href: '#/queue' + qs({ ...search, filter: f }), 'aria-current': f === filter ? 'true' : null, data: { queueFilter: f || 'all' } },
      t('queue.f_' + (f || 'all')))));
  const columns = [
    { label: t('f.group'), cell: (it) => h('a', { href: itemHref(it), data: { queueLink: it.member_id ?? it.id } }, `#${it.group_id ?? it.group?.id ?? ''}`) },
    { label: t('f.type'), cell: (it) => label('type', it.group_type ?? it.type ?? it.group?.type) },
    { label: t('f.school'), cell: (it) => fact(it, 'school') },
    { label: t('f.name'), cell: (it) => fact(it, 'name') },
    { label: t('f.student_no'), cell: (it) => fact(it, 'student_no') },
    { label: t('f.handling'), cell: (it) => label('handling', it.handling) },
    { label: t('group.member_state'), cell: (it) => label('mstate', it.state) },
    { label: t('group.reject_reason'), cell: (it) => (it.reject_reason || it.reject_system ? h('span', { class: 'reject', data: { rejectReason: '' } }, whyText(it.reject_system, it.reject_reason)) : '') },
    { label: t('f.age'), cell: (it) => { const d = it.age_days ?? ageDays(since(it)); return d === null || d === undefined ? '' : tf('ui.days', { n: d }); } },
    { label: t('f.due'), cell: (it) => dueCell(it) },
    { label: t('f.actions'), cell: (it) => h('a', { class: 'button', href: itemHref(it) }, leader ? t('queue.open_leader') : clerk ? t('queue.open_school') : t('queue.open')) },
  ];
  // overdue first, then the oldest due date; the server sorts the same way across pages
  const sortPage = (items) => [...items].sort((a, b) => (isOverdue(b) - isOverdue(a)) || String(day(a.due_date)).localeCompare(String(day(b.due_date))));
  const list = pagedList({
    load: cursorLoader('/api/v1/queue', params),
    draw: (items) => table(columns, sortPage(items), { caption: t('queue.title'), rowAttrs: (it) => ({ class: isOverdue(it) ? 'row-overdue' : '', data: { queueRow: it.member_id ?? it.id } }) }),
    onError: flashError,
  });
  const exp = exportButtons({
    filename: 'queue', fetch: () => fetchAllPages(cursorLoader('/api/v1/queue', params)),
    columns: columns.slice(0, -1).map((c) => ({ label: c.label, value: (it) => { const v = c.cell(it); return v instanceof Node ? v.textContent : v; } })),
  }, flashError);
  const reminders = h('div', {});
  replace(main, h('section', { data: { queue: state.user.role } }, h('h1', {}, leader ? t('queue.leader') : clerk ? t('queue.school') : t('queue.title')),
    h('p', { class: 'muted' }, t('queue.note')), reminders, chips, form, h('div', { class: 'toolbar' }, exp), list.el));
  // issue 11 item 9: a county is reminded of its schools' steps long past due (it does not decide them); the panel loads
  // on its own and says its own failure (R26: before, it was awaited and its failure replaced the whole queue)
  if (state.user.role === 'county') replace(reminders, remindersSection(flashError));
  await list.first();
}
