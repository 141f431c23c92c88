// A validator that cannot start here is bad input (exit 2) found before any model call,
// not a failing attempt that is retried, paid for and escalated.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, writeFiles } from '../helpers/repo.js';
import { RIGHT, calcRepo, runJson, writeTask } from './run-kit.js';
import { runCli } from '../helpers/repo.js';

const dirs: string[] = [];
test.after(() => cleanup(...dirs));

function repo(policy: string): string {
  const dir = calcRepo();
  dirs.push(dir);
  writeFiles(dir, { 'extra.yaml': `apiVersion: pipe/v1\nkind: Policy\n${policy}` });
  return dir;
}

test('a validator whose executable is not installed: exit 2 naming it, no run, no ledger row', () => {
  const dir = repo('safety:\n  allowed_executables: [python3, git, pipe-no-such-tool]\nvalidators:\n  lint:\n    argv: [pipe-no-such-tool, --check]\n');
  writeTask(dir, [{ patch: RIGHT }], { validators: ['lint', 'pytest'] });
  const r = runCli(['run', 'tasks/t.yaml', '--policy', 'extra.yaml', '--json'], { cwd: dir });
  assert.is(r.code, 2, r.stdout + r.stderr);
  const error = JSON.parse(r.stdout).error;
  assert.is(error.code, 'E_CONFIG');
  assert.match(error.message, /validator 'lint' runs 'pipe-no-such-tool', which is not installed/);
  assert.match(error.hint, /remove 'lint' from the task's validators/);
  assert.not.ok(existsSync(join(dir, '.pipe', 'runs')));
  assert.not.ok(existsSync(join(dir, '.pipe', 'ledger.sqlite')));
});

test('a validator whose executable is not allowlisted: exit 2 before any call', () => {
  const dir = repo('safety:\n  allowed_executables: [git]\n');
  writeTask(dir, [{ patch: RIGHT }], { validators: ['pytest'] });
  const { code, out } = runJson(dir, ['tasks/t.yaml', '--policy', 'extra.yaml']) as unknown as { code: number; out: { error: { message: string } } };
  assert.is(code, 2);
  assert.match(out.error.message, /validator 'pytest' runs 'python3', which is not in safety.allowed_executables/);
});

test.run();
