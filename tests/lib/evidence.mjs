// evidence.mjs: helpers for the evidence API tests (R23): multipart bodies built byte by byte, fixture and
// generated JPEGs, downloads as bytes, and the "nothing was stored" check (rows, files, usage).
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { BASE, ROOT, VARDIR, sql, sqlCount } from './api.mjs';

export const FIXTURES = join(ROOT, 'tests/fixtures/evidence');
export const MAX_FILE = 2097152;
export const DATA_DIR = VARDIR ? join(VARDIR, 'data') : undefined;

/** Bytes of a committed fixture. @param {string} name */
export function fixture(name) { return readFileSync(join(FIXTURES, name)); }

/** Rows of manifest.tsv: {file, expected, mimes: string[], what}. */
export function manifest() {
  return readFileSync(join(FIXTURES, 'manifest.tsv'), 'utf8').split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => { const [file, expected, mimes, what] = l.split('\t'); return { file, expected, mimes: mimes.split('|'), what }; });
}

/** Lower-case hex SHA-256. @param {Buffer} buf */
export function sha256(buf) { return createHash('sha256').update(buf).digest('hex'); }

/**
 * A JPEG with COM (FF FE) segments inserted right after SOI so that it is exactly `total` bytes and still a
 * complete JPEG (as pad_jpeg in tests/unit/test_filetype.c). A random nonce makes every call unique.
 * @param {Buffer} jpg @param {number} [total] default: just big enough for the nonce
 */
export function uniqueJpeg(jpg = fixture('ok-baseline.jpg'), total) {
  const nonce = randomBytes(16).toString('hex');
  const segs = [];
  const first = Buffer.from('xueji-test ' + nonce);
  segs.push(Buffer.concat([Buffer.from([0xff, 0xfe, (first.length + 2) >> 8, (first.length + 2) & 0xff]), first]));
  let size = jpg.length + segs[0].length;
  if (total !== undefined) {
    assert.ok(total >= size, 'total too small');
    let need = total - size;
    while (need > 0) {
      let seg = Math.min(need, 65537); // marker (2) + length field and body (<= 65535)
      if (need - seg > 0 && need - seg < 4) seg -= 4;
      const body = seg - 2; // length field counts itself
      const b = Buffer.alloc(seg, 0x78);
      b[0] = 0xff; b[1] = 0xfe; b[2] = body >> 8; b[3] = body & 0xff;
      segs.push(b);
      need -= seg;
    }
  }
  const out = Buffer.concat([jpg.subarray(0, 2), ...segs, jpg.subarray(2)]);
  if (total !== undefined) assert.equal(out.length, total);
  return out;
}

/**
 * A multipart/form-data body. Each part: {name='files', filename (string, sent raw as UTF-8 in quotes),
 * filenameStar (raw RFC 8187 value), disposition (Buffer: the whole header value, raw), type, data}.
 * opts.boundary, opts.close=false omits the close delimiter.
 */
export function multipart(parts, opts = {}) {
  const boundary = opts.boundary ?? '----xjtest' + randomBytes(8).toString('hex');
  const chunks = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`));
    let disp = p.disposition;
    if (!disp) {
      let s = `form-data; name="${p.name ?? 'files'}"`;
      if (p.filename !== undefined) s += `; filename="${p.filename}"`;
      if (p.filenameStar !== undefined) s += `; filename*=${p.filenameStar}`;
      disp = Buffer.from(s, 'utf8');
    }
    chunks.push(Buffer.from('Content-Disposition: '), disp, Buffer.from('\r\n'));
    if (p.type) chunks.push(Buffer.from(`Content-Type: ${p.type}\r\n`));
    chunks.push(Buffer.from('\r\n'), Buffer.from(p.data ?? ''), Buffer.from('\r\n'));
  }
  if (opts.close !== false) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}`, boundary };
}

/** POST /api/v1/evidence with the given parts (or a prepared {body, contentType}). */
export function upload(client, parts, opts = {}) {
  const mp = Array.isArray(parts) ? multipart(parts, opts) : parts;
  return client.req('POST', '/api/v1/evidence', { raw: mp.body, headers: { 'content-type': opts.contentType ?? mp.contentType } });
}

/** GET a download as bytes: {status, headers, buf}. */
export async function download(client, id, query = '') {
  const res = await fetch(`${BASE}/api/v1/evidence/${id}${query}`, { headers: client?.cookie ? { cookie: client.cookie } : {} });
  return { status: res.status, headers: res.headers, buf: Buffer.from(await res.arrayBuffer()) };
}

/** Every evidence file under the data directory (relative paths, sorted), temp files included; the registry's
 * import files (imports/) share the data directory and are not evidence. */
export function dataFiles(dir = DATA_DIR) {
  const out = [];
  const walk = (d, rel) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory() && rel === '' && e.name === 'imports') continue;
      if (e.isDirectory()) walk(join(d, e.name), rel + e.name + '/');
      else out.push(rel + e.name);
    }
  };
  walk(dir, '');
  return out.sort();
}

/** Path of the content file for a SHA-256 hex. */
export function contentPath(hex) { return join(DATA_DIR, hex.slice(0, 2), hex.slice(2, 4), hex); }

/** What is stored now: evidence rows, usage bytes, files on disk. */
export function snapshot() {
  return {
    rows: sqlCount('SELECT COUNT(*) FROM evidence'),
    usage: sqlCount('SELECT COALESCE(SUM(bytes), 0) FROM evidence_usage'),
    files: dataFiles(),
  };
}

/**
 * Assert that nothing was stored since `before`: no new evidence row, no usage change, no new file
 * (content or temp) under the data directory, and none of `contents` (Buffers sent) has a row or a file.
 */
export function assertNothingStored(before, contents = []) {
  const after = snapshot();
  assert.equal(after.rows, before.rows, 'no new evidence row');
  assert.equal(after.usage, before.usage, 'usage unchanged');
  assert.deepEqual(after.files, before.files, 'no new file under the data directory');
  for (const c of contents) {
    const hex = sha256(c);
    assert.equal(sqlCount(`SELECT COUNT(*) FROM evidence WHERE sha256 = UNHEX('${hex}')`), 0, `no row for ${hex}`);
    assert.equal(existsSync(contentPath(hex)), false, `no content file for ${hex}`);
  }
}

/** Size of a stored content file, or -1. */
export function storedSize(hex) { const p = contentPath(hex); return existsSync(p) ? statSync(p).size : -1; }

/** unit.id of a unit code. */
export function unitId(code) { return Number(sql(`SELECT id FROM unit WHERE code = '${code}'`)[0][0]); }
