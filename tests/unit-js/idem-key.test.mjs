// idem-key.test.mjs (R29, one concept, one place): the keys the screens send (api.js actionKey) keep the one rule of an
// idempotency key, read from its one place (fcgi/idem.h IDEM_KEY_MAX; idem_key_check: UTF-8 text without control characters; the screens' keys are printable ASCII).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { actionKey } from '../../web/js/api.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const MAX = Number(/#define IDEM_KEY_MAX (\d+)/.exec(readFileSync(`${ROOT}fcgi/idem.h`, 'utf8'))?.[1]);

test('R29 every key the screens make is 1 to IDEM_KEY_MAX printable ASCII characters, for the longest targets and any body', () => {
  assert.ok(MAX > 0, 'fcgi/idem.h defines IDEM_KEY_MAX');
  const bodies = [{}, { action: 'submit_corroborate', opinion: '真实，材料见附件', expected_version: 4294967295, evidence_ids: [1, 2, 3] }];
  for (const target of ['reg1', 'reg999999', `m${Number.MAX_SAFE_INTEGER}`, `g${Number.MAX_SAFE_INTEGER}`]) {
    for (const body of bodies) {
      const k = actionKey(target, body);
      assert.match(k, /^[!-~]+$/, k);
      assert.ok(k.length <= MAX, `${k}: ${k.length} characters`);
    }
  }
});
