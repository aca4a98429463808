// views/account.js: change one's own password (PUT /api/v1/session/password).
import { api } from '../api.js';
import { t, extend } from '../i18n.js';
import { h, replace } from '../dom.js';
import { flash, errorText, state } from '../shell.js';
import { field, onSubmit } from '../ui.js';

extend({
  zh: { 'acct.title': '修改密码', 'acct.old': '当前密码', 'acct.new': '新密码（至少 8 位）', 'acct.again': '再次输入新密码', 'acct.save': '保存', 'acct.mismatch': '两次输入的新密码不一致。', 'acct.short': '新密码至少 8 位。', 'acct.saved': '密码已修改。', 'acct.must': '管理员为您设置了临时密码，请先修改密码再继续使用。' },
  en: { 'acct.title': 'Change password', 'acct.old': 'Current password', 'acct.new': 'New password (8+ characters)', 'acct.again': 'New password again', 'acct.save': 'Save', 'acct.mismatch': 'The new passwords differ.', 'acct.short': 'The new password needs 8+ characters.', 'acct.saved': 'Password changed.', 'acct.must': 'An administrator set a temporary password: please change it before you go on.' },
});

/** Render #/account. @param {HTMLElement} main */
export async function render(main) {
  const old = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const nw = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: 8 });
  const again = h('input', { type: 'password', autocomplete: 'new-password', required: true });
  const err = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'card login', novalidate: true }, field('acct-old', t('acct.old'), old), field('acct-new', t('acct.new'), nw),
    field('acct-again', t('acct.again'), again), err, h('button', { type: 'submit', class: 'primary' }, t('acct.save')));
  onSubmit(form, async () => {
    err.textContent = '';
    if (nw.value.length < 8) { err.textContent = t('acct.short'); nw.focus(); return; }
    if (nw.value !== again.value) { err.textContent = t('acct.mismatch'); again.focus(); return; }
    try {
      await api('PUT', '/api/v1/session/password', { old_password: old.value, new_password: nw.value });
      flash(t('acct.saved'));
      form.reset();
      if (state.user) state.user.must_change_password = false;
    } catch (e) { err.textContent = errorText(e); }
  });
  replace(main, h('section', { data: { account: '' } }, h('h1', {}, t('acct.title')),
    state.user?.must_change_password ? h('p', { class: 'reject', data: { mustChange: '' } }, t('acct.must')) : null, form));
}
