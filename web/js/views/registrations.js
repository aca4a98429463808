// views/registrations.js: first registrations waiting for the county's approval, approved in batch (R6, R27).
import { api } from '../api.js';
import { t, extend } from '../i18n.js';
import { h, replace } from '../dom.js';
import { flash, flashError, errorText } from '../shell.js';
import { label, fact, day, when, table, pagedList, cursorLoader, confirmDialog, tf, colon } from '../ui.js';

extend({
  zh: {
    'regs.title': '注册审核', 'regs.note': '勾选需要审核通过的学生，然后点击“批量审核通过”。存在问题学籍的记录须先在问题学籍中处理。',
    'regs.all': '全选本页', 'regs.pick': '选择 {name}', 'regs.approve': '批量审核通过（{n} 名）', 'regs.q': '确认审核通过选中的 {n} 名学生？',
    'regs.done': '已审核通过 {n} 名学生。', 'regs.none': '请先勾选学生。', 'regs.not_approved': '{n} 名未审核通过：', 'regs.not_approved_see': '{n} 名未审核通过，原因见下。',
    'regs.why.in_problem_group': '存在问题学籍，须先在问题学籍中处理', 'regs.why.already_formal': '已是正式学籍（已由他人审核通过）',
    'regs.why.deleted': '学籍已删除', 'regs.why.not_found': '不是本区县待审核的学籍（可能已转出）',
  },
  en: {
    'regs.title': 'Registrations to approve', 'regs.note': 'Tick the students to approve, then click "Approve selected". Records in problem groups are handled there first.',
    'regs.all': 'Select all on this page', 'regs.pick': 'Select {name}', 'regs.approve': 'Approve selected ({n})', 'regs.q': 'Approve the {n} selected students?',
    'regs.done': '{n} students approved.', 'regs.none': 'Please tick students first.', 'regs.not_approved': '{n} not approved:', 'regs.not_approved_see': '{n} not approved: see why below.',
    'regs.why.in_problem_group': 'in a problem group: handle it there first', 'regs.why.already_formal': 'already formal (approved by someone else)',
    'regs.why.deleted': 'the record was deleted', 'regs.why.not_found': 'not a registration of your county (moved away?)',
  },
});

/** Render #/registrations. @param {HTMLElement} main */
export async function render(main) {
  const picked = new Set();
  const approve = h('button', { type: 'button', class: 'primary', data: { approveBatch: '' } }, tf('regs.approve', { n: 0 }));
  const all = h('input', { type: 'checkbox', id: 'regs-all', data: { selectAll: '' } });
  const sync = () => { approve.textContent = tf('regs.approve', { n: picked.size }); };
  const columns = [
    { label: '', cell: (s) => {
      const cb = h('input', { type: 'checkbox', 'aria-label': tf('regs.pick', { name: s.name }), data: { pick: s.id } });
      cb.checked = picked.has(s.id);
      cb.addEventListener('change', () => { if (cb.checked) picked.add(s.id); else picked.delete(s.id); sync(); });
      return cb;
    } },
    { label: t('f.school'), cell: (s) => fact(s, 'school') }, { label: t('f.name'), cell: (s) => s.name || '' },
    { label: t('f.gender'), cell: (s) => label('gender', s.gender) }, { label: t('f.birth_date'), cell: (s) => day(s.birth_date) },
    { label: t('f.id_type'), cell: (s) => label('idtype', s.id_type) }, { label: t('f.id_number'), cell: (s) => fact(s, 'id_number') },
    { label: t('f.student_no'), cell: (s) => s.student_no || '' }, { label: t('f.submitted'), cell: (s) => when(s.created_at) },
  ];
  /** @type {Map<number, any>} the students of the page shown, by id (to name those not approved) */
  const shown = new Map();
  const outcome = h('div', { 'aria-live': 'polite', data: { approveOutcome: '' } });
  const list = pagedList({
    load: cursorLoader('/api/v1/students', { status: 'pending' }),
    draw: (items) => {
      picked.clear(); all.checked = false; sync();
      shown.clear();
      for (const s of items) shown.set(s.id, s);
      return table(columns, items, { caption: t('regs.title'), rowAttrs: (s) => ({ data: { regRow: s.id } }) });
    },
    onError: flashError,
  });
  all.addEventListener('change', () => {
    for (const cb of main.querySelectorAll('[data-pick]')) { cb.checked = all.checked; cb.dispatchEvent(new Event('change')); }
  });
  approve.addEventListener('click', async () => {
    if (!picked.size) { flash(t('regs.none'), 'error'); return; }
    if (!(await confirmDialog({ title: tf('regs.q', { n: picked.size }) }))) return;
    approve.disabled = true;
    replace(outcome);
    try {
      // the answer (R6): {approved: n, results: [{student_id, outcome: approved | in_problem_group | already_formal |
      // deleted | not_found}]}; before, this read a `skipped` the service never sends and said nothing of the others
      const r = await api('POST', '/api/v1/registrations/approve', { student_ids: [...picked] });
      const names = new Map(shown);
      const not = (r?.results || []).filter((x) => x.outcome !== 'approved');
      flash(tf('regs.done', { n: r?.approved ?? 0 }) + (not.length ? ' ' + tf('regs.not_approved_see', { n: not.length }) : ''), not.length ? 'error' : 'ok');
      if (not.length) {
        replace(outcome, h('div', { class: 'card' }, h('p', { class: 'error' }, tf('regs.not_approved', { n: not.length })),
          h('ul', {}, not.map((x) => {
            const s = names.get(x.student_id);
            const who = s ? [s.name, s.student_no].filter(Boolean).join(' · ') : `#${x.student_id}`;
            return h('li', { data: { notApproved: x.student_id, outcome: x.outcome } }, `${who}${colon()}${label('regs.why', x.outcome)}`);
          }))));
      }
      await list.reload();
    } catch (e) { flash(errorText(e), 'error'); } finally { approve.disabled = false; }
  });
  replace(main, h('section', { data: { registrations: '' } }, h('h1', {}, t('regs.title')), h('p', { class: 'muted' }, t('regs.note')),
    h('div', { class: 'toolbar' }, h('span', {}, all, ' ', h('label', { for: 'regs-all' }, t('regs.all'))), approve), outcome, list.el));
  await list.first();
}
