// evidence.test.mjs: the browser's evidence check (web/js/evidence.js) accepts DOC, RAR and JPG by content up to 2 MB (R23).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkEvidence, sniff } from '../../web/js/evidence.js';

const MAX_EVIDENCE = 2097152; // R23: 2 MB (the service states it at GET /api/v1/rules; the app passes it in)

const JPG = [0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46];
const RAR4 = [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00];
const RAR5 = [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00];
const DOC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const file = (bytes, size = bytes.length) => { const b = new Uint8Array(size); b.set(bytes); return new Blob([b]); };

test('R23 JPG, RAR (4 and 5) and DOC are recognised by their first bytes', () => {
  assert.equal(sniff(new Uint8Array(JPG)), 'jpg');
  assert.equal(sniff(new Uint8Array(RAR4)), 'rar');
  assert.equal(sniff(new Uint8Array(RAR5)), 'rar');
  assert.equal(sniff(new Uint8Array(DOC)), 'doc');
  assert.equal(sniff(new Uint8Array([0x25, 0x50, 0x44, 0x46])), '', 'PDF is refused');
  assert.equal(sniff(new Uint8Array([0x50, 0x4b, 3, 4])), '', 'DOCX/ZIP is refused');
  assert.equal(sniff(new Uint8Array([0x89, 0x50, 0x4e, 0x47])), '', 'PNG is refused');
});

test('R23 a file of exactly 2,097,152 bytes is accepted, one byte more is refused', async () => {
  assert.deepEqual(await checkEvidence(file(JPG, MAX_EVIDENCE), MAX_EVIDENCE), { ok: true, code: 'ok', kind: 'jpg' });
  assert.deepEqual(await checkEvidence(file(JPG, MAX_EVIDENCE + 1), MAX_EVIDENCE), { ok: false, code: 'too_big', kind: 'jpg' });
});

test('R23 empty files and other types are refused, whatever the name', async () => {
  assert.equal((await checkEvidence(new Blob([]), MAX_EVIDENCE)).code, 'empty');
  assert.equal((await checkEvidence(file([0x25, 0x50, 0x44, 0x46, 0x2d]), MAX_EVIDENCE)).code, 'bad_type');
  assert.equal((await checkEvidence(file(DOC, 4096), MAX_EVIDENCE)).kind, 'doc');
  assert.equal((await checkEvidence(file(RAR5, 100), MAX_EVIDENCE)).ok, true);
});
