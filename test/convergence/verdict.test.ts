import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { judgeAttempt, judgeAll, failureSignature, stopsRetries, thresholdsFrom, DEFAULT_THRESHOLDS } from '../../src/convergence/verdict.js';
import { makeFailure } from '../../src/exec/validators/index.js';
import type { AttemptRecord } from '../../src/convergence/types.js';
import type { Failure } from '../../src/validation/types.js';
import type { Policy } from '../../src/types/generated/index.js';

const fail = (validator: string, category: string, file: string, message: string, line = 1): Failure => makeFailure(validator, category, file, line, message);
const T1 = fail('pytest', 'test-failure', 'tests/t.py', 'tests/t.py::test_a');
const T2 = fail('pytest', 'test-failure', 'tests/t.py', 'tests/t.py::test_b');
const T3 = fail('pytest', 'test-failure', 'tests/t.py', 'tests/t.py::test_c');
const M1 = fail('mypy', 'arg-type', 'src/a.py', 'Argument 1 has incompatible type "int"');

function attempt(n: number, failures: Failure[], extra: Partial<AttemptRecord> = {}): AttemptRecord {
  const failed = [...new Set(failures.map((f) => f.validator))];
  return {
    attempt: n,
    costUsd: 0,
    filesTouched: ['src/a.py'],
    diffBytes: 400,
    linesAdded: 4,
    linesRemoved: 2,
    refusal: null,
    failures,
    passedValidators: ['mypy', 'pytest', 'ruff'].filter((v) => !failed.includes(v)),
    failedValidators: failed,
    ...extra,
  };
}

test('success when everything passes; first when the first validated attempt fails', () => {
  assert.is(judgeAttempt([attempt(1, [])]).verdict, 'success');
  const v = judgeAttempt([attempt(1, [T1, T2])]);
  assert.is(v.verdict, 'first');
  assert.match(v.reasons[0], /2 failures in pytest/);
  // A refused attempt (nothing validated) does not count as the previous one.
  const refused: AttemptRecord = { ...attempt(1, []), passedValidators: [], failedValidators: [], refusal: { code: 'E_PATCH_UNSAFE', message: 'x' } };
  assert.is(judgeAttempt([refused, attempt(2, [T1])]).verdict, 'first');
});

test('progress: fewer failures by at least min_improvement', () => {
  const v = judgeAttempt([attempt(1, [T1, T2, T3]), attempt(2, [T1])]);
  assert.is(v.verdict, 'progress');
  assert.is(v.evidence.improvement, 0.667);
  assert.equal(v.evidence.fixed_failure_ids, [T2.id, T3.id].sort());
  assert.is(stopsRetries(v), false);
});

test('progress: same count but a narrower diff and a different signature', () => {
  // mypy ids carry their message, so a different type error is not a test regression.
  const M2 = fail('mypy', 'arg-type', 'src/a.py', 'Argument 2 has incompatible type "str"');
  const v = judgeAttempt([attempt(1, [M1], { diffBytes: 900 }), attempt(2, [M2], { diffBytes: 300 })]);
  assert.is(v.verdict, 'progress');
  assert.match(v.reasons[0], /diff narrowed 900 → 300/);
});

test('divergence: regression — a test that passed before (its runner ran unmasked) fails now', () => {
  const v = judgeAttempt([attempt(1, [T1], { diffBytes: 900 }), attempt(2, [T2], { diffBytes: 300 })]);
  assert.is(v.verdict, 'divergence');
  assert.match(v.reasons.join(' '), /regression: passed on attempt 1 and fail now: tests\/t.py::test_b/);
  assert.equal(v.evidence.test_regressions, ['tests/t.py::test_b']);
  // Hidden behind a collection error last time: not known to have passed, so not a regression.
  const hidden = fail('pytest', 'collection-error', 'tests/t.py', 'ImportError');
  assert.is.not(judgeAttempt([attempt(1, [hidden]), attempt(2, [T2])]).verdict, 'divergence');
});

test('stall: the same failure signature twice in a row, even when lines moved', () => {
  const moved = { ...T1, line: 40 };
  const v = judgeAttempt([attempt(1, [T1, M1]), attempt(2, [M1, moved])]);
  assert.is(v.verdict, 'stall');
  assert.is(v.evidence.signature_repeats, 2);
  assert.is(stopsRetries(v), true);
  // stall_repeats 3 needs three in a row.
  const t3 = { ...DEFAULT_THRESHOLDS, stallRepeats: 3 };
  const second = judgeAttempt([attempt(1, [T1, M1]), attempt(2, [T1, M1])], t3);
  assert.is(second.verdict, 'progress');
  assert.match(second.reasons[0], /stall_repeats 3 allows another attempt/);
  assert.is(judgeAttempt([attempt(1, [T1, M1]), attempt(2, [T1, M1]), attempt(3, [T1, M1])], t3).verdict, 'stall');
});

test('stall: improvement under the threshold', () => {
  const many = Array.from({ length: 20 }, (_, i) => fail('pytest', 'test-failure', 'tests/t.py', `tests/t.py::test_${i}`));
  const v = judgeAttempt([attempt(1, many), attempt(2, many.slice(1))]);
  assert.is(v.verdict, 'stall', v.reasons.join(';'));
  assert.match(v.reasons[0], /improvement 5% \(failures 20 → 19\) is under min_improvement 10%/);
  assert.is(judgeAttempt([attempt(1, many), attempt(2, many.slice(1))], { ...DEFAULT_THRESHOLDS, minImprovement: 0.05 }).verdict, 'progress');
});

test('divergence: the diff grows past max_diff_growth', () => {
  const v = judgeAttempt([attempt(1, [T1, T2], { diffBytes: 300 }), attempt(2, [T1], { diffBytes: 700 })]);
  assert.is(v.verdict, 'divergence');
  assert.match(v.reasons.join(';'), /diff grew 2.33x \(300 → 700\)/);
  assert.is(judgeAttempt([attempt(1, [T1, T2], { diffBytes: 300 }), attempt(2, [T1], { diffBytes: 600 })]).verdict, 'progress');
});

test('divergence: new failure categories', () => {
  const v = judgeAttempt([attempt(1, [T1, T2]), attempt(2, [fail('pytest', 'test-error', 'tests/t.py', 'tests/t.py::test_a')])]);
  assert.is(v.verdict, 'divergence');
  assert.equal(v.evidence.new_categories, ['pytest:test-error']);
});

test('a collection error hiding the tests is not divergence once it is fixed', () => {
  const collect = fail('pytest', 'collection-error', 'tests/t.py', 'tests/t.py');
  assert.is(judgeAttempt([attempt(1, [collect]), attempt(2, [T1])]).verdict, 'stall');
  assert.is(judgeAttempt([attempt(1, [collect], { diffBytes: 500 }), attempt(2, [T1], { diffBytes: 300 })]).verdict, 'progress');
});

test('divergence: files outside the previous attempts\' set', () => {
  const v = judgeAttempt([attempt(1, [T1, T2]), attempt(2, [T1], { filesTouched: ['src/a.py', 'setup.py'] })]);
  assert.is(v.verdict, 'divergence');
  assert.equal(v.evidence.files_outside_previous, ['setup.py']);
});

test('divergence: regression — a validator that passed before fails now', () => {
  const v = judgeAttempt([attempt(1, [T1, T2]), attempt(2, [M1])]);
  assert.is(v.verdict, 'divergence');
  assert.equal(v.evidence.regressions, ['mypy']);
  assert.match(v.reasons[0], /regression: mypy passed on attempt 1 and fail now/);
});

test('judgeAll gives every validated attempt its verdict in order; thresholds come from the policy', () => {
  const all = judgeAll([attempt(1, [T1, T2, T3]), attempt(2, [T1]), attempt(3, [T1]), attempt(4, [])]);
  assert.equal(all.map((a) => [a.attempt, a.verdict.verdict]), [[1, 'first'], [2, 'progress'], [3, 'stall'], [4, 'success']]);
  assert.equal(thresholdsFrom({ convergence: { stall_repeats: 3, min_improvement: 0.25, max_diff_growth: 1.5 } } as Policy), { stallRepeats: 3, minImprovement: 0.25, maxDiffGrowth: 1.5 });
  assert.equal(thresholdsFrom({} as Policy), DEFAULT_THRESHOLDS);
  assert.is(failureSignature([]), 'clean');
  assert.is(failureSignature([T1, T2]), failureSignature([T2, T1, T1]));
});

test.run();
