// Runs a batch: every task not yet finished, up to `jobs` at once, against one ledger.
// Before each start the batch budget is checked; once it is spent (or a task was
// blocked by it) the tasks not started are recorded as not run (exit 3).
import { openLedger } from '../budget/ledger.js';
import type { Ledger } from '../budget/types.js';
import type { Exec } from '../exec/run.js';
import type { Session } from '../runner/session.js';
import { rmdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { worktreesDir, writeBatch } from './journal.js';
import type { BatchProgress } from './progress.js';
import { blockedByBatch, runBatchTask } from './run-task.js';
import { runPool } from './scheduler.js';
import { commitIdentity } from './worktrees.js';
import { TASK_EXIT, isFinished, type BatchJournal, type BatchTaskRecord } from './types.js';

export interface BatchRunRequest {
  exec: Exec;
  journal: BatchJournal;
  /** One opened session per task id (config, policy, pipeline, task). */
  sessions: Map<string, Session>;
  progress: BatchProgress;
  signal: AbortSignal;
  resume: boolean;
}

const NOT_RUN_REASON = 'not started: the batch budget was spent';

export async function runBatch(request: BatchRunRequest): Promise<BatchJournal> {
  const { journal, sessions, progress, signal } = request;
  const save = () => writeBatch(journal);
  const first = sessions.values().next().value as Session | undefined;
  let ledgerPromise: Promise<Ledger> | null = null;
  const ledger = () => (ledgerPromise ??= openLedger(first!.ledgerLocation, { repo: journal.repo }));
  const limit = journal.settings.max_cost_usd;
  let identityPromise: Promise<readonly string[]> | null = null;
  const identity = () => (identityPromise ??= commitIdentity(request.exec, journal.repo));
  let budgetSpent = false;

  const pending = journal.tasks.filter((t) => !isFinished(t.status));
  for (const t of pending) Object.assign(t, { status: 'queued', exit_code: null, reason: null });
  journal.status = 'running';
  journal.pid = process.pid;
  journal.finished_at = null;
  save();

  const batchHeadroomLeft = async (): Promise<boolean> => {
    if (limit === null || !first) return true;
    try {
      const scopes = await (await ledger()).scopes({ project: first.project, role: '', taskId: '', batchId: journal.batch_id, limits: { batchUsd: limit } });
      return (scopes.batch.headroom_usd ?? 1) > 0;
    } catch {
      // A ledger that cannot be read now fails the task's own reservation, with the reason in its record.
      return true;
    }
  };

  try {
    await runPool<BatchTaskRecord>(pending, {
      jobs: journal.settings.jobs,
      shouldStart: async () => {
        if (signal.aborted || budgetSpent) return false;
        if (!(await batchHeadroomLeft())) budgetSpent = true;
        return !budgetSpent;
      },
      skip: (record) => {
        if (signal.aborted) return; // stays queued: --resume runs it
        Object.assign(record, { status: 'not_run', exit_code: TASK_EXIT.not_run, reason: NOT_RUN_REASON, finished_at: new Date().toISOString() });
        save();
        progress.taskEnded(record);
      },
      run: async (record) => {
        const session = sessions.get(record.task_id)!;
        const outcome = await runBatchTask({ exec: request.exec, journal, save, ledger, progress, signal, resume: request.resume, identity }, session, record);
        if (outcome && blockedByBatch(outcome)) budgetSpent = true;
      },
    });
  } finally {
    if (ledgerPromise) await (await (ledgerPromise as Promise<Ledger>).catch(() => null))?.close();
  }
  const unfinished = journal.tasks.some((t) => t.status === 'queued' || t.status === 'running' || t.status === 'interrupted');
  removeEmptyDirs(worktreesDir(journal.repo, journal.batch_id));
  journal.status = signal.aborted || unfinished ? 'interrupted' : 'finished';
  journal.finished_at = new Date().toISOString();
  save();
  return journal;
}

/** .pipe/worktrees/<batch-id>/ and .pipe/worktrees/ once nothing is kept in them. */
function removeEmptyDirs(dir: string): void {
  for (const d of [dir, dirname(dir)]) {
    try {
      rmdirSync(d);
    } catch {
      return; // not empty (--keep) or already gone
    }
  }
}
