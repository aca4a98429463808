// api.js: the one fetch wrapper: JSON in and out, CSRF header on writes, errors as ApiError with the server's code.

/** An error answered by the API: {status, code, message, field}; detail is the whole error object (e.g. message_en, files). */
export class ApiError extends Error {
  /** @param {number} status @param {string} code @param {string} message @param {string|null} field @param {any} [detail] */
  constructor(status, code, message, field, detail) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.detail = detail || {};
  }
}

let csrfToken = '';
let lastOk = Date.now();

/** Note a successful answer: it kept the session alive, for this tab and (localStorage) the user's other tabs. */
function noteActivity() {
  lastOk = Date.now();
  try { localStorage.setItem('xj.activity', String(lastOk)); } catch { /* storage off: this tab only */ }
}

/**
 * When the service last answered a request of this browser successfully (ms since the epoch), in any tab of the app:
 * each one keeps the one session alive, so an idle tab must not warn or sign out while another is in use.
 */
export function lastActivity() {
  let other = 0;
  try { other = Number(localStorage.getItem('xj.activity')) || 0; } catch { /* storage off */ }
  return Math.max(lastOk, other);
}

/** Remember the CSRF token returned at sign-in (or by GET /api/v1/session). @param {string} t */
export function setCsrf(t) { csrfToken = t || ''; }

/** The current CSRF token (for web/js/upload.js, the one other sender). */
export function csrf() { return csrfToken; }

/**
 * Build a query string from params, skipping empty values. @param {Record<string, unknown>} params
 * @returns {string} '' or '?a=1&b=2'
 */
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? '?' + s : '';
}

/**
 * Call the API. body (object) is sent as JSON; FormData is sent as multipart.
 * @param {string} method @param {string} path @param {object|FormData} [body]
 * @param {{headers?: Record<string, string>}} [opts] extra headers (e.g. Idempotency-Key)
 * @returns {Promise<any>} parsed JSON (or null for 204)
 */
export async function api(method, path, body, opts = {}) {
  const headers = { accept: 'application/json', ...(opts.headers || {}) };
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) { payload = JSON.stringify(body); headers['content-type'] = 'application/json'; }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res;
  try {
    res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', '', null);
  }
  if (res.status === 204) { noteActivity(); return null; }
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!res.ok) throw failure(res.status, json);
  noteActivity();
  return json;
}

/**
 * The ApiError of a non-2xx answer (its JSON error object, when it has one). @param {number} status @param {any} json
 * @returns {ApiError}
 */
function failure(status, json) {
  const e = json && json.error ? json.error : {};
  // issue 11 item 11: the session ended (idle, signed out elsewhere): the shell says so and shows the sign-in
  if (status === 401 && e.reason === 'session_expired') dispatchEvent(new CustomEvent('xj:session-expired', { detail: e }));
  return new ApiError(status, e.code || 'http_' + status, e.message || '', e.field || null, e);
}

/**
 * The file name a Content-Disposition header gives: RFC 6266 filename* (UTF-8, percent-encoded) before the ASCII
 * filename; '' when there is none. @param {string|null} cd @returns {string}
 */
export function dispositionName(cd) {
  if (!cd) return '';
  const star = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(cd);
  if (star) { try { return decodeURIComponent(star[2].trim()).replace(/[\\/]/g, '_'); } catch { /* malformed: the plain name */ } }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(cd);
  const name = plain ? (plain[1] !== undefined ? plain[1].replace(/\\(.)/g, '$1') : plain[2].trim()) : '';
  return name.replace(/[\\/]/g, '_');
}

/**
 * Fetch a file of the API for saving (R26: a download link that the service refuses must not save its JSON error as
 * the file): a 2xx answer gives the bytes and the server's file name (Content-Disposition, '' when it names none); any
 * other answer throws the ApiError of its JSON error (message and message_en), as api() does.
 * @param {string} path @returns {Promise<{blob: Blob, filename: string}>}
 */
export async function fetchFile(path) {
  let res;
  try {
    res = await fetch(path, { method: 'GET', credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', '', null);
  }
  if (!res.ok) {
    let json = null;
    try { json = JSON.parse(await res.text()); } catch { /* not JSON (a proxy's page) */ }
    throw failure(res.status, json);
  }
  let blob;
  try { blob = await res.blob(); } catch { throw new ApiError(0, 'network', '', null); }
  noteActivity();
  return { blob, filename: dispositionName(res.headers.get('content-disposition')) };
}

const PAGE_KEY = globalThis.crypto?.randomUUID ? crypto.randomUUID() : Date.now().toString(36) + Math.random().toString(36).slice(2);
/**
 * The Idempotency-Key of an action: the same for the same target and body while the page is open, so a second click
 * after a lost answer (503 outcome_unknown, a network break) replays the first answer instead of acting again (a new
 * key each time answered 409 "someone else changed it" when the first had been stored). @param {string} target
 * @param {object} body the request body (its expected_version included) @returns {string}
 */
export function actionKey(target, body) {
  const s = JSON.stringify(body);
  let x = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < s.length; i++) x = Math.imul(x ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return `${PAGE_KEY}-${target}-${x.toString(16)}`;
}
