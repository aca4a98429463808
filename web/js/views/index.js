// views/index.js: the screens (one lazily loaded module each) and the navigation of every role (R3, R26–R28).
import { extend } from '../i18n.js';

extend({
  zh: {
    'nav.home': '首页', 'nav.problems': '问题学籍处理', 'nav.students': '学生名单', 'nav.register': '学籍注册',
    'nav.import': '批量导入', 'nav.queue': '待核办', 'nav.leader': '待确认删除', 'nav.registrations': '注册审核',
    'nav.stats': '统计', 'nav.overdue': '超期', 'nav.arbitration': '待仲裁', 'nav.users': '用户管理',
    'nav.credentials': '省级接口凭据', 'nav.account': '修改密码', 'nav.suspects': '疑似重复', 'nav.schools': '学校管理', 'nav.security': '安全日志',
  },
  en: {
    'nav.home': 'Home', 'nav.problems': 'Problem records', 'nav.students': 'Students', 'nav.register': 'Register',
    'nav.import': 'Import', 'nav.queue': 'Review queue', 'nav.leader': 'Deletions to confirm', 'nav.registrations': 'Registrations',
    'nav.stats': 'Statistics', 'nav.overdue': 'Overdue', 'nav.arbitration': 'Arbitration', 'nav.users': 'Users',
    'nav.credentials': 'Provincial API credentials', 'nav.account': 'Password', 'nav.suspects': 'Suspected duplicates', 'nav.schools': 'Schools', 'nav.security': 'Security log',
  },
});

/** Route of the home page (every role has one). */
export const HOME_ROUTE = '#/';

/** Hash prefix → module. Each module exports render(main, rest). */
export const VIEWS = [
  { prefix: '#/', load: () => import('./home.js') },
  { prefix: '#/problems', load: () => import('./problems.js') },
  { prefix: '#/groups', load: () => import('./group.js') },
  { prefix: '#/students', load: () => import('./students.js') },
  { prefix: '#/import', load: () => import('./import.js') },
  { prefix: '#/queue', load: () => import('./queue.js') },
  { prefix: '#/registrations', load: () => import('./registrations.js') },
  { prefix: '#/stats', load: () => import('./stats.js') },
  { prefix: '#/overdue', load: () => import('./overdue.js') },
  { prefix: '#/arbitration', load: () => import('./arbitration.js') },
  { prefix: '#/users', load: () => import('./users.js') },
  { prefix: '#/credentials', load: () => import('./credentials.js') },
  { prefix: '#/account', load: () => import('./account.js') },
  { prefix: '#/suspects', load: () => import('./suspects.js') },
  { prefix: '#/schools', load: () => import('./schools.js') },
  { prefix: '#/security-log', load: () => import('./security.js') },
];

const home = { key: 'nav.home', href: '#/' };
const account = { key: 'nav.account', href: '#/account' };
const suspects = { key: 'nav.suspects', href: '#/suspects' }; /* R31: the county or the common superior decides */
const schools = { key: 'nav.schools', href: '#/schools' }; /* issue 16: a county opens and closes its schools */

/** Navigation per role; `when` limits an entry (provincial credentials: province administrators only). */
export const NAV = {
  school_clerk: [home, { key: 'nav.problems', href: '#/problems' }, { key: 'nav.students', href: '#/students' },
    { key: 'nav.register', href: '#/students/new' }, { key: 'nav.import', href: '#/import' }, account],
  school_leader: [home, { key: 'nav.leader', href: '#/queue' }, { key: 'nav.problems', href: '#/problems' },
    { key: 'nav.students', href: '#/students' }, account],
  county: [home, { key: 'nav.queue', href: '#/queue' }, { key: 'nav.registrations', href: '#/registrations' },
    { key: 'nav.problems', href: '#/problems' }, { key: 'nav.stats', href: '#/stats' }, { key: 'nav.overdue', href: '#/overdue' }, suspects, schools, account],
  bureau: [home, { key: 'nav.arbitration', href: '#/arbitration' }, { key: 'nav.problems', href: '#/problems' },
    { key: 'nav.stats', href: '#/stats' }, { key: 'nav.overdue', href: '#/overdue' }, suspects,
    { ...schools, when: (u) => Number(u?.unit?.level) <= 1 } /* issue 16 item 2: a province moves schools */, account],
  admin: [home, { key: 'nav.users', href: '#/users' }, { ...schools, when: (u) => Number(u?.unit?.level) <= 3 },
    { key: 'nav.credentials', href: '#/credentials', when: (u) => Number(u?.unit?.level) === 1 },
    { key: 'nav.security', href: '#/security-log' }, account],
};
