// views/credentials.js: a province administrator's API credentials for the provincial system (R29): create (secret shown once), revoke, last used.
import { api } from '../api.js';
import { t, extend } from '../i18n.js';
import { h, replace } from '../dom.js';
import { flash, flashError, errorText } from '../shell.js';
import { table, pagedList, cursorLoader, when, confirmDialog, tf, field, colon, onSubmit } from '../ui.js';
import { lengthAttrs } from '../rules.js';

extend({
  zh: {
    'cred.title': '省级接口凭据', 'cred.note': '省级学籍系统使用凭据调用本系统接口（Authorization: Bearer …）。凭据只在创建时显示一次，请妥善保存。',
    'cred.name': '用途说明', 'cred.create': '创建凭据', 'cred.created': '新凭据（只显示这一次，请立即复制保存）：', 'cred.prefix': '凭据前缀',
    'cred.created_at': '创建时间', 'cred.last_used': '最近使用', 'cred.revoked': '已吊销', 'cred.active': '有效', 'cred.revoke': '吊销',
    'cred.revoke_q': '吊销凭据“{name}”？使用它的省级系统将立即无法访问。', 'cred.revoked_ok': '凭据已吊销。', 'cred.never': '从未使用', 'cred.state': '状态',
    'cred.copy': '复制', 'cred.revoke_ok': '吊销“{name}”', 'cred.revoke_named': '吊销凭据“{name}”',
  },
  en: {
    'cred.title': 'Provincial API credentials', 'cred.note': 'The provincial registry system calls this system\'s API with a credential (Authorization: Bearer …). The secret is shown only when created; keep it safe.',
    'cred.name': 'Purpose', 'cred.create': 'Create credential', 'cred.created': 'New credential (shown only this once; copy it now):', 'cred.prefix': 'Prefix',
    'cred.created_at': 'Created', 'cred.last_used': 'Last used', 'cred.revoked': 'Revoked', 'cred.active': 'Active', 'cred.revoke': 'Revoke',
    'cred.revoke_q': 'Revoke credential "{name}"? The provincial system using it loses access at once.', 'cred.revoked_ok': 'Credential revoked.', 'cred.never': 'Never', 'cred.state': 'State',
    'cred.copy': 'Copy', 'cred.revoke_ok': 'Revoke "{name}"', 'cred.revoke_named': 'Revoke credential "{name}"',
  },
});

/** Render #/credentials. @param {HTMLElement} main */
export async function render(main) {
  const once = h('div', { 'aria-live': 'assertive', data: { once: '' } });
  const columns = [
    { label: t('cred.name'), cell: (c) => c.name || c.label || '' },
    { label: t('cred.prefix'), cell: (c) => c.prefix || c.token_prefix || '' },
    { label: t('cred.created_at'), cell: (c) => when(c.created_at) },
    { label: t('cred.last_used'), cell: (c) => (c.last_used_at ? when(c.last_used_at) : t('cred.never')) },
    { label: t('cred.state'), cell: (c) => h('span', { class: 'badge ' + (c.revoked_at ? 'bad' : 'ok') }, c.revoked_at ? `${t('cred.revoked')} ${when(c.revoked_at)}` : t('cred.active')) },
    { label: t('f.actions'), cell: (c) => {
      if (c.revoked_at) return '';
      const b = h('button', { type: 'button', class: 'danger', 'aria-label': tf('cred.revoke_named', { name: c.name || c.id }), data: { revoke: c.id } }, t('cred.revoke'));
      b.addEventListener('click', async () => {
        if (!(await confirmDialog({ title: tf('cred.revoke_q', { name: c.name || c.id }), ok: tf('cred.revoke_ok', { name: c.name || c.id }), danger: true }))) return;
        try { await api('DELETE', `/api/v1/credentials/${encodeURIComponent(c.id)}`); flash(t('cred.revoked_ok')); await list.reload(); } catch (e) { flash(errorText(e), 'error'); }
      });
      return b;
    } },
  ];
  // R30: a province's credentials page by the server's cursor like every list (before, only the first page was read and
  // a credential past it could not be seen or revoked here)
  const list = pagedList({ load: cursorLoader('/api/v1/credentials'), onError: flashError,
    draw: (items) => table(columns, items, { caption: t('cred.title'), rowAttrs: (c) => ({ data: { credRow: c.id } }) }) });
  const name = h('input', { name: 'name', required: true, 'aria-required': 'true', ...lengthAttrs('credential_name') });
  const err = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'card', novalidate: true, data: { credForm: '' } }, field('cred-name', t('cred.name'), name), err,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('cred.create'))));
  onSubmit(form, async () => {
    err.textContent = '';
    if (!name.value.trim()) { err.textContent = `${t('cred.name')}${colon()}${t('ui.required')}`; name.focus(); return; }
    try {
      const r = await api('POST', '/api/v1/credentials', { name: name.value.trim() });
      const secret = r?.token || r?.secret || r?.credential || '';
      const copy = h('button', { type: 'button' }, t('cred.copy'));
      copy.addEventListener('click', () => navigator.clipboard?.writeText(secret).catch(() => {}));
      replace(once, h('div', { class: 'card' }, h('p', {}, t('cred.created')), h('p', { class: 'once', tabindex: '-1', data: { secret: '' } }, secret), copy));
      once.querySelector('[data-secret]').focus();
      form.reset();
      await list.first();
    } catch (e) { err.textContent = errorText(e); }
  });
  replace(main, h('section', { data: { credentials: '' } }, h('h1', {}, t('cred.title')), h('p', { class: 'muted' }, t('cred.note')), form, once, list.el));
  await list.first().catch(flashError);
}
