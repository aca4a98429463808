// rules.js: the service's limits, calendar settings, code tables and workflow table (GET /api/v1/rules, fetched once): the
// app's checks, its choices, its "today" and its help are drawn from the one place of the rules (fcgi/filetype.h,
// fcgi/api.h, fcgi/routes.c, fcgi/config.c, fcgi/workflow.c; the text fields' lengths: school.h, student.h,
// authpolicy.h...; the ID types: idcheck.c; the school types: school.c; the users' roles: role.c), not copies.
import { api } from './api.js';
import { extend } from './i18n.js';

let once = null;
let held = null;
/**
 * The rules answer {limits, calendar, id_types, school_types, user_roles, workflow: {transitions}}, fetched once per page
 * load. @returns {Promise<any>}
 */
export function rules() {
  once ??= api('GET', '/api/v1/rules').then((r) => { held = r; nameCodes(r); return r; }).catch((e) => { once = null; throw e; });
  return once;
}

/**
 * The code tables' names become the labels of their codes in both languages (ui.js label('idtype', code),
 * label('schtype', code)): the service's names, not a copy of them. (The roles' words are the app's own, i18n.js
 * role.*: the header names the user's role before the rules are read.) @param {any} r the rules answer
 */
function nameCodes(r) {
  const zh = {}, en = {};
  // (an answer cached from a service without a table: its codes stay unnamed, the page still draws)
  for (const [prefix, list] of [['idtype', r.id_types ?? []], ['schtype', r.school_types ?? []]]) {
    for (const x of list) { zh[`${prefix}.${x.code}`] = x.name; en[`${prefix}.${x.code}`] = x.name_en; }
  }
  extend({ zh, en });
}

/** The ID type codes (R4) in the service's order: the choices of a form. @returns {string[]} */
export function idTypeCodes() {
  return rulesNow().id_types.map((x) => x.code);
}

/** Whether a number of the ID type may be left empty (its id_types min_length is 0: R4 "other"). @param {string} code */
export function idNumberOptional(code) {
  return rulesNow().id_types.find((x) => x.code === code)?.min_length === 0;
}

/** The school type codes (学校办学类型, R1) in the service's order: a school's choices. @returns {string[]} */
export function schoolTypeCodes() {
  return rulesNow().school_types.map((x) => x.code);
}

/** The roles a user account may hold (R3), in the service's order: the user administration's choices. @returns {string[]} */
export function userRoles() {
  return rulesNow().user_roles;
}

/** The rules answer at once: the app awaits rules() before it draws any page (app.js render). @returns {any} */
export function rulesNow() {
  if (!held) throw new Error('rules not loaded');
  return held;
}

/**
 * A time as the registry's wall clock: a Date whose UTC fields are the time in the service's time zone
 * (calendar.tz_offset_minutes: XJ_TZ_OFFSET_MINUTES, its one "today" of due dates and ID checks, R8.2, R24).
 * @param {number} [ms] @returns {Date}
 */
export function registryClock(ms = Date.now()) {
  return new Date(ms + rulesNow().calendar.tz_offset_minutes * 60e3);
}

/** The registry's day of a time, 'YYYY-MM-DD' (default: today, as the service's config_today). @param {number} [ms] */
export function registryDay(ms) {
  return registryClock(ms).toISOString().slice(0, 10);
}

/** The evidence file limit (limits.evidence_file_bytes, R23) in words, e.g. '2 MB'. @returns {string} */
export function evidenceLimitText() {
  return `${+(rulesNow().limits.evidence_file_bytes / 1048576).toFixed(1)} MB`;
}

/**
 * A text field's length limits (limits.fields[key], characters) as input attributes to spread into h()'s:
 * {maxlength} and, where the service has a minimum, {minlength}.
 * @param {string} key e.g. 'school_name' @returns {{maxlength: number, minlength?: number}}
 */
export function lengthAttrs(key) {
  const f = rulesNow().limits.fields[key];
  if (!f) throw new Error(`no field limit ${key}`);
  return { maxlength: f.max, minlength: f.min };
}
