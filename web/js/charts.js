// charts.js: load Apache ECharts (web/vendor/echarts.min.js, copied from npm by the Makefile) on demand: only the statistics page pays for it.

let loading = null;

/** Resolve to the global echarts object, injecting <script src=/vendor/echarts.min.js> once (CSP script-src 'self' allows it). */
export function loadECharts() {
  if (globalThis.echarts) return Promise.resolve(globalThis.echarts);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = '/vendor/echarts.min.js';
      s.async = true;
      s.onload = () => (globalThis.echarts ? resolve(globalThis.echarts) : reject(new Error('echarts missing')));
      s.onerror = () => { loading = null; s.remove(); reject(new Error('echarts not loaded')); };
      document.head.append(s);
    });
  }
  return loading;
}

/**
 * Draw a bar chart into el. Labels and numbers go through ECharts' canvas (no HTML).
 * @param {any} echarts @param {HTMLElement} el @param {string} title @param {[string, number][]} data
 * @param {{horizontal?: boolean}} [opts]
 */
export function barChart(echarts, el, title, data, opts = {}) {
  const chart = echarts.init(el, null, { renderer: 'canvas' });
  const cats = data.map((d) => d[0]);
  const vals = data.map((d) => d[1]);
  // issue 11 item 13: long names (English ones especially) wrap inside the room the grid keeps for them (containLabel)
  const catAxis = { type: 'category', data: cats, axisLabel: { interval: 0, rotate: opts.horizontal ? 0 : (cats.length > 6 ? 30 : 0), width: opts.horizontal ? 110 : 90, overflow: 'break' } };
  const valAxis = { type: 'value', minInterval: 1 };
  chart.setOption({
    aria: { enabled: true },
    title: { text: title, left: 'center', textStyle: { fontSize: 15 } },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 10, right: 40, bottom: 10, top: 50, containLabel: true },
    xAxis: opts.horizontal ? valAxis : catAxis,
    yAxis: opts.horizontal ? { ...catAxis, inverse: true } : valAxis,
    series: [{ type: 'bar', data: vals, itemStyle: { color: '#0b5cad' }, label: { show: true, position: opts.horizontal ? 'right' : 'top' } }],
  });
  return chart;
}

/** Draw a pie chart into el. @param {any} echarts @param {HTMLElement} el @param {string} title @param {[string, number][]} data */
export function pieChart(echarts, el, title, data) {
  const chart = echarts.init(el, null, { renderer: 'canvas' });
  chart.setOption({
    aria: { enabled: true, decal: { show: true } },
    title: { text: title, left: 'center', textStyle: { fontSize: 15 } },
    tooltip: { trigger: 'item' },
    // issue 11 item 13: a plain legend wraps onto more lines in a narrow chart (a scroll legend hid the items that did
    // not fit); the slices carry only their numbers, the legend their names, so no label runs past the edge
    legend: { bottom: 0, left: 'center', width: '94%', type: 'plain' },
    series: [{ type: 'pie', center: ['50%', '45%'], radius: ['25%', '48%'], data: data.map(([name, value]) => ({ name, value })), label: { formatter: '{c}' } }],
  });
  return chart;
}
