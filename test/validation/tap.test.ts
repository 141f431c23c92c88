// An exit-code validator whose output is TAP (node --test, tap) gives one failure per
// failing test, so convergence compares attempts test by test.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCommand } from '../../src/exec/run.js';
import { runValidators } from '../../src/validation/run.js';
import { resolveValidatorSpecs } from '../../src/validation/specs.js';
import type { Policy } from '../../src/types/generated/index.js';
import { cleanup, makeRepo } from '../helpers/repo.js';

const TAP = (failing: string[]) =>
  ['TAP version 13', 'ok 1 - adds', ...failing.map((name, i) => `not ok ${i + 2} - ${name}\n  ---\n  error: 'Expected values to be strictly equal'\n  ...`), 'not ok 9 - later # TODO not done', `1..${failing.length + 2}`].join('\n');

async function failuresFor(output: string) {
  const repo = makeRepo({ 'out.tap': output });
  try {
    const policy = {
      apiVersion: 'pipe/v1',
      kind: 'Policy',
      safety: { allowed_executables: ['node'] },
      validators: { unit: { argv: ['node', '-e', "process.stdout.write(require('fs').readFileSync('out.tap','utf8')); process.exit(1)"], parser: 'exit-code' } },
    } as Policy;
    const [outcome] = await runValidators({ repo, exec: runCommand, specs: resolveValidatorSpecs(policy, ['unit'], repo), allowedExecutables: ['node'], maxParallel: 1, failFast: false });
    return outcome.failures;
  } finally {
    cleanup(repo);
  }
}

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

test.run();
