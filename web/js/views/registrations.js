// views/registrations.js: first registrations waiting for the county's approval, approved in batch (R6, R27).
import { api } from '../api.js';
import { t, extend } from '../i18n.js';
import { h, replace } from '../dom.js';
import { flash, flashError, errorText } from '../shell.js';
import { label, fact, day, when, table, pagedList, cursorLoader, confirmDialog, tf } from '../ui.js';

extend({
  zh: {
    'regs.title': '注册审核', 'regs.note': '勾选需要审核通过的学生，然后点击“批量审核通过”。存在问题学籍的记录须先在问题学籍中处理。',
    'regs.all': '全选本页', 'regs.pick': '选择 {name}', 'regs.approve': '批量审核通过（{n} 名）', 'regs.q': '确认审核通过选中的 {n} 名学生？',
    'regs.done': '已审核通过 {n} 名学生。', 'regs.none': '请先勾选学生。', 'regs.skipped': '{n} 名未通过（状态已变化或存在问题学籍）。',
  },
  en: {
    'regs.title': 'Registrations to approve', 'regs.note': 'Tick the students to approve, then click "Approve selected". Records in problem groups are handled there first.',
    'regs.all': 'Select all on this page', 'regs.pick': 'Select {name}', 'regs.approve': 'Approve selected ({n})', 'regs.q': 'Approve the {n} selected students?',
    'regs.done': '{n} students approved.', 'regs.none': 'Please tick students first.', 'regs.skipped': '{n} not approved (state changed or in a problem group).',
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
  const list = pagedList({
    load: cursorLoader('/api/v1/students', { status: 'pending' }),
    draw: (items) => { picked.clear(); all.checked = false; sync(); return table(columns, items, { caption: t('regs.title'), rowAttrs: (s) => ({ data: { regRow: s.id } }) }); },
    onError: flashError,
  });
  all.addEventListener('change', () => {
    for (const cb of main.querySelectorAll('[data-pick]')) { cb.checked = all.checked; cb.dispatchEvent(new Event('change')); }
  });
  approve.addEventListener('click', async () => {
    if (!picked.size) { flash(t('regs.none'), 'error'); return; }
    if (!(await confirmDialog({ title: tf('regs.q', { n: picked.size }) }))) return;
    approve.disabled = true;
    try {
      const r = await api('POST', '/api/v1/registrations/approve', { student_ids: [...picked] });
      const n = r?.approved ?? r?.count ?? (Array.isArray(r?.items) ? r.items.filter((x) => x.ok !== false).length : picked.size);
      const skipped = Array.isArray(r?.skipped) ? r.skipped.length : Number(r?.skipped || 0);
      flash(tf('regs.done', { n: typeof n === 'number' ? n : (Array.isArray(n) ? n.length : picked.size) }) + (skipped ? ' ' + tf('regs.skipped', { n: skipped }) : ''));
      await list.reload();
    } catch (e) { flash(errorText(e), 'error'); } finally { approve.disabled = false; }
  });
  replace(main, h('section', { data: { registrations: '' } }, h('h1', {}, t('regs.title')), h('p', { class: 'muted' }, t('regs.note')),
    h('div', { class: 'toolbar' }, h('span', {}, all, ' ', h('label', { for: 'regs-all' }, t('regs.all'))), approve), list.el));
  await list.first();
}
