// An exit-code validator whose output is TAP (node --test, tap) gives one failure per
// failing test, so convergence compares attempts test by test.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCommand } from '../../src/exec/run.js';
import { runValidators } from '../../src/validation/run.js';
import { resolveValidatorSpecs } from '../../src/validation/specs.js';
import { judgeAgainstBaseline } from '../../src/validation/baseline/index.js';
import type { Policy } from '../../src/types/generated/index.js';
import { cleanup, makeRepo } from '../helpers/repo.js';

const TAP = (failing: string[]) =>
  ['TAP version 13', 'ok 1 - adds', ...failing.map((name, i) => `not ok ${i + 2} - ${name}\n  ---\n  error: 'Expected values to be strictly equal'\n  ...`), 'not ok 9 - later # TODO not done', `1..${failing.length + 2}`].join('\n');

async function outcomeFor(output: string) {
  const repo = makeRepo({ 'out.tap': output });
  try {
    const policy = {
      apiVersion: 'pipe/v1',
      kind: 'Policy',
      safety: { allowed_executables: ['node'] },
      validators: { unit: { argv: ['node', '-e', "process.stdout.write(require('fs').readFileSync('out.tap','utf8')); process.exit(1)"], parser: 'exit-code' } },
    } as Policy;
    const [outcome] = await runValidators({ repo, exec: runCommand, specs: resolveValidatorSpecs(policy, ['unit'], repo), allowedExecutables: ['node'], maxParallel: 1, failFast: false });
    return outcome;
  } finally {
    cleanup(repo);
  }
}

const failuresFor = async (output: string) => (await outcomeFor(output)).failures;

/** What `vitest run --reporter=tap-flat` prints: `file > describe > test`, each line ending in its time. */
const VITEST = (results: [string, boolean][]) =>
  [
    'TAP version 13',
    `1..${results.length}`,
    ...results.map(([name, ok], i) =>
      ok
        ? `ok ${i + 1} - test/merge.test.ts > merge > ${name} # time=${(Math.random() * 10).toFixed(2)}ms`
        : `not ok ${i + 1} - test/merge.test.ts > merge > ${name} # time=${(Math.random() * 10).toFixed(2)}ms\n    ---\n    error:\n        name: "AssertionError"\n        message: "expected [ 'c', 'a' ] to deeply equal [ 'a', 'c' ]"\n    at: "/repo/test/merge.test.ts:12:20"\n    ...`,
    ),
  ].join('\n');

test('one failure per failing test, named, with its error; TODO tests do not count', async () => {
  const failures = await failuresFor(TAP(['multiplies', 'divides']));
  assert.equal(failures.map((f) => [f.category, f.message]).sort(), [
    ['test-failure', 'divides: Expected values to be strictly equal'],
    ['test-failure', 'multiplies: Expected values to be strictly equal'],
  ]);
  assert.is.not(failures[0].id, failures[1].id);
});

test('the same failing test has the same id in another attempt; a different one does not', async () => {
  const [first] = await failuresFor(TAP(['multiplies']));
  const again = await failuresFor(TAP(['multiplies', 'divides']));
  const byName = (name: string) => again.find((f) => f.message.startsWith(`${name}:`))!;
  assert.is(byName('multiplies').id, first.id);
  assert.is.not(byName('divides').id, first.id);
});

test('output that is not TAP stays one exit-code failure', async () => {
  const failures = await failuresFor('Error: something broke\n');
  assert.equal(failures.map((f) => f.category), ['exit-code']);
});

test("vitest's TAP: a test's name leaves out the `# time=…` that changes every run, so a target naming the test (or its file) is judged", async () => {
  const before = await outcomeFor(VITEST([['keeps own keys', true], ['concatenates arrays', false], ['skips null', false]]));
  const after = await outcomeFor(VITEST([['keeps own keys', true], ['concatenates arrays', true], ['skips null', false]]));
  assert.equal(before.failures.map((f) => f.test), ['test/merge.test.ts > merge > concatenates arrays', 'test/merge.test.ts > merge > skips null']);
  assert.equal(after.passedTests, ['test/merge.test.ts > merge > concatenates arrays', 'test/merge.test.ts > merge > keeps own keys']);
  const snapshot = (o: typeof before) => ({ name: o.name, status: o.status, failures: o.failures, passedTests: o.passedTests });
  const fixed = judgeAgainstBaseline([snapshot(before)], [snapshot(after)], ['test/merge.test.ts > merge > concatenates arrays']);
  assert.ok(fixed.accepted, fixed.reasons.join('; '));
  assert.equal(fixed.fail_to_pass.map((r) => r.test), ['test/merge.test.ts > merge > concatenates arrays']);
  assert.equal(fixed.pre_existing.map((f) => f.test), ['test/merge.test.ts > merge > skips null']);
  // The file as a target means every test in it: one still fails.
  const file = judgeAgainstBaseline([snapshot(before)], [snapshot(after)], ['test/merge.test.ts']);
  assert.not.ok(file.accepted);
  assert.match(file.reasons.join(' '), /test\/merge\.test\.ts \(failed\)/);
});

test("from a validator's folder (a monorepo package), vitest's file in a test name is made repo-relative; a plain title is left alone", async () => {
  const output = `${VITEST([['keeps own keys', true], ['concatenates arrays', false]])}\nok 3 - a title that names no file # time=1.00ms\n`;
  const repo = makeRepo({ 'packages/merge/out.tap': output, 'packages/merge/test/merge.test.ts': "import { it } from 'vitest';\n" });
  try {
    const policy = {
      apiVersion: 'pipe/v1',
      kind: 'Policy',
      safety: { allowed_executables: ['node'] },
      validators: { 'vitest-merge': { argv: ['node', '-e', "process.stdout.write(require('fs').readFileSync('out.tap','utf8')); process.exit(1)"], parser: 'exit-code', cwd: 'packages/merge' } },
    } as Policy;
    const [outcome] = await runValidators({ repo, exec: runCommand, specs: resolveValidatorSpecs(policy, ['vitest-merge'], repo), allowedExecutables: ['node'], maxParallel: 1, failFast: false });
    assert.equal(outcome.failures.map((f) => f.test), ['packages/merge/test/merge.test.ts > merge > concatenates arrays']);
    assert.equal(outcome.passedTests, ['a title that names no file', 'packages/merge/test/merge.test.ts > merge > keeps own keys']);
  } finally {
    cleanup(repo);
  }
});

test.run();
