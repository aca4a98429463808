// shell.js: what every view shares with the app shell: the signed-in state, flash messages, error words, hash
// parameters (app.js draws the shell and routes; views import this module, never app.js: no circle).
import { ApiError } from './api.js';
import { t, currentLang, extend } from './i18n.js';

extend({
  zh: {
    'err.no_route': '系统暂未提供此功能，请联系管理员。',
    'err.method_not_allowed': '系统暂未提供此功能，请联系管理员。',
    'err.duplicate': '该记录已存在，请勿重复提交。',
    'err.too_large': '文件或内容太大，超过了允许的大小。',
    'err.unsupported_media_type': '文件类型不受支持。',
    'err.bad_json': '提交的内容格式有误，请刷新后重试。',
    'err.bad_utf8': '提交的内容含有无法识别的字符。',
    'err.bad_request': '请求有误，请检查填写的内容',
    'err.internal': '系统内部错误，请稍后重试；如仍出错请联系管理员。',
    'err.uri_too_long': '查询条件太长，请缩短后重试。',
    'err.field': '（{field}）',
    'err.colon': '：',
    'nav.label': '主导航',
    'nav.skip': '跳到正文',
    'nav.menu': '菜单',
  },
  en: {
    'err.no_route': 'This function is not available yet; contact the administrator.',
    'err.method_not_allowed': 'This function is not available yet; contact the administrator.',
    'err.duplicate': 'This record already exists; do not submit it twice.',
    'err.too_large': 'The file or content is larger than allowed.',
    'err.unsupported_media_type': 'This file type is not supported.',
    'err.bad_json': 'The request was malformed; reload and try again.',
    'err.bad_utf8': 'The request contains unreadable characters.',
    'err.bad_request': 'The request was wrong; check what you entered',
    'err.internal': 'Internal error; try again later, and contact the administrator if it persists.',
    'err.uri_too_long': 'The search is too long; shorten it and try again.',
    'err.field': ' ({field})',
    'err.colon': ': ',
    'nav.label': 'Main navigation',
    'nav.skip': 'Skip to content',
    'nav.menu': 'Menu',
  },
});

/**
 * The signed-in user, and the hash of the page shown before this one (app.js, on hashchange: the group page's "back").
 * @type {{user: any, prevHash: string}}
 */
export const state = { user: null, prevHash: '' };
/** Show a message in the flash area. @param {string} text @param {'ok'|'error'} [kind] */
export function flash(text, kind = 'ok') {
  const el = document.querySelector('[data-flash]');
  el.textContent = text;
  el.className = 'flash ' + kind;
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  el.hidden = !text;
}

/** Show an error in words a registrar understands. @param {unknown} e */
export function flashError(e) { flash(errorText(e), 'error'); }

/**
 * The service's text of a message object in the chosen language: every error, issue and warning the service answers
 * carries `message` (Chinese) and `message_en` (English) (issue 10: one error shape). @param {any} o @returns {string}
 */
export function textOf(o) {
  if (!o) return '';
  return (currentLang() === 'en' ? o.message_en : o.message) || '';
}

/** Words a registrar understands for any API failure. @param {unknown} e */
export function errorText(e) {
  if (e instanceof ApiError) {
    if (e.code === 'network') return t('err.network');
    // a write whose COMMIT's outcome is unknown (503 with a token): what to do, not the API's advice to ask the token
    if (e.code === 'outcome_unknown') return t('err.outcome_unknown');
    const serverText = textOf(e.detail);
    const fieldKey = e.field ? 'f.' + e.field : '';
    const fieldLabel = fieldKey && t(fieldKey) !== fieldKey ? t(fieldKey) : '';
    if (serverText) return fieldLabel && e.code === 'invalid' ? `${fieldLabel}${t('err.colon')}${serverText}` : serverText;
    // no JSON error body (a proxy's own page): the app's words for the status
    const known = t('err.' + e.code);
    if (!known.startsWith('err.')) return known + (fieldLabel ? t('err.field').replace('{field}', fieldLabel) : '');
    if (e.status === 404) return t('err.not_found');
    return `${t('err.generic')}: ${e.code}`;
  }
  if (e && typeof e === 'object' && 'userText' in e) return String(e.userText);
  return t('err.generic');
}

/** The query parameters of the current hash ('#/problems?type=id_dup' → {type: 'id_dup'}). */
export function hashParams() {
  const q = (location.hash.split('?')[1] || '');
  return Object.fromEntries(new URLSearchParams(q));
}
