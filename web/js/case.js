// case.js: the pieces of a problem group every screen that shows one shares (the group page, arbitration, the problem
// list): whose record a member is, its allowed actions, the side-by-side comparison of the records (R26-R28) and the
// evidence a member cited. Not a view: views import it, never each other.
import { t, extend } from './i18n.js';
import { h } from './dom.js';
import { state, textOf } from './shell.js';
import { label, fact, day, dueCell } from './ui.js';

extend({
  zh: { 'group.compare': '组内学籍对比', 'group.differs': '与其他记录不同', 'group.mine': '本校', 'group.other': '其他学校', 'group.record': '记录 {n}', 'group.member_state': '处理状态',
    'group.evidence_other': '其他学校的证明材料只由其主管部门和仲裁部门查看。' },
  en: { 'group.compare': 'Records compared', 'group.differs': 'differs from the other records', 'group.mine': 'My school', 'group.other': 'Other school', 'group.record': 'Record {n}', 'group.member_state': 'Handling state',
    'group.evidence_other': 'Another school\'s evidence is seen only by its bureau and the arbitrator.' },
});

const tf = (k, v) => t(k).replace(/\{(\w+)\}/g, (_, x) => String(v?.[x] ?? ''));

/** The facts compared side by side (R26); enrolment date, grade and class decide where a child really studies (issue 11 item 8). */
const FACTS = ['school', 'county', 'name', 'gender', 'birth_date', 'id_type', 'id_number', 'student_no', 'enrol_date', 'grade', 'class_name'];

/** Text of one fact for display. */
export function factText(m, k) {
  const v = fact(m, k);
  if (k === 'gender') return label('gender', v);
  if (k === 'id_type') return label('idtype', v);
  if (k === 'birth_date' || k === 'enrol_date') return day(v);
  return String(v ?? '');
}

/** What is wrong with an ID-error record ({code, message, message_en}, R8.2/R10), or null. @param {any} m */
export function idProblem(m) {
  return m?.id_problem || m?.student?.id_problem || null;
}

/** Whether a member is the signed-in user's own school's (or jurisdiction's) record: the service's `mine` when it sends it (R26), else by school. @param {any} m */
export function isMine(m) {
  const u = state.user;
  if (m.mine !== undefined) return !!m.mine;
  if (!u?.unit) return false;
  const sid = m.school_id ?? m.student?.school_id ?? m.school?.id;
  if (sid !== undefined && sid !== null) return Number(sid) === Number(u.unit.id);
  return !!m.school?.code && m.school.code === u.unit.code;
}

/** Whether the signed-in user works at a school (R26: sees other schools' records as short facts only). */
export function atSchool() {
  return /^school_/.test(state.user?.role || '');
}

/**
 * Whose record a member is, from the viewer's side (issue 11 item 8): "本校" / "其他学校" for a school, the school's
 * name for a bureau (to whom every record is some school's).
 */
export function sideLabel(m) {
  if (atSchool()) return isMine(m) ? t('group.mine') : t('group.other');
  return String(factText(m, 'school') || t('group.other'));
}

/** Allowed actions of a member as names (the API may list strings or {action}). */
export function allowed(m) {
  return (m.allowed_actions || []).map((a) => (typeof a === 'string' ? a : a.action)).filter(Boolean);
}

/**
 * The comparison table: one column per record, one row per fact, differing values marked (colour and "≠").
 * @param {any[]} members
 */
export function compareTable(members) {
  const head = h('tr', {}, h('th', { scope: 'col' }, ''), members.map((m, i) =>
    h('th', { scope: 'col', class: isMine(m) ? 'mine' : '' }, tf('group.record', { n: i + 1 }), ' ',
      h('span', { class: 'badge' + (atSchool() && isMine(m) ? ' ok' : ''), data: { side: '' } }, sideLabel(m)))));
  const rows = FACTS.map((k) => {
    const vals = members.map((m) => factText(m, k));
    const shown = vals.filter((v) => v !== '');
    // a masked ID number (outside the caller's jurisdiction: 130102********6706) equals one that fits its visible characters
    const same = (a, b) => a === b || (a.length === b.length && (a.includes('*') || b.includes('*')) && [...a].every((c, i) => c === '*' || b[i] === '*' || c === b[i]));
    const differs = shown.some((a) => shown.some((b) => !same(a, b)));
    return h('tr', { data: { fact: k } }, h('th', { scope: 'row' }, t('f.' + k)), vals.map((v) => {
      return h('td', { class: differs ? 'diff' : '', data: differs ? { diff: '' } : {} }, v,
        differs ? h('span', { 'aria-hidden': 'true' }, ' ≠') : null, differs ? h('span', { class: 'sr-only' }, `（${t('group.differs')}）`) : null);
    }));
  });
  // R8.2/R10 (issue 11 item 6): what is wrong with an ID error, in words; R11: the register's new number beside the old one
  const extra = [];
  if (members.some((m) => idProblem(m))) {
    extra.push(h('tr', { data: { fact: 'id_problem' } }, h('th', { scope: 'row' }, t('f.id_problem')), members.map((m) =>
      h('td', { class: idProblem(m) ? 'diff' : '', data: { idProblem: idProblem(m)?.code || '' } }, textOf(idProblem(m))))));
  }
  if (members.some((m) => fact(m, 'register_id_number'))) {
    extra.push(h('tr', { data: { fact: 'register_id_number' } }, h('th', { scope: 'row' }, t('f.register_id_number')), members.map((m) =>
      h('td', { class: fact(m, 'register_id_number') ? 'diff' : '', data: { registerIdNumber: fact(m, 'register_id_number') } },
        String(fact(m, 'register_id_number') || '')))));
  }
  const stateRow = h('tr', {}, h('th', { scope: 'row' }, t('group.member_state')), members.map((m) =>
    h('td', { data: { memberState: m.state } }, label('mstate', m.state), m.handling ? ` · ${label('handling', m.handling)}` : '')));
  const dueRow = h('tr', {}, h('th', { scope: 'row' }, t('f.due')), members.map((m) => h('td', {}, dueCell(m))));
  return h('div', { class: 'tablewrap' }, h('table', { class: 'compare-table', data: { compare: '' } },
    h('caption', { class: 'sr-only' }, t('group.compare')), h('thead', {}, head), h('tbody', {}, rows, extra, stateRow, dueRow)));
}

/**
 * Evidence ids a member's latest submission cited (R25: the history keeps them), or its own list when the API gives one.
 * @param {any} m @param {any[]} history
 */
export function memberEvidence(m, history) {
  // R26: a school sees another school's record as short facts only, not its evidence (the service answers 404 for it)
  if (atSchool() && !isMine(m)) return [];
  if (Array.isArray(m.evidence) && m.evidence.length) return m.evidence;
  const ev = (history || []).filter((e) => String(e.member_id) === String(m.id) && (e.evidence_ids || []).length);
  return ev.length ? ev[ev.length - 1].evidence_ids : [];
}

