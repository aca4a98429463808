// views/stats.js: statistics of the jurisdiction by problem type, state and county, with charts (Apache ECharts, loaded only here) and tables (R27).
import { api, qs } from '../api.js';
import { t, extend } from '../i18n.js';
import { h, replace } from '../dom.js';
import { state, flashError, hashParams } from '../app.js';
import { label, pairs, table, downloadCsv, field, select, day } from '../ui.js';

extend({
  zh: {
    'stats.title': '问题学籍统计', 'stats.by_type': '按问题类型', 'stats.by_state': '按处理状态', 'stats.by_gstate': '按是否需要仲裁',
    'stats.by_county': '按区县', 'stats.by_unit': '按下级单位', 'stats.unit': '单位', 'stats.total': '合计', 'stats.overdue': '其中超期',
    'stats.charts_failed': '图表无法加载，以下为统计表。', 'stats.scope': '范围', 'stats.open_only': '仅未处理完毕', 'stats.all': '全部（含已处理完毕）',
    'stats.export': '导出统计表（CSV）',
  },
  en: {
    'stats.title': 'Problem record statistics', 'stats.by_type': 'By problem type', 'stats.by_state': 'By handling state', 'stats.by_gstate': 'By arbitration state',
    'stats.by_county': 'By county', 'stats.by_unit': 'By unit below', 'stats.unit': 'Unit', 'stats.total': 'Total', 'stats.overdue': 'of which overdue',
    'stats.charts_failed': 'Charts could not be loaded; the tables follow.', 'stats.scope': 'Scope', 'stats.open_only': 'Open groups only', 'stats.all': 'All (including done)',
    'stats.export': 'Export the statistics (CSV)',
  },
});

/** Name of a county/unit entry of the breakdown. */
const unitName = (k, x) => (x && typeof x === 'object' ? x.name || x.county_name || x.unit_name || k : k);

/** Render #/stats. @param {HTMLElement} main */
export async function render(main) {
  const p = hashParams();
  const scope = select('scope', [['open', t('stats.open_only')], ['all', t('stats.all')]], p.scope || 'open');
  const form = h('form', { class: 'toolbar' }, field('st-scope', t('stats.scope'), scope), h('button', { type: 'submit', class: 'primary' }, t('ui.search')));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); location.hash = '#/stats' + qs({ scope: scope.value }); });
  const s = await api('GET', '/api/v1/stats' + qs({ scope: p.scope || undefined }));
  const byType = pairs(s?.by_type).map(([k, n]) => [label('type', k), n]);
  const byState = pairs(s?.by_member_state || s?.by_state).map(([k, n]) => [label('mstate', k), n]);
  const byG = pairs(s?.by_group_state).map(([k, n]) => [label('gstate', k), n]);
  const byCounty = pairs(s?.by_county || s?.by_unit).map(([k, n, x]) => [unitName(k, x), n]);
  const sections = [
    ['stats.by_type', byType, false], ['stats.by_state', byState, false], ['stats.by_gstate', byG, false], [s?.by_county ? 'stats.by_county' : 'stats.by_unit', byCounty, true],
  ].filter(([, d]) => d.length);
  const chartEls = sections.map(([k]) => h('div', { class: 'chart card', data: { chart: k } }));
  const tables = sections.map(([k, d]) => h('div', {}, h('h2', {}, t(k)), table([
    { label: t(k), cell: (r) => r[0] }, { label: t('f.count'), cell: (r) => String(r[1]) },
  ], [...d, [t('stats.total'), d.reduce((a, r) => a + r[1], 0)]], { caption: t(k) })));
  const exp = h('button', { type: 'button', data: { exportCsv: '' } }, t('stats.export'));
  exp.addEventListener('click', () => downloadCsv(`stats-${day(new Date().toISOString())}.csv`, [t('stats.scope'), t('stats.unit'), t('f.count')],
    sections.flatMap(([k, d]) => d.map((r) => [t(k), r[0], r[1]]))));
  const note = h('p', { class: 'muted', 'aria-live': 'polite' });
  replace(main, h('section', { data: { stats: state.user.role } }, h('h1', {}, t('stats.title')), form,
    s?.overdue !== undefined ? h('p', {}, `${t('stats.overdue')}：`, h('a', { href: '#/overdue' }, String(s.overdue))) : null,
    h('div', { class: 'charts', 'aria-hidden': 'true' }, chartEls), note, h('div', { class: 'toolbar' }, exp), tables));
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
