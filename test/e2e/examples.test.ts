// Each shipped example, driven through the built `pipe` binary as a user would.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT, cleanup, gitIn, runCli, snapshotTree } from '../helpers/repo.js';
import { exampleRepo } from './helpers.js';

const dirs: string[] = [];
test.after(() => cleanup(...dirs));

function expectedAfter(example: string, patch: string, file: string): string {
  const dir = exampleRepo(example);
  dirs.push(dir);
  gitIn(dir, 'apply', join(ROOT, 'examples', example, 'fixtures', patch));
  return readFileSync(join(dir, file), 'utf8');
}

test('python-slugify: a partial patch, a better one (progress), rollbacks and retries, then the fix (exit 0)', () => {
  const repo = exampleRepo('python-slugify');
  dirs.push(repo);
  const r = runCli(['run', 'tasks/fix-slugify.yaml', '--repo', repo, '--json'], { cwd: repo });
  assert.is(r.code, 0, r.stderr + r.stdout);
  const out = JSON.parse(r.stdout);
  assert.is(out.status, 'succeeded');
  assert.is(out.exit_code, 0);
  assert.is(out.attempts, 3);
  assert.is(out.verdict, 'success');
  assert.equal(out.files_changed, ['src/slugify/core.py']);
  assert.ok(out.cost_usd > 0, 'the fake provider bills real token counts');
  assert.ok(existsSync(join(out.records_dir, 'state.json')));
  assert.ok(existsSync(join(out.records_dir, 'attempt-1.patch')));
  assert.is(readFileSync(join(repo, 'src/slugify/core.py'), 'utf8'), expectedAfter('python-slugify', 'right.patch', 'src/slugify/core.py'));
  // pipe never commits or stages: the fix is an unstaged change, and nothing else is.
  assert.is(gitIn(repo, 'status', '--porcelain').trim(), 'M src/slugify/core.py');
  assert.is(gitIn(repo, 'log', '--oneline').trim().split('\n').length, 1);
  const pytest = execFileSync('python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], { cwd: repo, encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  assert.match(pytest, /5 passed/);
});

test('python-slugify never-converges: stall, rollback, escalation with a diagnosis (exit 4), tree byte-identical', () => {
  const repo = exampleRepo('python-slugify');
  dirs.push(repo);
  const before = snapshotTree(repo);
  const r = runCli(['run', 'tasks/never-converges.yaml', '--repo', repo, '--json'], { cwd: repo });
  assert.is(r.code, 4, r.stderr + r.stdout);
  const out = JSON.parse(r.stdout);
  assert.is(out.status, 'escalated');
  assert.is(out.verdict, 'stall');
  assert.is(out.attempts, 2);
  assert.equal(out.files_changed, []);
  assert.ok(existsSync(join(out.records_dir, 'escalation.json')));
  assert.match(String(out.diagnosis), /NFKD/);
  assert.equal(snapshotTree(repo), before);
  assert.is(gitIn(repo, 'status', '--porcelain').trim(), '');
});

test('ts-invoice: tsc and unit tests fail, retry, then pass (exit 0)', () => {
  const repo = exampleRepo('ts-invoice', { linkNodeModules: true });
  dirs.push(repo);
  const r = runCli(['run', 'tasks/fix-rounding.yaml', '--repo', repo, '--json'], { cwd: repo });
  assert.is(r.code, 0, r.stderr + r.stdout);
  const out = JSON.parse(r.stdout);
  assert.is(out.status, 'succeeded');
  assert.is(out.attempts, 2);
  assert.equal(out.files_changed, ['src/invoice.ts']);
  assert.is(readFileSync(join(repo, 'src/invoice.ts'), 'utf8'), expectedAfter('ts-invoice', 'right.patch', 'src/invoice.ts'));
});

test('pipe run --provider openai without OPENAI_API_KEY exits 2 and says what is missing', () => {
  const repo = exampleRepo('python-slugify');
  dirs.push(repo);
  const r = runCli(['run', 'tasks/fix-slugify.yaml', '--repo', repo, '--provider', 'openai', '--json'], { cwd: repo, env: { OPENAI_API_KEY: undefined } });
  assert.is(r.code, 2);
  const out = JSON.parse(r.stdout);
  assert.is(out.error.exit_code, 2);
  assert.match(out.error.message, /OPENAI_API_KEY/);
  assert.not.ok(existsSync(join(repo, '.pipe', 'runs')), 'nothing was run');
});

test('the human output (as npm run quickstart shows it) says where the records are, that nothing was committed, the progress verdict and the rollbacks', () => {
  const repo = exampleRepo('python-slugify');
  dirs.push(repo);
  const r = runCli(['run', 'tasks/fix-slugify.yaml', '--repo', repo], { cwd: repo });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /succeeded \(exit 0\)/);
  assert.match(r.stdout, /not committed or staged/);
  assert.match(r.stdout, /records/);
  assert.match(r.stderr, /step validate attempt=1 status=failed/);
  // What the README promises the quickstart shows: the verdict progress and the rollback between attempts.
  assert.match(r.stderr, /step validate attempt=2 status=failed .* progress: failures 2 → 1/);
  assert.match(r.stderr, /^rolled back attempt 1's patch \(src\/slugify\/core\.py\) from its checkpoint/m);
  assert.match(r.stderr, /^rolled back attempt 2's patch/m);
});

test.run();
