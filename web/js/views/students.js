// views/students.js: the school's student list (server-paged) and the form to register one student, with the ID checks shown as the clerk types (R4, R5, R8).
import { api, qs, ApiError, actionKey } from '../api.js';
import { t, extend, currentLang } from '../i18n.js';
import { h, replace } from '../dom.js';
import { state, flash, flashError, errorText, hashParams, textOf } from '../shell.js';
import { label, fact, day, table, pagedList, cursorLoader, fetchAll, exportButtons, field, select, searchForm, pick } from '../ui.js';
import { checkByType, ID_MESSAGES } from '../idcheck.js';
import { registryDay, lengthAttrs, idTypeCodes, idNumberOptional } from '../rules.js';

extend(ID_MESSAGES);
extend({
  zh: {
    'students.title': '学生名单', 'students.new': '学籍注册', 'students.q': '姓名、证件号或学籍号', 'students.register': '注册学生',
    'students.saved': '已注册：{name}（学籍号 {no}）', 'students.problem': '注意：该学生与已有学籍重复或证件号有误，已生成问题学籍，请在“问题学籍处理”中处理。',
    'students.id_birth': '证件号中的出生日期：{d}', 'students.birth_mismatch': '出生日期与证件号中的出生日期（{d}）不一致。',
    'students.fix': '请先改正标红的项目。', 'students.z_hint': '证件类型为“{type}”时证件号可以不填，学校须留存就读证明。',
    'students.future': '出生日期不能晚于今天。', 'students.before_1900': '出生日期不能早于1900年1月1日。', 'students.add_another': '继续注册下一名', 'students.unchanged': '本校已有该学生的学籍，未重复注册。',
    'students.unchanged_named': '本校已有该学生的学籍，未重复注册：{name}（学籍号 {no}）',
    'students.already_saved': '上一次提交已经保存，未重复注册；请在学生名单中查看。如要注册另一名学生，请核对表单后再提交。',
    'students.unknown_outcome': '网络中断，无法确认是否已保存。请再次点击“注册学生”：系统会识别同一次提交，不会重复注册。',
  },
  en: {
    'students.title': 'Students', 'students.new': 'Register a student', 'students.q': 'Name, ID or student number', 'students.register': 'Register',
    'students.saved': 'Registered: {name} (student number {no})', 'students.problem': 'Note: this student clashes with an existing record or has a wrong ID number; a problem record was opened — handle it under "Problem records".',
    'students.id_birth': 'Date of birth in the ID number: {d}', 'students.birth_mismatch': 'The date of birth differs from the one in the ID number ({d}).',
    'students.fix': 'Please correct the fields marked in red first.', 'students.z_hint': 'With ID type "{type}" the number may be empty; the school keeps proof of attendance.',
    'students.future': 'The date of birth cannot be in the future.', 'students.before_1900': 'The date of birth cannot be before 1 January 1900.', 'students.add_another': 'Register another', 'students.unchanged': 'Your school already holds this student; nothing was registered twice.',
    'students.unchanged_named': 'Your school already holds this student; nothing was registered twice: {name} (student number {no})',
    'students.already_saved': 'The previous submission was saved; nothing was registered twice. See the student list. To register another student, check the form and submit again.',
    'students.unknown_outcome': 'The connection broke and it is not known whether the record was saved. Click "Register" again: the system recognises the same submission and never registers twice.',
  },
});

const tf = (k, v) => t(k).replace(/\{(\w+)\}/g, (_, x) => String(v?.[x] ?? ''));

/** Registration forms made on this page so far (each its own Idempotency-Key). */
let forms = 0;

/** Render #/students or #/students/new. @param {HTMLElement} main @param {string[]} rest */
export async function render(main, rest) {
  if (rest[0] === 'new') return renderForm(main);
  const p = hashParams();
  const status = select('status', [['', t('f.all')], ...['pending', 'formal', 'problem', 'deleted'].map((s) => [s, label('sstatus', s)])], p.status || '');
  // issue 13 item 1: one box (name beginning, ID or student number), school (county and above), county (city and above),
  // with status, gender and birth date; the server searches within the jurisdiction, each on an index, paged by cursor
  const form = searchForm('#/students', p, state.user, 'sf', [
    { name: 'status', label: t('f.status'), input: status },
    { name: 'gender', label: t('f.gender'), input: select('gender', [['', t('f.all')], ['M', t('gender.M')], ['F', t('gender.F')]]) },
    { name: 'birth_date', label: t('f.birth_date'), input: h('input', { type: 'date', name: 'birth_date', min: '1900-01-01' }) }]);
  const params = pick(p, ['q', 'school', 'county', 'status', 'gender', 'birth_date']);
  const columns = [
    { label: t('f.student_no'), cell: (s) => s.student_no || '' }, { label: t('f.name'), cell: (s) => s.name || '' },
    { label: t('f.gender'), cell: (s) => label('gender', s.gender) }, { label: t('f.birth_date'), cell: (s) => day(s.birth_date) },
    { label: t('f.id_type'), cell: (s) => label('idtype', s.id_type) }, { label: t('f.id_number'), cell: (s) => fact(s, 'id_number') },
    { label: t('f.grade'), cell: (s) => [s.grade, s.class_name].filter(Boolean).join(' ') }, { label: t('f.status'), cell: (s) => label('sstatus', s.status) },
  ];
  const list = pagedList({ load: cursorLoader('/api/v1/students', params), draw: (items) => table(columns, items, { rowAttrs: (s) => ({ data: { studentRow: s.id } }) }), onError: flashError });
  const exp = exportButtons({ filename: 'students', fetch: () => fetchAll('/api/v1/students', params), columns: columns.map((c) => ({ label: c.label, value: (s) => { const v = c.cell(s); return v instanceof Node ? v.textContent : v; } })) }, flashError);
  const actions = state.user.role === 'school_clerk' ? h('p', { class: 'actions' }, h('a', { class: 'button', href: '#/students/new' }, t('students.new')), h('a', { class: 'button', href: '#/import' }, t('nav.import'))) : null;
  replace(main, h('section', { data: { students: '' } }, h('h1', {}, t('students.title')), actions, form, h('div', { class: 'toolbar' }, exp), list.el));
  await list.first();
}

/** The registration form: R8 checks as the clerk types; the server checks again and answers field errors. */
function renderForm(main) {
  const f = {
    name: h('input', { name: 'name', required: true, 'aria-required': 'true', ...lengthAttrs('student_name'), autocomplete: 'off' }),
    gender: select('gender', [['', '—'], ['M', t('gender.M')], ['F', t('gender.F')]]),
    birth_date: h('input', { name: 'birth_date', type: 'date', required: true, 'aria-required': 'true', min: '1900-01-01', max: registryDay() }),
    id_type: select('id_type', idTypeCodes().map((c) => [c, label('idtype', c)]), '1'),
    id_number: h('input', { name: 'id_number', ...lengthAttrs('student_id_number'), autocomplete: 'off', spellcheck: 'false', inputmode: 'text' }),
    grade: h('input', { name: 'grade', ...lengthAttrs('student_grade') }),
    class_name: h('input', { name: 'class_name', ...lengthAttrs('student_class_name') }),
    enrol_date: h('input', { name: 'enrol_date', type: 'date' }),
    guardian_name: h('input', { name: 'guardian_name', ...lengthAttrs('student_guardian_name'), autocomplete: 'off' }),
    guardian_phone: h('input', { name: 'guardian_phone', type: 'tel', ...lengthAttrs('student_guardian_phone'), autocomplete: 'off' }),
  };
  f.gender.required = true;
  f.gender.setAttribute('aria-required', 'true');
  const idHint = h('p', { class: 'hint', id: 'reg-id-hint', 'aria-live': 'polite', data: { idHint: '' } });
  const birthHint = h('p', { class: 'hint', id: 'reg-birth-hint', 'aria-live': 'polite', data: { birthHint: '' } });
  f.id_number.setAttribute('aria-describedby', 'reg-id-hint');
  f.birth_date.setAttribute('aria-describedby', 'reg-birth-hint');
  const err = h('p', { class: 'error', role: 'alert', data: { formError: '' } });
  const result = h('div', { 'aria-live': 'polite', data: { result: '' } });

  /** Check the ID number (and its date and gender against the form) now; returns the verdict. */
  function checkId() {
    const v = f.id_number.value;
    const type = f.id_type.value;
    const r = checkByType(type, v, /** @type {any} */ (f.gender.value), registryDay());
    let ok = r.code === 'ok';
    // a type whose number may be empty (the rules' id_types: "other") says what the school keeps instead
    const optional = idNumberOptional(type);
    if (!v && !optional) { idHint.textContent = type === '1' ? t('id.id_empty') : ''; idHint.className = 'hint'; f.id_number.removeAttribute('aria-invalid'); return { ...r, code: 'id_empty' }; }
    idHint.textContent = optional && !v ? tf('students.z_hint', { type: label('idtype', type) }) : t('id.' + r.code);
    idHint.className = 'hint ' + (ok ? 'ok' : 'bad');
    if (ok) f.id_number.removeAttribute('aria-invalid'); else f.id_number.setAttribute('aria-invalid', 'true');
    // birth date: fill it from the ID when empty, warn when it differs (R8: an impossible or clashing date is an error)
    birthHint.textContent = '';
    birthHint.className = 'hint';
    f.birth_date.removeAttribute('aria-invalid');
    if (r.birth) {
      if (!f.birth_date.value) f.birth_date.value = r.birth;
      if (f.birth_date.value !== r.birth) {
        birthHint.textContent = tf('students.birth_mismatch', { d: r.birth });
        birthHint.className = 'hint bad';
        f.birth_date.setAttribute('aria-invalid', 'true');
        ok = false;
      } else {
        birthHint.textContent = tf('students.id_birth', { d: r.birth });
        birthHint.className = 'hint ok';
      }
    }
    if (f.birth_date.value && (f.birth_date.value > registryDay() || f.birth_date.value < '1900-01-01')) {
      // R8.2: nobody is born after today or before 1900 (the record's own date, like the one in the ID number)
      birthHint.textContent = t(f.birth_date.value < '1900-01-01' ? 'students.before_1900' : 'students.future');
      birthHint.className = 'hint bad';
      f.birth_date.setAttribute('aria-invalid', 'true');
    }
    return r;
  }
  for (const k of ['id_number', 'id_type', 'gender', 'birth_date']) f[k].addEventListener('input', checkId);
  f.id_type.addEventListener('change', checkId);
  f.gender.addEventListener('change', checkId);

  const submit = h('button', { type: 'submit', class: 'primary' }, t('students.register'));
  const form = h('form', { class: 'card', novalidate: true, data: { registerForm: '' } },
    h('div', { class: 'form-grid' },
      field('reg-name', `${t('f.name')}（${t('ui.required')}）`, f.name),
      field('reg-gender', `${t('f.gender')}（${t('ui.required')}）`, f.gender),
      field('reg-idtype', t('f.id_type'), f.id_type),
      field('reg-idno', t('f.id_number'), f.id_number, idHint),
      field('reg-birth', `${t('f.birth_date')}（${t('ui.required')}）`, f.birth_date, birthHint),
      field('reg-grade', t('f.grade'), f.grade),
      field('reg-class', t('f.class_name'), f.class_name),
      field('reg-enrol', t('f.enrol_date'), f.enrol_date),
      field('reg-guardian', t('f.guardian_name'), f.guardian_name),
      field('reg-phone', t('f.guardian_phone'), f.guardian_phone)),
    err, h('div', { class: 'actions' }, submit));
  // one Idempotency-Key per form instance (issue 11 item 2): a second click or a retry after a lost answer replays the
  // first result; a new key only once the form has been cleared after a success. Made by api.js actionKey (the one
  // maker of keys: the page's own prefix), the target being this page's n-th registration form.
  const newKey = () => actionKey(`reg${++forms}`, {});
  let formKey = newKey();
  form.dataset.formKey = formKey;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    err.textContent = '';
    for (const k of ['name', 'gender', 'birth_date']) {
      if (!f[k].value.trim()) f[k].setAttribute('aria-invalid', 'true'); else f[k].removeAttribute('aria-invalid');
    }
    const r = checkId();
    const bad = form.querySelector('[aria-invalid="true"]');
    if (bad || (r.code !== 'ok' && !(idNumberOptional(f.id_type.value) && !f.id_number.value))) {
      err.textContent = t('students.fix');
      (bad || f.id_number).focus();
      return;
    }
    const body = { name: f.name.value.trim(), gender: f.gender.value, birth_date: f.birth_date.value, id_type: f.id_type.value };
    const idn = r.normalized || f.id_number.value.trim();
    if (idn) body.id_number = idn;
    for (const k of ['grade', 'class_name', 'enrol_date', 'guardian_name', 'guardian_phone']) if (f[k].value.trim()) body[k] = f[k].value.trim();
    submit.disabled = true;
    try {
      // answer: Outcome {status, student_id, student_no, problems: [{group_id, type}], warnings} (registry)
      const s = await api('POST', '/api/v1/students', body, { headers: { 'idempotency-key': formKey } });
      const st = s?.student || { ...s, id: s?.student_id ?? s?.id };
      // done: the form is cleared for the next student (a new key), and says what was created
      form.reset();
      f.id_type.value = '1';
      for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
      idHint.textContent = ''; birthHint.textContent = '';
      formKey = newKey();
      form.dataset.formKey = formKey;
      const unchanged = s?.status === 'unchanged';
      const what = unchanged ? tf('students.unchanged_named', { name: st.name || body.name, no: st.student_no || '' })
        : tf('students.saved', { name: st.name || body.name, no: st.student_no || '' });
      flash(what);
      const problems = s?.problems || s?.groups || [];
      const warnings = s?.warnings || [];
      const again = h('button', { type: 'button', class: 'primary', data: { again: '' } }, t('students.add_another'));
      again.addEventListener('click', () => { replace(result); f.name.focus(); });
      const heading = h('h2', { tabindex: '-1', data: { registeredWhat: '' } }, what);
      replace(result, h('div', { class: 'card', data: { registered: st.id ?? '', registeredStatus: s?.status || '' } },
        heading,
        h('dl', { class: 'facts' },
          h('dt', {}, t('f.name')), h('dd', {}, st.name || body.name),
          h('dt', {}, t('f.student_no')), h('dd', { data: { registeredNo: '' } }, st.student_no || ''),
          h('dt', {}, t('f.status')), h('dd', {}, label('sstatus', st.status || (problems.length ? 'problem' : 'pending')))),
        warnings.map((w) => h('p', { class: 'hint warn' }, textOf(w) || w.code)),
        problems.length ? h('p', { class: 'reject', data: { registeredProblem: '' } }, t('students.problem'), ' ',
          problems.map((g) => h('a', { href: `#/groups/${encodeURIComponent(g.group_id ?? g.id)}`, data: { problemLink: g.group_id ?? g.id } }, `${label('type', g.type)} #${g.group_id ?? g.id} `))) : null,
        again));
      heading.focus();
    } catch (e) {
      if (e instanceof ApiError && e.detail.reason === 'idempotency_key_reused') {
        // the earlier submission of this form was stored (its answer was lost) and the form was edited since
        formKey = newKey();
        form.dataset.formKey = formKey;
        err.textContent = t('students.already_saved');
      } else if (e instanceof ApiError && (e.code === 'network' || e.status >= 500)) {
        err.textContent = t('students.unknown_outcome'); // the same key: clicking again answers the first result
      } else {
        err.textContent = errorText(e);
        const fld = e?.field && f[e.field];
        if (fld) { fld.setAttribute('aria-invalid', 'true'); fld.focus(); }
      }
    } finally {
      submit.disabled = false;
    }
  });
  replace(main, h('section', { data: { studentNew: '' } }, h('h1', {}, t('students.new')), form, result));
}
