// upload.js: send a file with upload progress (XMLHttpRequest: fetch has no upload events); the only sender besides api.js, same CSRF header and errors.
import { ApiError, csrf } from './api.js';

/**
 * Send body (FormData, File or Blob) and report progress.
 * @param {string} method @param {string} url @param {FormData|Blob} body
 * @param {{onProgress?: (sent: number, total: number) => void, headers?: Record<string, string>, contentType?: string}} [opts]
 * @returns {Promise<any>} the parsed JSON answer (null when empty); rejects with ApiError like api()
 */
export function upload(method, url, body, opts = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.withCredentials = true;
    xhr.setRequestHeader('accept', 'application/json');
    const tok = csrf();
    if (tok) xhr.setRequestHeader('x-csrf-token', tok);
    if (opts.contentType && !(body instanceof FormData)) xhr.setRequestHeader('content-type', opts.contentType);
    for (const [k, v] of Object.entries(opts.headers || {})) xhr.setRequestHeader(k, v);
    if (opts.onProgress) {
      xhr.upload.addEventListener('progress', (e) => opts.onProgress(e.loaded, e.lengthComputable ? e.total : (body.size || 0)));
    }
    xhr.addEventListener('load', () => {
      let json = null;
      try { json = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) { resolve(json); return; }
      const e = json && json.error ? json.error : {};
      reject(new ApiError(xhr.status, e.code || 'http_' + xhr.status, e.message || '', e.field || null, e));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'network', '', null)));
    xhr.addEventListener('abort', () => reject(new ApiError(0, 'network', '', null)));
    xhr.send(body);
  });
}
