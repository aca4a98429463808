// app.js: the single-page app shell: session, hash routing, per-role navigation, language switch, flash messages.
import { api, setCsrf, ApiError } from './api.js';
import { t, apply, setLang, currentLang, extend } from './i18n.js';
import { h, replace } from './dom.js';
import { VIEWS, NAV, HOME_ROUTE } from './views/index.js';

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
    'nav.label': '主导航',
    'nav.skip': '跳到正文',
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
    'nav.label': 'Main navigation',
    'nav.skip': 'Skip to content',
  },
});

/** @type {{user: any}} */
export const state = { user: null };
const routes = new Map();

/**
 * Register a view for a hash route prefix (e.g. '#/groups'). render(main, params) draws it.
 * @param {string} prefix @param {(main: HTMLElement, rest: string[]) => (void|Promise<void>)} render
 */
export function route(prefix, render) { routes.set(prefix, render); }

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

/** Words a registrar understands for any API failure. @param {unknown} e */
export function errorText(e) {
  if (e instanceof ApiError) {
    if (e.code === 'network') return t('err.network');
    const en = currentLang() === 'en';
    // the server's own message when it wrote one for the screens (Chinese, with message_en), e.g. evidence refusals (R23)
    const serverText = en ? (e.detail?.message_en || (/[\u4e00-\u9fff]/.test(e.message) ? '' : e.message)) : (/[\u4e00-\u9fff]/.test(e.message) ? e.message : '');
    const fieldKey = e.field ? 'f.' + e.field : '';
    const fieldText = fieldKey && t(fieldKey) !== fieldKey ? t('err.field').replace('{field}', t(fieldKey)) : '';
    if (e.code === 'invalid' || e.code === 'bad_request') return `${t('err.' + e.code)}${fieldText}${serverText || e.message ? ': ' + (serverText || e.message) : ''}`;
    if (serverText) return serverText;
    const known = t('err.' + e.code);
    if (!known.startsWith('err.')) return known + fieldText;
    if (e.status === 404) return t('err.not_found');
    return `${t('err.generic')}: ${e.message || e.code}`;
  }
  if (e && typeof e === 'object' && 'userText' in e) return String(e.userText);
  return t('err.generic');
}

function renderLogin(main) {
  const user = h('input', { id: 'login-user', name: 'username', autocomplete: 'username', required: true });
  const pass = h('input', { id: 'login-pass', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const err = h('p', { class: 'error', role: 'alert', data: { loginError: '' } });
  const form = h('form', { class: 'card login', data: { loginForm: '' } },
    h('h1', { 'data-i18n': 'login.title' }),
    h('label', { for: 'login-user', 'data-i18n': 'login.username' }), user,
    h('label', { for: 'login-pass', 'data-i18n': 'login.password' }), pass,
    err,
    h('button', { type: 'submit', class: 'primary', 'data-i18n': 'login.submit' }),
    h('p', {}, h('a', { href: '#/help', 'data-i18n': 'nav.help' })));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    try {
      const r = await api('POST', '/api/v1/session', { username: user.value.trim(), password: pass.value });
      signedIn(r);
      render(); // the page asked for (a deep link survives the sign-in), else the role's home
    } catch (e) {
      err.textContent = errorText(e);
      pass.value = '';
      pass.focus();
    }
  });
  replace(main, form);
  apply(main);
  user.focus();
}

function signedIn(r) {
  state.user = { ...r.user, must_change_password: !!r.must_change_password };
  setCsrf(r.csrf_token);
  paintChrome();
}

/** The navigation entries of the signed-in user's role (province admins also get credentials). */
function navEntries() {
  const u = state.user;
  if (!u) return [];
  return (NAV[u.role] || []).filter((n) => !n.when || n.when(u));
}

function paintNav() {
  const nav = document.querySelector('[data-nav]');
  nav.setAttribute('aria-label', t('nav.label'));
  const hash = location.hash || '#/';
  const entries = navEntries();
  // the longest matching prefix is the current page
  let current = '';
  for (const n of entries) {
    if ((hash === n.href || hash.startsWith(n.href + '/') || hash.startsWith(n.href + '?')) && n.href.length > current.length) current = n.href;
  }
  if (!current && (hash === '#/' || hash === '#')) current = '#/';
  replace(nav, entries.map((n) => h('a', { href: n.href, 'aria-current': n.href === current ? 'page' : null, data: { navItem: n.key } }, t(n.key))));
}

function paintChrome() {
  const who = document.querySelector('[data-who]');
  const logout = document.querySelector('[data-logout]');
  const u = state.user;
  who.textContent = u ? `${u.display_name && u.display_name !== u.username ? `${u.display_name} (${u.username})` : u.username} · ${t('role.' + u.role)}` : '';
  logout.hidden = !u;
  document.querySelector('[data-lang-switch]').textContent = currentLang() === 'en' ? '中文' : 'English';
  document.title = t('app.title');
  apply(document.querySelector('header'));
  paintNav();
}

/** Put focus on the page heading so keyboard and screen-reader users start at the new page. */
function focusHeading(main) {
  const hd = main.querySelector('h1');
  if (!hd || main.querySelector('[data-login-form]')) return;
  hd.tabIndex = -1;
  hd.focus();
}

let renderSeq = 0;
/** Draw the view for the current hash. */
export async function render() {
  const main = document.querySelector('[data-view]');
  const seq = ++renderSeq;
  flash('');
  paintNav();
  const hash = location.hash || '#/';
  try {
    if (hash.startsWith('#/help')) {
      const mod = await import('./help.js');
      await mod.renderHelp(main);
    } else if (!state.user) {
      renderLogin(main);
      return;
    } else {
      if (state.user.must_change_password && !hash.startsWith('#/account')) {
        location.replace('#/account'); // only the password change is allowed until then
        return;
      }
      let fn = null;
      let best = '';
      for (const [prefix, f] of routes) {
        if ((hash === prefix || hash.startsWith(prefix + '/') || hash.startsWith(prefix + '?')) && prefix.length > best.length) { fn = f; best = prefix; }
      }
      if (fn) {
        const rest = hash.slice(best.length).split('?')[0].split('/').filter(Boolean).map(decodeURIComponent);
        await fn(main, rest);
      } else {
        await routes.get(HOME_ROUTE)(main, []);
      }
    }
  } catch (e) {
    if (e instanceof ApiError && e.status === 401 && state.user) {
      state.user = null;
      setCsrf('');
      paintChrome();
      renderLogin(main);
      flash(t('err.unauthenticated'), 'error');
      return;
    }
    if (seq === renderSeq) {
      if (!main.querySelector('h1')) replace(main, h('h1', {}, t('err.generic')));
      flashError(e);
    }
  }
  if (seq === renderSeq) focusHeading(main);
}

/** The query parameters of the current hash ('#/problems?type=id_dup' → {type: 'id_dup'}). */
export function hashParams() {
  const q = (location.hash.split('?')[1] || '');
  return Object.fromEntries(new URLSearchParams(q));
}

async function boot() {
  document.documentElement.lang = currentLang() === 'en' ? 'en' : 'zh-CN';
  for (const v of VIEWS) {
    route(v.prefix, async (main, rest) => {
      const mod = await v.load();
      return mod.render(main, rest);
    });
  }
  document.querySelector('[data-lang-switch]').addEventListener('click', () => {
    setLang(currentLang() === 'en' ? 'zh' : 'en');
    paintChrome();
    render();
  });
  document.querySelector('[data-logout]').addEventListener('click', async () => {
    try { await api('DELETE', '/api/v1/session'); } catch { /* already gone */ }
    state.user = null;
    setCsrf('');
    paintChrome();
    location.hash = '#/';
    render();
  });
  document.querySelector('[data-skip]')?.addEventListener('click', (ev) => {
    ev.preventDefault(); // the hash is the router's: move focus instead
    const main = document.querySelector('[data-view]');
    (main.querySelector('h1') || main).focus();
  });
  window.addEventListener('hashchange', render);
  try {
    signedIn(await api('GET', '/api/v1/session'));
  } catch { /* not signed in */ }
  paintChrome();
  await render();
}

boot();
