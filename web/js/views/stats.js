// views/stats.js: statistics of the jurisdiction by problem type, state and county, with charts (Apache ECharts, loaded only here) and tables (R27).
import { api } from '../api.js';
import { t, extend } from '../i18n.js';
import { h, replace } from '../dom.js';
import { state, flashError, hashParams } from '../shell.js';
import { label, pairs, table, downloadCsv, day, colon, pagedList, cursorLoader } from '../ui.js';

extend({
  zh: {
    'stats.title': '问题学籍统计', 'stats.by_type': '按问题类型', 'stats.by_state': '按处理状态', 'stats.by_gstate': '按是否需要仲裁',
    'stats.by_county': '按区县', 'stats.by_unit': '按下级单位', 'stats.unit': '单位', 'stats.total': '合计', 'stats.overdue': '超期未办理（人次）',
    'stats.charts_failed': '图表无法加载，以下为统计表。', 'stats.scope': '范围', 'stats.open_only': '仅未处理完毕', 'stats.all': '全部（含已处理完毕）',
    'stats.export': '导出统计表（CSV）', 'stats.asof': '统计日期', 'stats.overdue_arb': '超期未仲裁', 'stats.past_deadline': '超过限期消化截止日期的组',
    'stats.units_province': '各省明细', 'stats.units_county': '各区县明细', 'stats.units_school': '各学校明细', 'stats.students': '学籍数', 'stats.pending': '待审核',
    'stats.members': '问题学籍（人次）', 'stats.groups': '问题组', 'stats.groups_open': '未处理完毕的组', 'stats.late': '超期（人次）', 'stats.code': '代码', 'stats.closed': '（已撤销）',
  },
  en: {
    'stats.title': 'Problem record statistics', 'stats.by_type': 'By problem type', 'stats.by_state': 'By handling state', 'stats.by_gstate': 'By arbitration state',
    'stats.by_county': 'By county', 'stats.by_unit': 'By unit below', 'stats.unit': 'Unit', 'stats.total': 'Total', 'stats.overdue': 'of which overdue',
    'stats.charts_failed': 'Charts could not be loaded; the tables follow.', 'stats.scope': 'Scope', 'stats.open_only': 'Open groups only', 'stats.all': 'All (including done)',
    'stats.export': 'Export the statistics (CSV)', 'stats.asof': 'As of', 'stats.overdue_arb': 'arbitrations overdue', 'stats.past_deadline': 'groups past the clearance deadline',
    'stats.units_province': 'Per province', 'stats.units_county': 'Per county', 'stats.units_school': 'Per school', 'stats.students': 'Records', 'stats.pending': 'Pending approval',
    'stats.members': 'Problem records (members)', 'stats.groups': 'Groups', 'stats.groups_open': 'Groups not done', 'stats.late': 'Overdue (members)', 'stats.code': 'Code', 'stats.closed': ' (closed)',
  },
});

/** Name of a county/unit entry of the breakdown. */
const unitName = (k, x) => (x && typeof x === 'object' ? x.name || x.county_name || x.unit_name || k : k);

const sum = (o) => Object.values(o || {}).reduce((a, n) => a + Number(n), 0);
/** Columns of the per-county and per-school rows (issue 13 item 3): the same counts as the totals, one row a unit. */
const unitColumns = () => [
  // a closed school is listed, marked: its records and history still count (issue 16)
  { label: t('stats.unit'), cell: (u) => (u.name || u.code || '') + (u.closed ? t('stats.closed') : '') }, { label: t('stats.code'), cell: (u) => u.code || '' },
  { label: t('stats.students'), cell: (u) => String(sum(u.students_by_status)) },
  { label: t('stats.pending'), cell: (u) => String(u.students_by_status?.pending ?? 0) },
  { label: t('stats.members'), cell: (u) => String(sum(u.members_by_state)) },
  { label: t('stats.groups'), cell: (u) => String(u.groups_total ?? 0) },
  { label: t('stats.groups_open'), cell: (u) => String((u.groups_total ?? 0) - (u.groups_by_state?.done ?? 0)) },
  { label: t('stats.late'), cell: (u) => String(u.overdue?.members ?? 0) },
];

/** Render #/stats. @param {HTMLElement} main */
export async function render(main) {
  const p = hashParams();
  void p;
  const s = await api('GET', '/api/v1/stats');
  // shape of GET /api/v1/stats: groups {by_type: {type: {state: n}}, by_state}, counties [{code, name, members_by_state}], overdue {…}
  const counties = Array.isArray(s?.counties) ? s.counties : [];
  const memberStates = { ...(s?.members?.by_state || {}) };
  if (!s?.members) for (const c of counties) for (const [k, n] of Object.entries(c.members_by_state || {})) memberStates[k] = (memberStates[k] || 0) + Number(n);
  const byType = pairs(s?.groups?.by_type || s?.by_type).map(([k, n]) => [label('type', k), n]);
  const byState = pairs(Object.keys(memberStates).length ? memberStates : (s?.by_member_state || s?.by_state)).map(([k, n]) => [label('mstate', k), n]);
  const byG = pairs(s?.groups?.by_state || s?.by_group_state).map(([k, n]) => [label('gstate', k), n]);
  const below = counties.length ? counties : (Array.isArray(s?.provinces) ? s.provinces : []); // the ministry: its provinces
  const byCounty = below.length
    ? below.map((c) => [c.name || c.code, Object.values(c.members_by_state || {}).reduce((a, n) => a + Number(n), 0)])
    : pairs(s?.by_county || s?.by_unit).map(([k, n, x]) => [unitName(k, x), n]);
  const overdue = typeof s?.overdue === 'object' && s.overdue !== null ? s.overdue.members : s?.overdue;
  const sections = [
    // (the many handling states as horizontal bars: their names stay readable on a phone, issue 11 item 13)
    ['stats.by_type', byType, false], ['stats.by_state', byState, true], ['stats.by_gstate', byG, false], [counties.length || s?.by_county ? 'stats.by_county' : 'stats.by_unit', byCounty, true],
  ].filter(([, d]) => d.length);
  const chartEls = sections.map(([k]) => h('div', { class: 'chart card', data: { chart: k } }));
  const tables = sections.map(([k, d]) => h('div', {}, h('h2', {}, t(k)), table([
    { label: t(k), cell: (r) => r[0] }, { label: t('f.count'), cell: (r) => String(r[1]) },
  ], [...d, [t('stats.total'), d.reduce((a, r) => a + r[1], 0)]], { caption: t(k) })));
  const unitTables = [['stats.units_province', Array.isArray(s?.provinces) ? s.provinces : [], 'province'], ['stats.units_county', counties, 'county']]
    .filter(([, rows]) => rows.length).map(([k, rows, kind]) => h('div', { data: { unitRows: kind } }, h('h2', {}, t(k)), table(unitColumns(), rows, { caption: t(k) })));
  // a city's or county's schools: a paged list of their own (GET /api/v1/stats/schools, keyset-paged: a city has hundreds)
  const schools = s?.scope_level === 2 || s?.scope_level === 3
    ? pagedList({ load: cursorLoader('/api/v1/stats/schools'), draw: (items) => table(unitColumns(), items, { caption: t('stats.units_school') }), onError: flashError })
    : null;
  if (schools) unitTables.push(h('div', { data: { unitRows: 'school' } }, h('h2', {}, t('stats.units_school')), schools.el));
  const exp = h('button', { type: 'button', data: { exportCsv: '' } }, t('stats.export'));
  exp.addEventListener('click', () => downloadCsv(`stats-${day(new Date().toISOString())}.csv`, [t('stats.scope'), t('stats.unit'), t('f.count')],
    sections.flatMap(([k, d]) => d.map((r) => [t(k), r[0], r[1]]))));
  const note = h('p', { class: 'muted', 'aria-live': 'polite' });
  replace(main, h('section', { data: { stats: state.user.role } }, h('h1', {}, t('stats.title')), s?.today ? h('p', { class: 'muted' }, `${t('stats.asof')}${colon()}${s.today}`) : null,
    overdue !== undefined ? h('p', {}, `${t('stats.overdue')}${colon()}`, h('a', { href: '#/overdue', data: { overdueCount: '' } }, String(overdue)),
      s?.overdue?.arbitrations ? ` · ${t('stats.overdue_arb')}${colon()}${s.overdue.arbitrations}` : '', s?.overdue?.groups_past_deadline ? ` · ${t('stats.past_deadline')}${colon()}${s.overdue.groups_past_deadline}` : '') : null,
    h('div', { class: 'charts', 'aria-hidden': 'true' }, chartEls), note, h('div', { class: 'toolbar' }, exp), tables, unitTables));
  schools?.first().catch(flashError);
  try {
    const { loadECharts, barChart, pieChart } = await import('../charts.js');
    const echarts = await loadECharts();
    const charts = sections.map(([k, d, horiz], i) => (i === 0 || i === 2 ? pieChart(echarts, chartEls[i], t(k), d) : barChart(echarts, chartEls[i], t(k), d, { horizontal: horiz })));
    const onResize = () => charts.forEach((c) => c.resize());
    window.addEventListener('resize', onResize);
    window.addEventListener('hashchange', () => { window.removeEventListener('resize', onResize); charts.forEach((c) => c.dispose()); }, { once: true });
    main.querySelector('[data-stats]').dataset.chartsReady = '';
  } catch {
    note.textContent = t('stats.charts_failed');
  }
}
