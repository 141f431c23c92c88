// Black-box: bad input to `pipe run` / `pipe plan` exits 2, writes nothing, and names files as the user does.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
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

test.run();
