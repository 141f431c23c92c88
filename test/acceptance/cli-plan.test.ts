// Black-box: `pipe plan` output when the policy cannot route the task.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cleanup, makeRepo, runCli, writeFiles } from '../helpers/repo.js';

test('plan with a policy that has no routing: exit 2, no "undefined" in the text, the hint shown; --json says why', () => {
  const repo = makeRepo({ 'lib/x.py': 'x = 1\n' });
  try {
    writeFiles(repo, {
      '.pipe/config.yaml': 'apiVersion: pipe/v1\nkind: Config\nuse_default_policy: false\npolicies: [ops/only-budget.yaml]\n',
      'ops/only-budget.yaml': 'apiVersion: pipe/v1\nkind: Policy\nbudget: { project_total_budget_usd: 1 }\n',
      'tasks/x.yaml': 'apiVersion: pipe/v1\nkind: Task\nid: x\ngoal: g\nintent: bugfix\nallowed_files: ["lib/*.py"]\n',
    });
    const r = runCli(['plan', 'tasks/x.yaml'], { cwd: repo });
    assert.is(r.code, 2, r.stdout + r.stderr);
    assert.not.match(r.stdout, /undefined/);
    assert.match(r.stdout, /failed: route: no routing rule matched/);
    assert.match(r.stdout, /hint: .*catch-all rule/);
    const j = runCli(['plan', 'tasks/x.yaml', '--json'], { cwd: repo });
    assert.is(j.code, 2);
    assert.is(j.stderr, '');
    const out = JSON.parse(j.stdout) as { exit_code: number; status: string; error: { code: string } };
    assert.is(out.exit_code, 2);
    assert.is(out.status, 'failed');
    assert.is(out.error.code, 'E_CONFIG');
  } finally {
    cleanup(repo);
  }
});

test.run();
