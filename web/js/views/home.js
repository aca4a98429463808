// views/home.js: the home page of each role: what waits for this user now, with links to the screens (R26–R28).
import { api } from '../api.js';
import { t, extend } from '../i18n.js';
import { h, replace } from '../dom.js';
import { state } from '../shell.js';
import { pairs, label } from '../ui.js';
import { unitSummary } from '../escalation.js';

extend({
  zh: {
    'home.school': '本校问题学籍', 'home.todo': '待处理', 'home.rejected': '被驳回需重新处理', 'home.leader': '待领导确认删除',
    'home.review': '待核办', 'home.overdue': '超期', 'home.regs': '待审核注册', 'home.arb': '待仲裁', 'home.total': '问题学籍（全部）',
    'home.users': '用户管理', 'home.creds': '省级接口凭据', 'home.by_type': '按问题类型', 'home.unit': '单位',
    'home.help': '第一次使用？请先阅读“帮助”中的问题学籍处理流程。', 'home.unknown': '—',
    'home.students': '学生名单', 'home.register': '注册一名学生', 'home.import': '批量导入学生', 'home.reminders': '催办提醒', 'home.comma': '，',
  },
  en: {
    'home.school': 'Problem records of my school', 'home.todo': 'To handle', 'home.rejected': 'Rejected, to handle again',
    'home.leader': 'Deletions to confirm', 'home.review': 'Awaiting review', 'home.overdue': 'Overdue', 'home.regs': 'Registrations to approve',
    'home.arb': 'Awaiting arbitration', 'home.total': 'Problem records (all)', 'home.users': 'Users', 'home.creds': 'Provincial API credentials',
    'home.by_type': 'By problem type', 'home.unit': 'Unit', 'home.help': 'New here? Read the process in Help first.', 'home.unknown': '—',
    'home.students': 'Students', 'home.register': 'Register a student', 'home.import': 'Import students', 'home.reminders': 'Reminders', 'home.comma': ', ',
  },
});

/** A tile: a number (filled in when it arrives) and a link. */
function tile(key, href, bad = false) {
  const n = h('span', { class: 'n', data: { n: '' } }, t('home.unknown'));
  return { el: h('a', { class: 'tile' + (bad ? ' bad' : ''), href, data: { tile: key } }, n, t(key)), n };
}

/** Fill a tile's number from a promise (quietly "—" when that part of the system is not there). */
async function fill(tl, p) {
  try {
    const v = await p;
    if (v !== null && v !== undefined && (typeof v === 'string' || !Number.isNaN(Number(v)))) { tl.n.textContent = String(v); return; }
  } catch { /* that part of the system is not there for this role */ }
  tl.el.remove();
}

const totalOf = (r) => (r?.counts?.total !== undefined ? Number(r.counts.total) : (Array.isArray(r?.items) ? r.items.length : null));
/** GET /api/v1/queue once: {counts: {total, overdue, rejected, oldest_age_days}} of the caller's own work list. */
let queueP = null;
const queueCount = (k) => { queueP ??= api('GET', '/api/v1/queue?limit=1'); return queueP.then((r) => (r?.counts?.[k] ?? (k === 'total' ? totalOf(r) : null))); };

/** How many escalated steps below the caller remind it (GET /api/v1/reminders, issue 11 item 9): "200+" when there are more. */
const reminderCount = () => api('GET', '/api/v1/reminders?limit=200')
  .then((r) => (Array.isArray(r?.items) ? `${r.items.length}${r.next_cursor ? '+' : ''}` : null));

/** Render the home page for the signed-in role. @param {HTMLElement} main */
export async function render(main) {
  const u = state.user;
  const tiles = h('div', { class: 'tiles', data: { tiles: '' } });
  const extra = h('div', {});
  replace(main, h('section', { data: { home: u.role } },
    h('h1', {}, t('home.welcome'), t('home.comma'), h('span', { data: { userText: '' } }, u.display_name || u.username)),
    h('p', { data: { roleLabel: '' } }, t('role.' + u.role), u.unit?.name ? ` · ${u.unit.name}` : '', u.unit?.code ? ` (${u.unit.code})` : ''),
    tiles, extra,
    h('p', { class: 'muted' }, h('a', { href: '#/help' }, t('home.help')))));
  const add = (key, href, p, bad) => { const tl = tile(key, href, bad); tiles.append(tl.el); fill(tl, p.catch(() => null)); };
  queueP = null;
  // GET /api/v1/stats once: counters, not a scan (issue 13 item 3)
  let statsP = null;
  const stats = () => (statsP ??= api('GET', '/api/v1/stats'));
  if (u.role === 'school_clerk' || u.role === 'school_leader') {
    if (u.role === 'school_leader') add('home.leader', '#/queue', queueCount('total'));
    else {
      add('home.todo', '#/queue', queueCount('total'));
      add('home.rejected', '#/queue?filter=rejected', queueCount('rejected'), true);
    }
    add('home.overdue', '#/queue?filter=overdue', queueCount('overdue'), true);
    // (no statistics for a school: GET /api/v1/stats is a bureau's, issue 11 item 15: ask only what the role may)
    if (u.role === 'school_clerk') {
      extra.append(h('p', { class: 'actions' }, h('a', { class: 'button', href: '#/students/new' }, t('home.register')),
        h('a', { class: 'button', href: '#/import' }, t('home.import')), h('a', { class: 'button', href: '#/students' }, t('home.students'))));
    }
  } else if (u.role === 'county') {
    add('home.review', '#/queue', queueCount('total'));
    add('home.reminders', '#/queue', reminderCount(), true);
    add('home.overdue', '#/overdue', stats().then((s) => s?.overdue?.members ?? null), true);
    add('home.regs', '#/registrations', stats().then((s) => s?.students?.by_status?.pending ?? 0));
    add('home.total', '#/stats', stats().then((s) => s?.groups?.total ?? null));
  } else if (u.role === 'bureau') {
    add('home.arb', '#/arbitration', queueCount('total'));
    add('home.reminders', '#/arbitration', reminderCount(), true);
    add('home.overdue', '#/overdue', stats().then((s) => s?.overdue?.members ?? null), true);
    add('home.total', '#/stats', stats().then((s) => s?.groups?.total ?? null));
  }
  if (u.role === 'admin') {
    extra.append(h('p', { class: 'actions' }, h('a', { class: 'button', href: '#/users' }, t('home.users')),
      Number(u.unit?.level) === 1 ? h('a', { class: 'button', href: '#/credentials' }, t('home.creds')) : null));
  }
  if (u.role === 'bureau') {
    // issue 11 item 9: a city or province sees the overdue steps of the units below it, grouped by unit, with age
    const units = h('div', {});
    extra.prepend(units);
    api('GET', '/api/v1/overdue?limit=1000').then((r) => { if (r?.items?.length) replace(units, unitSummary(r.items, r.next_cursor != null)); }).catch(() => {});
  }
  if (u.role === 'county' || u.role === 'bureau') {
    stats().then((s) => {
      const byType = pairs(s?.groups?.by_type || s?.by_type);
      if (!byType.length) return;
      extra.append(h('h2', {}, t('home.by_type')), h('div', { class: 'counts' },
        byType.map(([k, n]) => h('a', { class: 'chip', href: `#/problems?type=${encodeURIComponent(k)}` }, label('type', k), h('span', { class: 'n' }, String(n))))));
    }).catch(() => {});
  }
}
