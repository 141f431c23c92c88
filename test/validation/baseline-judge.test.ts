// Attempts judged against the baseline (pure): the five promises of the default without
// targets (issue 14), targets, and what FAIL_TO_PASS / PASS_TO_PASS hold.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { judgeAgainstBaseline, type ValidatorSnapshot } from '../../src/validation/baseline/index.js';
import { failureId } from '../../src/exec/validators/index.js';
import type { Failure } from '../../src/validation/types.js';

const fail = (test: string, validator = 'pytest'): Failure => ({ validator, id: failureId(validator, 'test-failure', test.split('::')[0], test), category: 'test-failure', file: test.split('::')[0], line: 3, message: `${test}: assert 1 == 2`, test });
const run = (failures: Failure[], name = 'pytest', passedTests: string[] | null = null): ValidatorSnapshot => ({ name, status: failures.length ? 'failed' : 'passed', failures, passedTests });

const BUG = 'tests/test_ops.py::test_add';
const UNRELATED = 'tests/test_net.py::test_offline';
const MUL = 'tests/test_ops.py::test_mul';

test('a correct fix is accepted although an unrelated test failed before it; the leftover is listed, not charged', () => {
  const j = judgeAgainstBaseline([run([fail(BUG), fail(UNRELATED)])], [run([fail(UNRELATED)])]);
  assert.ok(j.accepted, j.reasons.join('; '));
  assert.equal(j.fail_to_pass.map((r) => r.test), [BUG]);
  assert.equal(j.pre_existing.map((f) => f.test), [UNRELATED]);
  assert.equal(j.fail_to_fail.map((r) => r.test), [UNRELATED]);
  assert.equal(j.pass_to_fail, []);
  assert.equal(j.charged, []);
  assert.match(j.reasons.join(' '), /1 pre-existing failure left/);
});

test('a patch that breaks a passing test is rejected, even when it fixes the bug', () => {
  const j = judgeAgainstBaseline([run([fail(BUG), fail(UNRELATED)])], [run([fail(UNRELATED), fail(MUL)])]);
  assert.not.ok(j.accepted);
  assert.equal(j.pass_to_fail.map((r) => r.test), [MUL]);
  assert.equal(j.charged.map((f) => f.test), [MUL]);
  assert.match(j.reasons[0], /1 new failure the baseline did not have: tests\/test_ops.py::test_mul/);
});

test('a patch that fixes nothing is not a success: the baseline failures are charged to it', () => {
  const j = judgeAgainstBaseline([run([fail(BUG), fail(UNRELATED)])], [run([fail(BUG), fail(UNRELATED)])]);
  assert.not.ok(j.accepted);
  assert.equal(j.charged.map((f) => f.test).sort(), [BUG, UNRELATED].sort());
  assert.match(j.reasons.join(' '), /none of the 2 failures the baseline had is fixed/);
});

test('a partial fix is not a success: a failure left in the test file where another was fixed is charged', () => {
  const j = judgeAgainstBaseline([run([fail(BUG), fail(MUL), fail(UNRELATED)])], [run([fail(MUL), fail(UNRELATED)])]);
  assert.not.ok(j.accepted);
  assert.equal(j.charged.map((f) => f.test), [MUL]);
  assert.equal(j.pre_existing.map((f) => f.test), [UNRELATED]);
  assert.match(j.reasons.join(' '), /a partial fix: 1 failure left in tests\/test_ops.py/);
});

test('with a green baseline every validator must end green', () => {
  const green = [run([]), run([], 'ruff')];
  assert.ok(judgeAgainstBaseline(green, [run([]), run([], 'ruff')]).accepted);
  const lint: Failure = { validator: 'ruff', id: 'r1', category: 'F401', file: 'a.py', line: 1, message: 'unused import' };
  const j = judgeAgainstBaseline(green, [run([]), run([lint], 'ruff')]);
  assert.not.ok(j.accepted);
  assert.equal(j.pass_to_fail.map((r) => r.id), ['r1']);
  assert.equal(j.pass_to_pass.validators, ['pytest']);
});

test('targets must end green; other baseline failures are pre-existing; a target never seen where passes are visible did not run', () => {
  const base = [run([fail(BUG), fail(UNRELATED)], 'pytest', ['tests/test_ops.py::test_mul'])];
  const fixed = judgeAgainstBaseline(base, [run([fail(UNRELATED)], 'pytest', [BUG, MUL])], ['tests/test_ops.py']);
  assert.ok(fixed.accepted, fixed.reasons.join('; '));
  assert.equal(fixed.targets, [{ target: 'tests/test_ops.py', status: 'passed' }]);
  assert.equal(fixed.pass_to_pass.tests, [MUL]);

  const unfixed = judgeAgainstBaseline(base, [run([fail(BUG), fail(UNRELATED)], 'pytest', [MUL])], [BUG]);
  assert.not.ok(unfixed.accepted);
  assert.equal(unfixed.charged.map((f) => f.test), [BUG]);
  assert.equal(unfixed.pre_existing.map((f) => f.test), [UNRELATED]);

  const missing = judgeAgainstBaseline([run([], 'pytest', [MUL])], [run([], 'pytest', [MUL])], ['tests/test_new.py::test_feature']);
  assert.not.ok(missing.accepted);
  assert.equal(missing.targets, [{ target: 'tests/test_new.py::test_feature', status: 'not-run' }]);
  assert.is(missing.charged[0].category, 'target-not-run');
});

test('a validator name as a target must pass; a validator skipped after the patch proves nothing', () => {
  const lint: Failure = { validator: 'ruff', id: 'r1', category: 'F401', file: 'a.py', line: 1, message: 'unused import' };
  const j = judgeAgainstBaseline([run([lint], 'ruff'), run([fail(UNRELATED)])], [run([], 'ruff'), run([fail(UNRELATED)])], ['ruff']);
  assert.ok(j.accepted, j.reasons.join('; '));
  assert.equal(j.targets, [{ target: 'ruff', status: 'passed' }]);
  const skipped = judgeAgainstBaseline([run([fail(BUG)])], [{ name: 'pytest', status: 'skipped', failures: [], passedTests: null }]);
  assert.not.ok(skipped.accepted);
  assert.equal(skipped.fail_to_pass, [], 'a failure is not "fixed" by a validator that did not run');
});

test.run();
