import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, gitIn, hasTool, runCli, snapshotTree, writeFiles } from '../helpers/repo.js';
import { exampleRepo } from '../e2e/helpers.js';

const dirs: string[] = [];
test.after(() => cleanup(...dirs));

test('pipe plan shows pipeline, route and rule, context, projection and headroom, and writes nothing', () => {
  const repo = exampleRepo('python-slugify');
  dirs.push(repo);
  const before = snapshotTree(repo, ['.git']);
  const r = runCli(['plan', 'tasks/fix-slugify.yaml', '--repo', repo, '--json'], { cwd: repo });
  assert.is(r.code, 0, r.stderr);
  const plan = JSON.parse(r.stdout);
  assert.equal(plan.pipeline.steps.map((s: { id: string }) => s.id), ['route', 'budget', 'propose', 'gate', 'apply', 'validate']);
  assert.is(plan.route.role, 'general_builder');
  assert.is(plan.route.rule, 'default');
  assert.is(plan.route.tier, 'flex');
  assert.equal(plan.budget.context_files.sort(), ['src/slugify/__init__.py', 'src/slugify/core.py', 'tests/test_slug.py']);
  assert.ok(plan.budget.input_tokens > 100);
  assert.ok(plan.budget.projected_usd > 0);
  assert.is(plan.budget.headroom.project.limit_usd, 5);
  assert.is(plan.stopped_before, 'propose');
  assert.equal(snapshotTree(repo, ['.git']), before, 'nothing written, not even .pipe/runs or the ledger');
  assert.is(gitIn(repo, 'status', '--porcelain'), '');
});

test('pipe plan shows the validator sandbox, its rules and each validator\'s overrides', () => {
  const repo = exampleRepo('python-slugify');
  dirs.push(repo);
  writeFiles(repo, { 'loose.yaml': 'apiVersion: pipe/v1\nkind: Policy\nvalidators:\n  pytest:\n    argv: [python3, -m, pytest, -q]\n    sandbox: { network: loopback, writable: ["~/.cache/pip"] }\n' });
  // --no-baseline here and below: the first test covers plan's baseline; these look at other sections.
  const human = runCli(['plan', 'tasks/fix-slugify.yaml', '--repo', repo, '--policy', 'loose.yaml', '--no-baseline'], { cwd: repo });
  assert.is(human.code, 0, human.stderr);
  assert.match(human.stdout, /- pytest: network: loopback; writable: ~\/\.cache\/pip/);
  if (hasTool('bwrap')) {
    assert.match(human.stdout, /sandbox\s+bubblewrap \(safety\.sandbox: auto\)\n\s+network: none/);
    assert.match(human.stdout, /read-only in the repository: \.git, \.pipe/);
  } else {
    assert.match(human.stdout, /sandbox\s+none \(safety\.sandbox: auto\): bubblewrap \(bwrap\) is not installed/);
    assert.match(human.stderr, /warning: validators will run without a sandbox/);
  }
});

test('pipe plan --show-policy includes the merged policy; human output names the rule', () => {
  const repo = exampleRepo('python-slugify');
  dirs.push(repo);
  const r = runCli(['plan', 'tasks/fix-slugify.yaml', '--repo', repo, '--show-policy', '--json', '--no-baseline'], { cwd: repo });
  assert.is(r.code, 0, r.stderr);
  assert.is(JSON.parse(r.stdout).policy.budget.project_total_budget_usd, 5);
  const human = runCli(['plan', 'tasks/fix-slugify.yaml', '--repo', repo, '--no-baseline'], { cwd: repo });
  assert.match(human.stdout, /route\s+general_builder → fake:gpt-5-mini tier flex/);
  assert.match(human.stdout, /rule default/);
  assert.match(human.stdout, /stops before 'propose'/);
});

test('pipe run --dry-run stops before the provider call and leaves the repo untouched', () => {
  const repo = exampleRepo('python-slugify');
  dirs.push(repo);
  const before = snapshotTree(repo, ['.git']);
  const r = runCli(['run', 'tasks/fix-slugify.yaml', '--repo', repo, '--dry-run', '--json'], { cwd: repo });
  assert.is(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.is(out.dry_run, true);
  assert.is(out.stopped_before, 'propose');
  assert.is(out.cost_usd, 0);
  assert.equal(snapshotTree(repo, ['.git']), before);
  assert.not.ok(existsSync(join(repo, '.pipe', 'ledger.sqlite')));
});

test.run();
