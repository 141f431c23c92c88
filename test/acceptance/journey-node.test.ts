// A new user's journey on a small Node project tested with `node --test`: pipe init, a task
// with a scripted wrong then right patch, the default policy's npm-test validator, and what
// the records tell the user (and the model on its retry) about the failing test.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, runCli, writeFiles, gitIn, cleanup } from '../helpers/repo.js';

const SUM = 'export function sum(xs) {\n  let total = 0;\n  for (let i = 1; i < xs.length; i++) total += xs[i];\n  return total;\n}\n';
const patch = (to: string) => [
  '--- a/src/sum.js', '+++ b/src/sum.js', '@@ -1,5 +1,5 @@', ' export function sum(xs) {', '   let total = 0;',
  '-  for (let i = 1; i < xs.length; i++) total += xs[i];', `+${to}`, '   return total;', ' }', '',
].join('\n');

test('node --test project: init detects node:test; a failing npm test names the failing test; the fix passes and stays', () => {
  const repo = makeRepo({
    'package.json': '{ "name": "m", "version": "1.0.0", "type": "module", "scripts": { "test": "node --test" } }\n',
    'src/sum.js': SUM,
    'test/sum.test.js': "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { sum } from '../src/sum.js';\ntest('sums every element', () => { assert.equal(sum([1, 2, 3]), 6); });\n",
  });
  try {
    const init = runCli(['init', '--no-baseline'], { cwd: repo });
    assert.is(init.code, 0, init.stderr);
    assert.match(init.stdout + init.stderr, /node project/);
    assert.match(readFileSync(join(repo, 'tasks/example.yaml'), 'utf8'), /validators: \["node-test"\]/);
    writeFiles(repo, {
      'tasks/fixtures/wrong.patch': patch('  for (let i = 1; i <= xs.length; i++) total += xs[i];'),
      'tasks/fixtures/right.patch': patch('  for (let i = 0; i < xs.length; i++) total += xs[i];'),
      'tasks/fix-sum.yaml': [
        'apiVersion: pipe/v1', 'kind: Task', 'id: fix-sum', 'goal: sum() skips the first element; make npm test pass.', 'intent: bugfix',
        'allowed_files: ["src/**/*.js"]', 'validators: ["npm-test"]', 'max_attempts: 3', 'fake:', '  responses:',
        '    - patch_file: fixtures/wrong.patch', '    - patch_file: fixtures/right.patch', '',
      ].join('\n'),
    });
    assert.is(runCli(['validate'], { cwd: repo }).code, 0);
    const r = runCli(['run', 'tasks/fix-sum.yaml', '--json'], { cwd: repo });
    assert.is(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { status: string; attempts: number; files_changed: string[]; run_id: string };
    assert.is(out.status, 'succeeded');
    assert.is(out.attempts, 2);
    assert.equal(out.files_changed, ['src/sum.js']);
    assert.match(gitIn(repo, 'diff', '--', 'src/sum.js'), /\+ {2}for \(let i = 0; i < xs.length/);
    const show = JSON.parse(runCli(['show', out.run_id, '--json'], { cwd: repo }).stdout) as { attempts: { failures: { validator: string; message: string }[] }[] };
    const failure = show.attempts[0].failures.find((f) => f.validator === 'npm-test');
    assert.ok(failure, JSON.stringify(show.attempts[0]));
    // The TAP report's failing test and its assertion, not the pass/fail tally at the end;
    // one failure per failing test, so attempts are compared test by test.
    assert.match(failure!.message, /^sums every element: /);
    assert.is((failure as { category?: string }).category, 'test-failure');
    assert.match(failure!.message, /NaN !== 6/);
  } finally {
    cleanup(repo);
  }
});

test('running the example task straight after init does a dry run and says which provider to configure or where the fake script goes', () => {
  // With a test to run: a `node --test` that finds none cannot test, and the run would stop at the baseline (test/validation/baseline.test.ts).
  const repo = makeRepo({
    'package.json': '{ "name": "m", "type": "module", "scripts": { "test": "node --test" } }\n',
    'src/a.js': 'export const a = 1;\n',
    'test/a.test.js': "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { a } from '../src/a.js';\ntest('a is one', () => assert.equal(a, 1));\n",
  });
  try {
    assert.is(runCli(['init', '--no-baseline'], { cwd: repo }).code, 0);
    const r = runCli(['run', 'tasks/example.yaml'], { cwd: repo });
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /dry run of example/);
    assert.match(r.stderr, /set `provider: openai` in \.pipe\/config\.yaml and OPENAI_API_KEY/);
    assert.match(r.stderr, /add fake\.responses to the task/);
  } finally {
    cleanup(repo);
  }
});

test.run();
