// The baseline run on real repositories with real pytest: the cache (hit on the same tree,
// miss after a change), environment problems with their real error line, the repo's import
// roots first, and the preflight looking inside wrappers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runCommand } from '../../src/exec/run.js';
import { isPipeError } from '../../src/errors.js';
import { assertBaselineUsable, runBaseline } from '../../src/validation/baseline/index.js';
import { preflightValidators } from '../../src/validation/preflight.js';
import { runValidators } from '../../src/validation/run.js';
import { resolveValidatorSpecs } from '../../src/validation/specs.js';
import { pythonImportRoots } from '../../src/validation/repo-env.js';
import type { Policy, Task } from '../../src/types/generated/index.js';
import { cleanup, makeRepo, tempDir, writeFiles } from '../helpers/repo.js';

const dirs: string[] = [];
test.after(() => cleanup(...dirs));

const PYTEST = { argv: ['python3', '-m', 'pytest', '-q', '-rfE', '-p', 'no:cacheprovider'], timeout_s: 120, parser: 'pytest' as const };

function policy(validators: Policy['validators'], extra: Partial<Policy> = {}): Policy {
  return { apiVersion: 'pipe/v1', kind: 'Policy', safety: { allowed_executables: ['python3', 'npx', 'npm', 'node'] }, validators, ...extra } as Policy;
}

function repo(files: Record<string, string>): string {
  const dir = makeRepo(files);
  dirs.push(dir);
  return dir;
}

const CALC = {
  'calc/__init__.py': '',
  'calc/ops.py': 'def add(a, b):\n    return a - b\n',
  'tests/test_ops.py': 'from calc.ops import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n\n\ndef test_zero():\n    assert add(0, 0) == 0\n',
};

test('a rerun on the same tree is a cache hit; any change to the tree (untracked files too) is a miss', async () => {
  const dir = repo(CALC);
  const p = policy({ pytest: PYTEST });
  const first = await runBaseline({ repoRoot: dir, validators: ['pytest'], policy: p });
  assert.is(first.status, 'ready');
  assert.is(first.cached, false);
  assert.equal(first.validators[0].failures.map((f) => f.test), ['tests/test_ops.py::test_add']);
  assert.match(first.validators[0].stdout, /1 failed, 1 passed/);
  assert.ok(first.cache_file && existsSync(first.cache_file));
  assert.equal(first.python_path, ['.']);
  assert.equal(first.imports, [{ package: 'calc', origin: join(dir, 'calc', '__init__.py'), inside_repo: true }]);

  const again = await runBaseline({ repoRoot: dir, validators: ['pytest'], policy: p });
  assert.is(again.cached, true);
  assert.is(again.digest, first.digest);
  assert.equal(again.validators[0].failures, first.validators[0].failures);

  const always = await runBaseline({ repoRoot: dir, validators: ['pytest'], policy: p, mode: 'always' });
  assert.is(always.cached, false);

  // The task file is left out of the digest: editing its goal keeps the cached baseline.
  writeFiles(dir, { 'tasks/t.yaml': 'goal: one\n' });
  const withTask = await runBaseline({ repoRoot: dir, validators: ['pytest'], policy: p, excludeFromDigest: ['tasks/t.yaml'] });
  writeFiles(dir, { 'tasks/t.yaml': 'goal: two\n' });
  const edited = await runBaseline({ repoRoot: dir, validators: ['pytest'], policy: p, excludeFromDigest: ['tasks/t.yaml'] });
  assert.is(edited.cached, true);
  assert.is(edited.digest, withTask.digest);
  assert.is(withTask.digest, first.digest);

  writeFiles(dir, { 'tests/test_new.py': 'def test_new():\n    assert True\n' });
  const changed = await runBaseline({ repoRoot: dir, validators: ['pytest'], policy: p, excludeFromDigest: ['tasks/t.yaml'] });
  assert.is(changed.cached, false);
  assert.is.not(changed.digest, first.digest);
  assert.equal(readdirSync(join(dir, '.pipe', 'baseline')).length, 2);
  assert.is((await runBaseline({ repoRoot: dir, validators: ['pytest'], policy: p, mode: 'off' })).status, 'off');
});

test('a broken conftest: environment error naming the validator and the E line; not cached', async () => {
  const dir = repo({ ...CALC, 'tests/conftest.py': 'import pipe_no_such_conftest_dep\n' });
  const report = await runBaseline({ repoRoot: dir, validators: ['pytest'], policy: policy({ pytest: PYTEST }) });
  assert.is(report.status, 'environment-error');
  assert.is(report.cache_file, null);
  assert.is(report.problems[0].kind, 'conftest');
  assert.match(report.problems[0].line, /while loading conftest .*E ModuleNotFoundError: No module named 'pipe_no_such_conftest_dep'/);
  let thrown: unknown;
  try {
    assertBaselineUsable(report);
  } catch (err) {
    thrown = err;
  }
  assert.ok(isPipeError(thrown));
  if (!isPipeError(thrown)) return;
  assert.is(thrown.code, 'E_ENVIRONMENT');
  assert.is(thrown.exitCode, 2);
  assert.match(thrown.message, /validator 'pytest' \(conftest\)/);
  assert.match(thrown.hint ?? '', /conftest importable/);
});

test('a collection error is an environment problem unless the task targets that file; the E line is in the failure', async () => {
  const dir = repo({ ...CALC, 'tests/test_data.py': 'import pipe_no_such_module_xyz\n\n\ndef test_data():\n    assert True\n' });
  const p = policy({ pytest: PYTEST });
  const report = await runBaseline({ repoRoot: dir, validators: ['pytest'], policy: p });
  assert.is(report.status, 'environment-error');
  assert.is(report.problems[0].kind, 'collection-error');
  assert.match(report.problems[0].line, /tests\/test_data.py: E ModuleNotFoundError: No module named 'pipe_no_such_module_xyz'/);
  const targeted = await runBaseline({ repoRoot: dir, validators: ['pytest'], policy: p, targets: ['tests/test_data.py'] });
  assert.is(targeted.status, 'ready');
});

test('no tests collected, a missing python module and a timeout cannot test', async () => {
  const dir = repo({ 'app.py': 'X = 1\n' });
  const p = policy({
    pytest: PYTEST,
    nomod: { argv: ['python3', '-m', 'pipe_no_such_tool_xyz'], parser: 'exit-code' },
    slow: { argv: ['python3', '-c', 'import time; time.sleep(30)'], timeout_s: 0.5, parser: 'exit-code' },
  });
  const report = await runBaseline({ repoRoot: dir, validators: ['pytest', 'nomod', 'slow'], policy: p });
  assert.equal(report.problems.map((x) => [x.validator, x.kind]), [['pytest', 'no-tests'], ['nomod', 'missing-module'], ['slow', 'timeout']]);
  assert.match(report.problems[1].line, /No module named pipe_no_such_tool_xyz/);
});

test('a test runner that found no test passes, having checked nothing: that is no baseline, unless the task names the tests it adds', async () => {
  // A TypeScript package tested with node:test: node 20's `node --test` looks for *.test.js and finds none.
  const dir = repo({
    'package.json': JSON.stringify({ name: 'slugs', type: 'module', scripts: { test: 'node --test' } }),
    'src/slug.ts': 'export const slug = (s: string): string => s.toLowerCase().replace(/\\s+/g, "-");\n',
    'test/slug.test.ts': "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { slug } from '../src/slug.ts';\n\ntest('spaces become dashes', () => {\n  assert.equal(slug('A b'), 'a-b');\n});\n",
    'legacy/tests/__init__.py': '',
  });
  const p = policy({
    'node-test': { argv: ['node', '--test'], parser: 'exit-code' },
    unittest: { argv: ['python3', '-m', 'unittest', 'discover', '-s', 'legacy/tests'], parser: 'unittest' },
  });
  const report = await runBaseline({ repoRoot: dir, validators: ['node-test', 'unittest'], policy: p });
  assert.is(report.status, 'environment-error');
  assert.equal(report.problems.map((x) => [x.validator, x.kind]), [['node-test', 'no-tests'], ['unittest', 'no-tests']]);
  assert.is(report.problems[0].line, '# tests 0');
  assert.match(report.problems[1].line, /^Ran 0 tests in /);
  assert.match(report.problems[0].fix, /ran no test/);
  const adding = await runBaseline({ repoRoot: dir, validators: ['node-test'], policy: p, targets: ['spaces become dashes'] });
  assert.is(adding.status, 'ready');
});

test('a node package that is not installed (tsx for --import, a bare import) cannot test; a missing file of the repository itself is a test failure', async () => {
  // A TypeScript package whose dependencies were never installed: `node --import tsx` cannot start.
  const dir = repo({
    'package.json': JSON.stringify({ name: 'invoices', type: 'module', scripts: { test: 'node --import tsx --test test/total.test.ts' } }),
    'src/total.ts': 'export const total = (xs: number[]): number => xs.reduce((a, b) => a + b, 1);\n',
    'test/total.test.ts': "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { total } from '../src/total.ts';\n\ntest('sums', () => {\n  assert.equal(total([1, 2]), 3);\n});\n",
    'test/legacy.test.cjs': "const { test } = require('node:test');\nconst leftPad = require('left-pad-not-installed');\ntest('pads', () => {});\n",
    'test/new.test.mjs': "import { test } from 'node:test';\nimport { format } from '../src/format.mjs';\ntest('formats', () => {});\n",
  });
  const p = policy({
    unit: { argv: ['node', '--import', 'tsx', '--test', '--test-reporter=tap', 'test/total.test.ts'], parser: 'exit-code' },
    cjs: { argv: ['node', '--test', 'test/legacy.test.cjs'], parser: 'exit-code' },
    created: { argv: ['node', '--test', 'test/new.test.mjs'], parser: 'exit-code' },
  });
  const report = await runBaseline({ repoRoot: dir, validators: ['unit', 'cjs', 'created'], policy: p });
  assert.is(report.status, 'environment-error');
  assert.equal(report.problems.map((x) => [x.validator, x.kind]), [['unit', 'missing-module'], ['cjs', 'missing-module']]);
  assert.match(report.problems[0].line, /Cannot find package 'tsx' imported from/);
  assert.match(report.problems[0].fix, /npm ci.*'tsx' is in node_modules/);
  assert.match(report.problems[1].line, /Cannot find module 'left-pad-not-installed'/);
  // '../src/format.mjs' does not exist yet: the task may be to write it, so that is a failure to fix, not the environment.
  const created = report.validators.find((v) => v.name === 'created')!;
  assert.is(created.status, 'failed');
  assert.match(`${created.stdout}${created.stderr}`, /Cannot find module/);
});

test('src layout: src/ goes first on PYTHONPATH; validation.python_path overrides; outside the repo is refused', () => {
  const dir = repo({ 'src/sig/__init__.py': '', 'tests/test_sig.py': '' });
  assert.equal(pythonImportRoots(dir, policy({})), ['src']);
  const [spec] = resolveValidatorSpecs(policy({ pytest: PYTEST }), ['pytest'], dir);
  assert.is(spec.env.PYTHONPATH?.split(':')[0], join(dir, 'src'));
  assert.is(spec.env.npm_config_yes, 'false');
  assert.equal(pythonImportRoots(dir, policy({}, { validation: { python_path: ['lib'] } })), ['lib']);
  assert.throws(() => pythonImportRoots(dir, policy({}, { validation: { python_path: ['../elsewhere'] } })), /outside the repository/);
});

test('the exit-code parser shows the first error line, not a warning printed before it', async () => {
  const dir = repo({ 'a.txt': 'x\n' });
  const p = policy({ lint: { argv: ['python3', '-c', "print('warning: deprecated option'); print('src/a.js:3 error: Unexpected token'); [print('detail', i) for i in range(8)]; raise SystemExit(1)"], parser: 'exit-code' } });
  const [o] = await runValidators({ repo: dir, exec: runCommand, specs: resolveValidatorSpecs(p, ['lint'], dir), allowedExecutables: ['python3'], maxParallel: 1, failFast: false });
  assert.match(o.failures[0].message, /^lint exited with code 1: src\/a.js:3 error: Unexpected token\n…\n/);
  assert.not.match(o.failures[0].message.split('\n')[0], /warning/);
});

test('preflight looks inside wrappers: python -m without the module, npx without a local tool, npm without the script', async () => {
  const dir = repo({ 'package.json': '{"name":"x","scripts":{"test":"echo \\"Error: no test specified\\" && exit 1"}}\n' });
  const p = policy({
    nomod: { argv: ['python3', '-m', 'pipe_no_such_tool_xyz'] },
    lint: { argv: ['npx', '--no-install', 'pipe-no-such-eslint'] },
    unit: { argv: ['npm', 'test'] },
    build: { argv: ['npm', 'run', 'build'] },
    pytest: PYTEST,
  });
  const task = { apiVersion: 'pipe/v1', kind: 'Task', id: 't', goal: 'g', allowed_files: ['*'], validators: ['nomod', 'lint', 'unit', 'build', 'pytest'] } as unknown as Task;
  let thrown: unknown;
  try {
    await preflightValidators(task, p, dir);
  } catch (err) {
    thrown = err;
  }
  assert.ok(isPipeError(thrown), 'the preflight refused');
  if (!isPipeError(thrown)) return;
  assert.is(thrown.code, 'E_ENVIRONMENT');
  assert.match(thrown.message, /'nomod' runs 'python3 -m pipe_no_such_tool_xyz', but python3 has no module 'pipe_no_such_tool_xyz'/);
  assert.match(thrown.message, /'lint' runs 'npx pipe-no-such-eslint', but pipe-no-such-eslint is not installed in this repository .*npx would try to download it/);
  assert.match(thrown.message, /'unit' runs 'npm test', but package.json's test script is npm's placeholder/);
  assert.match(thrown.message, /'build' runs 'npm run build', but package.json has no 'build' script/);
  assert.not.match(thrown.message, /'pytest'/, 'python3 -m pytest is installed');
  writeFiles(dir, { 'node_modules/.bin/pipe-no-such-eslint': '#!/bin/sh\n' });
  await preflightValidators({ ...task, validators: ['lint', 'pytest'] }, p, dir);
});

test('a validator that ignores PYTHONPATH (python -I) tests an installed copy: the baseline says where it came from and warns', async () => {
  const dir = repo({ 'src/sigpkg/__init__.py': 'VERSION = 2\n', 'tests/test_v.py': 'import sigpkg\n\n\ndef test_v():\n    assert sigpkg.VERSION\n' });
  const venv = tempDir('pipe-venv-');
  dirs.push(venv);
  assert.is(spawnSync('python3', ['-m', 'venv', '--system-site-packages', '--without-pip', venv]).status, 0);
  const python = join(venv, 'bin', 'python');
  const site = spawnSync(python, ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'], { encoding: 'utf8' }).stdout.trim();
  cpSync(join(dir, 'src', 'sigpkg'), join(site, 'sigpkg'), { recursive: true });
  const p = { ...policy({ pytest: { ...PYTEST, argv: [python, '-I', '-m', 'pytest', '-q', '-rfE', '-p', 'no:cacheprovider'] } }), safety: { allowed_executables: ['python'] } } as Policy;
  const report = await runBaseline({ repoRoot: dir, validators: ['pytest'], policy: p });
  assert.is(report.status, 'ready', JSON.stringify(report.problems));
  assert.equal(report.imports, [{ package: 'sigpkg', origin: join(site, 'sigpkg', '__init__.py'), inside_repo: false }]);
  assert.match(report.warnings[0], /package 'sigpkg' is imported from .*outside the repository/);
});

test.run();
