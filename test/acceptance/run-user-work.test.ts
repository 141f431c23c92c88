// Before the call, not after: a repository without a first commit, and the user's own
// uncommitted work inside the task's allowed files. Real git repos, the built CLI, the
// fake provider; stopping before the call leaves no run record and no ledger row.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, cleanup, gitIn, startCliHost, tempDir, writeFiles, type CliHost, type CliResult } from '../helpers/repo.js';
import { OPS, RIGHT, calcRepo, ledgerRows, writeTask, type RunJson } from './run-kit.js';

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
async function runJson(dir: string, args: string[]): Promise<{ code: number; out: RunJson }> {
  const r = await runCli(['run', ...args, '--json'], { cwd: dir });
  return { code: r.code, out: JSON.parse(r.stdout) as RunJson };
}

function noCallWasMade(dir: string): void {
  assert.not.ok(existsSync(join(dir, '.pipe', 'runs')), 'no run record');
  assert.not.ok(existsSync(join(dir, '.pipe', 'ledger.sqlite')), 'no ledger');
}

test('a repository without a first commit: pipe run exits 2 before any call, saying to commit first', async () => {
  const dir = tempDir('pipe-nocommit-');
  dirs.push(dir);
  gitIn(dir, 'init', '-q', '-b', 'main');
  writeFiles(dir, { 'calc/__init__.py': '', 'calc/ops.py': OPS, 'tests/test_ops.py': 'from calc.ops import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n' });
  writeTask(dir, [{ patch: RIGHT }]);
  const r = await runCli(['run', 'tasks/t.yaml', '--json'], { cwd: dir });
  assert.is(r.code, 2, r.stdout + r.stderr);
  const error = JSON.parse(r.stdout).error;
  assert.is(error.code, 'E_NO_COMMIT');
  assert.match(error.message, /has no commit yet/);
  assert.match(error.hint, /git commit/);
  noCallWasMade(dir);
  assert.is(readFileSync(join(dir, 'calc/ops.py'), 'utf8'), OPS);
});

test('a dirty file in allowed_files: plan lists it, the run leaves it out and succeeds without touching it', async () => {
  const dir = calcRepo();
  dirs.push(dir);
  const mine = '"""calc: my unfinished docstring"""\n';
  writeFiles(dir, { 'calc/__init__.py': mine });
  writeTask(dir, [{ patch: RIGHT }], { maxAttempts: 1 });
  // The baseline is not the point here (run-baseline.test.ts covers it): skipped to keep the test fast.
  const plan = await runCli(['plan', 'tasks/t.yaml', '--json', '--no-baseline'], { cwd: dir });
  assert.is(plan.code, 0, plan.stdout + plan.stderr);
  const userWork = JSON.parse(plan.stdout).user_work;
  assert.equal(userWork, { has_commit: true, dirty_files: ['calc/__init__.py'], protected_files: ['calc/__init__.py'], run_would_stop: null });
  const { code, out } = await runJson(dir, ['tasks/t.yaml', '--no-baseline']);
  assert.is(code, 0, JSON.stringify(out));
  assert.equal(out.files_changed, ['calc/ops.py']);
  assert.is(readFileSync(join(dir, 'calc/__init__.py'), 'utf8'), mine);
});

test('a patch that still touches the dirty file is refused by the gate (exit 5) and the user change is kept', async () => {
  const dir = calcRepo();
  dirs.push(dir);
  const mine = `${OPS}\n\n# my note: mul should accept floats\n`;
  writeFiles(dir, { 'calc/ops.py': mine });
  writeTask(dir, [{ patch: RIGHT }], { maxAttempts: 1 });
  const { code, out } = await runJson(dir, ['tasks/t.yaml', '--no-baseline']);
  assert.is(code, 5, JSON.stringify(out));
  assert.is(out.status, 'refused');
  const gate = out.steps.find((s) => s.id === 'gate');
  assert.match(gate?.message ?? '', /user-work: calc\/ops\.py holds the user's uncommitted work in progress/);
  assert.is(readFileSync(join(dir, 'calc/ops.py'), 'utf8'), mine);
  assert.is(ledgerRows(join(dir, '.pipe', 'ledger.sqlite')).length, 1, 'the one call the model answered');
});

test('every allowed file is dirty: plan says the run would stop, and pipe run exits 5 before any call', async () => {
  const dir = calcRepo();
  dirs.push(dir);
  writeFiles(dir, { 'calc/__init__.py': '# mine\n', 'calc/ops.py': `${OPS}# mine too\n` });
  writeTask(dir, [{ patch: RIGHT }]);
  const plan = await runCli(['plan', 'tasks/t.yaml', '--json'], { cwd: dir });
  assert.is(plan.code, 5, plan.stdout + plan.stderr);
  const stop = JSON.parse(plan.stdout).user_work.run_would_stop;
  assert.is(stop.code, 'E_DIRTY_FILES');
  assert.is(stop.exit_code, 5);
  const r = await runCli(['run', 'tasks/t.yaml', '--json'], { cwd: dir });
  assert.is(r.code, 5, r.stdout + r.stderr);
  const error = JSON.parse(r.stdout).error;
  assert.is(error.code, 'E_DIRTY_FILES');
  assert.match(error.message, /every file the task may change has uncommitted changes \(calc\/__init__\.py, calc\/ops\.py\); nothing was sent/);
  noCallWasMade(dir);
});

test.run();
