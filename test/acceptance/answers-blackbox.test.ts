// Black-box check of how pipe reads model answers (issue 12), part 1 of 3: the corpus
// itself, and the correct unified diffs (ua*). A corpus of answers as GPT-4-class models,
// Codex (apply_patch) and aider (SEARCH/REPLACE) write them, over a fixture repo the
// reader never saw (test/fixtures/answers-qa-repo). Each case runs the built CLI on a
// fresh git repo with the answer as the fake provider's only response. Correct answers
// must exit 0 and leave every file byte-identical to the expectation; bad ones must exit
// non-zero but not 2, leave the tree byte-identical, and say why. Parts 2 and 3:
// answers-blackbox-formats.test.ts (JSON, apply_patch, SEARCH/REPLACE) and
// answers-blackbox-refusals.test.ts. The whole scorecard: bench/answers-blackbox.mjs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadCases } from './answers-blackbox-kit.js';
import { registerCases } from './answers-blackbox-suite.js';

test('the corpus holds at least 70 cases, correct and bad answers in all four formats, each with its expectation', () => {
  const cases = loadCases();
  assert.ok(cases.length >= 70, `${cases.length} cases`);
  for (const format of ['unified-diff', 'json', 'apply-patch', 'search-replace']) {
    assert.ok(cases.some((c) => c.format === format && c.expect === 'applied'), `no correct ${format} answer`);
    assert.ok(cases.some((c) => c.format === format && c.expect === 'refused'), `no bad ${format} answer`);
  }
  for (const c of cases) {
    assert.ok(['ua', 'ja', 'pa', 'sa', 'ur'].includes(c.id.slice(0, 2)), `${c.id}: no test file runs this prefix`);
    if (c.expect === 'applied') assert.ok(c.expected.size > 0, `${c.id}: an applied case needs expected files`);
    else assert.ok(c.reason.length > 0 && c.expected.size === 0, `${c.id}: a refusal needs reason words and no expected files`);
  }
});

registerCases(['ua'], 'correct unified diffs');

test.run();
