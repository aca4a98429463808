// app.js: the single-page app shell: session, hash routing, per-role navigation, language switch, flash messages.
import { api, setCsrf, ApiError, lastActivity } from './api.js';
import { t, apply, setLang, currentLang, extend } from './i18n.js';
import { h, replace } from './dom.js';
import { VIEWS, NAV, HOME_ROUTE } from './views/index.js';
import { state, flash, flashError, errorText } from './shell.js';
import { rules } from './rules.js';

const routes = new Map();

extend({
  zh: {
    'load.title': '页面没有打开', 'load.retry': '重试', 'session.expired': '登录已超时（{n} 分钟没有操作），请重新登录。',
    'idle.warning': '您已较长时间没有操作，约 {n} 秒后将自动退出登录。', 'idle.stay': '保持登录',
  },
  en: {
    'load.title': 'This page could not be opened', 'load.retry': 'Try again', 'session.expired': 'Your session has ended ({n} minutes without activity); please sign in again.',
    'idle.warning': 'You have been inactive for a while: you will be signed out in about {n} seconds.', 'idle.stay': 'Stay signed in',
  },
});

/**
 * Register a view for a hash route prefix (e.g. '#/groups'). render(main, params) draws it.
 * @param {string} prefix @param {(main: HTMLElement, rest: string[]) => (void|Promise<void>)} render
 */
export function route(prefix, render) { routes.set(prefix, render); }

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
  state.idleSeconds = r.idle_timeout_seconds; // the service's POLICY_SESSION_IDLE_SECONDS
  setCsrf(r.csrf_token);
  paintChrome();
}

/** The session is over (issue 11 item 11): forget the user and show the sign-in form saying why (not "wrong password"). */
function sessionEnded(text) {
  if (!state.user) return;
  state.user = null;
  setCsrf('');
  idleBanner(null);
  paintChrome();
  renderLogin(document.querySelector('[data-view]'));
  flash(text || expiredText(), 'error');
}

/** "The session has ended (n minutes without activity)", n from the service's idle timeout. */
function expiredText() {
  return t('session.expired').replace('{n}', String(Math.round(state.idleSeconds / 60)));
}

/**
 * The idle warning (issue 11 item 11): the service ends a session idle_timeout_seconds after its last request (it notes
 * a request at most once a minute, so the app counts from a minute earlier); two minutes before, a banner offers to stay
 * signed in (one request); at the end the app signs out itself and says why.
 */
function idleTick() {
  if (!state.user) return;
  const ends = lastActivity() + (state.idleSeconds - 60) * 1000;
  const left = Math.round((ends - Date.now()) / 1000);
  if (left <= 0) {
    api('DELETE', '/api/v1/session').catch(() => { /* already gone */ });
    sessionEnded(expiredText());
  } else if (left <= 120) idleBanner(left);
  else idleBanner(null);
}

/** Show (seconds left) or hide (null) the idle warning. */
function idleBanner(left) {
  let el = document.querySelector('[data-idle-warning]');
  if (left === null) { el?.remove(); return; }
  if (!el) {
    const stay = h('button', { type: 'button', class: 'primary', data: { staySignedIn: '' } }, t('idle.stay'));
    stay.addEventListener('click', async () => {
      try { await api('GET', '/api/v1/session'); idleBanner(null); } catch (e) { flashError(e); }
    });
    el = h('div', { class: 'idle-warning', role: 'alertdialog', 'aria-live': 'assertive', data: { idleWarning: '' } }, h('span', { data: { idleText: '' } }), ' ', stay);
    document.querySelector('[data-flash]').before(el);
    stay.focus();
  }
  el.querySelector('[data-idle-text]').textContent = t('idle.warning').replace('{n}', String(left));
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
    await rules(); // every page may draw from them at once (the registry's today, the limits in its words)
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
    if (e instanceof ApiError && e.status === 401) {
      sessionEnded(errorText(e)); // the service's words: the session ended (or: please sign in); no-op if already shown
      return;
    }
    if (seq === renderSeq) {
      // issue 11 item 11: the page that failed replaces the previous one (never the old page under an error line)
      const retry = h('button', { type: 'button', class: 'primary', data: { retry: '' } }, t('load.retry'));
      retry.addEventListener('click', () => render());
      replace(main, h('section', { data: { loadError: e instanceof ApiError ? e.code : 'error' } },
        h('h1', {}, t('load.title')), h('p', { class: 'error', role: 'alert' }, errorText(e)), h('p', {}, retry)));
    }
  }
  if (seq === renderSeq) focusHeading(main);
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
  // issue 11 item 13: on a phone the navigation is a menu: the button opens it, choosing a page closes it
  const bar = document.querySelector('.topbar');
  const toggle = document.querySelector('[data-menu-toggle]');
  const setMenu = (open) => { bar.classList.toggle('menu-open', open); toggle.setAttribute('aria-expanded', String(open)); };
  toggle.addEventListener('click', () => setMenu(!bar.classList.contains('menu-open')));
  window.addEventListener('hashchange', () => setMenu(false));
  // the page the user came from (issue: the group page's "back" returns to the list left, with its filters, R26)
  window.addEventListener('hashchange', (ev) => { try { state.prevHash = new URL(ev.oldURL).hash; } catch { state.prevHash = ''; } });
  window.addEventListener('hashchange', render);
  addEventListener('xj:session-expired', (ev) => sessionEnded(errorText(new ApiError(401, 'unauthenticated', '', null, ev.detail))));
  setInterval(idleTick, 5000);
  try {
    signedIn(await api('GET', '/api/v1/session'));
  } catch { /* not signed in */ }
  paintChrome();
  await render();
}

boot();
