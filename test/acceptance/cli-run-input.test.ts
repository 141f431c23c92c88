// Black-box: bad input to `pipe run` / `pipe plan` exits 2, writes nothing, and names files as the user does.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { cleanup, makeRepo, runCli, writeFiles } from '../helpers/repo.js';

test('a task with several schema errors: every problem at once, path as typed, exit 2, no .pipe written', () => {
  const repo = makeRepo({ 'app/main.js': 'console.log(1)\n' });
  try {
    writeFiles(repo, {
      'jobs/broken.yaml': [
        'apiVersion: pipe/v1',
        'kind: Task',
        'id: broken-job',
        'goal: g',
        'intent: feature',
        'allowed_files: app/main.js',
        'max_attempts: many',
        'budjet: { max_usd: 1 }',
        '',
      ].join('\n'),
    });
    for (const cmd of ['run', 'plan']) {
      const r = runCli([cmd, 'jobs/broken.yaml'], { cwd: repo });
      assert.is(r.code, 2, r.stderr);
      assert.is(r.stdout, '');
      const heads = r.stderr.split('\n').filter((l) => /: error: /.test(l) && !l.startsWith('error:'));
      assert.equal(heads, [
        'jobs/broken.yaml:6:16: error: must be a list (got string) (at /allowed_files)',
        'jobs/broken.yaml:7:15: error: must be an integer (got string) (at /max_attempts)',
        "jobs/broken.yaml:8:1: error: unknown key 'budjet' (did you mean 'budget'?) (at /budjet)",
      ]);
      const j = runCli([cmd, 'jobs/broken.yaml', '--json'], { cwd: repo });
      assert.is(j.code, 2);
      assert.is(j.stderr, '');
      const doc = JSON.parse(j.stdout) as { error: { code: string; exit_code: number; message: string } };
      assert.is(doc.error.exit_code, 2);
      assert.type(doc.error.code, 'string');
      assert.type(doc.error.message, 'string');
    }
    assert.not.ok(existsSync(join(repo, '.pipe')));
  } finally {
    cleanup(repo);
  }
});

test('a task outside the repo, run with --repo from elsewhere, resolves patch_file next to the task', () => {
  const repo = makeRepo({ 'app/main.js': 'console.log(1)\n' });
  const outside = makeRepo();
  try {
    writeFiles(outside, {
      'spec/job.yaml': [
        'apiVersion: pipe/v1',
        'kind: Task',
        'id: log-two',
        'goal: log 2',
        'intent: small_change',
        'allowed_files: ["app/*.js"]',
        'fake:',
        '  responses:',
        '    - patch_file: two.patch',
        '',
      ].join('\n'),
      'spec/two.patch': '--- a/app/main.js\n+++ b/app/main.js\n@@ -1 +1 @@\n-console.log(1)\n+console.log(2)\n',
    });
    const r = runCli(['run', join(outside, 'spec/job.yaml'), '--repo', repo, '--json'], { cwd: outside });
    assert.is(r.code, 0, r.stdout);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    for (const key of ['run_id', 'task_id', 'status', 'exit_code', 'attempts', 'verdict', 'cost_usd', 'files_changed', 'records_dir']) assert.ok(key in out, key);
    assert.equal(out.files_changed, ['app/main.js']);
    assert.ok(String(out.records_dir).startsWith(join(repo, '.pipe', 'runs')));
    assert.not.ok(existsSync(join(outside, '.pipe')));
  } finally {
    cleanup(repo, outside);
  }
});

/** A folder that is neither the repo nor inside it. */
const ROOT_PARENT = (): string => dirname(tmpdir());

const BASE_PIPELINE = [
  'apiVersion: pipe/v1',
  'kind: Pipeline',
  'name: lean',
  'steps:',
  '  - id: route',
  '    uses: route',
  '  - id: budget',
  '    uses: budget',
  '  - id: propose',
  '    uses: propose',
  '',
].join('\n');

const PLAIN_TASK = 'apiVersion: pipe/v1\nkind: Task\nid: plain\ngoal: g\nintent: bugfix\nallowed_files: ["app/*.js"]\n';

test('--pipeline as a repo-relative path works with --repo from another folder; Config pipelines_dir finds bare names', () => {
  const repo = makeRepo({ 'app/main.js': 'console.log(1)\n' });
  try {
    writeFiles(repo, { 'ci/pipes/lean.yaml': BASE_PIPELINE, 'tasks/plain.yaml': PLAIN_TASK });
    const flag = runCli(['plan', join(repo, 'tasks/plain.yaml'), '--repo', repo, '--pipeline', 'ci/pipes/lean.yaml', '--json'], { cwd: ROOT_PARENT() });
    assert.is(flag.code, 0, flag.stdout);
    assert.is((JSON.parse(flag.stdout) as { pipeline: { name: string } }).pipeline.name, 'lean');

    writeFiles(repo, {
      '.pipe/config.yaml': 'apiVersion: pipe/v1\nkind: Config\npipelines_dir: ci/pipes\n',
      'tasks/named.yaml': PLAIN_TASK.replace('id: plain', 'id: named') + 'pipeline: lean\n',
    });
    const named = runCli(['plan', 'tasks/named.yaml', '--json'], { cwd: repo });
    assert.is(named.code, 0, named.stdout);
    assert.is((JSON.parse(named.stdout) as { pipeline: { name: string; file: string } }).pipeline.file, join(repo, 'ci/pipes/lean.yaml'));
    const v = runCli(['validate', 'tasks/named.yaml'], { cwd: repo });
    assert.is(v.code, 0, v.stderr);
  } finally {
    cleanup(repo);
  }
});

test('--policy given twice, as repo-relative paths from another folder, merges both (later wins)', () => {
  const repo = makeRepo({ 'app/main.js': 'console.log(1)\n' });
  try {
    writeFiles(repo, {
      'tasks/plain.yaml': PLAIN_TASK,
      'ops/a.yaml': 'apiVersion: pipe/v1\nkind: Policy\nbudget: { project_total_budget_usd: 3, task_budget_usd: 0.4 }\n',
      'ops/b.yaml': 'apiVersion: pipe/v1\nkind: Policy\nbudget: { project_total_budget_usd: 2 }\n',
    });
    const r = runCli(['plan', join(repo, 'tasks/plain.yaml'), '--repo', repo, '--policy', 'ops/a.yaml', '--policy', 'ops/b.yaml', '--show-policy', '--json'], { cwd: ROOT_PARENT() });
    assert.is(r.code, 0, r.stdout);
    const out = JSON.parse(r.stdout) as { policy: { budget: { project_total_budget_usd: number; task_budget_usd: number } }; policy_files: string[] };
    assert.is(out.policy.budget.project_total_budget_usd, 2);
    assert.is(out.policy.budget.task_budget_usd, 0.4);
    assert.equal(out.policy_files.slice(-2), [join(repo, 'ops/a.yaml'), join(repo, 'ops/b.yaml')]);
    const b = runCli(['budget', '--repo', repo, '--policy', 'ops/b.yaml', '--json'], { cwd: ROOT_PARENT() });
    assert.is(b.code, 0, b.stdout);
    assert.is((JSON.parse(b.stdout) as { project: { limit_usd: number } }).project.limit_usd, 2);
  } finally {
    cleanup(repo);
  }
});

test.run();
