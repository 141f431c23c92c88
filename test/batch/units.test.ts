// The batch's small pure parts, in-process: task arguments expanded (files, folders,
// globs), the pool's concurrency bound and budget stop, the progress frame and lines,
// the summary table and the batch exit code.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { cleanup, tempDir, writeFiles } from '../helpers/repo.js';
import { expandTaskArgs } from '../../src/batch/prepare.js';
import { runPool } from '../../src/batch/scheduler.js';
import { createBatchProgress, renderFrame } from '../../src/batch/progress.js';
import { batchExitCode, renderBatchTable } from '../../src/batch/summary.js';
import type { BatchTaskRecord } from '../../src/batch/types.js';
import { isPipeError } from '../../src/errors.js';
import { defaultValidateFiles } from '../../src/dsl/documents.js';

test('task arguments: a file, a folder (its YAML files), a quoted glob; in order, without duplicates', () => {
  const dir = tempDir('pipe-batch-args-');
  const elsewhere = tempDir('pipe-elsewhere-');
  try {
    writeFiles(dir, { 'tasks/b.yaml': '', 'tasks/a.yml': '', 'tasks/notes.md': '', 'tasks/deep/c.yaml': '', 'more/d.yaml': '', '.pipe/x.yaml': '' });
    assert.equal(expandTaskArgs(['tasks'], dir, dir), [join(dir, 'tasks/a.yml'), join(dir, 'tasks/b.yaml')]);
    assert.equal(expandTaskArgs(['tasks/**/*.yaml'], dir, dir), [join(dir, 'tasks/b.yaml'), join(dir, 'tasks/deep/c.yaml')]);
    assert.equal(expandTaskArgs(['more/d.yaml', 'tasks/b.yaml', 'tasks'], dir, dir), [join(dir, 'more/d.yaml'), join(dir, 'tasks/b.yaml'), join(dir, 'tasks/a.yml')]);
    // From elsewhere, a path that exists only under the repo root resolves there.
    assert.equal(expandTaskArgs(['more/d.yaml'], dir, elsewhere), [join(dir, 'more/d.yaml')]);
    const bad: [string, string][] = [['nope.yaml', 'no such task file'], ['tasks/deep/*.json', 'matches no task files'], [elsewhere, 'has no task files']];
    for (const [arg, words] of bad) {
      let caught: unknown = null;
      try {
        expandTaskArgs([arg], dir, dir);
      } catch (err) {
        caught = err;
      }
      assert.ok(isPipeError(caught) && caught.exitCode === 2, `${arg} is bad input`);
      assert.match((caught as Error).message, words);
    }
  } finally {
    cleanup(dir, elsewhere);
  }
});

test('the pool runs at most `jobs` items at once, each exactly once', async () => {
  let live = 0;
  let peak = 0;
  const seen: number[] = [];
  await runPool([1, 2, 3, 4, 5, 6, 7], {
    jobs: 3,
    run: async (n) => {
      live += 1;
      peak = Math.max(peak, live);
      await new Promise((r) => setImmediate(r));
      seen.push(n);
      live -= 1;
    },
  });
  assert.is(peak, 3);
  assert.equal(seen.sort(), [1, 2, 3, 4, 5, 6, 7]);
});

test('once the pool declines one item, no later item starts; every declined item is reported', async () => {
  const ran: string[] = [];
  const skipped: string[] = [];
  let budget = 2;
  await runPool(['a', 'b', 'c', 'd'], {
    jobs: 1,
    shouldStart: () => budget-- > 0,
    run: async (x) => void ran.push(x),
    skip: (x) => void skipped.push(x),
  });
  assert.equal(ran, ['a', 'b']);
  assert.equal(skipped, ['c', 'd']);
});

const record = (over: Partial<BatchTaskRecord>): BatchTaskRecord => ({
  task_id: 't',
  task_file: '/x/t.yaml',
  status: 'succeeded',
  exit_code: 0,
  run_id: 'r',
  attempts: 1,
  cost_usd: 0.0123,
  branch: null,
  patch_file: null,
  worktree: null,
  reason: null,
  started_at: null,
  finished_at: null,
  ...over,
});

test('the TTY frame: a header with done / running / queued and spend, one line per running task', () => {
  const lines = renderFrame({
    batchId: 'batch-1',
    total: 5,
    done: 2,
    queued: 1,
    running: [
      { taskId: 'fix-a', step: 'validate', attempt: 2, spentUsd: 0.004 },
      { taskId: 'fix-b', step: null, attempt: 1, spentUsd: 0 },
    ],
    spentUsd: 0.25,
    limitUsd: 1,
  });
  assert.equal(lines, [
    'batch batch-1 · 2/5 done · 2 running · 1 queued · spent $0.25 of $1.00',
    '  fix-a · attempt 2 · validate · $0.004',
    '  fix-b · attempt 1 · starting · $0.00',
  ]);
  const narrow = renderFrame({ batchId: 'b', total: 1, done: 0, queued: 0, running: [{ taskId: 'x'.repeat(300), step: 's', attempt: 1, spentUsd: 0 }], spentUsd: 0, limitUsd: null }, 40);
  assert.ok(narrow.every((l) => l.length <= 40));
});

test('plain progress (not a TTY): a line when a task starts, a step does not pass, a task ends', () => {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d) => (text += d));
  const progress = createBatchProgress({ batchId: 'b', total: 1, limitUsd: null, stream, tty: false });
  progress.taskStarted('fix-a', 'run-1');
  const p = progress.forTask('fix-a');
  p.stepEnd({ step: 'gate', uses: 'gate', attempt: 1, status: 'succeeded', durationMs: 5, spentUsd: 0 });
  p.stepEnd({ step: 'validate', uses: 'validate', attempt: 1, status: 'failed', message: '1 failure in pytest', durationMs: 5, spentUsd: 0.01 });
  progress.taskEnded(record({ task_id: 'fix-a', status: 'failed', exit_code: 1, cost_usd: 0.01, reason: 'validators failed' }));
  progress.close();
  assert.equal(text.trim().split('\n'), [
    'fix-a: started (run run-1)',
    'fix-a: attempt 1 validate failed — 1 failure in pytest',
    'fix-a: failed (exit 1, 1 attempt(s), $0.01) — validators failed',
  ]);
});

test('TTY progress redraws the frame in place and ends with it erased', async () => {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d) => (text += d));
  const progress = createBatchProgress({ batchId: 'b', total: 2, limitUsd: null, stream, tty: true });
  progress.taskStarted('fix-a', 'run-1');
  progress.forTask('fix-a').stepStart({ step: 'propose', uses: 'propose', attempt: 1, spentUsd: 0 });
  await new Promise((r) => setTimeout(r, 150)); // the redraw is coalesced on a 100 ms timer
  assert.match(text, 'batch b · 0/2 done · 1 running · 1 queued · spent $0.00');
  assert.match(text, '  fix-a · attempt 1 · propose · $0.00');
  progress.taskEnded(record({ task_id: 'fix-a' }));
  progress.close();
  assert.match(text, 'fix-a: succeeded (exit 0, 1 attempt(s), $0.0123)');
  assert.ok(text.endsWith('\u001b[J') || text.endsWith('$0.0123)\n'), JSON.stringify(text.slice(-40)));
});

test('the summary table and the batch exit code (0 only when every task succeeded, else the largest)', () => {
  const tasks = [
    record({ task_id: 'a', branch: 'pipe/b/a' }),
    record({ task_id: 'bb', status: 'not_run', exit_code: 3, attempts: 0, cost_usd: 0 }),
    record({ task_id: 'c', status: 'failed', exit_code: 1 }),
  ];
  assert.equal(renderBatchTable(tasks).split('\n'), [
    'TASK  OUTCOME    EXIT  ATTEMPTS  SPEND    BRANCH',
    'a     succeeded  0     1         $0.0123  pipe/b/a',
    'bb    not run    3     0         $0.00    -',
    'c     failed     1     1         $0.0123  -',
  ]);
  assert.is(batchExitCode(tasks), 3);
  assert.is(batchExitCode([tasks[0]]), 0);
});

test('pipe validate (no files named) skips kept batch worktrees and batch journals under .pipe/', () => {
  const dir = tempDir('pipe-batch-validate-');
  try {
    writeFiles(dir, { '.pipe/policy.yaml': '', '.pipe/worktrees/b1/t/tasks/t.yaml': '', '.pipe/batches/b1/x.yaml': '', 'tasks/t.yaml': '', 'pipelines/worktrees/p.yaml': '' });
    assert.equal(defaultValidateFiles(dir), ['.pipe/policy.yaml', 'pipelines/worktrees/p.yaml', 'tasks/t.yaml']);
  } finally {
    cleanup(dir);
  }
});

test.run();
