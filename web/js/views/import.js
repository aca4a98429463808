// views/import.js: import students from a CSV (GB18030 or UTF-8) or XLSX file: template, dry run with row numbers, commit with progress, failed rows (R9, R26).
import { api } from '../api.js';
import { t, extend, currentLang } from '../i18n.js';
import { h, replace } from '../dom.js';
import { flash, errorText, textOf } from '../shell.js';
import { label, table, downloadLink } from '../ui.js';
import { upload } from '../upload.js';
import { ID_MESSAGES } from '../idcheck.js';

extend(ID_MESSAGES);

extend({
  zh: {
    'import.title': '批量导入学生', 'import.templates': '第一步：下载模板，按模板填写（CSV 可用 GB18030 或 UTF-8 编码）。',
    'import.template_csv': '下载 CSV 模板', 'import.template_xlsx': '下载 Excel 模板', 'import.file': '第二步：选择填好的文件（CSV 或 XLSX）',
    'import.check': '检查文件（不会导入）', 'import.checking': '正在上传并检查…', 'import.summary': '共 {total} 行：{ok} 行可以导入，{bad} 行有错误。',
    'import.row': '行号', 'import.field': '项目', 'import.problem': '问题', 'import.commit': '第三步：导入可以导入的 {ok} 行',
    'import.committing': '正在导入…', 'import.done': '导入完成：新增 {ok} 名学生，失败 {bad} 行。', 'import.failed_csv': '下载失败的行（CSV）',
    'import.no_file': '请先选择文件。', 'import.bad_ext': '只能导入 .csv 或 .xlsx 文件。', 'import.too_big': '文件太大（最大 64MB），请分批导入。',
    'import.nothing': '没有可以导入的行，请改正后重新检查。', 'import.progress': '导入进度', 'import.problems': '新生成 {groups} 个问题学籍组，{members} 条学籍列入问题学籍组（含本校和他校已有的学籍）。',
    'import.all_ok': '所有行都可以导入。', 'import.warning': '警告', 'import.predicted': '预计新增 {created} 名，{unchanged} 名本校已有（不重复导入）。',
    'import.duplicate_of': '同一文件已于导入任务 #{id} 上传过。', 'import.unchanged': '{n} 名本校已有，未重复导入。', 'import.failed': '导入失败。', 'import.more_errors': '仅显示前 {n} 个错误，完整列表请在导入后下载失败的行。',
  },
  en: {
    'import.title': 'Import students', 'import.templates': 'Step 1: download a template and fill it in (CSV in GB18030 or UTF-8).',
    'import.template_csv': 'CSV template', 'import.template_xlsx': 'Excel template', 'import.file': 'Step 2: choose the filled file (CSV or XLSX)',
    'import.check': 'Check the file (nothing is imported)', 'import.checking': 'Uploading and checking…', 'import.summary': '{total} rows: {ok} can be imported, {bad} have errors.',
    'import.row': 'Row', 'import.field': 'Field', 'import.problem': 'Problem', 'import.commit': 'Step 3: import the {ok} good rows',
    'import.committing': 'Importing…', 'import.done': 'Import finished: {ok} students created, {bad} rows failed.', 'import.failed_csv': 'Download the failed rows (CSV)',
    'import.no_file': 'Please choose a file first.', 'import.bad_ext': 'Only .csv or .xlsx files can be imported.', 'import.too_big': 'The file is too large (64 MB at most); split it.',
    'import.nothing': 'No row can be imported; correct the file and check again.', 'import.progress': 'Import progress', 'import.problems': '{groups} problem groups opened, {members} records put into problem groups (existing records of any school included).',
    'import.all_ok': 'Every row can be imported.', 'import.warning': 'Warning', 'import.predicted': 'Expected: {created} new, {unchanged} already in your school (not imported twice).',
    'import.duplicate_of': 'The same file was uploaded before (import #{id}).', 'import.unchanged': '{n} already in your school, not imported twice.', 'import.failed': 'The import failed.', 'import.more_errors': 'Only the first {n} errors are shown; download the failed rows after importing for the full list.',
  },
});

const tf = (k, v) => t(k).replace(/\{(\w+)\}/g, (_, x) => String(v?.[x] ?? ''));
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const num = (...vals) => { for (const v of vals) if (v !== undefined && v !== null && !Number.isNaN(Number(v))) return Number(v); return 0; };
const MAX_SHOWN = 500;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Issues of an import job as [{row, column, field, message, warning}] (ImportJob.issues; rows numbered as in the file,
 * the header being row 1). @param {any} r
 */
export function rowErrors(r) {
  const out = [];
  for (const e of r?.issues || r?.error?.details || []) {
    const idMsg = e.code && t('id.' + e.code) !== 'id.' + e.code ? t('id.' + e.code) : '';
    out.push({ row: e.row ?? e.line, column: e.column, field: e.field, warning: !!e.warning, message: textOf(e) || idMsg || e.code });
  }
  return out.sort((a, b) => Number(a.row) - Number(b.row));
}

/** Poll GET /api/v1/imports/{id} while the job runs (states validating, committing), updating bar; resolves to the job. */
async function follow(job, bar) {
  for (let i = 0; i < 7200 && (job?.state === 'validating' || job?.state === 'committing'); i++) {
    if (bar) { bar.max = num(job.rows_total, 1) || 1; bar.value = Math.min(num(job.rows_done), bar.max); }
    await sleep(500);
    job = await api('GET', `/api/v1/imports/${encodeURIComponent(job.id)}?issues_limit=${MAX_SHOWN}`);
  }
  if (job?.state === 'failed') throw Object.assign(new Error('import failed'), { userText: textOf(job.error) || t('import.failed') });
  return job;
}

/** Render #/import. @param {HTMLElement} main */
export async function render(main) {
  const input = h('input', { type: 'file', accept: `.csv,.xlsx,text/csv,${XLSX}`, data: { importFile: '' } });
  const check = h('button', { type: 'submit', class: 'primary', data: { dryRun: '' } }, t('import.check'));
  const bar = /** @type {HTMLProgressElement} */ (h('progress', { class: 'progress', max: 1, value: 0, hidden: true, 'aria-label': t('import.checking') }));
  const err = h('p', { class: 'error', role: 'alert', data: { formError: '' } });
  const out = h('div', { 'aria-live': 'polite', data: { importResult: '' } });
  const form = h('form', { class: 'card', data: { importForm: '' } },
    h('div', { class: 'field' }, h('label', { for: 'import-file' }, t('import.file')), input), bar, err, h('div', { class: 'actions' }, check));
  input.id = 'import-file';
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    replace(out);
    const file = input.files?.[0];
    if (!file) { err.textContent = t('import.no_file'); input.focus(); return; }
    const isX = /\.xlsx$/i.test(file.name), isC = /\.csv$/i.test(file.name);
    if (!isX && !isC) { err.textContent = t('import.bad_ext'); input.focus(); return; }
    if (file.size > 64 * 1024 * 1024) { err.textContent = t('import.too_big'); return; }
    check.disabled = true;
    bar.hidden = false; bar.max = file.size || 1; bar.value = 0;
    try {
      let job = await upload('POST', '/api/v1/imports?dry_run=1&filename=' + encodeURIComponent(file.name), file, { contentType: isX ? XLSX : 'text/csv', onProgress: (s) => { bar.value = s; } });
      job = await follow(job, bar); // a large file is checked in the background (202)
      if (!(job.issues || []).length && num(job.rows_error)) job = await api('GET', `/api/v1/imports/${encodeURIComponent(job.id)}?errors_only=1&issues_limit=${MAX_SHOWN}`);
      showDryRun(out, job);
    } catch (e) {
      err.textContent = errorText(e);
    } finally {
      check.disabled = false;
      bar.hidden = true;
    }
  });
  replace(main, h('section', { data: { import: '' } },
    h('h1', {}, t('import.title')),
    h('div', { class: 'card' }, h('p', {}, t('import.templates')), h('p', { class: 'actions' },
      downloadLink('/api/v1/imports/template.csv', 'template.csv', t('import.template_csv'), { class: 'button', data: { templateCsv: '' } }),
      downloadLink('/api/v1/imports/template.xlsx', 'template.xlsx', t('import.template_xlsx'), { class: 'button', data: { templateXlsx: '' } }))),
    form, out));
}


/** Show the dry-run job: counts, the rows with problems (row numbers as in the file), and the commit button. */
function showDryRun(out, r) {
  const id = r?.id;
  const total = num(r?.rows_total, r?.total_rows);
  const bad = num(r?.rows_error, r?.failed_rows);
  const ok = num(r?.rows_valid, r?.ok_rows, total - bad);
  const errs = rowErrors(r);
  const shown = errs.slice(0, MAX_SHOWN);
  const errTable = shown.length ? table([
    { label: t('import.row'), cell: (e) => String(e.row ?? '') },
    { label: t('import.field'), cell: (e) => e.column || (e.field ? label('f', e.field) : '') },
    { label: t('import.problem'), cell: (e) => (e.warning ? h('span', {}, h('span', { class: 'badge warn' }, t('import.warning')), ' ', e.message || '') : e.message || '') },
  ], shown, { caption: t('import.problem'), rowAttrs: (e) => ({ data: e.warning ? { warningRow: e.row } : { errorRow: e.row } }) }) : h('p', { class: 'hint ok' }, t('import.all_ok'));
  const commit = h('button', { type: 'button', class: 'primary', data: { commit: '' } }, tf('import.commit', { ok }));
  commit.disabled = !ok || id === undefined;
  const progress = h('div', { 'aria-live': 'polite', data: { commitProgress: '' } });
  commit.addEventListener('click', () => doCommit(id, commit, progress));
  replace(out, h('div', { class: 'card', data: { dryRunResult: id ?? '' } },
    h('p', { data: { summary: '' } }, tf('import.summary', { total, ok, bad })),
    r?.rows_created !== undefined ? h('p', { class: 'muted' }, tf('import.predicted', { created: num(r.rows_created), unchanged: num(r.rows_unchanged) })) : null,
    r?.duplicate_of ? h('p', { class: 'hint warn' }, tf('import.duplicate_of', { id: r.duplicate_of })) : null,
    errs.length > MAX_SHOWN || bad > shown.length ? h('p', { class: 'muted' }, tf('import.more_errors', { n: MAX_SHOWN })) : null,
    errTable,
    ok ? h('div', { class: 'actions' }, commit) : h('p', { class: 'error' }, t('import.nothing')),
    progress));
  (ok ? commit : out.querySelector('p')).focus?.();
}

/** Commit the import, then follow the job until it is done, showing a progress bar. */
async function doCommit(id, commit, progress) {
  commit.disabled = true;
  const bar = /** @type {HTMLProgressElement} */ (h('progress', { class: 'progress', max: 100, value: 0, 'aria-label': t('import.progress'), data: { commitBar: '' } }));
  const txt = h('p', {}, t('import.committing'));
  replace(progress, h('span', {}, t('import.progress')), bar, txt);
  try {
    let job = await api('POST', `/api/v1/imports/${encodeURIComponent(id)}/commit`);
    job = await follow(job?.id ? job : { ...job, id, state: job?.state || 'committing' }, bar);
    bar.max = 1; bar.value = 1;
    const okN = num(job?.rows_created, job?.created);
    const same = num(job?.rows_unchanged);
    const badN = num(job?.rows_error, job?.failed_rows);
    const groups = num(job?.groups_opened), members = num(job?.members_added);
    const probs = groups + members;
    replace(txt, tf('import.done', { ok: okN, bad: badN }), same ? ' ' + tf('import.unchanged', { n: same }) : '', probs ? ' ' + tf('import.problems', { groups, members }) : '');
    txt.dataset.importDone = '';
    if (job?.error) progress.append(h('p', { class: 'hint warn', data: { importNote: job.error.code || '' } }, textOf(job.error)));
    // a refusal (409: the issues stored are incomplete, 404: the file is gone) is said beside the link, never saved as the file
    if (badN) progress.append(h('p', {}, downloadLink(`/api/v1/imports/${encodeURIComponent(id)}/failed.csv`, `failed-${id}.csv`, t('import.failed_csv'), { class: 'button', data: { failedCsv: '' } })));
    if (probs) progress.append(h('p', {}, h('a', { href: '#/problems' }, t('nav.problems'))));
    flash(tf('import.done', { ok: okN, bad: badN }));
  } catch (e) {
    replace(txt, errorText(e));
    txt.className = 'error';
    commit.disabled = false;
  }
}
