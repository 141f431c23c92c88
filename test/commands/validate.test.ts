// `pipe validate` and `pipe schema` as a user runs them: exit codes, stdout/stderr, --json shape.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, cleanup, writeFiles, ROOT } from '../helpers/repo.js';

test.before(() => {
  if (!existsSync(join(ROOT, 'dist', 'commands', 'validate.js'))) {
    try {
      execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'ignore' });
    } catch {
      // other modules' type errors do not stop dist/ from being written
    }
  }
});

const GOOD_TASK = 'apiVersion: pipe/v1\nkind: Task\nid: t\ngoal: g\nintent: bugfix\nallowed_files: [a.py]\nvalidators: [pytest]\n';
const BAD_PIPE = 'apiVersion: pipe/v1\nkind: Pipeline\nname: p\nsteps:\n  - id: check\n    uses: valdate\n    on_fail: { retyr: check }\n';

test('valid files: exit 0, one summary line', () => {
  const dir = tempDir();
  try {
    writeFiles(dir, { 'tasks/t.yaml': GOOD_TASK, 'pipelines/p.yaml': 'apiVersion: pipe/v1\nkind: Pipeline\nname: p\nextends: fix\n' });
    const r = runCli(['validate'], { cwd: dir });
    assert.is(r.code, 0, r.stderr);
    assert.is(r.stdout, '2 files ok\n');
    assert.is(r.stderr, '');
  } finally {
    cleanup(dir);
  }
});

test('invalid files: exit 2, every diagnostic with source line and caret', () => {
  const dir = tempDir();
  try {
    writeFiles(dir, { 'p.yaml': BAD_PIPE, 't.yaml': GOOD_TASK });
    const r = runCli(['validate', 'p.yaml', 't.yaml'], { cwd: dir });
    assert.is(r.code, 2);
    assert.is(
      r.stderr,
      [
        "p.yaml:6:11: error: unknown step type 'valdate' (did you mean 'validate'?); known types: apply, budget, escalate, gate, propose, rollback, route, validate (at /steps/0/uses)",
        '      uses: valdate',
        '            ^~~~~~~',
        "p.yaml:7:16: error: unknown key 'retyr' (did you mean 'retry'?) (at /steps/0/on_fail/retyr)",
        '      on_fail: { retyr: check }',
        '                 ^~~~~',
        '1 file ok, 1 with errors (2 problems)',
        '',
      ].join('\n'),
    );
    assert.is(r.stdout, '');
  } finally {
    cleanup(dir);
  }
});

test('--json: exactly { ok, files: [ { file, ok, errors: [ { line, column, message, pointer } ] } ] }', () => {
  const dir = tempDir();
  try {
    writeFiles(dir, { 'p.yaml': BAD_PIPE, 't.yaml': GOOD_TASK, 'broken.yaml': 'a: [1\n' });
    const r = runCli(['validate', 'p.yaml', 't.yaml', 'broken.yaml', 'missing.yaml', '--json'], { cwd: dir });
    assert.is(r.code, 2);
    assert.equal(JSON.parse(r.stdout), {
      ok: false,
      files: [
        {
          file: 'p.yaml',
          ok: false,
          errors: [
            { line: 6, column: 11, message: "unknown step type 'valdate' (did you mean 'validate'?); known types: apply, budget, escalate, gate, propose, rollback, route, validate", pointer: '/steps/0/uses' },
            { line: 7, column: 16, message: "unknown key 'retyr' (did you mean 'retry'?)", pointer: '/steps/0/on_fail/retyr' },
          ],
        },
        { file: 't.yaml', ok: true, errors: [] },
        { file: 'broken.yaml', ok: false, errors: [{ line: 1, column: 6, message: 'Flow sequence in block collection must be sufficiently indented and end with a ]', pointer: '' }] },
        { file: 'missing.yaml', ok: false, errors: [{ line: 1, column: 1, message: 'file not found', pointer: '' }] },
      ],
    });
    const ok = runCli(['validate', 't.yaml', '--json'], { cwd: dir });
    assert.is(ok.code, 0);
    assert.equal(JSON.parse(ok.stdout), { ok: true, files: [{ file: 't.yaml', ok: true, errors: [] }] });
  } finally {
    cleanup(dir);
  }
});

test('the shipped pipelines and policies validate through the CLI', () => {
  const r = runCli(['validate', 'pipelines/fix.yaml', 'pipelines/implement.yaml', 'pipelines/diagnose.yaml', 'pipelines/classify.yaml', 'policies/default.yaml'], { cwd: ROOT });
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, '5 files ok\n');
});

test('--show-merged prints the merged policy', () => {
  const dir = tempDir();
  try {
    writeFiles(dir, { 'team.yaml': 'apiVersion: pipe/v1\nkind: Policy\nbudget: { project_total_budget_usd: 12.5 }\nsafety: { allowed_executables: [git] }\n' });
    const r = runCli(['validate', 'team.yaml', '--show-merged', '--json'], { cwd: dir });
    assert.is(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.is(out.ok, true);
    assert.is(out.merged.budget.project_total_budget_usd, 12.5);
    assert.is(out.merged.budget.role_budgets_usd.general_builder, 2);
    assert.equal(out.merged.safety.allowed_executables, ['git']);
    const human = runCli(['validate', 'team.yaml', '--show-merged'], { cwd: dir });
    assert.is(human.code, 0);
    assert.match(human.stdout, /project_total_budget_usd: 12\.5\n/);
    assert.match(human.stdout, /1 file ok\n$/);
  } finally {
    cleanup(dir);
  }
});

test('pipe schema: list, one kind, a step with schema, unknown kind', () => {
  const list = runCli(['schema', '--json']);
  assert.is(list.code, 0);
  assert.ok(JSON.parse(list.stdout).kinds.includes('step:validate'));
  const pipeline = runCli(['schema', 'pipeline', '--json']);
  assert.is(JSON.parse(pipeline.stdout).title, 'Pipeline');
  const step = runCli(['schema', 'step:gate', '--json']);
  assert.is(JSON.parse(step.stdout).title, 'GateWith');
  const bad = runCli(['schema', 'pipelin', '--json']);
  assert.is(bad.code, 2);
  assert.equal(JSON.parse(bad.stdout).error.message, "unknown schema kind 'pipelin' (did you mean 'pipeline'?)");
});

test.run();
