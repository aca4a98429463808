// views/users.js: administrators manage the users of the units below them (R3): create, disable/enable, reset password, change role.
import { api, qs } from '../api.js';
import { t, extend } from '../i18n.js';
import { h, replace } from '../dom.js';
import { state, flash, flashError, errorText, hashParams } from '../shell.js';
import { label, table, pagedList, cursorLoader, field, select, confirmDialog, tf, itemsOf, when, colon, onSubmit } from '../ui.js';
import { lengthAttrs, userRoles } from '../rules.js';

extend({
  zh: {
    'users.title': '用户管理', 'users.new': '新建用户', 'users.username': '用户名', 'users.display': '姓名或单位名称', 'users.role': '角色',
    'users.unit': '所属单位', 'users.unit_code': '单位代码（学校 10 位、行政区划 6 位）', 'users.password': '初始密码（至少 10 位，可留空由系统生成）',
    'users.create': '创建', 'users.created': '已创建用户 {name}。', 'users.disabled': '已停用', 'users.enabled': '正常',
    'users.disable': '停用', 'users.enable': '启用', 'users.reset': '重置密码', 'users.set_role': '修改角色',
    'users.reset_q': '重置 {name} 的密码？', 'users.new_password': '{name} 的新密码（只显示这一次，请转交本人并要求其登录后修改）：',
    'users.disable_q': '停用 {name}？停用后该用户无法登录。', 'users.enable_q': '启用 {name}？', 'users.saved': '已保存。', 'users.q': '用户名或姓名',
    'users.state': '状态', 'users.last_login': '最近更新', 'users.role_of': '{name} 的角色', 'users.pick_unit': '选择单位', 'users.unit_search': '查找单位（名称或代码）', 'users.find_unit': '查找',
    'users.temp_note': '创建后系统生成临时密码（只显示一次），用户首次登录须修改。',
    'users.role_q': '将 {name} 的角色由“{from}”改为“{to}”？', 'users.role_body': '修改后该用户须重新登录，权限立即按新角色生效。', 'users.role_ok': '修改 {name} 的角色',
    'users.disable_ok': '停用 {name}', 'users.enable_ok': '启用 {name}', 'users.reset_ok': '重置 {name} 的密码', 'users.reset_body': '原密码立即失效，该用户的登录会话将结束。',
    'users.disable_named': '停用 {name}', 'users.enable_named': '启用 {name}', 'users.reset_named': '重置 {name} 的密码',
  },
  en: {
    'users.title': 'Users', 'users.new': 'New user', 'users.username': 'User name', 'users.display': 'Name or unit name', 'users.role': 'Role',
    'users.unit': 'Unit', 'users.unit_code': 'Unit code (school 10 digits, division 6 digits)', 'users.password': 'Initial password (10+ characters, or empty to generate one)',
    'users.create': 'Create', 'users.created': 'User {name} created.', 'users.disabled': 'Disabled', 'users.enabled': 'Active',
    'users.disable': 'Disable', 'users.enable': 'Enable', 'users.reset': 'Reset password', 'users.set_role': 'Change role',
    'users.reset_q': 'Reset the password of {name}?', 'users.new_password': 'New password of {name} (shown only this once; hand it over and ask them to change it):',
    'users.disable_q': 'Disable {name}? They will not be able to sign in.', 'users.enable_q': 'Enable {name}?', 'users.saved': 'Saved.', 'users.q': 'User name or name',
    'users.state': 'State', 'users.last_login': 'Last updated', 'users.role_of': 'Role of {name}', 'users.pick_unit': 'Choose a unit', 'users.unit_search': 'Find a unit (name or code)', 'users.find_unit': 'Find',
    'users.temp_note': 'A temporary password is generated (shown once); the user must change it at first sign-in.',
    'users.role_q': 'Change the role of {name} from "{from}" to "{to}"?', 'users.role_body': 'They must sign in again; the new role applies at once.', 'users.role_ok': 'Change the role of {name}',
    'users.disable_ok': 'Disable {name}', 'users.enable_ok': 'Enable {name}', 'users.reset_ok': 'Reset the password of {name}', 'users.reset_body': 'The old password stops working at once and their sessions end.',
    'users.disable_named': 'Disable {name}', 'users.enable_named': 'Enable {name}', 'users.reset_named': 'Reset the password of {name}',
  },
});

/** Render #/users. @param {HTMLElement} main */
export async function render(main) {
  const p = hashParams();
  const shown = h('div', { 'aria-live': 'polite', data: { once: '' } });
  const columns = [
    { label: t('users.username'), cell: (u) => u.username },
    { label: t('users.display'), cell: (u) => u.display_name || '' },
    { label: t('users.unit'), cell: (u) => [u.unit?.name || u.unit_name, u.unit?.code || u.unit_code].filter(Boolean).join(' · ') },
    { label: t('users.role'), cell: (u) => {
      const s = select('role', userRoles().map((r) => [r, label('role', r)]), u.role);
      s.setAttribute('aria-label', tf('users.role_of', { name: u.username }));
      s.dataset.roleOf = u.username;
      // issue 11 item 12: a role change is confirmed, naming the user and both roles; cancelling puts the old role back
      s.addEventListener('change', async () => {
        const to = s.value;
        const sure = await confirmDialog({ title: tf('users.role_q', { name: u.username, from: label('role', u.role), to: label('role', to) }),
          body: t('users.role_body'), ok: tf('users.role_ok', { name: u.username }), danger: true });
        if (!sure) { s.value = u.role; return; }
        try { await api('PATCH', `/api/v1/users/${encodeURIComponent(u.id)}`, { role: to, version: u.version }); flash(t('users.saved')); await list.reload(); } catch (e) { flash(errorText(e), 'error'); s.value = u.role; }
      });
      return s;
    } },
    { label: t('users.state'), cell: (u) => h('span', { class: 'badge ' + (u.disabled ? 'bad' : 'ok') }, u.disabled ? t('users.disabled') : t('users.enabled')) },
    { label: t('users.last_login'), cell: (u) => when(u.last_login_at || u.last_seen || u.updated_at) },
    { label: t('f.actions'), cell: (u) => {
      // issue 11 item 12: destructive buttons are red and name the user (here and in their confirmation)
      const dis = h('button', { type: 'button', class: u.disabled ? '' : 'danger', 'aria-label': tf(u.disabled ? 'users.enable_named' : 'users.disable_named', { name: u.username }), data: { toggle: u.username } },
        u.disabled ? t('users.enable') : t('users.disable'));
      dis.addEventListener('click', async () => {
        if (!(await confirmDialog({ title: tf(u.disabled ? 'users.enable_q' : 'users.disable_q', { name: u.username }),
          ok: tf(u.disabled ? 'users.enable_ok' : 'users.disable_ok', { name: u.username }), danger: !u.disabled }))) return;
        try { await api('PATCH', `/api/v1/users/${encodeURIComponent(u.id)}`, { disabled: !u.disabled, version: u.version }); flash(t('users.saved')); await list.reload(); } catch (e) { flash(errorText(e), 'error'); }
      });
      const reset = h('button', { type: 'button', class: 'danger', 'aria-label': tf('users.reset_named', { name: u.username }), data: { reset: u.username } }, t('users.reset'));
      reset.addEventListener('click', async () => {
        if (!(await confirmDialog({ title: tf('users.reset_q', { name: u.username }), body: t('users.reset_body'), ok: tf('users.reset_ok', { name: u.username }), danger: true }))) return;
        try {
          const r = await api('POST', `/api/v1/users/${encodeURIComponent(u.id)}/password-reset`, {});
          // the reset changed the account (its version): redraw the rows so the next edit needs no reload
          await list.reload();
          showOnce(shown, tf('users.new_password', { name: u.username }), r?.temporary_password || r?.password || '');
        } catch (e) { flash(errorText(e), 'error'); }
      });
      return h('span', { class: 'actions' }, dis, reset);
    } },
  ];
  const list = pagedList({ load: cursorLoader('/api/v1/users', { q: p.q }), draw: (items) => table(columns, items, { caption: t('users.title'), rowAttrs: (u) => ({ data: { userRow: u.username } }) }), onError: flashError });
  const q = h('input', { type: 'search', name: 'q', value: p.q || '', ...lengthAttrs('user_search') });
  const search = h('form', { class: 'toolbar', role: 'search' }, field('us-q', t('users.q'), q), h('button', { type: 'submit' }, t('ui.search')));
  search.addEventListener('submit', (ev) => { ev.preventDefault(); location.hash = '#/users' + qs({ q: q.value.trim() }); });
  replace(main, h('section', { data: { users: '' } }, h('h1', {}, t('users.title')), await createForm(() => list.reload(), shown), shown, search, list.el));
  await list.first();
}

/** Show a secret once, selectable, with the instruction. */
function showOnce(box, text, secret) {
  replace(box, h('div', { class: 'card' }, h('p', {}, text), h('p', { class: 'once', data: { secret: '' } }, secret)));
  box.querySelector('[data-secret]').tabIndex = -1;
  box.querySelector('[data-secret]').focus();
}

/** The create form; the unit is chosen from GET /api/v1/units (the caller's jurisdiction), searched by name or code. */
async function createForm(onCreated, shown) {
  const username = h('input', { name: 'username', required: true, 'aria-required': 'true', ...lengthAttrs('username'), autocomplete: 'off', pattern: '[A-Za-z0-9._\\-]+' });
  const display = h('input', { name: 'display_name', ...lengthAttrs('display_name') });
  const role = select('role', userRoles().map((r) => [r, label('role', r)]), 'school_clerk');
  const unitQ = h('input', { type: 'search', name: 'unit_q', ...lengthAttrs('unit_search'), data: { unitSearch: '' } });
  const unit = select('unit_id', [['', t('users.pick_unit')]]);
  unit.required = true;
  async function findUnits() {
    try {
      const units = itemsOf(await api('GET', '/api/v1/units' + qs({ q: unitQ.value.trim(), limit: 200 })));
      replace(unit, h('option', { value: '' }, t('users.pick_unit')), units.map((x) => h('option', { value: String(x.id) }, `${x.name} (${x.code})`)));
      if (units.length === 1) unit.value = String(units[0].id);
    } catch (e) { flash(errorText(e), 'error'); }
  }
  const findBtn = h('button', { type: 'button', data: { unitFind: '' } }, t('users.find_unit'));
  findBtn.addEventListener('click', findUnits);
  unitQ.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); findUnits(); } });
  findUnits();
  const err = h('p', { class: 'error', role: 'alert', data: { formError: '' } });
  const form = h('form', { class: 'card', novalidate: true, data: { userForm: '' } }, h('h2', {}, t('users.new')),
    h('div', { class: 'form-grid' }, field('nu-username', t('users.username'), username), field('nu-display', t('users.display'), display),
      field('nu-role', t('users.role'), role),
      h('div', { class: 'field' }, h('label', { for: 'nu-unitq' }, t('users.unit_search')), h('span', { class: 'actions' }, Object.assign(unitQ, { id: 'nu-unitq' }), findBtn)),
      field('nu-unit', t('users.unit'), unit)),
    h('p', { class: 'muted small' }, t('users.temp_note')),
    err, h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('users.create'))));
  onSubmit(form, async () => {
    err.textContent = '';
    if (!username.value.trim()) { err.textContent = `${t('users.username')}${colon()}${t('ui.required')}`; username.focus(); return; }
    if (!unit.value) { err.textContent = t('users.pick_unit'); unit.focus(); return; }
    const body = { username: username.value.trim(), display_name: display.value.trim(), role: role.value, unit_id: Number(unit.value) };
    try {
      const r = await api('POST', '/api/v1/users', body);
      flash(tf('users.created', { name: body.username }));
      const pw = r?.temporary_password || r?.password;
      if (pw) showOnce(shown, tf('users.new_password', { name: body.username }), pw);
      form.reset();
      await onCreated();
    } catch (e) { err.textContent = errorText(e); }
  });
  return form;
}
