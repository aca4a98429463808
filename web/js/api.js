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
  if (!res.ok) {
    const e = json && json.error ? json.error : {};
    // issue 11 item 11: the session ended (idle, signed out elsewhere): the shell says so and shows the sign-in
    if (res.status === 401 && e.reason === 'session_expired') dispatchEvent(new CustomEvent('xj:session-expired', { detail: e }));
    throw new ApiError(res.status, e.code || 'http_' + res.status, e.message || '', e.field || null, e);
  }
  noteActivity();
  return json;
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
