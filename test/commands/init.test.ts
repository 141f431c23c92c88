// `pipe init` on repositories of several shapes (test/fixtures/init/, copied into fresh git
// repos): what it detects, globs that match real files, validators that run, and
// init → validate → plan → run working without hand edits.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { parse } from 'yaml';
import { ROOT, cleanup, gitIn, makeRepo, startCliHost, tempDir, writeFiles, type CliHost, type CliResult } from '../helpers/repo.js';

const dirs: string[] = [];
// One long-lived `pipe` process runs every command (the real oclif entry; only Node's start-up is shared).
let host: CliHost;
test.before(async () => {
  host = await startCliHost();
});
test.after(() => {
  host.close();
  cleanup(...dirs);
});
const runCli = (args: string[], options: { cwd?: string } = {}): Promise<CliResult> => host.run(args, options.cwd ?? ROOT);

/** A fixture project committed into a fresh git repository. */
function fixtureRepo(name: string): string {
  const dir = makeRepo();
  dirs.push(dir);
  cpSync(join(ROOT, 'test', 'fixtures', 'init', name), dir, { recursive: true });
  gitIn(dir, 'add', '-A');
  gitIn(dir, 'commit', '-q', '-m', 'import');
  return dir;
}

async function init(dir: string, ...args: string[]) {
  const r = await runCli(['init', '--repo', dir, '--json', ...args]);
  assert.is(r.code, 0, r.stdout + r.stderr);
  return JSON.parse(r.stdout);
}

/** Every glob of the example task matches at least one file git lists. */
function assertGlobsMatch(dir: string): { allowed: string[]; validators: string[] } {
  const task = parse(readFileSync(join(dir, 'tasks/example.yaml'), 'utf8'));
  const files = gitIn(dir, 'ls-files').split('\n').filter(Boolean);
  for (const g of [...task.allowed_files, ...task.context_files]) assert.ok(files.some((f) => picomatch(g, { dot: true })(f)), `glob ${g} matches no file`);
  return { allowed: task.allowed_files, validators: task.validators };
}

test('top-level package with unittest: init finds intervals/ and unittest, the baseline passes; validate, plan and run work as written', async () => {
  const dir = fixtureRepo('py-toplevel-unittest');
  // A virtualenv nobody ignored: its packages and conftest files are not the project's.
  writeFiles(dir, { 'venv/lib/python3.11/site-packages/_pytest/conftest.py': '', 'venv/lib/python3.11/site-packages/six/__init__.py': '' });
  const out = await init(dir);
  assert.is(out.project_kind, 'python');
  assert.equal(out.projects[0].sources, ['intervals']);
  assert.is(out.projects[0].runner, 'unittest');
  assert.equal(out.validators, ['unittest']);
  assert.equal(out.baseline.validators.map((b: { name: string; status: string }) => [b.name, b.status]), [['unittest', 'passed']]);
  assert.equal(out.python_path, ['.']);
  assert.equal(assertGlobsMatch(dir).allowed, ['intervals/**/*.py', 'tests/**/*.py']);
  const policy = parse(readFileSync(join(dir, '.pipe/policy.yaml'), 'utf8'));
  assert.equal(policy.validators.unittest, { argv: ['python3', '-m', 'unittest', 'discover', '-s', 'tests', '-t', '.'], timeout_s: 300, parser: 'unittest', cost: 'expensive' });
  const v = await runCli(['validate', '--json'], { cwd: dir });
  assert.is(v.code, 0, v.stdout);
  const plan = await runCli(['plan', 'tasks/example.yaml', '--json'], { cwd: dir });
  assert.is(plan.code, 0, plan.stdout + plan.stderr);
  assert.is(JSON.parse(plan.stdout).stopped_before, 'propose');
  // Right after init: fake provider, no script. The run does what it can without a model and says what to configure.
  const run = await runCli(['run', 'tasks/example.yaml', '--json'], { cwd: dir });
  assert.is(run.code, 0, run.stdout + run.stderr);
  const result = JSON.parse(run.stdout);
  assert.is(result.dry_run, true);
  assert.is(result.stopped_before, 'propose');
  assert.match(result.note, /no scripted answers.*set `provider: openai` in \.pipe\/config\.yaml and OPENAI_API_KEY/);
  assert.not.ok(existsSync(join(dir, '.pipe', 'runs')), 'a dry run writes no records');
});

test('src layout: the package under src/, tests from testpaths, src first on PYTHONPATH so the repository code is tested', async () => {
  const dir = fixtureRepo('py-src-layout');
  const out = await init(dir, '--no-baseline');
  assert.is(out.baseline, null);
  assert.equal(out.projects[0].sources, ['src/textkit']);
  assert.equal(out.validators, ['pytest']);
  assert.equal(assertGlobsMatch(dir).allowed, ['src/textkit/**/*.py', 'tests/**/*.py']);
  const policy = parse(readFileSync(join(dir, '.pipe/policy.yaml'), 'utf8'));
  assert.equal(policy.validation, { python_path: ['src'] });
});

test('top-level package without testpaths: pytest is given the tests folder, so a fuzz harness in extra/ is not collected and the baseline passes', async () => {
  const dir = fixtureRepo('py-flat-extra');
  const out = await init(dir);
  assert.equal(out.projects[0].sources, ['csvcols']);
  assert.equal(out.projects[0].tests, ['tests']);
  const policy = parse(readFileSync(join(dir, '.pipe/policy.yaml'), 'utf8'));
  assert.equal(policy.validators.pytest.argv, ['python3', '-m', 'pytest', '-q', '-rfE', '-p', 'no:cacheprovider', 'tests']);
  // extra/test_fuzz.py imports atheris, which is not installed: collected, it would stop every run before any call.
  assert.equal(out.baseline.validators.map((b: { name: string; status: string }) => [b.name, b.status]), [['pytest', 'passed']]);
});

test('monorepo folder: one project per folder, validators run in their folder, and both pass as the baseline', async () => {
  const dir = fixtureRepo('monorepo');
  const out = await init(dir);
  assert.is(out.project_kind, 'mixed');
  assert.equal(out.projects.map((p: { dir: string; runner: string }) => [p.dir, p.runner]), [['services/api', 'pytest'], ['web', 'node-test']]);
  assert.equal(out.validators, ['pytest-services-api', 'node-test-web']);
  assert.equal(out.baseline.validators.map((b: { status: string }) => b.status), ['passed', 'passed']);
  assert.equal(out.python_path, ['services/api']);
  assert.equal(assertGlobsMatch(dir).allowed, ['services/api/api/**/*.py', 'services/api/tests/**/*.py', 'web/src/**/*.js', 'web/test/**/*.js']);
  const plan = await runCli(['plan', 'tasks/example.yaml', '--json'], { cwd: dir });
  assert.is(plan.code, 0, plan.stdout + plan.stderr);
  const context = JSON.parse(plan.stdout).budget.context_files as string[];
  assert.ok(context.includes('services/api/api/prices.py') && context.includes('web/test/format.test.js'), context.join(', '));
});

test('TypeScript with vitest: src/ from tsconfig include (main points at dist/); tools not installed yet are defined but left out, saying why', async () => {
  const dir = fixtureRepo('ts-vitest');
  const out = await init(dir, '--no-baseline');
  assert.equal(out.projects[0].sources, ['src']);
  assert.is(out.projects[0].runner, 'vitest');
  assert.equal(out.validators, []);
  assert.equal(out.validators_left_out.map((l: { name: string }) => l.name), ['tsc', 'vitest']);
  assert.match(out.validators_left_out[1].why, /node_modules\/\.bin\/vitest is missing: run npm install/);
  assert.equal(assertGlobsMatch(dir).allowed, ['src/**/*.ts', 'test/**/*.ts']);
  const policy = parse(readFileSync(join(dir, '.pipe/policy.yaml'), 'utf8'));
  // TAP, so a vitest test that failed before the change is told from one the patch broke.
  assert.equal(policy.validators.vitest.argv, ['npx', '--no-install', 'vitest', 'run', '--reporter=tap-flat']);
});

test('pipe init refuses to overwrite without --force, and changes nothing', async () => {
  const repo = makeRepo({ 'a.py': '\n' });
  dirs.push(repo);
  writeFiles(repo, { '.pipe/config.yaml': 'mine\n' });
  const r = await runCli(['init', '--repo', repo, '--json', '--no-baseline']);
  assert.is(r.code, 2);
  assert.match(JSON.parse(r.stdout).error.message, /refusing to overwrite \.pipe\/config\.yaml/);
  assert.is(readFileSync(join(repo, '.pipe/config.yaml'), 'utf8'), 'mine\n');
  assert.not.ok(existsSync(join(repo, 'tasks/example.yaml')));
  const forced = await runCli(['init', '--repo', repo, '--force', '--json', '--no-baseline']);
  assert.is(forced.code, 0, forced.stderr);
  assert.match(readFileSync(join(repo, '.pipe/config.yaml'), 'utf8'), /kind: Config/);
});

test('init names the validator whose failures predate any change, apart from one that cannot test', async () => {
  const dir = makeRepo({
    'pyproject.toml': '[project]\nname = "units"\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n\n[tool.mypy]\nstrict = false\n',
    'units/__init__.py': '',
    'units/convert.py': 'def km_to_miles(km: float) -> float:\n    return km * 0.621371\n\n\nLABEL: int = "miles"\n',
    'tests/test_convert.py': 'import pint_no_such_module_xyz\nfrom units.convert import km_to_miles\n\n\ndef test_ten_km():\n    assert round(km_to_miles(10), 2) == 6.21\n',
  });
  dirs.push(dir);
  const r = await runCli(['init', '--repo', dir]);
  assert.is(r.code, 0, r.stdout + r.stderr);
  const text = r.stdout + r.stderr;
  assert.match(text, /pytest: failed[^\n]*pint_no_such_module_xyz/);
  assert.match(text, /this environment cannot test: install the missing module/);
  assert.match(text, /^ {2}mypy already fails before any change: a run is judged against its failures/m);
});

test('pipe init outside a git repository exits 2', async () => {
  const dir = tempDir('pipe-nogit-');
  dirs.push(dir);
  const r = await runCli(['init', '--repo', dir, '--json']);
  assert.is(r.code, 2);
  assert.match(JSON.parse(r.stdout).error.message, /not inside a git repository/);
});

test.run();
