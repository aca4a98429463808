// views/suspects.js: suspected duplicates (疑似重复, R31) for the county (pairs within it) or the common superior (R2):
// the list, each pair's explanation field by field and both records side by side, and the decision.
import { api } from '../api.js';
import { t, extend, currentLang } from '../i18n.js';
import { h, replace } from '../dom.js';
import { flash, errorText } from '../shell.js';
import { label, cursorLoader, pagedList, confirmDialog, tf, focusHeading } from '../ui.js';
import { lengthAttrs } from '../rules.js';

extend({
  zh: {
    'sx.title': '疑似重复', 'sx.note': '以下两条学籍没有被全国查重规则判为重复，但很可能是同一学生（姓名繁简、同音、错字，出生日期日月颠倒等）。这只是提示，不会阻止任何学籍；请逐对判断。',
    'sx.pair': '疑似重复 #{id}', 'sx.score': '相似度', 'sx.why': '判断依据', 'sx.record': '记录 {n}',
    'sx.same': '是同一学生', 'sx.different': '不是同一学生', 'sx.reason': '说明（可选）',
    'sx.q_same': '确认两条记录是同一学生？将建立疑似重复问题组，由学校处理，只保留一条。', 'sx.q_different': '确认是不同学生？除非比对的信息改变，此对不再提示。',
    'sx.done_same': '已建立问题组 #{id}。', 'sx.done_different': '已记录为不同学生。', 'sx.group': '问题组 #{id}',
    'sx.state': '状态', 'sxstate.open': '待判断', 'sxstate.same_child': '同一学生', 'sxstate.different': '不同学生',
    'sx.show': '显示', 'sx.f.name': '姓名', 'sx.f.gender': '性别', 'sx.f.birth_date': '出生日期', 'sx.f.id': '证件', 'sx.f.school': '学校',
    'sx.f.county': '区县', 'sx.f.guardian_name': '监护人姓名', 'sx.f.guardian_phone': '监护人电话', 'sx.f.student_no': '学籍号', 'sx.f.status': '学籍状态', 'sx.f.class': '年级班级',
  },
  en: {
    'sx.title': 'Suspected duplicates', 'sx.note': 'No national duplicate rule joins these two records, but they are probably the same child (traditional or variant characters, same sound, a typo, day and month swapped…). This is advice only and never blocks a record; please decide each pair.',
    'sx.pair': 'Suspected pair #{id}', 'sx.score': 'Similarity', 'sx.why': 'Why', 'sx.record': 'Record {n}',
    'sx.same': 'Same child', 'sx.different': 'Different children', 'sx.reason': 'Note (optional)',
    'sx.q_same': 'Are the two records the same child? A suspected-duplicate group opens; the schools keep one record.', 'sx.q_different': 'Different children? The pair is not suggested again unless a compared field changes.',
    'sx.done_same': 'Group #{id} opened.', 'sx.done_different': 'Recorded as different children.', 'sx.group': 'Group #{id}',
    'sx.state': 'State', 'sxstate.open': 'To decide', 'sxstate.same_child': 'Same child', 'sxstate.different': 'Different children',
    'sx.show': 'Show', 'sx.f.name': 'Name', 'sx.f.gender': 'Gender', 'sx.f.birth_date': 'Date of birth', 'sx.f.id': 'ID', 'sx.f.school': 'School',
    'sx.f.county': 'County', 'sx.f.guardian_name': 'Guardian name', 'sx.f.guardian_phone': 'Guardian phone', 'sx.f.student_no': 'Student number', 'sx.f.status': 'Status', 'sx.f.class': 'Grade and class',
  },
});

/** @typedef {{student_id: number, student_no: string, name: string, gender: string, birth_date: string, id_type: string,
 *  id_number_masked: string|null, status: string, grade: string, class_name: string, school: {code: string, name: string},
 *  county: {code: string, name: string}, guardian_name_masked?: string, guardian_phone_masked?: string}} SxRecord */
/** @typedef {{id: number, score: number, kind: string, state: string, version: number, group_id: number|null,
 *  explanation: {field: string, rule: string, zh: string, en: string}[], records: SxRecord[]}} SxPair */

/** The rows compared side by side, each with the explanation's field it shows (issue 17 item 3: the guardian the score
 * compares, masked by the service). @type {[string, (r: SxRecord) => string, string|null][]} */
const ROWS = [
  ['sx.f.name', (r) => r.name, 'name'], ['sx.f.gender', (r) => label('gender', r.gender), 'gender'], ['sx.f.birth_date', (r) => r.birth_date, 'birth_date'],
  ['sx.f.id', (r) => `${label('idtype', r.id_type)} ${r.id_number_masked ?? ''}`.trim(), 'id_number'], ['sx.f.school', (r) => r.school?.name ?? '', 'school'],
  ['sx.f.county', (r) => r.county?.name ?? r.county?.code ?? '', null], ['sx.f.guardian_name', (r) => r.guardian_name_masked ?? '', 'guardian_name'],
  ['sx.f.guardian_phone', (r) => r.guardian_phone_masked ?? '', 'guardian_phone'], ['sx.f.class', (r) => `${r.grade ?? ''} ${r.class_name ?? ''}`.trim(), null],
  ['sx.f.student_no', (r) => r.student_no, null], ['sx.f.status', (r) => label('sstatus', r.status), null],
];
const ROW_FIELDS = new Set(ROWS.map((x) => x[2]).filter(Boolean));

/** One pair: why (in the screen's language), both records side by side, the decision. @param {SxPair} p @param {() => Promise<void>} reload */
function pairCard(p, reload) {
  const en = currentLang() === 'en';
  const text = (x) => (en ? x.en : x.zh);
  const ex = p.explanation || [];
  // the explanation beside the field it is about; what belongs to no row (the score's own rules) below the table
  const why = h('ul', { class: 'plain', data: { sxWhy: p.id } }, ex.filter((x) => !ROW_FIELDS.has(x.field)).map((x) => h('li', { data: { sxRule: x.rule } }, text(x))));
  const side = h('div', { class: 'tablewrap' }, h('table', { data: { sxCompare: p.id } },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, ''), p.records.map((_, i) => h('th', { scope: 'col' }, tf('sx.record', { n: i + 1 }))),
      h('th', { scope: 'col' }, t('sx.why')))),
    h('tbody', {}, ROWS.map(([k, f, field]) => {
      const vals = p.records.map((r) => String(f(r) ?? ''));
      const mine = field ? ex.filter((x) => x.field === field) : [];
      const differs = mine.length ? mine.some((x) => x.rule !== 'same') : vals[0] !== vals[1];
      return h('tr', { class: differs ? 'differs' : null, data: { sxRow: field || k } }, h('th', { scope: 'row' }, t(k)), vals.map((v) => h('td', {}, v)),
        h('td', { data: { sxWhyField: field || '' } }, mine.map((x) => h('span', { class: 'why', data: { sxRule: x.rule } }, text(x), ' '))));
    }))));
  const err = h('p', { class: 'error', role: 'alert', data: { formError: '' } });
  const rid = `sx-reason-${p.id}`;
  const reason = h('input', { id: rid, name: 'reason', ...lengthAttrs('suspect_reason') });
  const button = (decision, cls) => {
    const b = h('button', { type: 'button', class: cls, data: { sxDecide: decision } }, t(decision === 'same_child' ? 'sx.same' : 'sx.different'));
    b.addEventListener('click', async () => {
      err.textContent = '';
      if (!(await confirmDialog({ title: t(decision === 'same_child' ? 'sx.q_same' : 'sx.q_different') }))) return;
      b.disabled = true;
      try {
        const body = { decision, expected_version: p.version };
        if (reason.value.trim()) body.reason = reason.value.trim();
        const r = await api('POST', `/api/v1/suspects/${encodeURIComponent(p.id)}/decision`, body);
        flash(decision === 'same_child' ? tf('sx.done_same', { id: r.group_id }) : t('sx.done_different'));
        await reload();
      } catch (e) {
        if (e?.status === 409) {
          // R31: decided by someone else, or changed meanwhile (409 already_decided, version_conflict…): the list is read
          // again so that the card shows the pair as it now is (gone from the open list, or with its new version), and
          // the service's words are said; before, the card kept offering both decisions
          try { await reload(); } catch (e2) { flash(errorText(e2), 'error'); return; }
          flash(errorText(e), 'error');
          return;
        }
        err.textContent = errorText(e); b.disabled = false;
      }
    });
    return b;
  };
  const decide = p.state === 'open'
    ? h('div', { class: 'actions' }, h('label', { for: rid }, t('sx.reason')), reason, button('same_child', 'primary'), button('different', ''), err)
    : h('p', { data: { sxDecided: p.state } }, label('sxstate', p.state), ' ',
      p.group_id ? h('a', { href: `#/groups/${encodeURIComponent(p.group_id)}` }, tf('sx.group', { id: p.group_id })) : null);
  return h('section', { class: 'card', data: { sxPair: p.id, sxKind: p.kind } },
    h('h2', {}, tf('sx.pair', { id: p.id }), ' ', h('span', { class: 'muted' }, `${t('sx.score')} ${Math.round(p.score * 100)}%`)),
    h('h3', {}, t('sx.why')), side, why, decide);
}

/** Render #/suspects (?state=open|same_child|different). @param {HTMLElement} main @param {string[]} rest */
export async function render(main, rest) {
  const state = ['open', 'same_child', 'different'].includes(rest[0]) ? rest[0] : 'open';
  const tabs = h('p', { class: 'tabs', data: { sxTabs: '' } }, t('sx.show'), ' ', ['open', 'same_child', 'different'].flatMap((s) => [
    h('a', { href: `#/suspects/${s}`, 'aria-current': s === state ? 'page' : null, data: { sxTab: s } }, label('sxstate', s)), ' ']));
  let list;
  const reload = async () => { await list.first(); };
  list = pagedList({
    load: cursorLoader('/api/v1/suspects', { state }),
    draw: (items) => h('div', { data: { sxList: state } }, items.map((p) => pairCard(p, reload))),
    onError: (e) => flash(errorText(e), 'error'),
  });
  replace(main, h('section', { data: { suspects: '' } }, h('h1', {}, t('sx.title')), h('p', { class: 'muted' }, t('sx.note')), tabs, list.el));
  await list.first();
  focusHeading(main);
}
