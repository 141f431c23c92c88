// Everything `pipe batch` checks before the first worktree exists: the task files
// (all of them, every problem reported at once, nothing started on bad input), one
// session per task, unique task ids that make valid branch names, the settings from
// flags and policy, and the batch journal — new, or the one --resume names.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { PipeError, isPipeError, type Diagnostic } from '../errors.js';
import { displayPath } from '../dsl/resolve.js';
import { findRepoRoot, flagPath, openSession, type Session } from '../runner/session.js';
import type { Exec } from '../exec/run.js';
import { BATCH_ID_PATTERN, isBatchId, newBatchId, pidAlive, readBatch } from './journal.js';
import { expandTaskArgs } from './prepare.js';
import { recoverBatch, isStale } from './recover.js';
import { isFinished, type BatchJournal, type BatchSettings, type BatchTaskRecord } from './types.js';
import { headCommit, validBranchName } from './worktrees.js';

export interface BatchFlags {
  tasks: string[];
  repo?: string;
  pipeline?: string;
  policy?: string[];
  provider?: string;
  jobs?: number;
  maxCost?: number;
  keep?: boolean;
  patchesOnly?: boolean;
  branchPrefix?: string;
  resume?: string;
  batchId?: string;
  baseline?: boolean;
}

export interface PreparedBatch {
  journal: BatchJournal;
  sessions: Map<string, Session>;
  resume: boolean;
}

function asDiagnostics(err: PipeError, file: string): Diagnostic[] {
  if (err.diagnostics.length) return err.diagnostics;
  return [{ file: displayPath(file), line: 1, column: 1, message: err.message, pointer: '', kind: 'file' }];
}

/** Opens a session per task file; every file is checked before any error is raised. */
async function openSessions(files: readonly string[], flags: BatchFlags, repo: string): Promise<Session[]> {
  const sessions: Session[] = [];
  const problems: { err: PipeError; file: string }[] = [];
  for (const file of files) {
    try {
      sessions.push(await openSession({ task: file, repo, pipeline: flags.pipeline, policy: flags.policy, provider: flags.provider }));
    } catch (err) {
      if (!isPipeError(err)) throw err;
      problems.push({ err, file });
    }
  }
  if (problems.length === 1) throw problems[0].err;
  if (problems.length > 1) {
    throw new PipeError(problems[0].err.code, `${problems.length} of ${files.length} task files have problems; nothing was started`, {
      diagnostics: problems.flatMap((p) => asDiagnostics(p.err, p.file)),
      hint: 'fix them and run pipe batch again',
    });
  }
  const byId = new Map<string, string[]>();
  for (const s of sessions) byId.set(s.task.id, [...(byId.get(s.task.id) ?? []), displayPath(s.taskFile)]);
  const duplicates = [...byId].filter(([, f]) => f.length > 1);
  if (duplicates.length) {
    throw new PipeError('E_USAGE', `task ids must be unique in a batch (they name its branches): ${duplicates.map(([id, f]) => `'${id}' in ${f.join(' and ')}`).join('; ')}`, { hint: 'give each task its own id' });
  }
  return sessions;
}

function settingsFrom(flags: BatchFlags, session: Session): BatchSettings {
  const policy = session.policy.batch ?? {};
  return {
    jobs: flags.jobs ?? policy.jobs ?? availableParallelism(),
    max_cost_usd: flags.maxCost ?? policy.max_cost_usd ?? null,
    branch_prefix: flags.branchPrefix ?? policy.branch_prefix ?? 'pipe/',
    patches_only: flags.patchesOnly ?? false,
    keep: flags.keep ?? false,
    provider: flags.provider ?? null,
    pipeline: flags.pipeline ?? null,
    // Absolute, so --resume from another folder merges the same files.
    policy_files: (flags.policy ?? []).map((p) => flagPath(p, session.repo)),
    baseline: flags.baseline ?? null,
  };
}

function newTaskRecord(session: Session): BatchTaskRecord {
  return { task_id: session.task.id, task_file: session.taskFile, status: 'queued', exit_code: null, run_id: null, attempts: 0, cost_usd: 0, branch: null, patch_file: null, worktree: null, reason: null, started_at: null, finished_at: null };
}

async function checkBranchNames(exec: Exec, journal: BatchJournal): Promise<void> {
  const bad: string[] = [];
  for (const t of journal.tasks) {
    const name = `${journal.settings.branch_prefix}${journal.batch_id}/${t.task_id}`;
    if (!(await validBranchName(exec, journal.repo, name))) bad.push(name);
  }
  if (bad.length) throw new PipeError('E_USAGE', `not valid git branch names: ${bad.join(', ')}`, { hint: 'change --branch-prefix (policy batch.branch_prefix) or the task ids (no "..", no trailing ".lock" or ".")' });
}

/** A new batch from task arguments. */
async function prepareNew(exec: Exec, flags: BatchFlags, repo: string): Promise<PreparedBatch> {
  if (flags.batchId !== undefined && !BATCH_ID_PATTERN.test(flags.batchId)) {
    throw new PipeError('E_USAGE', `--batch-id '${flags.batchId}' must be letters, digits, '.', '_' or '-' (at most 100)`, { hint: 'e.g. --batch-id nightly-2025-10-01' });
  }
  if (flags.batchId !== undefined && isBatchId(repo, flags.batchId)) {
    throw new PipeError('E_USAGE', `batch '${flags.batchId}' already exists in this repository`, { hint: `run what did not finish with \`pipe batch --resume ${flags.batchId}\`, or choose another --batch-id` });
  }
  const files = expandTaskArgs(flags.tasks, repo);
  const sessions = await openSessions(files, flags, repo);
  const commit = await headCommit(exec, repo);
  const now = new Date();
  const journal: BatchJournal = {
    version: 1,
    batch_id: flags.batchId ?? newBatchId(now),
    status: 'running',
    repo,
    commit,
    pid: process.pid,
    started_at: now.toISOString(),
    updated_at: now.toISOString(),
    finished_at: null,
    settings: settingsFrom(flags, sessions[0]),
    tasks: sessions.map(newTaskRecord),
  };
  await checkBranchNames(exec, journal);
  return { journal, sessions: new Map(sessions.map((s) => [s.task.id, s])), resume: false };
}

/** The journal --resume names, cleaned up if its process died, with its unfinished tasks' sessions. */
async function prepareResume(exec: Exec, flags: BatchFlags, repo: string): Promise<PreparedBatch> {
  if (flags.tasks.length) throw new PipeError('E_USAGE', '--resume takes no task arguments: it runs what the batch did not finish', { hint: `pipe batch --resume ${flags.resume}` });
  const journal = readBatch(repo, flags.resume!);
  if (journal.status === 'running' && journal.pid !== process.pid && pidAlive(journal.pid)) {
    throw new PipeError('E_REPO_BUSY', `batch ${journal.batch_id} is still running (pid ${journal.pid})`, { hint: 'wait for it, or stop it (Ctrl-C) and resume then' });
  }
  if (isStale(journal)) await recoverBatch(exec, journal);
  const s = journal.settings;
  const runFlags: BatchFlags = { ...flags, pipeline: s.pipeline ?? undefined, policy: s.policy_files, provider: flags.provider ?? s.provider ?? undefined };
  const todo = journal.tasks.filter((t) => !isFinished(t.status));
  const sessions = await openSessions(todo.map((t) => t.task_file), runFlags, repo);
  const changed = todo.filter((t, i) => sessions[i].task.id !== t.task_id);
  if (changed.length) {
    throw new PipeError('E_USAGE', `task files changed their id since the batch started: ${changed.map((t) => `${displayPath(t.task_file)} (was '${t.task_id}')`).join(', ')}`, { hint: 'put the ids back, or start a new batch' });
  }
  if (flags.jobs !== undefined) s.jobs = flags.jobs;
  if (flags.maxCost !== undefined) s.max_cost_usd = flags.maxCost;
  if (flags.baseline !== undefined) s.baseline = flags.baseline;
  return { journal, sessions: new Map(sessions.map((x) => [x.task.id, x])), resume: true };
}

export async function prepareBatch(exec: Exec, flags: BatchFlags): Promise<PreparedBatch> {
  const repo = await findRepoRoot(resolve(flags.repo ?? process.cwd()));
  return flags.resume !== undefined ? prepareResume(exec, flags, repo) : prepareNew(exec, flags, repo);
}
