// Stored system reasons ("中文。 (R17: English.)", R18 with the arbitrator's own text after it) in the chosen language (issue 11 item 10).
import test from 'node:test';
import assert from 'node:assert/strict';

const store = new Map();
globalThis.localStorage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, String(v)) };
globalThis.document = { documentElement: {}, querySelectorAll: () => [] };
const { setLang } = await import('../../web/js/i18n.js');
const { reasonText } = await import('../../web/js/ui.js');

const CASES = [
  ['同一区县已核办通过本组另一条佐证，本条自动不通过。 (R17: the county approved another corroboration in this group; this one is rejected automatically.)',
    '同一区县已核办通过本组另一条佐证，本条自动不通过。', 'the county approved another corroboration in this group; this one is rejected automatically.'],
  ['仲裁认定本组另一条学籍，本条驳回学校重新处理。 (R18: the arbitrator upheld another record; handle this one again.) 并发仲裁测试',
    '仲裁认定本组另一条学籍，本条驳回学校重新处理。 并发仲裁测试', 'the arbitrator upheld another record; handle this one again. 并发仲裁测试'],
  ['与之重复的学籍均已删除或变更，问题已消除。 (The clash is gone: every other record was deleted or changed.)',
    '与之重复的学籍均已删除或变更，问题已消除。', 'The clash is gone: every other record was deleted or changed.'],
  ['材料不清楚', '材料不清楚', '材料不清楚'],
];

for (const [stored, zh, en] of CASES) {
  test(`issue 11.10 a stored reason shows one language: ${stored.slice(0, 24)}…`, () => {
    setLang('zh');
    assert.equal(reasonText(stored), zh);
    assert.doesNotMatch(reasonText(stored), /\(R\d+|[A-Za-z]/);
    setLang('en');
    assert.equal(reasonText(stored), en);
    assert.doesNotMatch(reasonText(stored), /R\d+:/);
  });
}
