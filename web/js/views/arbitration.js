// views/arbitration.js: groups awaiting this bureau's arbitration (R18, R28): both sides' facts and evidence side by side; pick one with a reason.
import { api, actionKey } from '../api.js';
import { t, extend } from '../i18n.js';
import { h, replace } from '../dom.js';
import { state, flash, flashError, errorText, hashParams } from '../shell.js';
import { label, fact, day, when, ageDays, dueCell, table, pagedList, cursorLoader, confirmDialog, tf, itemsOf, focusHeading, searchForm, pick, typeFilter, dueBeforeFilter, colon } from '../ui.js';
import { compareTable, memberEvidence, sideLabel } from '../case.js';
import { evidenceList } from '../evidence-ui.js';
import { remindersSection } from '../escalation.js';
import { lengthAttrs } from '../rules.js';

extend({
  zh: {
    'arb.title': '待仲裁', 'arb.note': '以下问题学籍组的双方主管部门都核办通过，须由您作为共同上级仲裁：只能核准一个，其余驳回到学校重新处理。',
    'arb.open': '仲裁', 'arb.group': '仲裁问题学籍组 #{id}', 'arb.sides': '双方事实与证明材料', 'arb.choose': '核准哪一条记录？',
    'arb.pick': '核准记录 {n}：', 'arb.reason': '仲裁理由（双方学校都会看到）', 'arb.submit': '提交仲裁结果',
    'arb.q': '确认核准 {school} 的记录？其余记录将被驳回。', 'arb.done': '仲裁已完成。', 'arb.need_pick': '请选择要核准的记录。',
    'arb.need_reason': '请填写仲裁理由。', 'arb.bureau_opinion': '主管部门核办意见', 'arb.back': '返回待仲裁列表', 'arb.members': '记录数',
    'arb.not_waiting': '该组目前不在等待仲裁状态。',
  },
  en: {
    'arb.title': 'Awaiting arbitration', 'arb.note': 'Both bureaus approved their record in these groups; as their common superior you approve exactly one; the others return to their schools.',
    'arb.open': 'Arbitrate', 'arb.group': 'Arbitrate group #{id}', 'arb.sides': 'Both sides\' facts and evidence', 'arb.choose': 'Which record do you approve?',
    'arb.pick': 'Approve record {n}: ', 'arb.reason': 'Reason (both schools will see it)', 'arb.submit': 'Submit the decision',
    'arb.q': 'Approve the record of {school}? The others will be rejected.', 'arb.done': 'Arbitration done.', 'arb.need_pick': 'Please choose the record to approve.',
    'arb.need_reason': 'Please give the reason.', 'arb.bureau_opinion': 'Bureau\'s review', 'arb.back': 'Back to arbitration list', 'arb.members': 'Records',
    'arb.not_waiting': 'This group is not awaiting arbitration now.',
  },
});

/** Render #/arbitration or #/arbitration/{groupId}. @param {HTMLElement} main @param {string[]} rest */
export async function render(main, rest) {
  if (rest[0]) return renderOne(main, rest[0]);
  const gid = (it) => it.group_id ?? it.group?.id ?? it.id;
  const columns = [
    { label: t('f.group'), cell: (it) => h('a', { href: `#/arbitration/${encodeURIComponent(gid(it))}`, data: { arbLink: gid(it) } }, `#${gid(it)}`) },
    { label: t('f.type'), cell: (it) => label('type', it.type ?? it.group_type) },
    { label: t('f.members'), cell: (it) => (Array.isArray(it.members)
      ? h('ul', { class: 'plain' }, it.members.map((m) => h('li', {}, `${fact(m, 'county')} · ${fact(m, 'school')} · ${fact(m, 'name')}`)))
      : `${it.members ?? ''}${it.approved !== undefined ? ` (${t('mstate.approved')} ${it.approved})` : ''}`) },
    { label: t('f.age'), cell: (it) => { const d = it.age_days ?? ageDays(it.step_started_at || it.updated_at); return d === null || d === undefined ? '' : tf('ui.days', { n: d }); } },
    { label: t('f.due'), cell: (it) => dueCell(it) },
    { label: t('f.actions'), cell: (it) => h('a', { class: 'button', href: `#/arbitration/${encodeURIComponent(gid(it))}` }, t('arb.open')) },
  ];
  // issue 13 item 1: the arbitration list searched by a member (name beginning, ID or student number, school, county) and type
  const p = hashParams();
  const form = searchForm('#/arbitration', p, state.user, 'af', [
    typeFilter(),
    dueBeforeFilter()]);
  const params = pick(p, ['q', 'school', 'county', 'type', 'due_before']);
  const list = pagedList({ load: cursorLoader('/api/v1/queue', params), draw: (items) => table(columns, items, { caption: t('arb.title'), rowAttrs: (it) => ({ data: { arbRow: gid(it) } }) }), onError: flashError });
  const reminders = h('div', {});
  replace(main, h('section', { data: { arbitration: '' } }, h('h1', {}, t('arb.title')), h('p', { class: 'muted' }, t('arb.note')), reminders, form, list.el));
  // issue 11 item 9: the bureau is reminded of the steps below it long past due (it does not decide them); the panel
  // loads on its own and says its own failure (R26: before, its failure replaced the whole arbitration list)
  replace(reminders, remindersSection(flashError));
  await list.first();
}

/** One group: facts side by side, each side's opinion and evidence, the decision form. */
async function renderOne(main, id) {
  const g = await api('GET', `/api/v1/groups/${encodeURIComponent(id)}`);
  const members = itemsOf({ items: g.members || [] });
  // R18: the arbitrator upholds one of the approved members
  const approved = members.filter((m) => m.state === 'approved' || (m.allowed_actions || []).includes('arbitrate'));
  const candidates = approved.length ? approved : members.filter((m) => !['deleted', 'changed', 'closed'].includes(m.state));
  const sides = h('div', { class: 'compare' }, members.map((m, i) => h('section', { class: 'member', data: { side: m.id } },
    h('h3', {}, `${tf('group.record', { n: i + 1 })} · ${fact(m, 'county')} · ${sideLabel(m)}`),
    h('p', {}, label('mstate', m.state)),
    m.opinion ? h('p', { data: { schoolOpinion: m.id } }, h('strong', {}, t('f.opinion') + colon()), m.opinion) : null,
    // R28 (issue 11 item 8): the county bureau's approval opinion, kept in the history
    m.review_opinion ? h('p', { data: { reviewOpinion: m.id } }, h('strong', {}, t('arb.bureau_opinion') + colon()), m.review_opinion) : null,
    h('h4', {}, t('group.evidence')), memberEvidence(m, g.history).length ? evidenceList(memberEvidence(m, g.history), { groupId: g.id }) : h('p', { class: 'muted' }, t('ui.empty')))));
  const err = h('p', { class: 'error', role: 'alert', data: { formError: '' } });
  const reason = h('textarea', { id: 'arb-reason', name: 'reason', required: true, 'aria-required': 'true', ...lengthAttrs('workflow_text') });
  const radios = candidates.map((m) => {
    const i = members.indexOf(m) + 1;
    const rid = `arb-pick-${m.id}`;
    return h('div', { class: 'radio' }, h('input', { type: 'radio', name: 'member', id: rid, value: String(m.id), data: { arbPick: m.id } }),
      ' ', h('label', { for: rid }, tf('arb.pick', { n: i }), h('span', { data: { userText: '' } }, `${fact(m, 'school')} · ${fact(m, 'name')}`)));
  });
  const submit = h('button', { type: 'submit', class: 'primary', data: { arbSubmit: '' } }, t('arb.submit'));
  const form = h('form', { class: 'card', novalidate: true, data: { arbForm: '' } },
    h('fieldset', {}, h('legend', {}, t('arb.choose')), radios),
    h('div', { class: 'field' }, h('label', { for: 'arb-reason' }, t('arb.reason')), reason), err, h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    const picked = form.querySelector('input[name=member]:checked');
    if (!picked) { err.textContent = t('arb.need_pick'); form.querySelector('input[name=member]')?.focus(); return; }
    if (!reason.value.trim()) { err.textContent = t('arb.need_reason'); reason.setAttribute('aria-invalid', 'true'); reason.focus(); return; }
    const m = members.find((x) => String(x.id) === picked.value);
    if (!(await confirmDialog({ title: tf('arb.q', { school: fact(m, 'school') }) }))) return;
    submit.disabled = true;
    try {
      const b = { member_id: m.id, reason: reason.value.trim(), expected_version: m.version };
      await api('POST', `/api/v1/groups/${encodeURIComponent(g.id)}/arbitration`, b, { headers: { 'idempotency-key': actionKey(`g${g.id}`, b) } });
      flash(t('arb.done'));
      await renderOne(main, id);
      focusHeading(main);
    } catch (e) { err.textContent = errorText(e); submit.disabled = false; }
  });
  replace(main, h('section', { data: { arbGroup: g.id, groupState: g.state } },
    h('p', {}, h('a', { href: '#/arbitration' }, t('arb.back'))),
    h('h1', {}, tf('arb.group', { id: g.id })),
    h('dl', { class: 'facts' }, h('dt', {}, t('f.type')), h('dd', {}, label('type', g.type)),
      h('dt', {}, t('gstate.label')), h('dd', { data: { arbitration: g.state } }, g.arbitration ? label('arbst', g.arbitration) : label('gstate', g.state)),
      g.arbitration_due_date || g.due_date ? [h('dt', {}, t('f.due')), h('dd', {}, day(g.arbitration_due_date || g.due_date))] : null),
    compareTable(members),
    h('h2', {}, t('arb.sides')), sides,
    g.state === 'awaiting_arbitration' ? form : h('p', { class: 'muted', data: { notWaiting: '' } }, t('arb.not_waiting'))));
}
