// escalation.js: overdue steps seen from the level above (issue 11 item 9, R24): the overdue steps of the units below
// grouped by unit with their age, and the reminders of escalated steps (more than XJ_ESCALATE_WORKING_DAYS working days
// past due) in a bureau's work queue. A reminder only: who decides does not change. Not a view: views import it.
import { t, extend } from './i18n.js';
import { h, replace } from './dom.js';
import { label, day, table, tf, pagedList, cursorLoader } from './ui.js';
import { errorText } from './shell.js';

extend({
  zh: {
    'esc.units': '下级单位超期情况', 'esc.unit': '办理单位', 'esc.count': '超期事项', 'esc.oldest': '最长已等待', 'esc.escalated': '已超期较久（催办）',
    'esc.reminders': '催办提醒', 'esc.reminders_note': '以下事项超过办理期限较久，请督促下级单位尽快办理（仍由原单位办理）。',
    'esc.badge': '催办', 'esc.step': '待办环节', 'esc.arbitration': '等待仲裁', 'esc.deadline': '超过限期消化处理截止日期',
    'esc.failed': '这一栏没有读出来：{why}', 'esc.retry': '重新读取',
    'esc.partial': '只统计了超期最久的 {n} 项（超期事项更多）：各单位的数目不全，完整清单见下方列表。',
  },
  en: {
    'esc.units': 'Overdue work of the units below', 'esc.unit': 'Unit', 'esc.count': 'Overdue steps', 'esc.oldest': 'Longest wait', 'esc.escalated': 'Long overdue (reminder)',
    'esc.reminders': 'Reminders', 'esc.reminders_note': 'These steps are long past due: remind the units below to act (they still decide).',
    'esc.badge': 'Escalated', 'esc.step': 'Step', 'esc.arbitration': 'Awaiting arbitration', 'esc.deadline': 'Past the clearance deadline',
    'esc.failed': 'This panel could not be read: {why}', 'esc.retry': 'Read it again',
    'esc.partial': 'Counted over the {n} longest-overdue steps only (there are more): the units\' counts are incomplete; the list below has every step.',
  },
});

/** The step an overdue item waits at, in words. @param {any} it */
export function stepText(it) {
  if (it.kind === 'arbitration') return t('esc.arbitration');
  if (it.kind === 'deadline') return t('esc.deadline');
  return label('mstate', it.state);
}

/** The escalation badge of an item (or null). @param {any} it */
export function escalatedBadge(it) {
  return it.escalated ? h('span', { class: 'badge bad', data: { escalated: '' } }, t('esc.badge')) : null;
}

/**
 * Overdue items grouped by the unit whose step it is: one row per unit with how many steps, how many escalated and the
 * longest wait, most escalated first. When the answer had more (next_cursor), the table says it counts only these
 * (R30: the summary reads one page of the most overdue; before, a province's cut counts looked complete).
 * @param {any[]} items GET /api/v1/overdue items @param {boolean} [more] the answer had a next page
 */
export function unitSummary(items, more = false) {
  const by = new Map();
  for (const it of items) {
    const code = it.unit?.code || '';
    const u = by.get(code) || { code, name: it.unit?.name || code, n: 0, escalated: 0, oldest: 0 };
    u.n++;
    if (it.escalated) u.escalated++;
    u.oldest = Math.max(u.oldest, Number(it.age_days) || 0);
    by.set(code, u);
  }
  const rows = [...by.values()].sort((a, b) => (b.escalated - a.escalated) || (b.oldest - a.oldest) || a.code.localeCompare(b.code));
  return h('section', { data: { overdueUnits: '' } }, h('h2', {}, t('esc.units')),
    more ? h('p', { class: 'muted', data: { overduePartial: '' } }, tf('esc.partial', { n: items.length })) : null, table([
    { label: t('esc.unit'), cell: (u) => u.name },
    { label: t('esc.count'), cell: (u) => String(u.n) },
    { label: t('esc.escalated'), cell: (u) => (u.escalated ? h('span', { class: 'badge bad' }, String(u.escalated)) : '0') },
    { label: t('esc.oldest'), cell: (u) => tf('ui.days', { n: u.oldest }) },
  ], rows, { caption: t('esc.units'), rowAttrs: (u) => ({ data: { overdueUnit: u.code } }) }));
}

/**
 * A secondary panel's failure, said inside the panel with a button to read it again (R26: the working screen's main
 * list stays; before, a panel's failure replaced the whole screen with an error page).
 * @param {unknown} e the error @param {() => void} retry @returns {HTMLElement}
 */
export function panelFailure(e, retry) {
  const again = h('button', { type: 'button', data: { panelRetry: '' } }, t('esc.retry'));
  again.addEventListener('click', retry);
  return h('div', { data: { panelError: '' } }, h('p', { class: 'error', role: 'alert' }, tf('esc.failed', { why: errorText(e) })), again);
}

/**
 * Fill a secondary panel on its own (not awaited by the view): load() draws into el (or resolves to what to draw);
 * a failure is said inside el, the rest of the screen stays. @param {HTMLElement} el
 * @param {() => Promise<Node|null|undefined>} load @returns {Promise<void>} settles once drawn or failed, never rejects
 */
export function fillPanel(el, load) {
  const run = () => load().then((n) => { if (n !== undefined) replace(el, n); }, (e) => { replace(el, panelFailure(e, () => { run(); })); });
  return run();
}

/**
 * The reminders of a county or bureau (GET /api/v1/reminders, keyset-paged: every one of them, page by page), hidden while
 * there are none. The panel is returned at once and loads on its own: a failure of its first page is said inside it (the
 * queue or arbitration list beside it stays). @param {(e: unknown) => void} [onError] @returns {HTMLElement}
 */
export function remindersSection(onError) {
  const columns = [
    { label: t('f.group'), cell: (it) => h('a', { href: `#/groups/${encodeURIComponent(it.group_id)}` }, `#${it.group_id}`) },
    { label: t('esc.unit'), cell: (it) => it.unit?.name || '' },
    { label: t('esc.step'), cell: stepText },
    { label: t('f.name'), cell: (it) => it.name || '' },
    { label: t('f.due'), cell: (it) => day(it.due_date) },
    { label: t('f.age'), cell: (it) => tf('ui.days', { n: it.age_days ?? 0 }) },
    { label: t('esc.badge'), cell: escalatedBadge },
  ];
  let first = true;
  const list = pagedList({
    load: cursorLoader('/api/v1/reminders'),
    draw: (items) => table(columns, items, { caption: t('esc.reminders'), rowAttrs: (it) => ({ data: { reminder: it.member_id ?? `g${it.group_id}` } }) }),
    onLoaded: (res) => { if (first) { sec.hidden = !res.items.length; first = false; } },
    onError,
  });
  const sec = h('section', { class: 'card', data: { reminders: '' } }, h('h2', {}, t('esc.reminders')), h('p', { class: 'muted' }, t('esc.reminders_note')), list.el);
  sec.hidden = true;
  const failed = h('div', {});
  sec.append(failed);
  const load = () => {
    replace(failed);
    list.first().catch((e) => { sec.hidden = false; list.el.hidden = true; replace(failed, panelFailure(e, () => { list.el.hidden = false; load(); })); });
  };
  load();
  return sec;
}
