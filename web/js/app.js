// app.js: the single-page app shell: session, hash routing, language switch, flash messages.
import { api, setCsrf, ApiError } from './api.js';
import { t, apply, setLang, currentLang } from './i18n.js';
import { h, replace } from './dom.js';

/** @type {{user: any}|null} */
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
  el.hidden = !text;
}

/** Words a registrar understands for any API failure. @param {unknown} e */
export function errorText(e) {
  if (e instanceof ApiError) {
    const known = t('err.' + e.code);
    if (e.code === 'network') return t('err.network');
    if (e.code === 'invalid' || e.code === 'bad_request') return `${t('err.invalid')}: ${e.message}`;
    if (!known.startsWith('err.')) return known;
    return `${t('err.generic')}: ${e.message || e.code}`;
  }
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
    h('button', { type: 'submit', class: 'primary', 'data-i18n': 'login.submit' }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    try {
      const r = await api('POST', '/api/v1/session', { username: user.value.trim(), password: pass.value });
      signedIn(r);
      location.hash = '#/';
      render();
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

function renderHome(main) {
  const u = state.user;
  replace(main, h('section', { class: 'card', data: { home: u.role } },
    h('h1', {}, `${t('home.welcome')}, ${u.username}`),
    h('p', { data: { roleLabel: '' } }, t('role.' + u.role))));
}

async function renderHelp(main) {
  const mod = await import('./help.js').catch(() => null);
  if (mod) return mod.renderHelp(main);
  replace(main, h('h1', { 'data-i18n': 'help.title' }));
  apply(main);
}

function signedIn(r) {
  state.user = r.user;
  setCsrf(r.csrf_token);
  paintChrome();
}

function paintChrome() {
  const who = document.querySelector('[data-who]');
  const logout = document.querySelector('[data-logout]');
  who.textContent = state.user ? `${state.user.username} · ${t('role.' + state.user.role)}` : '';
  logout.hidden = !state.user;
  document.querySelector('[data-lang-switch]').textContent = currentLang() === 'en' ? '中文' : 'English';
  apply(document.querySelector('header'));
}

/** Draw the view for the current hash. */
export async function render() {
  const main = document.querySelector('[data-view]');
  flash('');
  const hash = location.hash || '#/';
  if (hash.startsWith('#/help')) return renderHelp(main);
  if (!state.user) return renderLogin(main);
  for (const [prefix, fn] of routes) {
    if (hash === prefix || hash.startsWith(prefix + '/') || hash.startsWith(prefix + '?')) {
      const rest = hash.slice(prefix.length).split(/[/?]/).filter(Boolean);
      try { await fn(main, rest); } catch (e) { flash(errorText(e), 'error'); }
      return;
    }
  }
  return renderHome(main);
}

async function boot() {
  document.documentElement.lang = currentLang() === 'en' ? 'en' : 'zh-CN';
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
  window.addEventListener('hashchange', render);
  try {
    signedIn(await api('GET', '/api/v1/session'));
  } catch { /* not signed in */ }
  paintChrome();
  await render();
}

boot();
