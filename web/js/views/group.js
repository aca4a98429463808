// views/group.js: one problem group: its records side by side with differences marked, its state, history, and the actions the API allows this user now (R11–R26).
import { api, actionKey } from '../api.js';
import { t, extend } from '../i18n.js';
import { h, replace } from '../dom.js';
import { state, flash, errorText, hashParams, textOf } from '../shell.js';
import { colon, reasonText, whyText, label, fact, day, when, dueCell, confirmDialog, confirmTwice, field, select, itemsOf, focusHeading, onSubmit } from '../ui.js';
import { evidenceList, evidencePicker } from '../evidence-ui.js';
import { checkByType, ID_MESSAGES } from '../idcheck.js';
import { registryDay, lengthAttrs, idTypeCodes } from '../rules.js';
import { isMine, atSchool, allowed, compareTable, memberEvidence, factText, idProblem, sideLabel } from '../case.js';

extend(ID_MESSAGES);
extend({
  zh: {
    'group.title': '问题学籍组 #{id}', 'group.back': '返回问题学籍列表', 'group.back.queue': '返回待办列表', 'group.back.arbitration': '返回待仲裁列表',
    'group.back.overdue': '返回超期未办理列表', 'group.back.suspects': '返回疑似重复列表',     'group.diff_note': '黄色底并带“≠”标记的项与组内其他记录不同。',     'group.history': '处理记录', 'group.evidence': '证明材料', 'group.no_actions': '当前没有您可以办理的操作。',
    'group.reject_reason': '不通过原因', 'group.deadline': '限期处理截止',
    'group.created': '生成时间', 'group.actions_for': '办理：{name}', 'group.proposed': '申请变更为',
    'act.corroborate': '佐证', 'act.change': '变更', 'act.delete': '删除',     'act.confirm': '确认人口库结果', 'act.confirm_finding': '确认人口库结果',     'act.withdraw': '撤回申请',
        'act.detected': '系统查重生成问题学籍', 'act.close': '自动关闭', 'act.open': '生成问题学籍', 'act.reopened': '已发起重新处理',
    'act.reopen_done': '已发起重新处理，新的问题学籍组 #{id}。', 'arbst.waiting': '等待', 'arbst.required': '需要仲裁（等待仲裁）', 'arbst.settled': '否（已处理完毕）',
    'act.done': '已提交：{action}', 'act.submit': '提交', 'act.reason': '原因（学校将看到）', 'act.opinion': '学校意见',
    'act.reason_required': '请填写原因。', 'act.opinion_required': '请填写学校意见。', 'act.evidence_required': '请至少选择一个证明材料文件。',
    'act.change_required': '请至少修改一项信息。', 'act.comment': '意见（可选）',
    'act.delete_1': '确认删除 {name}（{no}）的学籍？', 'act.delete_2': '再次确认：真的要删除 {name} 的学籍吗？删除后须经学校主管领导确认。',
    'act.reopen_1': '确认对本校该记录发起重新处理？', 'act.reopen_2': '再次确认：是否发起重新处理？将生成一条本校新的待处理问题学籍。',
    'act.leader_1': '确认删除 {name}（{no}）的学籍？', 'act.leader_2': '再次确认：真的删除 {name} 的学籍吗？删除后不能恢复。',
    'act.approve_q': '确认核办通过？', 'act.generic_q': '确认执行“{action}”？',
    'act.refresh_failed': '{done}。但页面没有刷新：{why} 请重新打开本页查看。',
    'act.change_hint': '只填写需要变更的项目，其余保持不变。', 'group.side': '（{side}）', 'act.birth_range': '出生日期必须在1900年1月1日至今天之间。', 'hist.system': '系统',
  },
  en: {
    'group.title': 'Problem group #{id}', 'group.back': 'Back to problem records', 'group.back.queue': 'Back to the work queue', 'group.back.arbitration': 'Back to the arbitration list',
    'group.back.overdue': 'Back to the overdue list', 'group.back.suspects': 'Back to suspected duplicates',     'group.diff_note': 'Values on yellow marked "≠" differ from the other records of the group.',     'group.history': 'History', 'group.evidence': 'Evidence', 'group.no_actions': 'Nothing for you to do here now.',
    'group.reject_reason': 'Rejection reason', 'group.deadline': 'Clearance deadline',
    'group.created': 'Opened', 'group.actions_for': 'Act on: {name}', 'group.proposed': 'Requested change',
    'act.corroborate': 'Corroborate', 'act.change': 'Change', 'act.delete': 'Delete',     'act.confirm': 'Confirm register finding', 'act.confirm_finding': 'Confirm register finding',     'act.withdraw': 'Withdraw',
        'act.detected': 'Detected by the duplicate check', 'act.close': 'Closed automatically', 'act.open': 'Problem opened', 'act.reopened': 'Re-opened',
    'act.reopen_done': 'Re-opened: new problem group #{id}.', 'arbst.waiting': 'Waiting', 'arbst.required': 'Yes (awaiting arbitration)', 'arbst.settled': 'No (done)',
    'act.done': 'Submitted: {action}', 'act.submit': 'Submit', 'act.reason': 'Reason (the school will see it)', 'act.opinion': 'School opinion',
    'act.reason_required': 'Please give a reason.', 'act.opinion_required': 'Please give the school\'s opinion.', 'act.evidence_required': 'Please choose at least one evidence file.',
    'act.change_required': 'Please change at least one value.', 'act.comment': 'Comment (optional)',
    'act.delete_1': 'Delete the record of {name} ({no})?', 'act.delete_2': 'Really delete the record of {name}? The school leader must then confirm.',
    'act.reopen_1': 'Re-open this record of your school?', 'act.reopen_2': 'Really re-open? A new problem record for your school will be opened.',
    'act.leader_1': 'Confirm the deletion of the record of {name} ({no})?', 'act.leader_2': 'Really delete the record of {name}? It cannot be undone.',
    'act.approve_q': 'Approve this request?', 'act.generic_q': 'Do "{action}"?',
    'act.refresh_failed': '{done}. The page could not be refreshed: {why} Please open it again to see it.',
    'act.change_hint': 'Fill in only what changes; the rest stays as it is.', 'group.side': ' ({side})', 'act.birth_range': 'The date of birth must lie between 1 January 1900 and today.', 'hist.system': 'System',
  },
});

const tf = (k, v) => t(k).replace(/\{(\w+)\}/g, (_, x) => String(v?.[x] ?? ''));

/** A card per record: opinion, proposed change, rejection reason, evidence. */
function memberCard(m, i, history, groupId) {
  const bits = [];
  if (m.opinion) bits.push(h('p', {}, h('strong', {}, t('f.opinion') + colon()), m.opinion));
  if (m.proposed || m.changes) {
    let p = m.proposed || m.changes;
    if (typeof p === 'string') { try { p = JSON.parse(p); } catch { /* shown raw */ } }
    const dl = h('dl', { class: 'facts' });
    if (p && typeof p === 'object') {
      for (const [k, v] of Object.entries(p)) dl.append(h('dt', {}, t('f.' + k)), h('dd', {}, k === 'gender' ? label('gender', v) : k === 'id_type' ? label('idtype', v) : String(v)));
    } else dl.append(h('dd', {}, String(p)));
    bits.push(h('div', {}, h('strong', {}, t('group.proposed')), dl));
  }
  if (m.reject_reason || m.reject_system) bits.push(h('p', { class: 'reject', data: { rejectReason: '' } }, h('strong', {}, t('group.reject_reason') + colon()), whyText(m.reject_system, m.reject_reason)));
  if (m.review_opinion) bits.push(h('p', { data: { reviewOpinion: m.id } }, h('strong', {}, t('f.review_opinion') + colon()), m.review_opinion));
  const ev = memberEvidence(m, history);
  if (ev.length) bits.push(h('div', {}, h('strong', {}, t('group.evidence')), evidenceList(ev, { groupId })));
  else if (atSchool() && !isMine(m)) bits.push(h('p', { class: 'muted small', data: { evidenceHidden: m.id } }, t('group.evidence_other')));
  return h('section', { class: 'member' + (isMine(m) ? ' mine' : ''), data: { member: m.id } },
    h('h3', {}, tf('group.record', { n: i + 1 }), ` · ${factText(m, 'school')}`, atSchool() ? tf('group.side', { side: sideLabel(m) }) : '', ` · ${factText(m, 'name')}`),
    ...bits, h('div', { class: 'member-actions', data: { memberActions: m.id } }));
}

/**
 * Send one member action (the API checks the state and version; R25 records it).
 * @param {any} m member @param {object} body action body without expected_version
 */
export async function sendAction(m, body) {
  const b = { expected_version: m.version, ...body };
  return api('POST', `/api/v1/members/${encodeURIComponent(m.id)}/actions`, b, { headers: { 'idempotency-key': actionKey(`m${m.id}`, b) } });
}

let uid = 0;
const nextId = (p) => `${p}-${++uid}`;

/** A form area that replaces the action buttons while open. */
function formBox(title, ...kids) {
  return h('form', { class: 'card action-form', novalidate: true }, h('h4', {}, title), ...kids);
}

/** Error line of a form (role=alert so it is announced). */
const errLine = () => h('p', { class: 'error', role: 'alert', data: { formError: '' } });

/**
 * Draw the action buttons of a member; each opens its form or confirmation. onDone() redraws the page.
 * @param {HTMLElement} box @param {any} m @param {any} group @param {() => Promise<void>} onDone
 */
export function drawActions(box, m, group, onDone) {
  const acts = allowed(m);
  if (!acts.length) { replace(box); return; }
  const buttons = acts.map((a) => {
    const danger = /delete|reject|decline|leader_confirm/.test(a); // issue 11 item 12: the leader's confirmation deletes: red
    const b = h('button', { type: 'button', class: danger ? 'danger' : 'primary', data: { action: a } }, label('act', a));
    b.addEventListener('click', () => openAction(box, m, group, a, onDone));
    return b;
  });
  replace(box, h('div', { class: 'actions' }, buttons));
}

/** Kinds of form per action name (the workflow's names, and the short ones of the contract). */
const KIND = {
  submit_corroborate: 'corroborate', corroborate: 'corroborate', submit_change: 'change', change: 'change',
  submit_delete: 'delete', delete: 'delete', reopen: 'reopen', leader_confirm: 'leader_confirm', leader_decline: 'decline',
  reject: 'reject', approve: 'approve', arbitrate: 'arbitrate',
};

/**
 * Open the form or confirmation for action a. Its sending (send(body)) resolves once the action is done and the page
 * redrawn; it throws only the action's own failure (for the form to say), never the redraw's:
 * - done: said, then the page is read again; a failed read is said as such (the action stands; before, it was shown in
 *   the form as the action's failure and invited to send it again);
 * - 409 (the member moved on meanwhile: another state or version, R17/R18, the service's body naming what is allowed
 *   now): said, and the group's actions are redrawn from a fresh read (before, the stale form stayed and every retry
 *   was refused again).
 */
async function openAction(box, m, group, a, onDone) {
  const redraw = async (said) => {
    try { await onDone(); } catch (e) { flash(tf('act.refresh_failed', { done: said, why: errorText(e) }), 'error'); return false; }
    return true;
  };
  /** @param {object} body the action's body (without expected_version) */
  const send = async (body) => {
    let resp;
    try {
      resp = await sendAction(m, body);
    } catch (e) {
      if (e?.status !== 409) throw e;
      if (await redraw(errorText(e))) flash(errorText(e), 'error');
      return;
    }
    const newId = resp?.new_group_id;
    const said = newId ? tf('act.reopen_done', { id: newId }) : tf('act.done', { action: label('act', a) });
    flash(said);
    await redraw(said);
  };
  const cancelBtn = () => { const c = h('button', { type: 'button', data: { cancel: '' } }, t('ui.cancel')); c.addEventListener('click', () => drawActions(box, m, group, onDone)); return c; };
  const kind = KIND[a] || (/reject|decline/.test(a) ? 'reject' : '');
  const who = { name: factText(m, 'name'), no: factText(m, 'student_no') }; // destructive confirmations name the student
  try {
    if (kind === 'corroborate' || kind === 'change') return openEvidenceForm(box, m, group, a, kind, send, cancelBtn());
    if (kind === 'reject') return openReasonForm(box, m, a, true, send, cancelBtn());
    if (kind === 'decline') return openReasonForm(box, m, a, false, send, cancelBtn());
    if (kind === 'arbitrate') { location.hash = `#/arbitration/${encodeURIComponent(group.id)}`; return; }
    if (kind === 'delete') {
      if (!(await confirmTwice(tf('act.delete_1', who), tf('act.delete_2', who)))) return;
      return send({ action: a, confirm: true });
    }
    if (kind === 'reopen') {
      if (!(await confirmTwice(t('act.reopen_1'), t('act.reopen_2')))) return;
      return send({ action: a, confirm: true });
    }
    if (kind === 'leader_confirm') {
      if (!(await confirmTwice(tf('act.leader_1', who), tf('act.leader_2', who)))) return;
      return send({ action: a, confirm: true });
    }
    if (kind === 'approve') return openApproveForm(box, m, a, send, cancelBtn());
    if (!(await confirmDialog({ title: tf('act.generic_q', { action: label('act', a) }) }))) return;
    return send({ action: a, confirm: true });
  } catch (e) {
    flash(errorText(e), 'error');
  }
}

/** Reject (a reason is required, R20) or a leader's decline (reason optional). */
function openReasonForm(box, m, a, required, send, cancel) {
  const id = nextId('reason');
  const reason = h('textarea', { name: 'reason', required, 'aria-required': required ? 'true' : null, ...lengthAttrs('workflow_text') });
  const err = errLine();
  const form = formBox(label('act', a), field(id, required ? t('act.reason') : t('act.comment'), reason), err,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'danger' }, label('act', a)), cancel));
  // onSubmit: the submit button is disabled while the action is sent (a double click sends once)
  onSubmit(form, async () => {
    err.textContent = '';
    if (required && !reason.value.trim()) { err.textContent = t('act.reason_required'); reason.setAttribute('aria-invalid', 'true'); reason.focus(); return; }
    try { await send({ action: a, reason: reason.value.trim() || undefined }); } catch (e) { err.textContent = errorText(e); }
  });
  replace(box, form);
  reason.focus();
}

/** Approve: an optional comment, one click to confirm. */
function openApproveForm(box, m, a, send, cancel) {
  const id = nextId('opinion');
  const opinion = h('textarea', { name: 'opinion', ...lengthAttrs('workflow_text') });
  const err = errLine();
  const form = formBox(t('act.approve_q'), field(id, t('act.comment'), opinion), err,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', data: { confirmApprove: '' } }, label('act', a)), cancel));
  onSubmit(form, async () => {
    try { await send({ action: a, opinion: opinion.value.trim() || undefined }); } catch (e) { err.textContent = errorText(e); }
  });
  replace(box, form);
  opinion.focus();
}

/** Corroborate (opinion + evidence, R16) or change (new values + evidence, R15). Files are checked, uploaded with progress, then cited. */
function openEvidenceForm(box, m, group, a, kind, send, cancel) {
  const err = errLine();
  const picker = evidencePicker();
  const parts = [];
  let opinion = null;
  const change = {};
  if (kind === 'corroborate') {
    opinion = h('textarea', { name: 'opinion', required: true, 'aria-required': 'true', ...lengthAttrs('workflow_text') });
    parts.push(field(nextId('opinion'), t('act.opinion'), opinion));
  } else {
    parts.push(h('p', { class: 'muted' }, t('act.change_hint')));
    const grid = h('div', { class: 'form-grid' });
    const cur = (k) => String(fact(m, k) ?? '');
    change.name = h('input', { name: 'name', ...lengthAttrs('student_name'), placeholder: cur('name') });
    change.gender = select('gender', [['', '—'], ['M', t('gender.M')], ['F', t('gender.F')]]);
    change.birth_date = h('input', { name: 'birth_date', type: 'date', min: '1900-01-01', max: registryDay() });
    change.id_type = select('id_type', [['', '—'], ...idTypeCodes().map((c) => [c, label('idtype', c)])]);
    change.id_number = h('input', { name: 'id_number', ...lengthAttrs('student_id_number'), autocomplete: 'off', spellcheck: 'false' });
    const idHint = h('p', { class: 'hint', 'aria-live': 'polite', data: { idHint: '' } });
    change.id_number.setAttribute('aria-describedby', idHint.id = nextId('idhint'));
    const checkId = () => {
      const v = change.id_number.value;
      if (!v) { idHint.textContent = ''; change.id_number.removeAttribute('aria-invalid'); return true; }
      const type = change.id_type.value || cur('id_type') || '1';
      const g = change.gender.value || cur('gender');
      const r = checkByType(type, v, g, registryDay());
      idHint.textContent = t('id.' + r.code);
      idHint.className = 'hint ' + (r.code === 'ok' ? 'ok' : 'bad');
      if (r.code === 'ok') change.id_number.removeAttribute('aria-invalid'); else change.id_number.setAttribute('aria-invalid', 'true');
      return r.code === 'ok';
    };
    for (const k of ['id_number', 'id_type', 'gender']) change[k].addEventListener('input', checkId);
    change._check = checkId;
    grid.append(field(nextId('c-name'), t('f.name'), change.name), field(nextId('c-gender'), t('f.gender'), change.gender),
      field(nextId('c-birth'), t('f.birth_date'), change.birth_date), field(nextId('c-idtype'), t('f.id_type'), change.id_type),
      field(nextId('c-idno'), t('f.id_number'), change.id_number, idHint));
    parts.push(grid);
  }
  const submit = h('button', { type: 'submit', class: 'primary', data: { submitAction: kind } }, t('act.submit'));
  const form = formBox(label('act', a), ...parts, picker.el, err, h('div', { class: 'actions' }, submit, cancel));
  onSubmit(form, async () => {
    err.textContent = '';
    const body = { action: a };
    if (kind === 'corroborate') {
      if (!opinion.value.trim()) { err.textContent = t('act.opinion_required'); opinion.setAttribute('aria-invalid', 'true'); opinion.focus(); return; }
      body.opinion = opinion.value.trim();
    } else {
      const changes = {};
      for (const k of ['name', 'gender', 'birth_date', 'id_type', 'id_number']) {
        const v = change[k].value.trim();
        if (v !== '') changes[k] = k === 'id_number' ? (checkByType(change.id_type.value || String(fact(m, 'id_type') || '1'), v, '', registryDay()).normalized || v) : v;
      }
      if (!Object.keys(changes).length) { err.textContent = t('act.change_required'); change.name.focus(); return; }
      const bd = changes.birth_date;
      if (bd && (bd > registryDay() || bd < '1900-01-01')) { err.textContent = t('act.birth_range'); change.birth_date.setAttribute('aria-invalid', 'true'); change.birth_date.focus(); return; }
      if (change.id_number.value && !change._check()) { err.textContent = t('id.' + checkByType(change.id_type.value || String(fact(m, 'id_type') || '1'), change.id_number.value, change.gender.value || String(fact(m, 'gender') || ''), registryDay()).code); change.id_number.focus(); return; }
      body.changes = changes;
    }
    await picker.checked();
    if (!picker.hasFiles()) { err.textContent = t('act.evidence_required'); picker.focus(); return; }
    if (!picker.allValid()) { err.textContent = t('ev.bad_type'); picker.focus(); return; }
    try {
      body.evidence_ids = await picker.uploadAll();
      await send(body);
    } catch (e) {
      err.textContent = errorText(e);
    }
  });
  replace(box, form);
  (opinion || change.name).focus();
}

/** History list (R25): who, when, what, why. */
function historyList(items, members) {
  if (!items?.length) return h('p', { class: 'muted' }, t('ui.empty'));
  // the opening of an ID-error group says what was found (issue 11 item 6), not its internal type code
  const found = (members || []).map((m) => textOf(idProblem(m))).filter(Boolean).join('；');
  const why = (e) => (e.action === 'group_opened' ? (found || reasonText(e.reason)) : whyText(e.system_reason, e.reason));
  return h('ol', { class: 'history', data: { history: '' } }, items.map((e) => h('li', {},
    `${when(e.time || e.created_at || e.at)} · ${e.actor_name || e.actor || (!e.actor_role || e.actor_role === 'system' ? t('hist.system') : label('role', e.actor_role))} · ${label('act', e.action)}`,
    // a group's own event (no member) moves the group's state, a member's event the member's
    e.state_after ? ` → ${e.member_id === null || e.member_id === undefined ? label('gstate', e.state_after) : label('mstate', e.state_after)}` : '',
    why(e) ? h('span', { data: e.action === 'group_opened' ? { openedWhy: '' } : {} }, ` · ${t('f.reason')}${colon()}${why(e)}`) : null,
    // R25 (issue 11 item 8): the opinion the action carried (a school's corroboration, a bureau's approval)
    e.opinion ? h('span', { data: { historyOpinion: e.id } }, ` · ${t('f.action_opinion')}${colon()}${e.opinion}`) : null)));
}

/** The lists of the app a group page is opened from, each with the words of its "back" link. */
const LISTS = [['#/problems', 'group.back'], ['#/queue', 'group.back.queue'], ['#/arbitration', 'group.back.arbitration'],
  ['#/overdue', 'group.back.overdue'], ['#/suspects', 'group.back.suspects']];

/**
 * Where the group page's "back" goes (R26): the list the user came from, as it was (its search and filters kept), when
 * the previous page was a list of the app; else the role's own list. Before, it always went to #/queue or #/arbitration
 * (by role) under the fixed words "back to problem records", dropping the list's filters.
 * @returns {{href: string, text: string}}
 */
export function backLink() {
  const prev = state.prevHash || '';
  for (const [route, key] of LISTS) {
    const rest = prev.slice(route.length);
    // the list itself, with its query (filters), or one of the suspects' tabs; not a single arbitration (#/arbitration/7)
    if (prev.startsWith(route) && (rest === '' || rest.startsWith('?') || (route === '#/suspects' && /^\/(open|same_child|different)$/.test(rest)))) {
      return { href: prev, text: t(key) };
    }
  }
  const role = state.user?.role;
  return role === 'county' ? { href: '#/queue', text: t('group.back.queue') }
    : role === 'bureau' ? { href: '#/arbitration', text: t('group.back.arbitration') } : { href: '#/problems', text: t('group.back') };
}

/** Render #/groups/{id}. @param {HTMLElement} main @param {string[]} rest */
export async function render(main, rest) {
  const id = rest[0];
  const focusMember = hashParams().member;
  const g = await api('GET', `/api/v1/groups/${encodeURIComponent(id)}`);
  const members = itemsOf(g.members ? { items: g.members } : g);
  const back = backLink();
  const cards = h('div', { class: 'compare' }, members.map((m, i) => memberCard(m, i, g.history, g.id)));
  replace(main, h('section', { data: { group: g.id, groupState: g.state } },
    h('p', {}, h('a', { href: back.href, data: { back: '' } }, back.text)),
    h('h1', {}, tf('group.title', { id: g.id })),
    h('dl', { class: 'facts' },
      h('dt', {}, t('f.type')), h('dd', { data: { groupType: g.type } }, label('type', g.type)),
      h('dt', {}, t('gstate.label')), h('dd', { data: { arbitration: g.state } }, h('strong', {}, g.arbitration ? label('arbst', g.arbitration) : label('gstate', g.state))),
      g.created_at ? [h('dt', {}, t('group.created')), h('dd', {}, when(g.created_at))] : null,
      g.deadline ? [h('dt', {}, t('group.deadline')), h('dd', {}, day(g.deadline))] : null),
    h('h2', {}, t('group.compare')),
    h('p', { class: 'muted small' }, t('group.diff_note')),
    compareTable(members),
    cards,
    h('h2', {}, t('group.history')),
    historyList(g.history, members)));
  // after an action the page redraws in place (no reload) and focus returns to its heading
  const redraw = async () => { await render(main, rest); focusHeading(main); };
  let any = false;
  for (const m of members) {
    const box = main.querySelector(`[data-member-actions="${CSS.escape(String(m.id))}"]`);
    drawActions(box, m, g, redraw);
    if (allowed(m).length) any = true;
  }
  if (!any) cards.after(h('p', { class: 'muted', data: { noActions: '' } }, t('group.no_actions')));
  if (focusMember) main.querySelector(`[data-member="${CSS.escape(focusMember)}"]`)?.scrollIntoView({ block: 'nearest' });
}
