// views/security.js: administrators read the security log of their jurisdiction (GET /api/v1/security-log, R3; issue 11
// item 12): sign-ins and their failures, sign-outs, password changes and resets, account and credential changes, denied
// requests, newest first, filtered by event. Never a password or token (the service keeps none).
import { t, extend } from '../i18n.js';
import { h, replace } from '../dom.js';
import { flashError, hashParams } from '../shell.js';
import { qs } from '../api.js';
import { label, table, pagedList, cursorLoader, when, select, field } from '../ui.js';

const EVENTS = ['login_ok', 'login_failed', 'login_throttled', 'logout', 'password_changed', 'password_change_failed', 'password_reset',
  'user_created', 'user_updated', 'credential_created', 'credential_revoked', 'credential_used', 'denied',
  'school_created', 'school_updated', 'school_closed', 'school_merged'];

extend({
  zh: {
    'sec.title': '安全日志', 'sec.note': '本辖区的登录、退出、密码修改与重置、账号与凭据变更、被拒绝的请求，最新的在前。日志不含任何密码或凭据。',
    'sec.time': '时间', 'sec.event': '事件', 'sec.actor': '操作人', 'sec.target': '对象', 'sec.unit': '单位', 'sec.addr': '来源地址', 'sec.detail': '说明',
    'sec.all': '全部事件', 'sec.filter': '事件类型', 'sec.user': '用户 #{id}', 'sec.credential': '凭据 #{id}', 'sec.sep': '、',
    'sev.login_ok': '登录成功', 'sev.login_failed': '登录失败', 'sev.login_throttled': '登录过于频繁被暂停', 'sev.logout': '退出登录',
    'sev.password_changed': '修改密码', 'sev.password_change_failed': '修改密码失败', 'sev.password_reset': '管理员重置密码',
    'sev.user_created': '新建用户', 'sev.user_updated': '修改用户', 'sev.credential_created': '创建接口凭据', 'sev.credential_revoked': '吊销接口凭据',
    'sev.credential_used': '使用接口凭据', 'sev.denied': '请求被拒绝', 'sev.school_created': '新建学校', 'sev.school_updated': '修改学校',
    'sev.school_closed': '关闭学校', 'sev.school_merged': '合并学校',
    'sdet.wrong_password': '密码错误', 'sdet.unknown_user': '用户不存在', 'sdet.disabled': '账号已停用', 'sdet.csrf': '页面已过期（CSRF）',
    'sdet.role': '角色无权访问', 'sdet.must_change': '须先修改密码', 'sdet.backoff': '尝试次数过多', 'sdet.read_only': '只读凭据不能修改数据',
    'sdet.bad_credential': '接口凭据无效', 'sdet.account': '按账号限制', 'sdet.address': '按来源地址限制',
    'sdu.display_name': '姓名', 'sdu.role': '角色', 'sdu.unit': '单位', 'sdu.disabled': '停用', 'sdu.enabled': '启用', 'sdu.none': '无变化',
  },
  en: {
    'sec.title': 'Security log', 'sec.note': 'Sign-ins, sign-outs, password changes and resets, account and credential changes and denied requests in your jurisdiction, newest first. It holds no password or token.',
    'sec.time': 'Time', 'sec.event': 'Event', 'sec.actor': 'By', 'sec.target': 'Target', 'sec.unit': 'Unit', 'sec.addr': 'Address', 'sec.detail': 'Detail',
    'sec.all': 'All events', 'sec.filter': 'Event', 'sec.user': 'User #{id}', 'sec.credential': 'Credential #{id}', 'sec.sep': ', ',
    'sev.login_ok': 'Signed in', 'sev.login_failed': 'Sign-in failed', 'sev.login_throttled': 'Sign-in throttled', 'sev.logout': 'Signed out',
    'sev.password_changed': 'Password changed', 'sev.password_change_failed': 'Password change failed', 'sev.password_reset': 'Password reset by an administrator',
    'sev.user_created': 'User created', 'sev.user_updated': 'User changed', 'sev.credential_created': 'Credential created', 'sev.credential_revoked': 'Credential revoked',
    'sev.credential_used': 'Credential used', 'sev.denied': 'Request denied', 'sev.school_created': 'School opened', 'sev.school_updated': 'School changed',
    'sev.school_closed': 'School closed', 'sev.school_merged': 'Schools merged',
    'sdet.wrong_password': 'wrong password', 'sdet.unknown_user': 'unknown user', 'sdet.disabled': 'account disabled', 'sdet.csrf': 'page out of date (CSRF)',
    'sdet.role': 'role not allowed', 'sdet.must_change': 'must change the password first', 'sdet.backoff': 'too many attempts', 'sdet.read_only': 'read-only credential',
    'sdet.bad_credential': 'invalid credential', 'sdet.account': 'per account', 'sdet.address': 'per address',
    'sdu.display_name': 'name', 'sdu.role': 'role', 'sdu.unit': 'unit', 'sdu.disabled': 'disabled', 'sdu.enabled': 'enabled', 'sdu.none': 'no change',
  },
});

/** The detail of an event in words: reason codes and changed fields by their names, a role by its name. @param {any} e */
function detailText(e) {
  if (!e.detail) return '';
  const prefix = e.event === 'user_updated' ? 'sdu' : 'sdet';
  return e.detail.split(',').map((x) => { const k = `${prefix}.${x}`; return t(k) !== k ? t(k) : label('role', x); }).join(t('sec.sep'));
}

/** Render #/security-log. @param {HTMLElement} main */
export async function render(main) {
  const p = hashParams();
  const event = EVENTS.includes(p.event) ? p.event : '';
  const columns = [
    { label: t('sec.time'), cell: (e) => when(e.time) },
    { label: t('sec.event'), cell: (e) => h('span', { class: /failed|denied|throttled|revoked/.test(e.event) ? 'badge bad' : 'badge' }, label('sev', e.event)) },
    { label: t('sec.actor'), cell: (e) => e.actor?.username || (e.actor?.credential_id ? t('sec.credential').replace('{id}', e.actor.credential_id) : '') },
    { label: t('sec.target'), cell: (e) => (e.target_user_id ? t('sec.user').replace('{id}', e.target_user_id) : e.target_credential_id ? t('sec.credential').replace('{id}', e.target_credential_id) : '') },
    { label: t('sec.unit'), cell: (e) => e.unit?.code || '' },
    { label: t('sec.addr'), cell: (e) => e.addr || '' },
    { label: t('sec.detail'), cell: (e) => [detailText(e), e.method && e.path ? `${e.method} ${e.path}` : ''].filter(Boolean).join(' · ') },
  ];
  const list = pagedList({ load: cursorLoader('/api/v1/security-log', event ? { event } : {}),
    draw: (items) => table(columns, items, { caption: t('sec.title'), rowAttrs: (e) => ({ data: { secRow: e.id, secEvent: e.event } }) }), onError: flashError });
  const pick = select('event', [['', t('sec.all')], ...EVENTS.map((k) => [k, label('sev', k)])], event);
  pick.addEventListener('change', () => { location.hash = '#/security-log' + qs({ event: pick.value }); });
  replace(main, h('section', { data: { securityLog: '' } }, h('h1', {}, t('sec.title')), h('p', { class: 'muted' }, t('sec.note')),
    h('div', { class: 'toolbar' }, field('sec-event', t('sec.filter'), pick)), list.el));
  await list.first();
}
