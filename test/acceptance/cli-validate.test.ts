// Black-box checks of `pipe validate` as DSL.md §1 and §4 describe it, on fresh repos.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cleanup, makeRepo, runCli, writeFiles } from '../helpers/repo.js';

interface ValidateJson {
  ok: boolean;
  files: { file: string; ok: boolean; errors: { line: number; column: number; message: string; pointer: string }[] }[];
}

const LOCAL_POLICY = [
  'apiVersion: pipe/v1',
  'kind: Policy',
  'validators:',
  '  lint-docs:',
  '    argv: [python3, -c, "print(1)"]',
  '    timeout_s: 30',
  '    parser: exit-code',
  '',
].join('\n');

const TASK = [
  'apiVersion: pipe/v1',
  'kind: Task',
  'id: docs-typo',
  'goal: fix the typo',
  'intent: mechanical_edit',
  'allowed_files: ["docs/*.md"]',
  'validators: [lint-docs]',
  '',
].join('\n');

test('a validator defined only in .pipe/policy.yaml (no Config) is known to validate, as it is to plan', () => {
  const repo = makeRepo({ 'docs/a.md': 'teh\n' });
  try {
    writeFiles(repo, { '.pipe/policy.yaml': LOCAL_POLICY, 'tasks/typo.yaml': TASK });
    const plan = runCli(['plan', 'tasks/typo.yaml', '--json'], { cwd: repo });
    assert.is(plan.code, 0, plan.stdout + plan.stderr);
    const v = runCli(['validate', '--json'], { cwd: repo });
    assert.is(v.stderr, '');
    const out = JSON.parse(v.stdout) as ValidateJson;
    assert.equal(out.files.map((f) => f.file), ['.pipe/policy.yaml', 'tasks/typo.yaml']);
    assert.ok(out.ok, JSON.stringify(out));
    assert.is(v.code, 0);
    // And --show-merged without files shows the policy a run would use.
    const merged = JSON.parse(runCli(['validate', '--show-merged', '--json'], { cwd: repo }).stdout) as { merged: { validators: Record<string, unknown> } };
    assert.ok('lint-docs' in merged.merged.validators);
  } finally {
    cleanup(repo);
  }
});

test('with policies: in Config, validate checks the task against exactly those files', () => {
  const repo = makeRepo({ 'docs/a.md': 'teh\n' });
  try {
    writeFiles(repo, {
      '.pipe/policy.yaml': LOCAL_POLICY,
      '.pipe/config.yaml': 'apiVersion: pipe/v1\nkind: Config\npolicies: [policies/team.yaml]\n',
      'policies/team.yaml': 'apiVersion: pipe/v1\nkind: Policy\nbudget: { project_total_budget_usd: 3 }\n',
      'tasks/typo.yaml': TASK,
    });
    const v = runCli(['validate', 'tasks/typo.yaml'], { cwd: repo });
    assert.is(v.code, 2);
    assert.match(v.stderr, /^tasks\/typo\.yaml:7:14: error: unknown validator 'lint-docs'.* \(at \/validators\/0\)$/m);
    const plan = runCli(['plan', 'tasks/typo.yaml'], { cwd: repo });
    assert.is(plan.code, 2);
    assert.match(plan.stderr, /unknown validator 'lint-docs'/);
  } finally {
    cleanup(repo);
  }
});

test('a folder argument stands for the YAML files under it; problems in all of them are reported at once', () => {
  const repo = makeRepo({ 'README.md': 'x\n' });
  try {
    writeFiles(repo, {
      'ops/tasks/a.yaml': TASK.replace('validators: [lint-docs]\n', '').replace('intent: mechanical_edit', 'intent: mechanicaledit'),
      'ops/tasks/nested/b.yml': 'apiVersion: pipe/v1\nkind: Task\nid: b\ngoal: g\nintent: bugfix\nallowed_files: [x]\nmax_attemps: 2\n',
      'ops/tasks/notes.txt': 'not yaml',
      'ops/tasks/ok.yaml': 'apiVersion: pipe/v1\nkind: Task\nid: ok\ngoal: g\nintent: bugfix\nallowed_files: [x]\n',
    });
    const v = runCli(['validate', 'ops/tasks', '--json'], { cwd: repo });
    assert.is(v.code, 2);
    const out = JSON.parse(v.stdout) as ValidateJson;
    assert.equal(out.files.map((f) => [f.file, f.ok]), [['ops/tasks/a.yaml', false], ['ops/tasks/nested/b.yml', false], ['ops/tasks/ok.yaml', true]]);
    assert.equal(out.files[1].errors, [{ line: 7, column: 1, message: "unknown key 'max_attemps' (did you mean 'max_attempts'?)", pointer: '/max_attemps' }]);
    const human = runCli(['validate', 'ops/tasks/'], { cwd: repo });
    assert.is(human.code, 2);
    assert.is(human.stdout, '');
    assert.match(human.stderr, /^ops\/tasks\/a\.yaml:5:9: error: must be one of: .*\(did you mean 'mechanical_edit'\?\) \(at \/intent\)$/m);
    assert.match(human.stderr, /^ops\/tasks\/nested\/b\.yml:7:1: error: unknown key 'max_attemps' \(did you mean 'max_attempts'\?\) \(at \/max_attemps\)$/m);
  } finally {
    cleanup(repo);
  }
});

test('in a subfolder of the repo, validate uses the repo: default files and the repo config', () => {
  const repo = makeRepo({ 'docs/a.md': 'teh\n' });
  try {
    writeFiles(repo, { '.pipe/policy.yaml': LOCAL_POLICY, 'tasks/typo.yaml': TASK });
    const sub = `${repo}/tasks`;
    const one = runCli(['validate', 'typo.yaml', '--json'], { cwd: sub });
    assert.is(one.code, 0, one.stdout);
    assert.equal((JSON.parse(one.stdout) as ValidateJson).files.map((f) => f.file), ['typo.yaml']);
    const all = runCli(['validate', '--json'], { cwd: `${repo}/docs` });
    assert.is(all.code, 0, all.stdout);
    assert.equal((JSON.parse(all.stdout) as ValidateJson).files.map((f) => f.file), ['.pipe/policy.yaml', 'tasks/typo.yaml']);
  } finally {
    cleanup(repo);
  }
});

test('a Config naming a policy file that does not exist is an error at that list entry', () => {
  const repo = makeRepo({ 'docs/a.md': 'teh\n' });
  try {
    writeFiles(repo, {
      '.pipe/policy.yaml': LOCAL_POLICY,
      '.pipe/config.yaml': 'apiVersion: pipe/v1\nkind: Config\npolicies:\n  - .pipe/policy.yaml\n  - policies/gone.yaml\n',
    });
    const v = runCli(['validate', '--json'], { cwd: repo });
    assert.is(v.code, 2);
    const out = JSON.parse(v.stdout) as ValidateJson;
    const config = out.files.find((f) => f.file === '.pipe/config.yaml')!;
    assert.is(config.ok, false);
    assert.is(config.errors.length, 1);
    assert.equal([config.errors[0].line, config.errors[0].column, config.errors[0].pointer], [5, 5, '/policies/1']);
    assert.match(config.errors[0].message, /policies\/gone\.yaml/);
  } finally {
    cleanup(repo);
  }
});

test('did you mean covers singular for plural keys (policy → policies)', () => {
  const repo = makeRepo({ 'docs/a.md': 'teh\n' });
  try {
    writeFiles(repo, { '.pipe/config.yaml': 'apiVersion: pipe/v1\nkind: Config\npolicy: [.pipe/policy.yaml]\n' });
    const v = runCli(['validate'], { cwd: repo });
    assert.is(v.code, 2);
    assert.match(v.stderr, /^\.pipe\/config\.yaml:3:1: error: unknown key 'policy' \(did you mean 'policies'\?\) \(at \/policy\)$/m);
  } finally {
    cleanup(repo);
  }
});

test.run();
