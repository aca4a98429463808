// idcheck.js: ID number checks shown while the clerk types; a port of fcgi/idcheck.c (SPEC R4, R8.2). The server decides.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const TABLE = '10X98765432';

/** Result codes, the same strings as the C module's idcheck_code(). */
export const ID = Object.freeze({
  OK: 'ok', EMPTY: 'id_empty', LENGTH: 'id_length', CHARS: 'id_chars', PROVINCE: 'id_province',
  DATE: 'id_date', CHECKSUM: 'id_checksum', GENDER: 'id_gender', TYPE: 'id_type',
});

/** The input as the server sees it: one character per UTF-8 byte (so lengths match the C checks). @param {string} s */
const bytes = (s) => (/^[\x00-\x7f]*$/.test(s) ? s : String.fromCharCode(...new TextEncoder().encode(s)));
const isDigit = (c) => c >= '0' && c <= '9';
const isAlpha = (c) => (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');

/**
 * ISO 7064 MOD 11-2 check character over the first 17 digits (R8.2).
 * @param {string} first17 @returns {string} '0'-'9' or 'X'; '' if a character is no digit
 */
export function checkChar(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const c = first17[i];
    if (c === undefined || !isDigit(c)) return '';
    sum += (c.charCodeAt(0) - 48) * WEIGHTS[i];
  }
  return TABLE[sum % 11];
}

/** 1 ≤ y ≤ 9999 Gregorian date check (29 Feb in leap years only). @param {number} y @param {number} m @param {number} d */
export function validDate(y, m, d) {
  const mdays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= mdays[m - 1] + (m === 2 && leap ? 1 : 0);
}

/** Province code 11–65 (the real ones); 81/82/83 only when permit (18-char residence permits). @param {number} p @param {boolean} permit */
export function provinceOk(p, permit) {
  if ((p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) || (p >= 41 && p <= 46)
    || (p >= 50 && p <= 54) || (p >= 61 && p <= 65)) return true;
  return !!permit && p >= 81 && p <= 83;
}

/**
 * Check a resident ID number (type '1'). No trimming (as the server). A birth date after today is an impossible date (R8.2).
 * @param {string} input @param {''|'M'|'F'} gender checked against the 17th digit unless ''
 * @param {string} today 'YYYYMMDD' or 'YYYY-MM-DD': the registry's today (the app: rules.js registryDay, as the server's
 *   idcheck_today)
 * @returns {{code: string, normalized: string, birth: string}} normalized: canonical 18 chars
 *   (15-digit numbers converted, x upper-cased) when length and characters are right; birth: YYYY-MM-DD when the date is valid
 */
export function checkResident(input, gender, today) {
  const res = { code: ID.OK, normalized: '', birth: '' };
  const s = bytes(input ?? '');
  if (s.length === 0) return { ...res, code: ID.EMPTY };
  if (s.length !== 18 && s.length !== 15) return { ...res, code: ID.LENGTH };
  for (let i = 0; i < s.length; i++) {
    const last18 = s.length === 18 && i === 17;
    if (!isDigit(s[i]) && !(last18 && (s[i] === 'X' || s[i] === 'x'))) return { ...res, code: ID.CHARS };
  }
  const legacy = s.length === 15;
  let out;
  if (legacy) {
    const body = s.slice(0, 6) + '19' + s.slice(6);
    out = body + checkChar(body);
  } else {
    out = s.slice(0, 17) + s[17].toUpperCase();
  }
  res.normalized = out;
  const y = Number(out.slice(6, 10)), m = Number(out.slice(10, 12)), d = Number(out.slice(12, 14));
  const dateOk = y >= 1900 && y <= 2099 && validDate(y, m, d) && out.slice(6, 14) <= today.replaceAll('-', '');
  if (dateOk) res.birth = `${out.slice(6, 10)}-${out.slice(10, 12)}-${out.slice(12, 14)}`;
  if (!provinceOk(Number(out.slice(0, 2)), !legacy)) return { ...res, code: ID.PROVINCE };
  if (!dateOk) return { ...res, code: ID.DATE };
  if (checkChar(out) !== out[17]) return { ...res, code: ID.CHECKSUM };
  const g = (gender || '').toUpperCase();
  if (g === 'M' || g === 'F') {
    const male = Number(out[16]) % 2 === 1;
    if (male !== (g === 'M')) return { ...res, code: ID.GENDER };
  }
  return res;
}

/**
 * Check an ID number by ID type code (R4: 1 6 7 8 9 A Z), as idcheck_by_type() on the server.
 * @param {string} type @param {string} input @param {''|'M'|'F'} gender @param {string} today as checkResident's, for type '1'
 * @returns {{code: string, normalized: string, birth: string}}
 */
export function checkByType(type, input, gender, today) {
  const s = bytes(input ?? '');
  const none = (code) => ({ code, normalized: '', birth: '' });
  const ok = (n) => ({ code: ID.OK, normalized: n, birth: '' });
  switch (type) {
    case '1': return checkResident(s, gender, today);
    case '6': case '7': case '8':
      if (!s) return none(ID.EMPTY);
      if (s.length < 5 || s.length > 20) return none(ID.LENGTH);
      for (const c of s) if (!(isDigit(c) || isAlpha(c) || c === '(' || c === ')' || c === '-')) return none(ID.CHARS);
      return ok(s.toUpperCase());
    case '9':
      if (!s) return none(ID.EMPTY);
      if (s.length === 18) {
        for (let i = 0; i < 17; i++) if (!isDigit(s[i])) return none(ID.CHARS);
        if (s[0] !== '9' || !(isDigit(s[17]) || s[17] === 'X' || s[17] === 'x')) return none(ID.CHARS);
        return checkChar(s) === s[17].toUpperCase() ? ok(s.toUpperCase()) : none(ID.CHECKSUM);
      }
      if (s.length === 15) {
        for (let i = 0; i < 15; i++) if (i < 3 ? !isAlpha(s[i]) : !isDigit(s[i])) return none(ID.CHARS);
        return ok(s.toUpperCase());
      }
      return none(ID.LENGTH);
    case 'A':
      if (!s) return none(ID.EMPTY);
      if (s.length < 5 || s.length > 20) return none(ID.LENGTH);
      for (const c of s) if (!(isDigit(c) || isAlpha(c))) return none(ID.CHARS);
      return ok(s.toUpperCase());
    case 'Z':
      if (s.length > 30) return none(ID.LENGTH);
      for (const c of s) { const k = c.charCodeAt(0); if (k < 0x21 || k > 0x7e) return none(ID.CHARS); }
      return ok(s);
    default: return none(ID.TYPE);
  }
}

/** Messages as the server's idcheck_message_zh/en (for i18n.extend). */
export const ID_MESSAGES = {
  zh: {
    'id.ok': '身份证件号正确', 'id.id_empty': '身份证件号不能为空', 'id.id_length': '身份证件号位数错误',
    'id.id_chars': '身份证件号含有非法字符或格式错误', 'id.id_province': '身份证件号前两位不是有效的省级行政区划代码',
    'id.id_date': '身份证件号中的出生日期错误（不存在、早于1900年或晚于今天）', 'id.id_checksum': '身份证件号校验码错误',
    'id.id_gender': '身份证件号与性别不一致', 'id.id_type': '身份证件类型错误',
  },
  en: {
    'id.ok': 'ID number is valid', 'id.id_empty': 'ID number is required', 'id.id_length': 'ID number has the wrong length',
    'id.id_chars': 'ID number contains invalid characters or has the wrong format',
    'id.id_province': 'ID number does not start with a valid province code',
    'id.id_date': 'ID number contains an impossible date of birth (no such date, before 1900 or after today)', 'id.id_checksum': 'ID number check character is wrong',
    'id.id_gender': 'ID number does not match the recorded gender', 'id.id_type': 'Unknown ID type',
  },
};
