// i18n.js: zh-CN by default, English on request; t(key) looks a message up, apply() fills [data-i18n] elements.

const messages = {
  zh: {
    'app.title': '全国中小学生学籍 · 问题学籍处理',
    'app.loading': '正在加载…',
    'nav.help': '帮助',
    'nav.logout': '退出',
    'nav.home': '首页',
    'login.title': '登录',
    'login.username': '用户名',
    'login.password': '密码',
    'login.submit': '登录',
    'home.welcome': '欢迎',
    'role.school_clerk': '学校学籍管理员',
    'role.school_leader': '学校学籍主管领导',
    'role.county': '区县学籍主管部门',
    'role.bureau': '上级教育行政部门',
    'role.admin': '系统管理员',
    'err.network': '无法连接服务器，请检查网络后重试。',
    'err.unauthenticated': '用户名或密码错误，或登录已过期，请重新登录。',
    'err.rate_limited': '尝试次数过多，请稍后再试。',
    'err.csrf': '页面已过期，请刷新后重试。',
    'err.forbidden': '您的角色无权执行此操作。',
    'err.not_found': '未找到该记录。',
    'err.conflict': '记录已被他人修改或当前状态不允许此操作，请刷新后重试。',
    'err.invalid': '填写内容有误',
    'err.unavailable': '服务暂时不可用，请稍后再试。',
    'err.outcome_unknown': '连接中断，无法确认刚才的操作是否已保存。请刷新页面查看结果，再决定是否重新提交。',
    'err.generic': '操作失败',
    'help.title': '问题学籍处理流程帮助',
  },
  en: {
    'app.title': 'Student registry · problem records',
    'app.loading': 'Loading…',
    'nav.help': 'Help',
    'nav.logout': 'Sign out',
    'nav.home': 'Home',
    'login.title': 'Sign in',
    'login.username': 'User name',
    'login.password': 'Password',
    'login.submit': 'Sign in',
    'home.welcome': 'Welcome',
    'role.school_clerk': 'School registrar',
    'role.school_leader': 'School leader',
    'role.county': 'County bureau',
    'role.bureau': 'Education bureau (arbitration)',
    'role.admin': 'Administrator',
    'err.network': 'Cannot reach the server; check the network and try again.',
    'err.unauthenticated': 'Wrong user name or password, or your session ended; please sign in again.',
    'err.rate_limited': 'Too many attempts; please wait and try again.',
    'err.csrf': 'This page is out of date; reload and try again.',
    'err.forbidden': 'Your role may not do this.',
    'err.not_found': 'Record not found.',
    'err.conflict': 'Someone else changed this record or the action is not allowed now; reload and try again.',
    'err.invalid': 'Please correct the form',
    'err.unavailable': 'The service is temporarily unavailable; try again shortly.',
    'err.outcome_unknown': 'The connection broke: it is not known whether this was saved. Reload the page to see, then decide whether to submit again.',
    'err.generic': 'The action failed',
    'help.title': 'Help: handling problem student records',
  },
};

let lang = localStorage.getItem('xj.lang') === 'en' ? 'en' : 'zh';

/** Current language code ('zh' or 'en'). */
export function currentLang() { return lang; }

/** Switch language and re-render static labels. @param {'zh'|'en'} l */
export function setLang(l) {
  lang = l === 'en' ? 'en' : 'zh';
  localStorage.setItem('xj.lang', lang);
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  apply(document);
}

/** Register more messages (modules add their own keys). @param {{zh: object, en: object}} m */
export function extend(m) {
  Object.assign(messages.zh, m.zh || {});
  Object.assign(messages.en, m.en || {});
}

/** Message for key in the current language (falls back to Chinese, then the key). @param {string} key */
export function t(key) {
  return messages[lang][key] ?? messages.zh[key] ?? key;
}

/** Fill every [data-i18n] element below root with its message (textContent only). @param {ParentNode} root */
export function apply(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
}
