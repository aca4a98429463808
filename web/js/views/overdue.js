// views/overdue.js: steps past their due date (XJ_DUE_WORKING_DAYS working days) in the jurisdiction (R24), with export.
import { t, extend } from '../i18n.js';
import { h, replace } from '../dom.js';
import { state, flashError, hashParams } from '../shell.js';
import { label, fact, day, dueCell, table, pagedList, cursorLoader, fetchAllPages, exportButtons, tf, searchForm, pick, typeFilter } from '../ui.js';
import { api } from '../api.js';
import { rulesNow } from '../rules.js';
import { unitSummary, stepText, escalatedBadge, fillPanel } from '../escalation.js';

extend({
  zh: { 'overdue.title': '超期未办理', 'overdue.note': '每一步（学校处理、主管部门核办、仲裁）应在 {n} 个工作日内办理。', 'overdue.days': '超期', 'overdue.step': '当前环节' },
  en: { 'overdue.title': 'Overdue', 'overdue.note': 'Each step (school handling, bureau review, arbitration) is due within {n} working days.', 'overdue.days': 'Overdue by', 'overdue.step': 'Current step' },
});

/** Render #/overdue. @param {HTMLElement} main */
export async function render(main) {
  const href = (it) => `#/groups/${encodeURIComponent(it.group_id ?? it.group?.id ?? it.id)}`;
  const columns = [
    { label: t('f.group'), cell: (it) => h('a', { href: href(it) }, `#${it.group_id ?? it.group?.id ?? it.id}`) },
    { label: t('f.type'), cell: (it) => label('type', it.group_type ?? it.type) },
    { label: t('f.county'), cell: (it) => fact(it, 'county') || it.county_code || '' },
    { label: t('esc.unit'), cell: (it) => it.unit?.name || fact(it, 'school') },
    { label: t('f.name'), cell: (it) => fact(it, 'name') },
    { label: t('overdue.step'), cell: stepText },
    { label: t('f.due'), cell: (it) => dueCell({ ...it, overdue: true }) },
    { label: t('overdue.days'), cell: (it) => (it.days_overdue !== undefined ? tf('ui.days', { n: it.days_overdue }) : '') },
    { label: t('f.age'), cell: (it) => (it.age_days !== undefined ? tf('ui.days', { n: it.age_days }) : '') },
    { label: t('esc.badge'), cell: (it) => escalatedBadge(it) || '' },
  ];
  // issue 13 item 1: searched and filtered by the member that puts a row here (name beginning, ID or student number,
  // school, county) and the problem type
  const p = hashParams();
  const form = searchForm('#/overdue', p, state.user, 'of', [
    typeFilter()]);
  const params = pick(p, ['q', 'school', 'county', 'type']);
  // issue 13 item 1 (R30): paged by the list's cursor, most overdue first
  const list = pagedList({ load: cursorLoader('/api/v1/overdue', params), draw: (items) => table(columns, items, { caption: t('overdue.title'), rowAttrs: (it) => ({ data: { overdueRow: it.member_id ?? `${it.kind}-${it.group_id}` } }) }), onError: flashError });
  const exp = exportButtons({
    filename: `overdue-${day(new Date().toISOString())}`, fetch: () => fetchAllPages(cursorLoader('/api/v1/overdue', params)),
    columns: columns.map((c) => ({ label: c.label, value: (it) => { const v = c.cell(it); return v instanceof Node ? v.textContent : v; } })),
  }, flashError);
  // issue 11 item 9: the overdue steps grouped by the unit whose step it is, with the longest wait
  const units = h('div', {});
  replace(main, h('section', { data: { overdue: state.user.role } }, h('h1', {}, t('overdue.title')), h('p', { class: 'muted', data: { overdueNote: '' } }, tf('overdue.note', { n: rulesNow().calendar.due_working_days })),
    units, form, h('div', { class: 'toolbar' }, exp), list.el));
  // the summary by unit loads on its own (1000 rows) and says its own failure inside its panel (R26: before, it was
  // awaited after the list was drawn and its failure replaced the whole screen)
  fillPanel(units, async () => {
    const all = await api('GET', '/api/v1/overdue?limit=1000');
    return all?.items?.length ? unitSummary(all.items, all.next_cursor != null) : null;
  });
  await list.first();
}
