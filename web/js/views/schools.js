// views/schools.js: schools as living data (issue 16, R1): a county bureau (or an administrator above it) opens a
// school of its county, sees its schools, and closes an empty one (the confirmation names the school).
import { api } from '../api.js';
import { t, extend } from '../i18n.js';
import { h, replace } from '../dom.js';
import { state, flash, flashError, errorText } from '../shell.js';
import { table, pagedList, cursorLoader, confirmDialog, tf, field, select } from '../ui.js';

extend({
  zh: {
    'sch.title': '学校管理', 'sch.new': '新建学校', 'sch.code': '学校标识码（10 位数字）', 'sch.name': '学校名称', 'sch.type': '办学类型',
    'sch.address': '地址', 'sch.county': '所在区县代码（6 位）', 'sch.create': '新建', 'sch.created': '已新建学校：{name}（{code}）',
    'sch.state': '状态', 'sch.open': '在办', 'sch.closed': '已撤销', 'sch.close': '撤销学校', 'sch.close_q': '撤销学校“{name}”（{code}）？撤销后该校用户将被停用，不能再注册学籍。',
    'sch.closed_ok': '已撤销学校：{name}。',
    'sch.merge': '并入其他学校', 'sch.merge_q': '将“{name}”（{code}）的全部学籍转入本区县的另一所学校？', 'sch.merge_into': '转入学校',
    'sch.merged_ok': '已将 {moved} 条学籍从“{name}”转入“{into}”。现在可以撤销该校。',
    'type.211': '小学', 'type.218': '小学教学点', 'type.311': '初级中学', 'type.312': '九年一贯制学校', 'type.319': '职业初中',
    'type.341': '完全中学', 'type.342': '高级中学', 'type.345': '十二年一贯制学校', 'type.514': '特殊教育学校',
  },
  en: {
    'sch.title': 'Schools', 'sch.new': 'Open a school', 'sch.code': 'School code (10 digits)', 'sch.name': 'Name', 'sch.type': 'Type',
    'sch.address': 'Address', 'sch.county': 'County code (6 digits)', 'sch.create': 'Open', 'sch.created': 'School opened: {name} ({code})',
    'sch.state': 'State', 'sch.open': 'Open', 'sch.closed': 'Closed', 'sch.close': 'Close school', 'sch.close_q': 'Close school "{name}" ({code})? Its users are disabled and it takes no new records.',
    'sch.closed_ok': 'School closed: {name}.',
    'sch.merge': 'Merge into…', 'sch.merge_q': 'Move every record of "{name}" ({code}) to another school of the county?', 'sch.merge_into': 'Target school',
    'sch.merged_ok': '{moved} records moved from "{name}" to "{into}". The school can now be closed.',
    'type.211': 'Primary school', 'type.218': 'Primary teaching point', 'type.311': 'Junior secondary', 'type.312': 'Nine-year school', 'type.319': 'Vocational junior',
    'type.341': 'Complete secondary', 'type.342': 'Senior secondary', 'type.345': 'Twelve-year school', 'type.514': 'Special education',
  },
});

const TYPES = ['211', '218', '311', '312', '319', '341', '342', '345', '514'];

/** Render #/schools. @param {HTMLElement} main */
export async function render(main) {
  const u = state.user;
  const ownCounty = Number(u?.unit?.level) === 3 ? u.unit.code : '';
  const code = h('input', { name: 'code', inputmode: 'numeric', maxlength: 10, required: true, data: { schoolCode: '' } });
  const name = h('input', { name: 'name', maxlength: 60, required: true, data: { schoolName: '' } });
  const type = select('type', TYPES.map((c) => [c, t('type.' + c)]), '211');
  const address = h('input', { name: 'address', maxlength: 200 });
  const county = h('input', { name: 'county_code', inputmode: 'numeric', maxlength: 6, value: ownCounty, readonly: ownCounty ? true : null });
  const err = h('p', { class: 'error', role: 'alert', data: { formError: '' } });
  const form = h('form', { class: 'card', data: { schoolForm: '' } }, h('h2', {}, t('sch.new')),
    field('sch-code', t('sch.code'), code), field('sch-name', t('sch.name'), name), field('sch-type', t('sch.type'), type),
    field('sch-address', t('sch.address'), address), field('sch-county', t('sch.county'), county), err,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('sch.create'))));
  const columns = [
    { label: t('sch.code'), cell: (s) => s.code },
    { label: t('sch.name'), cell: (s) => s.name },
    { label: t('sch.type'), cell: (s) => (s.school_type ? t('type.' + s.school_type) : '') },
    { label: t('sch.state'), cell: (s) => h('span', { class: 'badge ' + (s.closed ? 'bad' : 'ok'), data: { schoolState: s.closed ? 'closed' : 'open' } }, s.closed ? t('sch.closed') : t('sch.open')) },
    { label: t('f.actions'), cell: (s) => (s.closed ? '' : h('span', {}, mergeButton(s), ' ', closeButton(s))) },
  ];
  /** @type {any[]} the schools on the page shown (merge targets: the open ones of the same county) */
  let shown = [];
  const list = pagedList({ load: cursorLoader('/api/v1/units', { level: 4 }), draw: (items) => (shown = items, table(columns, items, { caption: t('sch.title'), rowAttrs: (s) => ({ data: { schoolRow: s.code } }) })), onError: flashError });

  /** The destructive action is red and names the school in its confirmation (issue 11 item 12). */
  function closeButton(s) {
    const b = h('button', { type: 'button', class: 'danger', data: { closeSchool: s.code } }, t('sch.close'));
    b.addEventListener('click', async () => {
      if (!(await confirmDialog({ title: tf('sch.close_q', { name: s.name, code: s.code }), danger: true, ok: t('sch.close') }))) return;
      try {
        const cur = await api('GET', `/api/v1/schools/${encodeURIComponent(s.id)}`);
        await api('POST', `/api/v1/schools/${encodeURIComponent(s.id)}/close`, { version: cur.version });
        flash(tf('sch.closed_ok', { name: s.name }));
        await list.first();
      } catch (e) { flashError(e); }
    });
    return b;
  }

  /** A merger within the county (issue 16 item 2): every record of s moves to the chosen school. */
  function mergeButton(s) {
    const b = h('button', { type: 'button', data: { mergeSchool: s.code } }, t('sch.merge'));
    b.addEventListener('click', async () => {
      const targets = shown.filter((o) => !o.closed && o.id !== s.id && o.parent_id === s.parent_id);
      if (!targets.length) { flash(t('sch.merge_into') + ': —'); return; }
      const into = select('into', targets.map((o) => [String(o.id), `${o.name}（${o.code}）`]), String(targets[0].id));
      const body = field('sch-merge-into', t('sch.merge_into'), into);
      if (!(await confirmDialog({ title: tf('sch.merge_q', { name: s.name, code: s.code }), body, ok: t('sch.merge') }))) return;
      try {
        const cur = await api('GET', `/api/v1/schools/${encodeURIComponent(s.id)}`);
        const r = await api('POST', `/api/v1/schools/${encodeURIComponent(s.id)}/merge`, { version: cur.version, into: Number(into.value) });
        const target = targets.find((o) => String(o.id) === into.value);
        flash(tf('sch.merged_ok', { moved: r.moved, name: s.name, into: target ? target.name : into.value }));
        await list.first();
      } catch (e) { flashError(e); }
    });
    return b;
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    try {
      const s = await api('POST', '/api/v1/schools', { code: code.value.trim(), name: name.value.trim(), type: type.value,
        address: address.value.trim(), county_code: county.value.trim() });
      flash(tf('sch.created', { name: s.name, code: s.code }));
      code.value = ''; name.value = ''; address.value = '';
      await list.first();
    } catch (e) { err.textContent = errorText(e); }
  });
  replace(main, h('section', { data: { schools: '' } }, h('h1', {}, t('sch.title')), form, list.el));
  await list.first();
}
