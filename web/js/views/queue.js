// views/queue.js: the work waiting for this user: a county's review queue (待核办, R27) or a school leader's deletions to confirm (R13/R14), overdue first.
import { t, extend } from '../i18n.js';
import { h, replace } from '../dom.js';
import { state, flashError } from '../shell.js';
import { label, fact, day, when, ageDays, dueCell, isOverdue, table, pagedList, cursorLoader, fetchAllPages, exportButtons, tf } from '../ui.js';

extend({
  zh: { 'queue.title': '待核办', 'queue.leader': '待确认删除', 'queue.open': '核办', 'queue.open_leader': '确认', 'queue.note': '超期的排在最前面。' },
  en: { 'queue.title': 'Review queue', 'queue.leader': 'Deletions to confirm', 'queue.open': 'Review', 'queue.open_leader': 'Confirm', 'queue.note': 'Overdue items come first.' },
});

/** Link of a queue item to its group page, focused on the member. */
export const itemHref = (it) => `#/groups/${encodeURIComponent(it.group_id ?? it.group?.id ?? it.id)}?member=${encodeURIComponent(it.member_id ?? it.id)}`;
/** When the current step started. */
export const since = (it) => it.step_started_at || it.submitted_at || it.updated_at || it.created_at;

/** Render #/queue. @param {HTMLElement} main */
export async function render(main) {
  if (state.user.role === 'bureau') { location.hash = '#/arbitration'; return; }
  const leader = state.user.role === 'school_leader';
  const columns = [
    { label: t('f.group'), cell: (it) => h('a', { href: itemHref(it), data: { queueLink: it.member_id ?? it.id } }, `#${it.group_id ?? it.group?.id ?? ''}`) },
    { label: t('f.type'), cell: (it) => label('type', it.group_type ?? it.type ?? it.group?.type) },
    { label: t('f.school'), cell: (it) => fact(it, 'school') },
    { label: t('f.name'), cell: (it) => fact(it, 'name') },
    { label: t('f.student_no'), cell: (it) => fact(it, 'student_no') },
    { label: t('f.handling'), cell: (it) => [label('handling', it.handling), it.reject_reason ? `（${t('group.reject_reason')}：${it.reject_reason}）` : ''].join('') },
    { label: t('group.member_state'), cell: (it) => label('mstate', it.state) },
    { label: t('f.age'), cell: (it) => { const d = it.age_days ?? ageDays(since(it)); return d === null || d === undefined ? '' : tf('ui.days', { n: d }); } },
    { label: t('f.due'), cell: (it) => dueCell(it) },
    { label: t('f.actions'), cell: (it) => h('a', { class: 'button', href: itemHref(it) }, leader ? t('queue.open_leader') : t('queue.open')) },
  ];
  // overdue first, then the oldest due date; the server sorts the same way across pages
  const sortPage = (items) => [...items].sort((a, b) => (isOverdue(b) - isOverdue(a)) || String(day(a.due_date)).localeCompare(String(day(b.due_date))));
  const list = pagedList({
    load: cursorLoader('/api/v1/queue'),
    draw: (items) => table(columns, sortPage(items), { caption: t('queue.title'), rowAttrs: (it) => ({ class: isOverdue(it) ? 'row-overdue' : '', data: { queueRow: it.member_id ?? it.id } }) }),
    onError: flashError,
  });
  const exp = exportButtons({
    filename: 'queue', fetch: () => fetchAllPages(cursorLoader('/api/v1/queue')),
    columns: columns.slice(0, -1).map((c) => ({ label: c.label, value: (it) => { const v = c.cell(it); return v instanceof Node ? v.textContent : v; } })),
  }, flashError);
  replace(main, h('section', { data: { queue: state.user.role } }, h('h1', {}, leader ? t('queue.leader') : t('queue.title')),
    h('p', { class: 'muted' }, t('queue.note')), h('div', { class: 'toolbar' }, exp), list.el));
  await list.first();
}
