// views/schools.js: schools as living data (issue 16, R1): a county bureau (or an administrator above it) opens a
// school of its county or imports a school list (dry run first), sees its schools, merges one into another and closes an
// empty one (the confirmation names the school); a province (its bureau or administrator) moves a school to another
// county (re-districting).
import { api, qs } from '../api.js';
import { t, extend } from '../i18n.js';
import { h, replace } from '../dom.js';
import { state, flash, flashError, errorText, textOf } from '../shell.js';
import { label, table, pagedList, cursorLoader, confirmDialog, tf, field, select, onSubmit } from '../ui.js';
import { upload } from '../upload.js';
import { lengthAttrs, schoolTypeCodes } from '../rules.js';

extend({
  zh: {
    'sch.title': '学校管理', 'sch.new': '新建学校', 'sch.code': '学校标识码（10 位数字）', 'sch.name': '学校名称', 'sch.type': '办学类型',
    'sch.address': '地址', 'sch.county': '所在区县代码（6 位）', 'sch.create': '新建', 'sch.created': '已新建学校：{name}（{code}）',
    'sch.state': '状态', 'sch.open': '在办', 'sch.closed': '已撤销', 'sch.close': '撤销学校', 'sch.close_q': '撤销学校“{name}”（{code}）？撤销后该校用户将被停用，不能再注册学籍。',
    'sch.closed_ok': '已撤销学校：{name}。',
    'sch.merge': '并入其他学校', 'sch.merge_q': '将“{name}”（{code}）的全部学籍转入本区县的另一所学校？', 'sch.merge_into': '转入学校',
    'sch.merged_ok': '已将 {moved} 条学籍从“{name}”转入“{into}”。现在可以撤销该校。',
    'sch.merge_find': '查找本区县的学校（名称或标识码）', 'sch.merge_more': '显示更多学校', 'sch.merge_nothing': '本区县没有符合条件的其他在办学校。',
    'sch.merge_none': '请先选择转入学校。',
    'sch.merge_q2': '确认将“{name}”（{code}）的全部学籍转入“{into}”（{into_code}）？转入后不能撤回。', 'sch.merge_yes': '确认转入',
    'sch.move_q2': '调整到 {county}（{code}）？', 'sch.move_unknown': '没有代码为“{code}”的区县（或不在本省）。', 'sch.move_yes': '确认调整',
    'sch.q': '学校名称或标识码', 'sch.import': '导入学校名单', 'sch.import_note': '表头：学校标识码、学校名称、办学类型（代码或名称）、区县代码、地址（可空）。先检查，无误后再导入；有任何一行出错则整份文件都不导入。',
    'sch.import_file': '学校名单文件（CSV 或 XLSX）', 'sch.import_check': '检查文件（不导入）', 'sch.import_no_file': '请先选择文件。',
    'sch.import_summary': '共 {total} 行：可新建 {create} 所，已存在且相同 {unchanged} 所，有问题 {bad} 行。', 'sch.import_row': '行', 'sch.import_col': '列', 'sch.import_problem': '问题',
    'sch.import_commit': '导入 {n} 所学校', 'sch.imported': '已导入 {n} 所学校（{unchanged} 所已存在，未重复导入）。', 'sch.import_fix': '请改正以上问题后重新检查。',
    'sch.move': '调整到其他区县', 'sch.move_q': '将“{name}”（{code}）调整到本省的另一个区县？该校全部学籍、问题学籍及其仲裁单位随之调整。', 'sch.move_county': '新区县代码（6 位）',
    'sch.moved_ok': '已将“{name}”调整到{county}：{records} 条学籍随之调整，{arbiters} 组问题学籍的仲裁单位已重新确定。',
  },
  en: {
    'sch.title': 'Schools', 'sch.new': 'Open a school', 'sch.code': 'School code (10 digits)', 'sch.name': 'Name', 'sch.type': 'Type',
    'sch.address': 'Address', 'sch.county': 'County code (6 digits)', 'sch.create': 'Open', 'sch.created': 'School opened: {name} ({code})',
    'sch.state': 'State', 'sch.open': 'Open', 'sch.closed': 'Closed', 'sch.close': 'Close school', 'sch.close_q': 'Close school "{name}" ({code})? Its users are disabled and it takes no new records.',
    'sch.closed_ok': 'School closed: {name}.',
    'sch.merge': 'Merge into…', 'sch.merge_q': 'Move every record of "{name}" ({code}) to another school of the county?', 'sch.merge_into': 'Target school',
    'sch.merged_ok': '{moved} records moved from "{name}" to "{into}". The school can now be closed.',
    'sch.merge_find': 'Find a school of the county (name or code)', 'sch.merge_more': 'Show more schools', 'sch.merge_nothing': 'No other open school of the county matches.',
    'sch.merge_none': 'Please choose the target school first.',
    'sch.merge_q2': 'Really move every record of "{name}" ({code}) to "{into}" ({into_code})? This cannot be undone.', 'sch.merge_yes': 'Move the records',
    'sch.move_q2': 'Move to {county} ({code})?', 'sch.move_unknown': 'There is no county with the code "{code}" (in this province).', 'sch.move_yes': 'Move the school',
    'sch.q': 'School name or code', 'sch.import': 'Import a school list', 'sch.import_note': 'Headers: 学校标识码, 学校名称, 办学类型 (code or name), 区县代码, 地址 (optional). Check first, then import; if any row has a problem the whole file is refused.',
    'sch.import_file': 'School list file (CSV or XLSX)', 'sch.import_check': 'Check the file (nothing is imported)', 'sch.import_no_file': 'Please choose a file first.',
    'sch.import_summary': '{total} rows: {create} to open, {unchanged} already there and the same, {bad} with problems.', 'sch.import_row': 'Row', 'sch.import_col': 'Column', 'sch.import_problem': 'Problem',
    'sch.import_commit': 'Import {n} schools', 'sch.imported': '{n} schools imported ({unchanged} already there, not imported twice).', 'sch.import_fix': 'Correct the problems above and check again.',
    'sch.move': 'Move to another county', 'sch.move_q': 'Move "{name}" ({code}) to another county of the province? Its records, problem records and their arbiters follow.', 'sch.move_county': 'New county code (6 digits)',
    'sch.moved_ok': '"{name}" moved to {county}: {records} records followed, {arbiters} problem groups got a new arbiter.',
  },
});

/** Render #/schools. @param {HTMLElement} main */
export async function render(main) {
  const u = state.user;
  const ownCounty = Number(u?.unit?.level) === 3 ? u.unit.code : '';
  /** a county bureau or an administrator opens, imports, merges and closes; a province also moves (re-districting) */
  const manages = u?.role === 'county' || u?.role === 'admin';
  const province = Number(u?.unit?.level) <= 1 && (u?.role === 'bureau' || u?.role === 'admin');
  const code = h('input', { name: 'code', inputmode: 'numeric', maxlength: 10, required: true, data: { schoolCode: '' } });
  const name = h('input', { name: 'name', ...lengthAttrs('school_name'), required: true, data: { schoolName: '' } });
  const type = select('type', schoolTypeCodes().map((c) => [c, label('schtype', c)]), schoolTypeCodes()[0]);
  const address = h('input', { name: 'address', ...lengthAttrs('school_address') });
  const county = h('input', { name: 'county_code', inputmode: 'numeric', maxlength: 6, value: ownCounty, readonly: ownCounty ? true : null });
  const err = h('p', { class: 'error', role: 'alert', data: { formError: '' } });
  const form = h('form', { class: 'card', data: { schoolForm: '' } }, h('h2', {}, t('sch.new')),
    field('sch-code', t('sch.code'), code), field('sch-name', t('sch.name'), name), field('sch-type', t('sch.type'), type),
    field('sch-address', t('sch.address'), address), field('sch-county', t('sch.county'), county), err,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('sch.create'))));
  const columns = [
    { label: t('sch.code'), cell: (s) => s.code },
    { label: t('sch.name'), cell: (s) => s.name },
    { label: t('sch.type'), cell: (s) => label('schtype', s.school_type) },
    { label: t('sch.state'), cell: (s) => h('span', { class: 'badge ' + (s.closed ? 'bad' : 'ok'), data: { schoolState: s.closed ? 'closed' : 'open' } }, s.closed ? t('sch.closed') : t('sch.open')) },
    { label: t('f.actions'), cell: (s) => (s.closed ? '' : h('span', {}, manages ? [mergeButton(s), ' ', closeButton(s)] : null,
      province ? [' ', moveButton(s)] : null)) },
  ];
  /** the list's filter: a name part or a code prefix (a province holds thousands of schools) */
  const filter = { level: 4, q: undefined };
  const list = pagedList({ load: cursorLoader('/api/v1/units', filter), draw: (items) => table(columns, items, { caption: t('sch.title'), rowAttrs: (s) => ({ data: { schoolRow: s.code } }) }), onError: flashError });

  /**
   * The school as the dialog opens: its name and version now. The action is sent at that version, so a change made by
   * someone else while the dialog was open is refused ("学校信息已被他人修改"), not acted over; before, the version was
   * read again after the confirmation. @param {any} s a row of the list @returns {Promise<any>} null when it failed
   */
  async function current(s) {
    try { return await api('GET', `/api/v1/schools/${encodeURIComponent(s.id)}`); } catch (e) { flashError(e); return null; }
  }

  /** The destructive action is red and names the school in its confirmation (issue 11 item 12). */
  function closeButton(s) {
    const b = h('button', { type: 'button', class: 'danger', data: { closeSchool: s.code } }, t('sch.close'));
    b.addEventListener('click', async () => {
      const cur = await current(s);
      if (!cur) return;
      if (!(await confirmDialog({ title: tf('sch.close_q', { name: cur.name, code: cur.code }), danger: true, ok: t('sch.close') }))) return;
      try {
        await api('POST', `/api/v1/schools/${encodeURIComponent(s.id)}/close`, { version: cur.version });
        flash(tf('sch.closed_ok', { name: cur.name }));
        await list.first();
      } catch (e) { flashError(e); }
    });
    return b;
  }

  /**
   * A merger within the county (issue 16 item 2): every record of s moves to the chosen school. The target is found
   * among all the open schools of s's county (GET /api/v1/units?level=4&parent=, searched by name or code and paged by
   * cursor, R30: a county holds hundreds of schools; before, only those of the list's page shown were offered).
   * Nothing is chosen at first (OK is refused, said in the dialog, until a school is picked: before, the first of the
   * list was pre-selected) and a second confirmation names both schools, the move of every record being irreversible.
   */
  function mergeButton(s) {
    const b = h('button', { type: 'button', data: { mergeSchool: s.code } }, t('sch.merge'));
    b.addEventListener('click', async () => {
      const cur = await current(s);
      if (!cur) return;
      const picker = targetPicker(s);
      try { await picker.search(); } catch (e) { flashError(e); return; }
      if (!(await confirmDialog({ title: tf('sch.merge_q', { name: cur.name, code: cur.code }), body: picker.el, ok: t('sch.merge'),
        check: () => (picker.chosen() ? '' : t('sch.merge_none')) }))) return;
      const target = picker.chosen();
      if (!target) return;
      if (!(await confirmDialog({ title: tf('sch.merge_q2', { name: cur.name, code: cur.code, into: target.name, into_code: target.code }),
        ok: t('sch.merge_yes'), danger: true }))) return;
      try {
        const r = await api('POST', `/api/v1/schools/${encodeURIComponent(s.id)}/merge`, { version: cur.version, into: target.id });
        flash(tf('sch.merged_ok', { moved: r.moved, name: cur.name, into: target.name }));
        await list.first();
      } catch (e) { flashError(e); }
    });
    return b;
  }

  /**
   * Re-districting (issue 16 item 2): the province moves s to another county; everything of it follows. The code typed
   * is looked up among the province's counties (GET /api/v1/units?level=3): an unknown one is said in the dialog and
   * nothing is sent; a known one is confirmed by its name ("调整到 〈区县名〉（code）？") before the move is sent.
   */
  function moveButton(s) {
    const b = h('button', { type: 'button', data: { moveSchool: s.code } }, t('sch.move'));
    b.addEventListener('click', async () => {
      const cur = await current(s);
      if (!cur) return;
      const to = h('input', { name: 'county_code', inputmode: 'numeric', maxlength: 6, required: true, data: { moveCounty: '' } });
      const body = field('sch-move-county', t('sch.move_county'), to);
      /** @type {any} the county the code typed names */
      let dest = null;
      const check = async () => {
        const c = to.value.trim();
        dest = null;
        if (/^\d{6}$/.test(c)) {
          const r = await api('GET', '/api/v1/units' + qs({ level: 3, q: c, limit: 50 }));
          dest = (r?.items || []).find((o) => o.code === c) || null;
        }
        return dest ? '' : tf('sch.move_unknown', { code: c });
      };
      if (!(await confirmDialog({ title: tf('sch.move_q', { name: cur.name, code: cur.code }), body, ok: t('sch.move'), check }))) return;
      if (!dest) return;
      if (!(await confirmDialog({ title: tf('sch.move_q2', { county: dest.name, code: dest.code }), ok: t('sch.move_yes'), danger: true }))) return;
      try {
        const r = await api('POST', `/api/v1/schools/${encodeURIComponent(s.id)}/move`, { version: cur.version, county_code: dest.code });
        flash(tf('sch.moved_ok', { name: cur.name, county: r.county.name, records: r.moved.records, arbiters: r.moved.arbiters_changed }));
        await list.first();
      } catch (e) { flashError(e); }
    });
    return b;
  }

  onSubmit(form, async () => {
    err.textContent = '';
    try {
      const s = await api('POST', '/api/v1/schools', { code: code.value.trim(), name: name.value.trim(), type: type.value,
        address: address.value.trim(), county_code: county.value.trim() });
      flash(tf('sch.created', { name: s.name, code: s.code }));
      code.value = ''; name.value = ''; address.value = '';
      await list.first();
    } catch (e) { err.textContent = errorText(e); }
  });
  const q = h('input', { type: 'search', name: 'q', ...lengthAttrs('unit_search'), data: { schoolSearch: '' } });
  const search = h('form', { class: 'toolbar', role: 'search' }, field('sch-q', t('sch.q'), q), h('button', { type: 'submit' }, t('ui.search')));
  search.addEventListener('submit', (ev) => { ev.preventDefault(); filter.q = q.value.trim() || undefined; list.first().catch(flashError); });
  replace(main, h('section', { data: { schools: '' } }, h('h1', {}, t('sch.title')), manages ? form : null,
    manages ? importCard(() => list.first()) : null, search, list.el));
  await list.first();
}

/**
 * The merger's target picker: a search (name part or code prefix) over the open schools of s's county other than s,
 * a list of the matches and "more" for the next page of them. search() (re)loads the first page (it throws the
 * ApiError of a failed read); chosen() is the school picked, or null. @param {any} s the school merged
 * @returns {{el: HTMLElement, search: () => Promise<void>, chosen: () => any}}
 */
function targetPicker(s) {
  const q = h('input', { type: 'search', name: 'q', ...lengthAttrs('unit_search'), autocomplete: 'off', data: { mergeSearch: '' } });
  const into = h('select', { name: 'into', size: 8, data: { mergeInto: '' } });
  const more = h('button', { type: 'button', hidden: true, data: { mergeMore: '' } }, t('sch.merge_more'));
  const note = h('p', { class: 'muted small', 'aria-live': 'polite', data: { mergeNote: '' } });
  const err = h('p', { class: 'error', role: 'alert', data: { mergeError: '' } });
  /** @type {Map<string, any>} the schools listed, by id */
  const found = new Map();
  let cursor = null, asked = '';
  /** Read a page of the county's schools matching the search and list the open ones other than s. @param {boolean} next */
  async function load(next) {
    const r = await api('GET', '/api/v1/units' + qs({ level: 4, parent: s.parent_id, q: asked, limit: 50, cursor: next ? cursor : undefined }));
    if (!next) { found.clear(); into.replaceChildren(); }
    for (const o of r?.items || []) {
      if (o.closed || o.id === s.id || found.has(String(o.id))) continue;
      found.set(String(o.id), o);
      into.append(h('option', { value: String(o.id) }, `${o.name}（${o.code}）`));
    }
    cursor = r?.next_cursor ?? null;
    more.hidden = !cursor;
    // nothing pre-selected (a merger moves every record: the target is the clerk's own choice)
    if (!next) into.selectedIndex = -1;
    note.textContent = found.size ? '' : t('sch.merge_nothing');
  }
  const run = (next) => { err.textContent = ''; return load(next).catch((e) => { err.textContent = errorText(e); }); };
  const form = h('form', { class: 'toolbar', role: 'search', data: { mergeFind: '' } }, field('sch-merge-q', t('sch.merge_find'), q),
    h('button', { type: 'submit' }, t('ui.search')));
  onSubmit(form, async () => { asked = q.value.trim(); await run(false); });
  onClick(more, () => run(true));
  const el = h('div', {}, form, field('sch-merge-into', t('sch.merge_into'), into), more, note, err);
  return {
    el,
    search: () => load(false),
    chosen: () => found.get(into.value) || null,
  };
}

/** A button's click runs fn one at a time (the button is disabled meanwhile). @param {HTMLButtonElement} b @param {() => Promise<void>} fn */
function onClick(b, fn) {
  b.addEventListener('click', async () => {
    if (b.disabled) return;
    b.disabled = true;
    try { await fn(); } finally { b.disabled = false; }
  });
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A school list import (issue 16 item 1): check the file (dry run: problems by row and column), then import it whole. */
function importCard(onImported) {
  const file = h('input', { type: 'file', accept: `.csv,.xlsx,text/csv,${XLSX}`, data: { schoolImportFile: '' } });
  const check = h('button', { type: 'submit' }, t('sch.import_check'));
  const err = h('p', { class: 'error', role: 'alert' });
  const out = h('div', { 'aria-live': 'polite', data: { schoolImportResult: '' } });
  const form = h('form', { class: 'card', data: { schoolImport: '' } }, h('h2', {}, t('sch.import')), h('p', { class: 'muted small' }, t('sch.import_note')),
    field('sch-import-file', t('sch.import_file'), file), err, h('div', { class: 'actions' }, check), out);
  /** @param {File} f @param {boolean} dry */
  const send = (f, dry) => upload('POST', `/api/v1/schools/import?dry_run=${dry ? 1 : 0}&filename=${encodeURIComponent(f.name)}`, f,
    { contentType: /\.xlsx$/i.test(f.name) ? XLSX : 'text/csv' });
  onSubmit(form, async () => {
    err.textContent = '';
    replace(out);
    const f = file.files?.[0];
    if (!f) { err.textContent = t('sch.import_no_file'); file.focus(); return; }
    check.disabled = true;
    try {
      const r = await send(f, true);
      const issues = r.issues || [];
      const commit = h('button', { type: 'button', class: 'primary', data: { schoolImportCommit: '' } }, tf('sch.import_commit', { n: r.would_create }));
      commit.addEventListener('click', async () => {
        commit.disabled = true;
        try {
          const done = await send(f, false);
          flash(tf('sch.imported', { n: done.created, unchanged: done.unchanged }));
          replace(out);
          form.reset();
          await onImported();
        } catch (e) { err.textContent = errorText(e); commit.disabled = false; }
      });
      replace(out, h('p', { data: { importSummary: '' } }, tf('sch.import_summary', { total: r.rows_total, create: r.would_create, unchanged: r.unchanged, bad: r.rows_error })),
        issues.length ? table([
          { label: t('sch.import_row'), cell: (i) => String(i.row) },
          { label: t('sch.import_col'), cell: (i) => i.column || '' },
          { label: t('sch.import_problem'), cell: (i) => textOf(i) || i.message },
        ], issues, { caption: t('sch.import_problem'), rowAttrs: (i) => ({ data: { importIssue: i.row } }) }) : null,
        issues.length ? h('p', { class: 'error' }, t('sch.import_fix')) : r.would_create ? h('div', { class: 'actions' }, commit) : null);
    } catch (e) {
      err.textContent = errorText(e);
    } finally {
      check.disabled = false;
    }
  });
  return form;
}
