// Black-box check of how pipe reads model answers (issue 12), part 1 of 7: the corpus
// itself, and the first correct unified diffs (ua01-ua18). A corpus of answers as GPT-4-class models,
// Codex (apply_patch) and aider (SEARCH/REPLACE) write them, over a fixture repo the
// reader never saw (test/fixtures/answers-qa-repo). Each case runs the built CLI on a
// fresh git repo with the answer as the fake provider's only response. Correct answers
// must exit 0 and leave every file byte-identical to the expectation; bad ones must exit
// // non-zero but not 2, leave the tree byte-identical, and say why. The other parts are the
// answers-blackbox-*.test.ts files (PARTS in answers-blackbox-suite.ts); the whole
// scorecard is bench/answers-blackbox.mjs; the case format is in
// test/fixtures/answers-qa-cases/README.md.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadCases } from './answers-blackbox-kit.js';
import { PARTS, inPart, registerCases, type PartName } from './answers-blackbox-suite.js';

test('the corpus holds at least 70 cases, correct and bad answers in all four formats, each with its expectation', () => {
  const cases = loadCases();
  assert.ok(cases.length >= 70, `${cases.length} cases`);
  for (const format of ['unified-diff', 'json', 'apply-patch', 'search-replace']) {
    assert.ok(cases.some((c) => c.format === format && c.expect === 'applied'), `no correct ${format} answer`);
    assert.ok(cases.some((c) => c.format === format && c.expect === 'refused'), `no bad ${format} answer`);
  }
  for (const c of cases) {
    const parts = (Object.keys(PARTS) as PartName[]).filter((p) => inPart(c.id, p));
    assert.is(parts.length, 1, `${c.id}: in ${parts.length} test parts, must be in exactly one`);
    if (c.expect === 'applied') assert.ok(c.expected.size > 0, `${c.id}: an applied case needs expected files`);
    else assert.ok(c.reason.length > 0 && c.expected.size === 0, `${c.id}: a refusal needs reason words and no expected files`);
  }
});

registerCases('correct unified diffs 1');

test.run();
