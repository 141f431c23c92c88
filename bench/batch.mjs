// pipe batch: 20 tasks with the fake provider and a ~1 s validator each, run by the
// built CLI sequentially (--jobs 1) and with --jobs 4 in the same temp repository.
// Prints both wall times and the ratio, and checks every task ends the same way (same
// outcome, same resulting tree) in both. Asserts nothing about speed.
// Run: npm run build && node bench/batch.mjs   (BENCH_TASKS, BENCH_JOBS to vary)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'run.js');
const TASKS = Number(process.env.BENCH_TASKS ?? 20);
const JOBS = Number(process.env.BENCH_JOBS ?? 4);
const repo = mkdtempSync(join(tmpdir(), 'pipe-bench-batch-'));

const write = (name, text) => {
  mkdirSync(dirname(join(repo, name)), { recursive: true });
  writeFileSync(join(repo, name), text);
};
const git = (...args) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });

const RIGHT = `--- a/calc/ops.py\n+++ b/calc/ops.py\n@@ -1,5 +1,5 @@\n def add(a, b):\n-    return a - b\n+    return a + b\n \n \n def mul(a, b):\n`;

function setUp() {
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'bench@example.com');
  git('config', 'user.name', 'bench');
  write('calc/__init__.py', '');
  write('calc/ops.py', 'def add(a, b):\n    return a - b\n\n\ndef mul(a, b):\n    return a * b\n');
  write(
    '.pipe/policy.yaml',
    [
      'apiVersion: pipe/v1',
      'kind: Policy',
      'validators:',
      '  slow-check:',
      '    argv: [python3, -c, "import time, calc.ops as o; time.sleep(1); assert o.add(2, 3) == 5"]',
      '    timeout_s: 60',
      '    parser: exit-code',
      'validation:',
      '  patch_safety: false',
      '  baseline: off # one validator run per task, as the issue measures it',
      '',
    ].join('\n'),
  );
  git('add', '-A');
  git('commit', '-q', '-m', 'bench');
  write('tasks/fx/right.patch', RIGHT);
  for (let i = 1; i <= TASKS; i++) {
    const id = `task-${String(i).padStart(2, '0')}`;
    write(
      `tasks/${id}.yaml`,
      [
        'apiVersion: pipe/v1',
        'kind: Task',
        `id: ${id}`,
        'goal: add() must return the sum of its arguments.',
        'intent: bugfix',
        'allowed_files: ["calc/**/*.py"]',
        'context_files: ["calc/ops.py"]',
        'validators: [slow-check]',
        'max_attempts: 1',
        'fake:',
        '  responses:',
        '    - patch_file: fx/right.patch',
        '',
      ].join('\n'),
    );
  }
}

function batch(jobs) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, 'batch', 'tasks/', '--jobs', String(jobs), '--json'], { cwd: repo, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const ms = performance.now() - t0;
  const out = JSON.parse(r.stdout);
  return { ms, out };
}

/** Per task: outcome and the tree its branch holds (the same change gives the same tree id). */
function results(out) {
  return out.tasks.map((t) => [t.task_id, t.status, t.branch ? git('rev-parse', `${t.branch}^{tree}`).trim() : null]);
}

try {
  setUp();
  const seq = batch(1);
  const par = batch(JOBS);
  const same = JSON.stringify(results(seq.out)) === JSON.stringify(results(par.out));
  const ok = par.out.tasks.filter((t) => t.status === 'succeeded').length;
  console.log(`${TASKS} tasks, fake provider, one ~1 s validator each; ${availableParallelism()} cores`);
  console.log(`sequential (--jobs 1)  ${(seq.ms / 1000).toFixed(1)} s`);
  console.log(`--jobs ${JOBS}              ${(par.ms / 1000).toFixed(1)} s`);
  console.log(`ratio (jobs ${JOBS} / sequential) ${(par.ms / seq.ms).toFixed(2)}x  (target on 4 cores: <= 0.35x)`);
  console.log(`${ok}/${TASKS} succeeded with --jobs ${JOBS}; every task's outcome and resulting tree the same in both: ${same ? 'yes' : 'NO'}`);
} finally {
  rmSync(repo, { recursive: true, force: true });
}
