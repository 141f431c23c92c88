// The runner's own cost per attempt: a full `fix` pipeline in-process (route, budget with a
// real tokenizer and SQLite ledger, propose with the fake provider, gate, checkpoint + apply,
// validate, rollback/retry, records) with a near-no-op validator. Overhead per attempt =
// (run wall time − time inside validator subprocesses) / attempts. Prints; asserts nothing.
// Run: node --import tsx bench/runner-overhead.mjs
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openSession } from '../src/runner/session.ts';
import { createCliServices } from '../src/cli/run-services.ts';
import { executeRun } from '../src/runner/runner.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const patches = join(root, 'test', 'fixtures', 'python-patches');
const runs = Number(process.env.BENCH_RUNS ?? 10);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function repoWithTask(responses) {
  const repo = mkdtempSync(join(tmpdir(), 'pipe-bench-runner-'));
  cpSync(join(root, 'test', 'fixtures', 'python-project'), repo, { recursive: true });
  mkdirSync(join(repo, '.pipe'), { recursive: true });
  writeFileSync(join(repo, '.pipe', 'config.yaml'), 'apiVersion: pipe/v1\nkind: Config\nprovider: fake\n');
  // The no-op validator: node checks one file for one word (passes once the right patch is in).
  writeFileSync(join(repo, '.pipe', 'policy.yaml'), `apiVersion: pipe/v1
kind: Policy
validators:
  noop:
    argv: [node, -e, "process.exit(require('fs').readFileSync('slug/core.py','utf8').includes('_SPECIAL')?0:1)"]
    timeout_s: 30
    parser: exit-code
validation: { patch_safety: true }
`);
  writeFileSync(join(repo, '.gitignore'), '.pipe/\n');
  const git = (...a) => execFileSync('git', a, { cwd: repo, env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@x' } });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'fixture');
  const task = join(repo, '..', `${repo.split('/').pop()}-task.yaml`);
  writeFileSync(task, `apiVersion: pipe/v1
kind: Task
id: bench
goal: make slugify transliterate.
intent: bugfix
allowed_files: ["slug/**/*.py"]
validators: [noop]
max_attempts: 3
fake:
  responses:
${responses.map((r) => `    - patch_file: ${join(patches, `${r}.patch`)}`).join('\n')}
`);
  return { repo, task };
}

async function once(responses) {
  const { repo, task } = repoWithTask(responses);
  try {
    const session = await openSession({ task, repo });
    const cli = createCliServices(session, { json: true, quiet: true, verbose: false });
    const t0 = performance.now();
    const outcome = await executeRun({ ...session, taskFile: session.taskFile, taskDir: session.taskDir, approvedRoles: [], ledgerLocation: session.ledgerLocation, services: cli.services });
    const wall = performance.now() - t0;
    await cli.close();
    const validatorMs = outcome.events.events.filter((e) => e.type === 'validator.result').reduce((n, e) => n + (e.duration_ms ?? 0), 0);
    const attempts = outcome.state.attempts;
    if (outcome.state.status !== 'succeeded') throw new Error(`run ${outcome.state.status}: ${JSON.stringify(outcome.state.error)}`);
    return { wall, validatorMs, attempts, perAttempt: (wall - validatorMs) / attempts };
  } finally {
    rmSync(repo, { recursive: true, force: true });
    rmSync(task, { force: true });
  }
}

for (const [label, responses] of [['1 attempt (right patch)', ['right']], ['2 attempts (wrong, rollback, right)', ['stall-1', 'right']]]) {
  await once(responses); // warm-up: module load, tokenizer tables, SQLite
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await once(responses));
  const m = (k) => median(results.map((r) => r[k]));
  console.log(`${label}: median of ${runs}: wall ${m('wall').toFixed(1)} ms, in validators ${m('validatorMs').toFixed(1)} ms, runner overhead per attempt ${m('perAttempt').toFixed(1)} ms (best ${Math.min(...results.map((r) => r.perAttempt)).toFixed(1)} ms)`);
}
