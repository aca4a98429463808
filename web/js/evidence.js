// evidence.js: check evidence files in the browser before sending (R23: DOC, RAR or JPG by content, at most the
// service's limit, GET /api/v1/rules limits.evidence_file_bytes). The server checks again.

/** Magic numbers of the accepted kinds (file content, not the name). */
const KINDS = [
  { kind: 'jpg', bytes: [0xff, 0xd8, 0xff] },
  { kind: 'rar', bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07] }, // "Rar!\x1a\x07" (RAR 4 and 5)
  { kind: 'doc', bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] }, // OLE2 compound file (Word 97–2003)
];

/** First n bytes of a Blob, with FileReader in the browser (arrayBuffer elsewhere). @param {Blob} blob @param {number} n */
function head(blob, n) {
  const part = blob.slice(0, n);
  if (typeof FileReader === 'undefined') return part.arrayBuffer().then((b) => new Uint8Array(b));
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(new Uint8Array(/** @type {ArrayBuffer} */ (r.result)));
    r.onerror = () => reject(r.error);
    r.readAsArrayBuffer(part);
  });
}

/**
 * The kind of a file by its first bytes: 'jpg', 'rar', 'doc' or '' (anything else).
 * @param {Uint8Array} b
 */
export function sniff(b) {
  for (const k of KINDS) if (k.bytes.every((x, i) => b[i] === x)) return k.kind;
  return '';
}

/**
 * Check one evidence file (R23). code: 'ok', 'empty', 'too_big' or 'bad_type'. maxBytes: the service's limit
 * (rules().limits.evidence_file_bytes). @param {Blob & {name?: string}} file @param {number} maxBytes
 * @returns {Promise<{ok: boolean, code: string, kind: string}>}
 */
export async function checkEvidence(file, maxBytes) {
  if (!file || file.size === 0) return { ok: false, code: 'empty', kind: '' };
  const kind = sniff(await head(file, 8));
  if (!kind) return { ok: false, code: 'bad_type', kind };
  if (file.size > maxBytes) return { ok: false, code: 'too_big', kind };
  return { ok: true, code: 'ok', kind };
}

/** Messages for the codes above (i18n.extend); {mb}: the service's limit in words (rules.js evidenceLimitText). */
export const EVIDENCE_MESSAGES = {
  zh: {
    'ev.ok': '可以上传', 'ev.empty': '文件是空的', 'ev.too_big': '文件超过 {mb}，不能上传',
    'ev.bad_type': '只能上传 DOC、RAR 或 JPG 文件（按文件内容判断，不看扩展名）',
  },
  en: {
    'ev.ok': 'Ready to upload', 'ev.empty': 'The file is empty', 'ev.too_big': 'The file is larger than {mb}',
    'ev.bad_type': 'Only DOC, RAR or JPG files are accepted (judged by content, not by name)',
  },
};
