// One task of a batch: a worktree at the batch's commit, the real runner in it (records
// under the main repository's .pipe/runs), then the result kept as a commit on a branch
// or a patch file, and the worktree removed. A task that does not succeed leaves only
// its records.
import { join } from 'node:path';
import { isPipeError } from '../errors.js';
import type { Exec } from '../exec/run.js';
import type { Ledger } from '../budget/types.js';
import { runOptionsFor, type Session } from '../runner/session.js';
import { prepareBaseline } from '../cli/baseline.js';
import { createProviderFactory } from '../providers/index.js';
import { executeRun, newRunId, type RunOutcome } from '../runner/runner.js';
import { batchDir } from './journal.js';
import { ensurePipeIgnored, runsDir } from '../records/writer.js';
import type { BatchProgress } from './progress.js';
import { TASK_EXIT, type BatchJournal, type BatchTaskRecord, type TaskStatus } from './types.js';
import { commitToBranch, createWorktree, removeWorktree, unlockWorktree, writePatch } from './worktrees.js';

export interface TaskRunContext {
  exec: Exec;
  journal: BatchJournal;
  /** Rewrites the batch journal (after every change to a task record). */
  save(): void;
  ledger(): Promise<Ledger>;
  progress: BatchProgress;
  signal: AbortSignal;
  /** A resumed batch may find a branch its killed first try already made. */
  resume: boolean;
  /** `-c user.name=…` arguments for commits when git knows no identity (asked once per batch). */
  identity(): Promise<readonly string[]>;
}

function errorText(err: unknown): string {
  return isPipeError(err) ? err.message : err instanceof Error ? err.message : String(err);
}

/** The branch a successful task's commit lands on. */
export function branchName(journal: BatchJournal, taskId: string): string {
  return `${journal.settings.branch_prefix}${journal.batch_id}/${taskId}`;
}

function commitMessage(session: Session, journal: BatchJournal, runId: string): string {
  const goal = session.task.goal.trim().replace(/\s+/g, ' ');
  return `pipe: ${session.task.id}\n\n${goal.length > 500 ? `${goal.slice(0, 499)}…` : goal}\n\nBatch: ${journal.batch_id}\nRun: ${runId}\n`;
}

/** Keeps a success: a commit and its branch, or a patch file. Returns what to record. */
async function keepResult(ctx: TaskRunContext, session: Session, worktree: string, outcome: RunOutcome): Promise<Pick<BatchTaskRecord, 'branch' | 'patch_file'>> {
  const files = outcome.state.files_changed;
  if (!files.length) return { branch: null, patch_file: null };
  const { journal } = ctx;
  if (journal.settings.patches_only) {
    const file = join(batchDir(journal.repo, journal.batch_id), 'patches', `${session.task.id}.patch`);
    return { branch: null, patch_file: await writePatch(ctx.exec, worktree, files, file) };
  }
  const branch = branchName(journal, session.task.id);
  await commitToBranch(ctx.exec, { worktree, files, message: commitMessage(session, journal, outcome.state.run_id), identity: await ctx.identity(), branch, replace: ctx.resume });
  return { branch, patch_file: null };
}

function statusOf(outcome: RunOutcome, interrupted: boolean): TaskStatus {
  if (interrupted && outcome.state.error?.code === 'E_INTERRUPTED') return 'interrupted';
  return outcome.state.status === 'running' ? 'failed' : outcome.state.status;
}

/** Whether the run was stopped by the batch's own limit (its budget step says blocked_by: batch). */
export function blockedByBatch(outcome: RunOutcome): boolean {
  return outcome.state.status === 'blocked' && outcome.state.steps.some((s) => s.output?.blocked_by === 'batch');
}

export async function runBatchTask(ctx: TaskRunContext, session: Session, record: BatchTaskRecord): Promise<RunOutcome | null> {
  const { journal, exec } = ctx;
  const runId = newRunId(new Date());
  Object.assign(record, { status: 'running', run_id: runId, started_at: new Date().toISOString(), finished_at: null, reason: null, exit_code: null, branch: null, patch_file: null });
  ctx.save();
  ctx.progress.taskStarted(record.task_id, runId);
  let worktree: string | null = null;
  let outcome: RunOutcome | null = null;
  try {
    worktree = await createWorktree(exec, journal.repo, journal.batch_id, record.task_id, journal.commit);
    record.worktree = worktree;
    ctx.save();
    // As `pipe run` does: the validators on the unchanged tree (here the worktree at the batch's commit) first.
    const progress = ctx.progress.forTask(record.task_id);
    const baseline = await prepareBaseline({ ...session, repo: worktree }, { enabled: journal.settings.baseline ?? undefined, note: (line) => progress.note(line.trim()), signal: ctx.signal });
    ensurePipeIgnored(journal.repo);
    outcome = await executeRun({
      ...runOptionsFor(session),
      repo: worktree,
      // Records go to the main repository's .pipe/runs, so `pipe runs` and `pipe show` find them there.
      recordsRoot: runsDir(journal.repo),
      runId,
      batch: { id: journal.batch_id, ...(journal.settings.max_cost_usd !== null ? { maxCostUsd: journal.settings.max_cost_usd } : {}) },
      signal: ctx.signal,
      baseline: baseline ?? undefined,
      services: {
        ledger: ctx.ledger,
        provider: createProviderFactory({ config: session.config, task: session.task, taskDir: session.taskDir, env: process.env }),
        // Nobody answers a prompt in a batch: roles needing approval are blocked.
        approve: async () => false,
        progress,
      },
    });
    const status = statusOf(outcome, ctx.signal.aborted);
    Object.assign(record, {
      status,
      attempts: outcome.state.attempts,
      cost_usd: outcome.state.cost_usd,
      exit_code: status === 'interrupted' ? TASK_EXIT.interrupted : outcome.exitCode,
      reason: status === 'succeeded' ? null : (outcome.state.error?.message ?? null),
    });
    if (status === 'succeeded') Object.assign(record, await keepResult(ctx, session, worktree, outcome));
  } catch (err) {
    // E_ENVIRONMENT (the validators cannot test here) keeps its exit 2, as in `pipe run`.
    Object.assign(record, { status: 'failed', exit_code: isPipeError(err) ? err.exitCode : TASK_EXIT.failed, reason: errorText(err) });
  } finally {
    if (worktree && !journal.settings.keep) {
      await removeWorktree(exec, journal.repo, worktree).catch(() => undefined);
      record.worktree = null;
    } else if (worktree) {
      // Kept for the user: theirs to inspect and remove (`git worktree remove`), so no longer locked.
      await unlockWorktree(exec, journal.repo, worktree);
    }
    record.finished_at = new Date().toISOString();
    ctx.save();
    ctx.progress.taskEnded(record);
  }
  return outcome;
}
