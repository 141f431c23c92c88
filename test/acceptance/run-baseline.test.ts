// Black-box: verdicts judged against the baseline on real repositories (issue 14). A
// src-layout package also installed (stale) in a venv: the repo's code is what gets tested,
// so a breaking patch is rejected. A broken conftest: exit 2 before any call. An unrelated
// failure that was there before: a correct fix is accepted, a regression is rejected, and
// every validator's raw output is in the records.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cleanup, gitIn, makeRepo, runCli, tempDir, writeFiles } from '../helpers/repo.js';
import { OPS, RIGHT, calcRepo, events, ledgerRows, readJson, runJson, writeTask } from './run-kit.js';

const dirs: string[] = [];
test.after(() => cleanup(...dirs));

const NO_REVIEWER = 'escalation:\n  ask_reviewer: false\n';

const SIG = [
  'import hashlib',
  'import hmac',
  '',
  '',
  'def sign(key: bytes, msg: bytes) -> str:',
  '    return hmac.new(key, msg, hashlib.sha256).hexdigest()',
  '',
  '',
  'def verify(key: bytes, msg: bytes, sig: str) -> bool:',
  '    return hmac.compare_digest(sign(key, msg), sig)',
  '',
].join('\n');
const SIG_TESTS = [
  'from sigcheck import sign, verify',
  '',
  '',
  'def test_good_signature():',
  "    assert verify(b'k', b'm', sign(b'k', b'm'))",
  '',
  '',
  'def test_forged_signature():',
  "    assert not verify(b'k', b'm', '0' * 64)",
  '',
  '',
  'def test_other_key():',
  "    assert not verify(b'other', b'm', sign(b'k', b'm'))",
  '',
].join('\n');
const ALWAYS_TRUE = `--- a/src/sigcheck/__init__.py\n+++ b/src/sigcheck/__init__.py\n@@ -9,2 +9,2 @@\n def verify(key: bytes, msg: bytes, sig: str) -> bool:\n-    return hmac.compare_digest(sign(key, msg), sig)\n+    return True\n`;

test('src layout, package installed stale in a venv: the repo code is tested and a breaking patch is rejected', () => {
  const repo = makeRepo({ 'src/sigcheck/__init__.py': SIG, 'tests/test_sig.py': SIG_TESTS });
  const venv = tempDir('pipe-venv-');
  dirs.push(repo, venv);
  const made = spawnSync('python3', ['-m', 'venv', '--system-site-packages', '--without-pip', venv], { encoding: 'utf8' });
  assert.is(made.status, 0, made.stderr);
  const python = join(venv, 'bin', 'python');
  const site = spawnSync(python, ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'], { encoding: 'utf8' }).stdout.trim();
  cpSync(join(repo, 'src', 'sigcheck'), join(site, 'sigcheck'), { recursive: true }); // "installed", and about to be stale
  writeFiles(repo, {
    'venv.yaml': `apiVersion: pipe/v1\nkind: Policy\nsafety:\n  allowed_executables: [git, python3, python]\nvalidators:\n  pytest:\n    argv: [${python}, -m, pytest, -q, -rfE, -p, no:cacheprovider]\n    timeout_s: 300\n    parser: pytest\n${NO_REVIEWER}`,
  });
  writeTask(repo, [{ patch: ALWAYS_TRUE }], { maxAttempts: 1 });
  writeFiles(repo, { 'tasks/t.yaml': readFileSync(join(repo, 'tasks/t.yaml'), 'utf8').replace('allowed_files: ["calc/**/*.py"]', 'allowed_files: ["src/**/*.py"]') });

  // Without the repo's import roots the same tests pass on the broken code: they import the installed copy.
  writeFiles(repo, { 'src/sigcheck/__init__.py': SIG.replace('    return hmac.compare_digest(sign(key, msg), sig)', '    return True') });
  const wrongCode = spawnSync(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], { cwd: repo, encoding: 'utf8', env: { ...process.env, PYTHONPATH: '', PYTHONDONTWRITEBYTECODE: '1' } });
  assert.is(wrongCode.status, 0, `the stale copy hides the bug: ${wrongCode.stdout}`);
  writeFiles(repo, { 'src/sigcheck/__init__.py': SIG });

  const { code, out } = runJson(repo, ['tasks/t.yaml', '--policy', 'venv.yaml']);
  assert.is(code, 4, JSON.stringify(out.error));
  assert.is(out.status, 'escalated');
  assert.is(readFileSync(join(repo, 'src/sigcheck/__init__.py'), 'utf8'), SIG, 'rolled back');
  const b = out.baseline as { pass_to_fail: string[]; accepted: boolean };
  assert.equal(b.pass_to_fail.sort(), ['tests/test_sig.py::test_forged_signature', 'tests/test_sig.py::test_other_key']);
  assert.is(b.accepted, false);
  const baseline = readJson<{ imports: { package: string; origin: string; inside_repo: boolean }[]; python_path: string[] }>(join(String(out.records_dir), 'baseline.json'));
  assert.equal(baseline.python_path, ['src']);
  assert.equal(baseline.imports, [{ package: 'sigcheck', origin: join(repo, 'src', 'sigcheck', '__init__.py'), inside_repo: true }]);
});

test('a broken conftest import: exit 2 naming pytest and the E line, no model call, no ledger row', () => {
  const repo = calcRepo({ 'tests/conftest.py': 'import pipe_missing_fixture_lib\n' });
  dirs.push(repo);
  writeTask(repo, [{ patch: RIGHT }]);
  const r = runCli(['run', 'tasks/t.yaml', '--json'], { cwd: repo });
  assert.is(r.code, 2, r.stdout + r.stderr);
  const error = (JSON.parse(r.stdout) as { error: { code: string; message: string; hint: string } }).error;
  assert.is(error.code, 'E_ENVIRONMENT');
  assert.match(error.message, /validator 'pytest' \(conftest\): ImportError while loading conftest .* E ModuleNotFoundError: No module named 'pipe_missing_fixture_lib'/);
  assert.match(error.message, /no model was called/);
  assert.match(error.hint, /conftest importable/);
  assert.not.ok(existsSync(join(repo, '.pipe', 'runs')), 'no run started');
  const ledger = join(repo, '.pipe', 'ledger.sqlite');
  assert.equal(existsSync(ledger) ? ledgerRows(ledger) : [], []);
  assert.is(readFileSync(join(repo, 'calc/ops.py'), 'utf8'), OPS);
});

test('an unrelated failure from before: a correct fix is accepted, a regression rejected; raw output in the records', () => {
  const repo = calcRepo({ 'tests/test_net.py': 'def test_network():\n    assert False, "needs the network"\n' });
  dirs.push(repo);
  writeFiles(repo, { 'quiet.yaml': `apiVersion: pipe/v1\nkind: Policy\n${NO_REVIEWER}` });
  writeTask(repo, [{ patch: RIGHT }], { maxAttempts: 1 });
  // pipe plan runs the baseline and shows what failed before any change; --no-baseline skips it.
  const plan = runCli(['plan', 'tasks/t.yaml', '--policy', 'quiet.yaml', '--json'], { cwd: repo });
  assert.is(plan.code, 0, plan.stdout + plan.stderr);
  const planned = (JSON.parse(plan.stdout) as { baseline: { cached: boolean; validators: { name: string; failures: { test: string }[] }[] } }).baseline;
  assert.is(planned.cached, false);
  assert.equal(planned.validators[0].failures.map((f) => f.test).sort(), ['tests/test_net.py::test_network', 'tests/test_ops.py::test_add']);
  assert.not.ok(existsSync(join(repo, '.pipe', 'baseline')), 'pipe plan writes nothing, the cache neither');
  const skipped = runCli(['plan', 'tasks/t.yaml', '--policy', 'quiet.yaml', '--no-baseline'], { cwd: repo });
  assert.match(skipped.stdout, /baseline {2}skipped \(--no-baseline/);
  const fixed = runJson(repo, ['tasks/t.yaml', '--policy', 'quiet.yaml']);
  assert.is(fixed.code, 0, JSON.stringify(fixed.out.error));
  const b = fixed.out.baseline as { fail_to_pass: string[]; pre_existing: string[]; pass_to_fail: string[]; accepted: boolean };
  assert.equal(b.fail_to_pass, ['tests/test_ops.py::test_add']);
  assert.equal(b.pre_existing, ['tests/test_net.py::test_network']);
  assert.equal(b.pass_to_fail, []);

  // The raw output of every validator, baseline and attempt, is kept and printed by show --validators.
  const dir = String(fixed.out.records_dir);
  assert.match(readFileSync(join(dir, 'validators/baseline/pytest.log'), 'utf8'), /^\$ python3 -m pytest[\s\S]*AssertionError: needs the network[\s\S]*2 failed, 1 passed/);
  assert.match(readFileSync(join(dir, 'validators/attempt-1/pytest.log'), 'utf8'), /FAILED tests\/test_net.py::test_network[\s\S]*1 failed, 2 passed/);
  const logs = runCli(['show', fixed.out.run_id, '--validators', '--json'], { cwd: repo });
  assert.is(logs.code, 0, logs.stderr);
  assert.equal((JSON.parse(logs.stdout) as { validators: { file: string }[] }).validators.map((v) => v.file), ['validators/baseline/pytest.log', 'validators/attempt-1/patch-safety.log', 'validators/attempt-1/pytest.log'].filter((f) => existsSync(join(dir, f))));
  const shown = runCli(['show', fixed.out.run_id], { cwd: repo });
  assert.match(shown.stdout, /FAIL_TO_PASS: tests\/test_ops.py::test_add/);
  assert.match(shown.stdout, /pre-existing \(not charged\): tests\/test_net.py::test_network/);

  // Same tree again (the fix undone, the task edited): the baseline comes from the cache; a patch that breaks mul is rejected.
  // The task file and its fake answer are rewritten: they are not part of the tree digest.
  gitIn(repo, 'checkout', '--', 'calc/ops.py');
  const breaks = `${RIGHT.replace('@@ -1,5 +1,5 @@', '@@ -1,6 +1,6 @@')}-    return a * b\n+    return a + b\n`;
  writeTask(repo, [{ patch: breaks }], { maxAttempts: 1 });
  const regressed = runJson(repo, ['tasks/t.yaml', '--policy', 'quiet.yaml']);
  assert.is(regressed.code, 4, JSON.stringify(regressed.out.error));
  const rb = regressed.out.baseline as { fail_to_pass: string[]; pass_to_fail: string[]; accepted: boolean };
  assert.equal(rb.pass_to_fail, ['tests/test_ops.py::test_mul']);
  assert.equal(rb.fail_to_pass, ['tests/test_ops.py::test_add']);
  assert.is(rb.accepted, false);
  assert.is(readFileSync(join(repo, 'calc/ops.py'), 'utf8'), OPS, 'rolled back');
  const baselineEvent = events(String(regressed.out.records_dir)).find((e) => e.type === 'baseline');
  assert.is(baselineEvent?.cached, true, 'the unchanged tree was not tested twice');
});

test('a monorepo, one validator per package, the same test names in both: the summary says which package a fixed or left test belongs to', () => {
  const PAD = "export function padStart(text, width, fill = ' ') {\n  return text.length >= width ? text : fill.repeat(width - text.length - 1) + text;\n}\n";
  const TESTS = "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { padStart } from '../src/pad.js';\n\ntest('pads to the width', () => {\n  assert.equal(padStart('7', 3, '0'), '007');\n});\n\ntest('leaves long text alone', () => {\n  assert.equal(padStart('1234', 3), '1234');\n});\n";
  const pkg = (name: string) => JSON.stringify({ name, type: 'module', scripts: { test: 'node --test' } });
  const repo = makeRepo({
    'package.json': JSON.stringify({ name: 'pads', private: true, workspaces: ['packages/*'] }),
    'packages/left-pad/package.json': pkg('left-pad'),
    'packages/left-pad/src/pad.js': PAD,
    'packages/left-pad/test/pad.test.js': TESTS,
    'packages/zero-pad/package.json': pkg('zero-pad'),
    'packages/zero-pad/src/pad.js': PAD,
    'packages/zero-pad/test/pad.test.js': TESTS,
  });
  dirs.push(repo);
  const validator = (dir: string) => `  node-test-${dir}:\n    argv: [node, --test, --test-reporter=tap]\n    cwd: packages/${dir}\n    timeout_s: 120\n`;
  writeFiles(repo, {
    'mono.yaml': `apiVersion: pipe/v1\nkind: Policy\nsafety:\n  allowed_executables: [git, node]\nvalidators:\n${validator('left-pad')}${validator('zero-pad')}${NO_REVIEWER}`,
    'tasks/fx/fix.patch': '--- a/packages/left-pad/src/pad.js\n+++ b/packages/left-pad/src/pad.js\n@@ -1,3 +1,3 @@\n export function padStart(text, width, fill = \' \') {\n-  return text.length >= width ? text : fill.repeat(width - text.length - 1) + text;\n+  return text.length >= width ? text : fill.repeat(width - text.length) + text;\n }\n',
    'tasks/t.yaml': 'apiVersion: pipe/v1\nkind: Task\nid: fix-left-pad\ngoal: padStart pads one character short in left-pad\nintent: bugfix\npipeline: fix\nallowed_files: ["packages/left-pad/src/**/*.js"]\ncontext_files: ["packages/left-pad/src/pad.js"]\nvalidators: [node-test-left-pad, node-test-zero-pad]\nmax_attempts: 1\nfake:\n  responses:\n    - patch_file: fx/fix.patch\n',
  });
  const r = runCli(['run', 'tasks/t.yaml', '--policy', 'mono.yaml'], { cwd: repo });
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^ {2}fixed {5}node-test-left-pad: pads to the width$/m);
  assert.match(r.stdout, /^ {2}left {6}node-test-zero-pad: pads to the width \(failed before the run too; not charged\)$/m);
  const runId = /^run (\S+): succeeded/m.exec(r.stdout)?.[1];
  const shown = runCli(['show', String(runId)], { cwd: repo });
  assert.match(shown.stdout, /FAIL_TO_PASS: node-test-left-pad: pads to the width$/m);
  assert.match(shown.stdout, /pre-existing \(not charged\): node-test-zero-pad: pads to the width$/m);
});

test.run();
