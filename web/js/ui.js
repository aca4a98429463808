// ui.js: pieces every screen shares: labels of codes, dates, tables, a server-paged list, dialogs, CSV export.
import { api, qs, fetchFile } from './api.js';
import { t, extend, currentLang } from './i18n.js';
import { h, replace } from './dom.js';
import { errorText, flash } from './shell.js';
import { registryClock, registryDay, lengthAttrs } from './rules.js';

extend({
  zh: {
    // the workflow's actions (fcgi/workflow.c action names), for every screen and the help drawn from /api/v1/rules
    'act.confirm_register': '确认人口库结果', 'act.submit_corroborate': '佐证', 'act.submit_change': '变更', 'act.submit_delete': '删除', 'act.leader_confirm': '领导确认删除', 'act.leader_decline': '领导不同意删除', 'act.approve': '核办通过', 'act.reject': '核办不通过', 'act.arbitrate': '仲裁', 'act.reopen': '发起重新处理', 'act.auto_reject': '自动不通过', 'act.arbitration_lost': '仲裁未通过', 'act.clash_gone': '不再重复，自动关闭', 'act.clash_remains': '仍然重复', 'act.record_gone': '记录已删除，自动关闭', 'act.member_reopened': '再次重复，重新打开', 'act.group_opened': '发现问题，生成问题学籍组', 'act.member_added': '列入问题学籍组', 'act.registration_approved': '注册审核通过', 'act.group_awaiting_arbitration': '各方均已核办通过，提交共同上级仲裁', 'act.group_done': '问题学籍组处理完毕', 'act.group_open': '问题学籍组回到待处理', 'act.set_deadline': '设定限期处理截止日期', 'act.school_merged': '学校合并，学籍转入',
    'type.id_dup': '身份证件号重复', 'type.id_error': '身份证件号错误', 'type.id_changed': '身份证件号已发生变更',
    'type.nbg_dup': '姓名性别出生日期重复', 'type.suspected_dup': '疑似重复（同一学生）',
    'gstate.open': '等待', 'gstate.awaiting_arbitration': '需要仲裁（等待仲裁）', 'gstate.done': '否（已处理完毕）',
    'gstate.label': '是否需要仲裁',
    'mstate.unconfirmed': '待确认变更', 'mstate.open': '待处理', 'mstate.awaiting_leader': '待领导确认',
    'mstate.awaiting_review': '待核办', 'mstate.approved': '核办通过', 'mstate.upheld': '仲裁通过',
    'mstate.deleted': '已删除', 'mstate.changed': '已变更', 'mstate.closed': '已关闭', 'mstate.reopened': '已发起重新处理',
    'handling.corroborate': '佐证', 'handling.change': '变更', 'handling.delete': '删除',
    'sstatus.pending': '未核办', 'sstatus.formal': '正式学籍', 'sstatus.problem': '问题学籍', 'sstatus.deleted': '已删除',
    'gender.M': '男', 'gender.F': '女',
    'f.school': '学校', 'f.county': '区县', 'f.name': '姓名', 'f.gender': '性别', 'f.birth_date': '出生日期',
    'f.id_type': '身份证件类型', 'f.id_number': '身份证件号', 'f.student_no': '全国学籍号', 'f.grade': '年级',
    'f.class_name': '班级', 'f.enrol_date': '入学日期', 'f.guardian_name': '监护人姓名', 'f.guardian_phone': '监护人联系电话', 'f.status': '学籍状态',
    'f.type': '问题类型', 'f.state': '状态', 'f.group': '问题组', 'f.due': '办理期限', 'f.age': '已等待',
    'why.deadline': '限期处理截止日期定为 {date}', 'why.deadline_cleared': '取消限期处理截止日期', 'why.no_longer_clashes': '不再重复', 'why.clash_persists': '仍然重复', 'why.system': '系统处理', 'f.members': '组内学籍', 'f.id_problem': '错误原因', 'f.register_id_number': '户籍系统登记的现证件号', 'f.reason': '原因', 'f.opinion': '学校意见', 'f.review_opinion': '主管部门核办意见', 'f.action_opinion': '意见', 'f.handling': '处理方式', 'f.actions': '操作',
    'f.submitted': '提交时间', 'f.all': '全部', 'f.count': '数量',
    'ui.days': '{n} 天', 'ui.overdue': '已超期', 'ui.prev': '上一页', 'ui.next': '下一页',
    'ui.page': '第 {p} 页，共 {n} 页（{total} 条）', 'ui.empty': '没有记录。', 'ui.loading': '正在加载…',
    'ui.ok': '确定', 'ui.cancel': '取消', 'ui.yes': '是', 'ui.no': '否', 'ui.search': '查询', 'ui.view': '查看',
    'ui.export_csv': '导出 CSV', 'ui.export_xlsx': '导出 Excel', 'ui.close': '关闭', 'ui.refresh': '刷新',
    'ui.exporting': '正在导出…',
    'ui.export_capped': '只导出了前 {n} 行（一次导出的上限）。请用筛选条件缩小范围后分批导出。',
    'ui.required': '必填', 'group.member_state': '处理状态', 'group.reject_reason': '不通过原因',
  },
  en: {
    'act.confirm_register': 'Confirm register finding', 'act.submit_corroborate': 'Corroborate', 'act.submit_change': 'Change', 'act.submit_delete': 'Delete', 'act.leader_confirm': 'Confirm deletion', 'act.leader_decline': 'Decline deletion', 'act.approve': 'Approve', 'act.reject': 'Reject', 'act.arbitrate': 'Arbitrate', 'act.reopen': 'Re-open', 'act.auto_reject': 'Rejected automatically', 'act.arbitration_lost': 'Lost the arbitration', 'act.clash_gone': 'Clash gone, closed', 'act.clash_remains': 'Clash remains', 'act.record_gone': 'Record gone, closed', 'act.member_reopened': 'Clashes again, re-opened', 'act.group_opened': 'Problem found, group opened', 'act.member_added': 'Record added to the group', 'act.registration_approved': 'Registration approved', 'act.group_awaiting_arbitration': 'Every side approved: sent to the common superior for arbitration', 'act.group_done': 'Problem group settled', 'act.group_open': 'Problem group back to handling', 'act.set_deadline': 'Clearance deadline set', 'act.school_merged': 'Schools merged, record moved',
    'type.id_dup': 'ID number duplicate', 'type.id_error': 'ID number error', 'type.id_changed': 'ID number changed',
    'type.nbg_dup': 'Name-gender-birth duplicate', 'type.suspected_dup': 'Suspected duplicate (same child)',
    'gstate.open': 'Waiting', 'gstate.awaiting_arbitration': 'Yes (awaiting arbitration)', 'gstate.done': 'No (done)',
    'gstate.label': 'Arbitration needed',
    'mstate.unconfirmed': 'Change to confirm', 'mstate.open': 'To handle', 'mstate.awaiting_leader': 'Awaiting leader',
    'mstate.awaiting_review': 'Awaiting review', 'mstate.approved': 'Approved', 'mstate.upheld': 'Upheld',
    'mstate.deleted': 'Deleted', 'mstate.changed': 'Changed', 'mstate.closed': 'Closed', 'mstate.reopened': 'Re-opened',
    'handling.corroborate': 'Corroborate', 'handling.change': 'Change', 'handling.delete': 'Delete',
    'sstatus.pending': 'Not yet approved', 'sstatus.formal': 'Formal', 'sstatus.problem': 'Problem', 'sstatus.deleted': 'Deleted',
    'gender.M': 'Male', 'gender.F': 'Female',
    'f.school': 'School', 'f.county': 'County', 'f.name': 'Name', 'f.gender': 'Gender', 'f.birth_date': 'Date of birth',
    'f.id_type': 'ID type', 'f.id_number': 'ID number', 'f.student_no': 'Student number', 'f.grade': 'Grade',
    'f.class_name': 'Class', 'f.enrol_date': 'Enrolment date', 'f.guardian_name': 'Guardian name', 'f.guardian_phone': 'Guardian phone', 'f.status': 'Status',
    'f.type': 'Problem type', 'f.state': 'State', 'f.group': 'Group', 'f.due': 'Due', 'f.age': 'Waiting',
    'why.deadline': 'Clearance deadline set to {date}', 'why.deadline_cleared': 'Clearance deadline removed', 'why.no_longer_clashes': 'No longer a clash', 'why.clash_persists': 'Still a clash', 'why.system': 'System action', 'f.members': 'Records in group', 'f.id_problem': 'What is wrong', 'f.register_id_number': 'Current number in the register', 'f.reason': 'Reason', 'f.opinion': 'School opinion', 'f.review_opinion': 'Bureau\'s review opinion', 'f.action_opinion': 'Opinion', 'f.handling': 'Handling', 'f.actions': 'Actions',
    'f.submitted': 'Submitted', 'f.all': 'All', 'f.count': 'Count',
    'ui.days': '{n} days', 'ui.overdue': 'Overdue', 'ui.prev': 'Previous', 'ui.next': 'Next',
    'ui.page': 'Page {p} of {n} ({total} records)', 'ui.empty': 'No records.', 'ui.loading': 'Loading…',
    'ui.ok': 'OK', 'ui.cancel': 'Cancel', 'ui.yes': 'Yes', 'ui.no': 'No', 'ui.search': 'Search', 'ui.view': 'View',
    'ui.export_csv': 'Export CSV', 'ui.export_xlsx': 'Export Excel', 'ui.close': 'Close', 'ui.refresh': 'Refresh',
    'ui.exporting': 'Exporting…',
    'ui.export_capped': 'Only the first {n} rows were exported (the limit of one export). Narrow the list with the filters and export it in parts.',
    'ui.required': 'required', 'group.member_state': 'Handling state', 'group.reject_reason': 'Rejection reason',
  },
});

/** t() with {name} placeholders filled. @param {string} key @param {Record<string, unknown>} vars */
export function tf(key, vars) {
  return t(key).replace(/\{(\w+)\}/g, (_, k) => String(vars?.[k] ?? ''));
}

/** Label of a code under a prefix, or the code itself when unknown. @param {string} prefix @param {string} code */
export function label(prefix, code) {
  if (code === undefined || code === null || code === '') return '';
  const k = `${prefix}.${code}`;
  const v = t(k);
  return v === k ? String(code) : v;
}

/** Read a fact of a member/row whether flat or nested under student (API shapes vary by endpoint). @param {any} m @param {string} key */
export function fact(m, key) {
  if (!m) return '';
  const direct = m[key] ?? m.student?.[key];
  if (direct !== undefined && direct !== null) {
    if (typeof direct === 'object') return direct.name ?? direct.code ?? '';
    return direct;
  }
  const alt = { school: ['school_name'], county: ['county_name'], id_number: ['id_number_masked', 'masked_id_number'] }[key] || [];
  for (const a of alt) { const v = m[a] ?? m.student?.[a]; if (v !== undefined && v !== null) return v; }
  return '';
}

/** The colon after a label in the chosen language: '：' on Chinese screens, ': ' on English ones (issue 11 item 10). */
export function colon() { return currentLang() === 'en' ? ': ' : '：'; }

/**
 * A reason the service stored, in the chosen language (issue 11 item 10): a system reason is stored as
 * "中文。 (R17: English.)"; the Chinese screen shows the Chinese part, the English screen the English part without the
 * rule number; 'deadline YYYY-MM-DD' / 'deadline cleared' and internal codes become words. A person's own text is shown as written.
 * @param {string} s
 */
export function reasonText(s) {
  if (s === undefined || s === null || s === '') return '';
  const str = String(s);
  const en = currentLang() === 'en';
  const d = /^deadline (\d{4}-\d{2}-\d{2})$/.exec(str);
  if (d) return tf('why.deadline', { date: d[1] });
  if (str === 'deadline cleared') return t('why.deadline_cleared');
  if (/^[a-z]+(_[a-z]+)+$/.test(str)) { const k = `why.${str}`; const v = t(k); if (v !== k) return v; const ty = t(`type.${str}`); return ty !== `type.${str}` ? ty : t('why.system'); }
  const m = /^(.*?[\u3400-\u9fff].*?)\s*\(\s*(?:R\d+(?:\.\d+)?\s*:\s*)?([^\u3400-\u9fff]*)\)\s*$/s.exec(str);
  if (m) return en ? m[2].trim() : m[1].trim();
  // R18: the arbitrator's own reason follows the system reason ("中文。 (R18: English.) 仲裁意见"): shown as written
  const a = /^(.*?[\u3400-\u9fff].*?)\s*\(\s*R\d+(?:\.\d+)?\s*:\s*([^\u3400-\u9fff()]*)\)\s+(\S.*)$/s.exec(str);
  if (a) return `${en ? a[2].trim() : a[1].trim()} ${a[3].trim()}`;
  return str;
}

/**
 * Why a member was rejected, or why a system event happened (issue 11 item 10): the service sends an automatic decision
 * as {code, message, message_en} (reject_system / system_reason, its one table of both languages) and a person's words
 * as written (reject_reason / reason, e.g. the arbitrator's); the chosen language's text, then the person's words.
 * @param {{message?: string, message_en?: string}|null|undefined} sys @param {string|null|undefined} words
 */
export function whyText(sys, words) {
  const said = sys ? (currentLang() === 'en' ? sys.message_en : sys.message) : '';
  return [said, reasonText(words)].filter(Boolean).join(' ');
}

/** Date part of an ISO timestamp or date ('2026-03-01T…' → '2026-03-01'). @param {string} s */
export function day(s) {
  if (!s) return '';
  const str = String(s);
  if (/^\d{4}-\d{2}-\d{2}$/.test(str)) return str;
  // a time (the database's UTC): its day in the registry's time zone (the service's, as the due dates); a group opened
  // at 07:00 Beijing time showed the day before
  const d = parseTime(str);
  return Number.isNaN(d.getTime()) ? str.slice(0, 10) : registryDay(d.getTime());
}

/** Parse an API time: 'YYYY-MM-DD' is a local day; a time without zone is UTC (the database stores UTC). @param {string} s */
export function parseTime(s) {
  const str = String(s);
  if (/^\d{4}-\d{2}-\d{2}$/.test(str)) return new Date(str + 'T00:00:00');
  const iso = str.replace(' ', 'T');
  return new Date(/(Z|[+-]\d{2}:?\d{2})$/.test(iso) ? iso : iso + 'Z');
}

/**
 * Date and time for screens, in the registry's time zone (as day() and the due dates, R24): before, the browser's own
 * zone was used, so a group page's times and the list's days disagreed outside China time. @param {string} s
 */
export function when(s) {
  if (!s) return '';
  const d = parseTime(s);
  if (Number.isNaN(d.getTime())) return String(s);
  return registryClock(d.getTime()).toLocaleString(currentLang() === 'en' ? 'en-GB' : 'zh-CN', { hour12: false, timeZone: 'UTC' });
}

/** Whole days from an API time to now. @param {string} s @returns {number|null} */
export function ageDays(s) {
  if (!s) return null;
  const d = parseTime(s);
  if (Number.isNaN(d.getTime())) return null;
  return Math.max(0, Math.floor((Date.now() - d.getTime()) / 86400000));
}

/**
 * True when the row says so: the service decides lateness (its overdue field, R24: pending state, due before its
 * today); a row without it is not overdue. @param {any} row
 */
export function isOverdue(row) {
  const o = row?.overdue;
  return o !== null && typeof o === 'object' ? !!o.any : !!o;
}

/** A cell showing the due date, marked when overdue (colour and words, not colour alone). @param {any} row */
export function dueCell(row) {
  const due = day(row?.due_date);
  if (!isOverdue(row)) return document.createTextNode(due);
  return h('span', { class: 'overdue', data: { overdue: '' } }, `${due} · ${t('ui.overdue')}`);
}

/** Items of a list answer: every list of the API is {items: [...], next_cursor} (issue 10: one envelope). @param {any} r @returns {any[]} */
export function itemsOf(r) {
  return Array.isArray(r?.items) ? r.items : [];
}

/** Normalise a count breakdown: {a: 1} or [{key|type|state…, count}] → [[key, count], …]. @param {any} v */
export function pairs(v) {
  if (!v) return [];
  if (Array.isArray(v)) {
    return v.map((x) => [x.key ?? x.type ?? x.state ?? x.county_code ?? x.code ?? x.name ?? '', Number(x.count ?? x.n ?? x.total ?? 0), x]);
  }
  const num = (n) => (n && typeof n === 'object' ? Number(n.count ?? n.total ?? Object.values(n).reduce((a, x) => a + (typeof x === 'number' ? x : 0), 0)) : Number(n));
  return Object.entries(v).map(([k, n]) => [k, num(n), n]);
}

export const PER_PAGE = 50;

/**
 * @typedef {{items: any[], total: number|null, raw: any, hasMore: boolean}} Page
 * @typedef {(page: number) => Promise<Page>} Loader a server-paged list: page 1, 2, … in order
 */

/**
 * Loader of a list of the API (?limit=&cursor=, answer {items, next_cursor}: keyset paging, R30); remembers the cursor
 * of each page so that "previous" works. @param {string} path @param {Record<string, unknown>} params @returns {Loader}
 */
export function cursorLoader(path, params = {}) {
  const cursors = [undefined, undefined];
  return async (page) => {
    const raw = await api('GET', path + qs({ ...params, limit: PER_PAGE, cursor: cursors[page] }));
    const items = itemsOf(raw);
    const n = raw?.next_cursor;
    cursors[page + 1] = n ?? undefined;
    return { items, total: null, raw, hasMore: n !== null && n !== undefined && items.length > 0 };
  };
}

/**
 * Loader for "the first N" work lists (?limit=, answer {items, counts: {total}}): the server bounds the work; page p shows
 * rows (p-1)*50+1 … p*50 of the first `max`. @param {string} path @param {Record<string, unknown>} params @param {number} [max]
 * @returns {Loader}
 */
export function limitLoader(path, params = {}, max = 500) {
  return async (page) => {
    const limit = Math.min(max, page * PER_PAGE);
    const raw = await api('GET', path + qs({ ...params, limit }));
    const all = itemsOf(raw);
    const items = all.slice((page - 1) * PER_PAGE, page * PER_PAGE);
    const t = raw?.counts?.total ?? raw?.total;
    const total = t !== undefined && t !== null ? Number(t) : null;
    const hasMore = limit < max && (total !== null ? total > page * PER_PAGE : all.length >= limit);
    return { items, total, raw, hasMore };
  };
}

/**
 * Fetch every page of a loader (up to max rows) for export. @param {Loader} load @param {number} [max] @returns {Promise<any[]>}
 */
export async function fetchAllPages(load, max = 20000) {
  const out = [];
  for (let p = 1; ; p++) {
    const r = await load(p);
    out.push(...r.items);
    if (!r.hasMore || r.items.length === 0) break;
    if (out.length >= max) { out.capped = true; break; } // said by exportButtons, never a silent cut
  }
  return out;
}

/**
 * A table. columns: [{label, cell(row) → Node|string, key?}]; rows: objects.
 * @param {{label: string, cell: (row: any) => any, class?: string}[]} columns @param {any[]} rows
 * @param {{caption?: string, rowAttrs?: (row: any) => object}} [opts]
 */
export function table(columns, rows, opts = {}) {
  const head = h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c.label)));
  const body = rows.map((r) => h('tr', opts.rowAttrs ? opts.rowAttrs(r) : {}, columns.map((c) => {
    const v = c.cell(r);
    // data-label: the column's name, shown beside the value when a narrow screen draws rows as cards (issue 11 item 13)
    return h('td', { class: c.class, 'data-label': typeof c.label === 'string' ? c.label : null }, v instanceof Node ? v : String(v ?? ''));
  })));
  return h('div', { class: 'tablewrap' }, h('table', { class: 'cards' },
    opts.caption ? h('caption', { class: 'sr-only' }, opts.caption) : null,
    h('thead', {}, head), h('tbody', {}, body)));
}

/**
 * A form's submit runs fn one at a time: the form's submit buttons are disabled while it runs, so a double click sends
 * once (a second credential or user was created before). @param {HTMLFormElement} form
 * @param {(ev: SubmitEvent) => Promise<void>} fn
 */
export function onSubmit(form, fn) {
  let busy = false;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    busy = true;
    const buttons = [...form.querySelectorAll('button[type=submit]')];
    for (const b of buttons) b.disabled = true;
    try { await fn(ev); } finally {
      busy = false;
      for (const b of buttons) b.disabled = false;
    }
  });
}

/**
 * A server-paged list: draws page 1, then pages on request. Returns {el, reload()}.
 * @param {{load: (page: number) => Promise<{items: any[], total: number|null, hasMore: boolean, raw?: any}>,
 *          draw: (items: any[], raw: any) => Node, onLoaded?: (res: any) => void}} o
 */
export function pagedList(o) {
  const body = h('div', { data: { listBody: '' }, 'aria-live': 'polite' });
  const info = h('span', { class: 'muted', data: { pageInfo: '' } });
  const prev = h('button', { type: 'button', 'data-prev': '' }, t('ui.prev'));
  const next = h('button', { type: 'button', 'data-next': '' }, t('ui.next'));
  const el = h('div', { class: 'paged' }, body, h('div', { class: 'pager' }, prev, info, next));
  let page = 1, loaded = false;
  async function show(p) {
    const kept = [...body.childNodes], was = [prev.disabled, next.disabled];
    prev.disabled = true; next.disabled = true;
    replace(body, h('p', { class: 'muted' }, t('ui.loading')));
    let res;
    try {
      res = await o.load(p);
    } catch (e) {
      const f = !loaded && e?.field && el.closest('section')?.querySelector(`[name="${CSS.escape(e.field)}"]`);
      if (f) {
        // a search the server refused (422 naming a field of the form): the screen and its form stay, the error stands
        // where the list would be and the field is marked (before, the whole screen became an error page whose "try
        // again" asked the same; a failure of another kind still is one, with its retry)
        replace(body, h('p', { class: 'error', role: 'alert', data: { listError: e.code || '' } }, errorText(e)));
        f.setAttribute('aria-invalid', 'true');
        f.focus();
        return;
      }
      if (!loaded) throw e;
      // a page that could not be read: the page shown stays, with its buttons (they were left disabled before)
      replace(body, ...kept);
      [prev.disabled, next.disabled] = was;
      throw e;
    }
    loaded = true;
    page = p;
    o.onLoaded?.(res);
    replace(body, res.items.length ? o.draw(res.items, res.raw) : h('p', { class: 'muted', data: { empty: '' } }, t('ui.empty')));
    const pages = res.total !== null ? Math.max(1, Math.ceil(res.total / PER_PAGE)) : null;
    info.textContent = pages !== null ? tf('ui.page', { p, n: pages, total: res.total }) : `${p}`;
    prev.disabled = p <= 1;
    next.disabled = !res.hasMore;
  }
  prev.addEventListener('click', () => show(page - 1).catch(o.onError || (() => {})));
  next.addEventListener('click', () => show(page + 1).catch(o.onError || (() => {})));
  return { el, reload: () => show(page), first: () => show(1) };
}

/**
 * A modal dialog (native <dialog>: focus stays inside, Esc cancels). Resolves true on OK. check, when given, runs on OK:
 * a text it returns (or resolves to) is said inside the dialog, which stays open (nothing is done until it is answered).
 * @param {{title: string, body?: Node|string, ok?: string, danger?: boolean, check?: () => (string|Promise<string>)}} o
 * @returns {Promise<boolean>}
 */
export function confirmDialog(o) {
  return new Promise((resolve) => {
    const ok = h('button', { type: 'button', class: o.danger ? 'danger' : 'primary', data: { dialogOk: '' } }, o.ok || t('ui.ok'));
    const cancel = h('button', { type: 'button', data: { dialogCancel: '' } }, t('ui.cancel'));
    const title = h('h2', { id: 'dlg-title' }, o.title);
    const said = h('p', { class: 'error', role: 'alert', data: { dialogError: '' } });
    const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': 'dlg-title', data: { dialog: '' } },
      title, o.body ? (o.body instanceof Node ? o.body : h('p', {}, o.body)) : null, said, h('div', { class: 'actions' }, ok, cancel));
    const done = (v) => { dlg.close(); dlg.remove(); resolve(v); };
    ok.addEventListener('click', async () => {
      if (!o.check) { done(true); return; }
      if (ok.disabled) return;
      ok.disabled = true;
      said.textContent = '';
      let why = '';
      try { why = await o.check(); } catch (e) { why = errorText(e); }
      ok.disabled = false;
      if (why) { said.textContent = why; return; }
      done(true);
    });
    cancel.addEventListener('click', () => done(false));
    dlg.addEventListener('cancel', (e) => { e.preventDefault(); done(false); });
    document.body.append(dlg);
    dlg.showModal();
    cancel.focus();
  });
}

/** Two confirmations in a row (R13, R22: "confirm?" then "really?"). @param {string} first @param {string} second */
export async function confirmTwice(first, second) {
  if (!(await confirmDialog({ title: first, ok: t('ui.yes'), danger: true }))) return false;
  return confirmDialog({ title: second, ok: t('ui.yes'), danger: true });
}

/** Quote one CSV field (RFC 4180). @param {unknown} v */
function csvField(v) {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) || /^[=+\-@]/.test(s) ? '"' + (/^[=+\-@]/.test(s) ? "'" : '') + s.replace(/"/g, '""') + '"' : s;
}

/**
 * Download rows as a CSV file (UTF-8 with BOM so that Excel shows Chinese; formulas neutralised).
 * @param {string} filename @param {string[]} header @param {unknown[][]} rows
 */
export function downloadCsv(filename, header, rows) {
  const text = '\ufeff' + [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
  downloadBlob(filename, new Blob([text], { type: 'text/csv;charset=utf-8' }));
}

/** Save a Blob as a file download. @param {string} filename @param {Blob} blob */
export function downloadBlob(filename, blob) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/**
 * A download link of a file the API serves (the one way every download of the app goes, R26): clicking it fetches
 * the file through fetchFile(); a refusal (401/403/404/409 with the service's JSON error) is said right after the link,
 * in the chosen language, instead of being saved as the file (a JSON error was saved as failed-N.csv); a file received
 * is saved under the server's name (Content-Disposition) or else `name`. The href stays for "open in a new tab".
 * @param {string} href the API path @param {string} name the file name when the server gives none
 * @param {string|Node} text the link's words @param {object} [attrs] more attributes of the link (class, data)
 * @returns {HTMLAnchorElement}
 */
export function downloadLink(href, name, text, attrs = {}) {
  const a = /** @type {HTMLAnchorElement} */ (h('a', { ...attrs, href, download: name }, text));
  let busy = false, said = null;
  a.addEventListener('click', async (ev) => {
    if (ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return; // a new tab or window: the browser's
    ev.preventDefault();
    if (busy) return;
    busy = true;
    a.setAttribute('aria-busy', 'true');
    said?.remove();
    said = null;
    try {
      const f = await fetchFile(href);
      downloadBlob(f.filename || name, f.blob);
    } catch (e) {
      said = h('span', { class: 'error', role: 'alert', data: { downloadError: e?.code || '' } }, ' ', errorText(e));
      a.after(said);
    } finally {
      busy = false;
      a.removeAttribute('aria-busy');
    }
  });
  return a;
}

/** Every page of an offset-paged list (export). @param {string} path @param {object} params @param {number} [max] */
export const fetchAll = (path, params, max = 20000) => fetchAllPages(cursorLoader(path, params), max);

/**
 * Export buttons for a list: CSV and Excel (XLSX, web/js/xlsx.js, loaded on first use), both built here from every page.
 * @param {{filename: string, columns: {label: string, value: (row: any) => unknown}[], fetch: () => Promise<any[]>}} o
 * @param {(msg: string, kind?: string) => void} onError
 */
export function exportButtons(o, onError) {
  const csv = h('button', { type: 'button', data: { exportCsv: '' } }, t('ui.export_csv'));
  csv.addEventListener('click', async () => {
    csv.disabled = true;
    const old = csv.textContent;
    csv.textContent = t('ui.exporting');
    try {
      const rows = await o.fetch();
      downloadCsv(o.filename + '.csv', o.columns.map((c) => c.label), rows.map((r) => o.columns.map((c) => c.value(r))));
      if (rows.capped) flash(tf('ui.export_capped', { n: rows.length }), 'error');
    } catch (e) { onError(e); } finally { csv.disabled = false; csv.textContent = old; }
  });
  const xlsx = h('button', { type: 'button', data: { exportXlsx: '' } }, t('ui.export_xlsx'));
  xlsx.addEventListener('click', async () => {
    xlsx.disabled = true;
    const old = xlsx.textContent;
    xlsx.textContent = t('ui.exporting');
    try {
      const rows = await o.fetch();
      const { xlsx: write } = await import('./xlsx.js');
      const bytes = write([o.columns.map((c) => c.label), ...rows.map((r) => o.columns.map((c) => c.value(r)))], o.filename);
      downloadBlob(o.filename + '.xlsx', new Blob([bytes], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));
      if (rows.capped) flash(tf('ui.export_capped', { n: rows.length }), 'error');
    } catch (e) { onError(e); } finally { xlsx.disabled = false; xlsx.textContent = old; }
  });
  return h('span', { class: 'exports' }, csv, xlsx);
}

/** A labelled form field (label for= input id). @param {string} id @param {string} text @param {HTMLElement} input @param {Node} [hint] */
export function field(id, text, input, hint) {
  input.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, text), input, hint || null);
}

/** A <select> of options [[value, text], …]. @param {string} name @param {[string, string][]} options @param {string} [value] */
export function select(name, options, value = '') {
  const s = h('select', { name }, options.map(([v, txt]) => h('option', { value: v }, txt)));
  s.value = value;
  return s;
}

/** Put focus on the page heading (screen readers announce the new page). @param {HTMLElement} main */
export function focusHeading(main) {
  const hd = main.querySelector('h1');
  if (!hd) return;
  hd.tabIndex = -1;
  hd.focus({ preventScroll: false });
}

/** Role of the signed-in user → its area ('school', 'county', 'bureau', 'admin'). @param {any} user */
export function area(user) {
  const r = user?.role;
  if (r === 'school_clerk' || r === 'school_leader') return 'school';
  return r || '';
}

extend({
  zh: { 'search.q': '姓名（开头即可）、证件号或学籍号', 'search.school': '学校代码', 'search.county': '区县代码', 'search.due_before': '截止日期早于' },
  en: { 'search.q': 'Name (its beginning), ID or student number', 'search.school': 'School code', 'search.county': 'County code', 'search.due_before': 'Due before' },
});

/**
 * The search fields every list shares (issue 13 item 1): one box (a student number, an ID number or the beginning of
 * a name: the server decides by its shape), the school code for a county bureau and above, the county code for a city
 * bureau and above (R1–R3: the server keeps every search within the jurisdiction). @param {Record<string, string>} p
 * the hash parameters @param {string} prefix id prefix of the fields @param {any} user the signed-in user (its unit level)
 * @returns {{fields: HTMLElement[], values: () => Record<string, string>}}
 */
export function searchFields(p, prefix, user) {
  const level = Number(user?.unit?.level ?? 4);
  const inputs = { q: h('input', { type: 'search', name: 'q', value: p.q || '', ...lengthAttrs('search_text'), autocomplete: 'off', data: { searchQ: '' } }) };
  const fields = [field(`${prefix}-q`, t('search.q'), inputs.q)];
  if (level <= 3) {
    inputs.school = h('input', { name: 'school', value: p.school || '', maxlength: 10, inputmode: 'numeric', pattern: '[0-9]{10}', autocomplete: 'off', data: { searchSchool: '' } });
    fields.push(field(`${prefix}-school`, t('search.school'), inputs.school));
  }
  if (level <= 2) {
    inputs.county = h('input', { name: 'county', value: p.county || '', maxlength: 6, inputmode: 'numeric', pattern: '[0-9]{6}', autocomplete: 'off', data: { searchCounty: '' } });
    fields.push(field(`${prefix}-county`, t('search.county'), inputs.county));
  }
  return { fields, values: () => Object.fromEntries(Object.entries(inputs).map(([k, el]) => [k, el.value.trim()])) };
}

/**
 * A list's search form: the shared search fields, then the list's own filters; submitting puts them all in the hash
 * (the view reads them back and asks the server). @param {string} route e.g. '#/students'
 * @param {Record<string, string>} p the hash parameters @param {any} user @param {string} prefix id prefix of the fields
 * @param {{name: string, label?: string, input: HTMLInputElement|HTMLSelectElement}[]} [own] the list's filters (a
 * checkbox gives '1' when ticked) @param {Record<string, string>} [keep] parameters kept as they are
 * @returns {HTMLFormElement}
 */
export function searchForm(route, p, user, prefix, own = [], keep = {}) {
  const s = searchFields(p, prefix, user);
  const value = (el) => (el.type === 'checkbox' ? (el.checked ? '1' : '') : el.value.trim());
  const nodes = own.map((f) => {
    if (f.input.type === 'checkbox') {
      f.input.checked = p[f.name] === '1';
      return h('label', { class: 'check' }, f.input, ' ', f.label || '');
    }
    f.input.value = p[f.name] || '';
    return field(`${prefix}-${f.name}`, f.label || '', f.input);
  });
  const form = h('form', { class: 'toolbar', role: 'search', data: { search: route.replace('#/', '') } }, ...s.fields, ...nodes,
    h('button', { type: 'submit', class: 'primary' }, t('ui.search')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    location.hash = route + qs({ ...keep, ...s.values(), ...Object.fromEntries(own.map((f) => [f.name, value(f.input)])) });
  });
  return form;
}

/** The list parameters of the hash for these names (empty ones left out by qs). @param {Record<string, string>} p @param {string[]} names */
export function pick(p, names) { return Object.fromEntries(names.map((n) => [n, p[n] || ''])); }

/** The problem types (R8), in the order of the screens. */
export const PROBLEM_TYPES = ['id_dup', 'id_error', 'id_changed', 'nbg_dup', 'suspected_dup'];
/** A search form's problem-type filter. */
export function typeFilter() {
  return { name: 'type', label: t('f.type'), input: select('type', [['', t('f.all')], ...PROBLEM_TYPES.map((c) => [c, label('type', c)])]) };
}
/** A search form's "due before" filter (R24). */
export function dueBeforeFilter() { return { name: 'due_before', label: t('search.due_before'), input: h('input', { type: 'date', name: 'due_before' }) }; }
