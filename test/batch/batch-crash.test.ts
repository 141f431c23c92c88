// kill -9 of a batch in the middle of a model call: the worktree stays locked and the
// reservation open until `pipe recover`, which removes the one and releases the other;
// `pipe batch --resume` then runs only the tasks that did not finish.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { BIN, cleanup, gitIn, runCli, snapshotTree, writeFiles } from '../helpers/repo.js';
import { batchJson, batchRepo, byTask, spawnCli, taskYaml } from './kit.js';

interface Journal {
  batch_id: string;
  status: string;
  tasks: { task_id: string; status: string; run_id: string | null; worktree: string | null }[];
}

function readJournal(repo: string): Journal | null {
  const dir = join(repo, '.pipe/batches');
  if (!existsSync(dir)) return null;
  const [id] = readdirSync(dir);
  try {
    return id ? (JSON.parse(readFileSync(join(dir, id, 'batch.json'), 'utf8')) as Journal) : null;
  } catch {
    return null; // between the write and the rename
  }
}

/** Waits (polling the records, not the clock) until task `id` is inside its provider call. */
async function untilCalling(repo: string, id: string, child: { exitCode: number | null }): Promise<Journal> {
  for (let i = 0; i < 1200; i++) {
    const journal = readJournal(repo);
    const task = journal?.tasks.find((t) => t.task_id === id);
    if (journal && task?.status === 'running' && task.run_id) {
      const events = join(repo, '.pipe/runs', task.run_id, 'events.jsonl');
      if (existsSync(events) && readFileSync(events, 'utf8').includes('"provider.call"')) return journal;
    }
    if (child.exitCode !== null) throw new Error(`pipe batch exited ${child.exitCode} before task ${id} called the provider`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`task ${id} never reached its provider call`);
}

function reservedRows(repo: string): number {
  const db = new Database(join(repo, '.pipe/ledger.sqlite'), { readonly: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM ledger_entries WHERE status = 'reserved'").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

test('kill -9 mid-call, pipe recover, then --resume runs only what did not finish', async () => {
  const repo = batchRepo([{ id: 't1', validators: [] }, { id: 't2', validators: [], delayMs: 600_000 }, { id: 't3', validators: [] }]);
  try {
    const before = snapshotTree(repo);
    const beforeOutsideTasks = snapshotTree(repo, ['.git', '.pipe', 'tasks']);
    const child = spawn(process.execPath, [BIN, 'batch', 'tasks/', '--jobs', '1', '--json'], { cwd: repo, stdio: 'ignore' });
    const running = await untilCalling(repo, 't2', child);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const t2 = running.tasks.find((t) => t.task_id === 't2')!;
    const locked = gitIn(repo, 'worktree', 'list', '--porcelain');
    assert.match(locked, `worktree ${t2.worktree}`);
    assert.match(locked, /^locked/m, 'the task worktree is locked while its batch runs');
    assert.is(reservedRows(repo), 1, 'the killed call left its reservation open');

    const rec = runCli(['recover', '--json'], { cwd: repo });
    assert.is(rec.code, 0, rec.stderr);
    const recovered = JSON.parse(rec.stdout) as { batches: { batch_id: string; interrupted_tasks: string[] }[]; reservations: { action: string }[] };
    assert.equal(recovered.batches.map((b) => [b.batch_id, b.interrupted_tasks]), [[running.batch_id, ['t2']]]);
    assert.equal(recovered.reservations.map((a) => a.action), ['released']);
    assert.is(reservedRows(repo), 0);
    assert.is(gitIn(repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)?.length, 1, 'only the main worktree is left');
    assert.not.ok(existsSync(t2.worktree!));
    assert.is(readJournal(repo)?.status, 'interrupted');
    assert.equal(snapshotTree(repo), before);

    // The slow model is fixed; the batch picks up where it died.
    writeFiles(repo, { 'tasks/t2.yaml': taskYaml({ id: 't2', validators: [] }) });
    const { code, out, stderr } = await batchJson(spawnCli, repo, ['--resume', running.batch_id]);
    assert.is(code, 0, stderr);
    const done = byTask(out);
    const first = running.tasks.find((t) => t.task_id === 't1')!;
    assert.is(done.t1.run_id, first.run_id, 't1 had finished: not run again');
    assert.is(done.t2.status, 'succeeded');
    assert.is.not(done.t2.run_id, t2.run_id);
    assert.is(done.t3.status, 'succeeded');
    assert.is(gitIn(repo, 'branch', '--list', `pipe/${running.batch_id}/*`).trim().split('\n').length, 3);
    assert.equal(snapshotTree(repo, ['.git', '.pipe', 'tasks']), beforeOutsideTasks);
  } finally {
    cleanup(repo);
  }
});

test.run();
