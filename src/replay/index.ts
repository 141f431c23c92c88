// `pipe replay`'s core: load the selected runs, replay each under the given documents,
// compare old and new, and total it up. Runs are replayed one after another (each on
// its own seeded ledger); a run that cannot be replayed is reported, never fatal.
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPipeError } from '../errors.js';
import { runCommand, type Exec } from '../exec/run.js';
import { isLoaded, loadRun, selectRuns, type RunSelection } from './load.js';
import { blockedMessage, changedFields, outcomeOf, timelineOf } from './outcome.js';
import { replayRun } from './run.js';
import { Snapshots, memoExec } from './snapshot.js';
import { ReplayLedger } from './ledger.js';
import type { SandboxChoice, SandboxMode } from '../exec/sandbox/index.js';
import { decideSandbox } from '../validation/sandbox.js';
import type { LoadedRun, ReplayDocuments, ReplayReport, ReplayTotals, RunComparison, UnreplayableRun } from './types.js';

export interface ReplayOptions {
  /** The user's repository (worktrees are made from it). */
  repo: string;
  /** The folder holding the run folders (default <repo>/.pipe/runs). */
  recordsRoot: string;
  selection: RunSelection;
  validate: boolean;
  documentsFor(run: LoadedRun): Promise<ReplayDocuments>;
  describe: ReplayReport['documents'];
  /** The subprocess wrapper (default runCommand). */
  exec?: Exec;
  /** Called after each run (progress on a terminal). */
  onRun?(comparison: RunComparison, index: number, total: number): void;
}

const round9 = (n: number) => Math.round(n * 1e9) / 1e9;

function notReplayable(run: UnreplayableRun): RunComparison {
  const old = run.state ? outcomeOf(run.state) : null;
  return {
    run_id: run.id,
    task_id: run.state?.task_id ?? 'unknown',
    started_at: run.state?.started_at ?? null,
    result: 'not_replayable',
    reason: run.reason,
    changed: [],
    old,
    new: null,
    blocked_message: { old: run.state ? blockedMessage(run.state) : null, new: null },
    stand_ins: [],
    notes: [],
    timeline: null,
  };
}

async function compareOne(run: LoadedRun, options: ReplayOptions, env: Parameters<typeof replayRun>[2]): Promise<RunComparison> {
  const old = outcomeOf(run.state);
  const base = { run_id: run.id, task_id: run.record.task_id, started_at: run.record.started_at, old };
  let docs: ReplayDocuments;
  try {
    docs = await options.documentsFor(run);
  } catch (err) {
    if (!isPipeError(err)) throw err;
    // Documents that do not load stop the whole replay (bad input); a task that no longer fits them is this run's outcome.
    if (err.code !== 'E_SCHEMA' || !/does not fit|do not fit/.test(err.message)) throw err;
    const detail = err.diagnostics.map((d) => d.message).join('; ');
    return { ...base, result: 'undetermined', reason: `${err.message}${detail ? `: ${detail}` : ''}`, changed: [], new: null, blocked_message: { old: blockedMessage(run.state), new: null }, stand_ins: [], notes: [], timeline: null };
  }
  let replayed;
  try {
    replayed = await replayRun(run, docs, env);
  } catch (err) {
    // A commit that is not in this clone, say: this run cannot be judged, the others can.
    if (!isPipeError(err)) throw err;
    return { ...base, result: 'undetermined', reason: err.message, changed: [], new: null, blocked_message: { old: blockedMessage(run.state), new: null }, stand_ins: [], notes: err.hint ? [err.hint] : [], timeline: null };
  }
  const now = outcomeOf(replayed.state);
  const changed = changedFields(old, now);
  return {
    ...base,
    result: replayed.undetermined ? 'undetermined' : changed.length ? 'changed' : 'same',
    reason: replayed.undetermined,
    changed,
    new: now,
    blocked_message: { old: blockedMessage(run.state), new: blockedMessage(replayed.state) },
    stand_ins: replayed.standIns,
    notes: replayed.notes,
    timeline: { old: timelineOf(run.state), new: timelineOf(replayed.state) },
  };
}

export function totalsOf(runs: readonly RunComparison[]): ReplayTotals {
  const replayed = runs.filter((r) => r.result !== 'not_replayable');
  const old = round9(replayed.reduce((n, r) => n + (r.old?.spend_usd ?? 0), 0));
  const now = round9(replayed.reduce((n, r) => n + (r.new?.spend_usd ?? r.old?.spend_usd ?? 0), 0));
  return {
    runs: runs.length,
    replayed: replayed.length,
    same: runs.filter((r) => r.result === 'same').length,
    changed: runs.filter((r) => r.result === 'changed').length,
    undetermined: runs.filter((r) => r.result === 'undetermined').length,
    not_replayable: runs.length - replayed.length,
    spend_old_usd: old,
    spend_new_usd: now,
    spend_delta_usd: round9(now - old),
  };
}

/** Memory-backed /dev/shm when the system has one: a replay's records are written, read once and thrown away. */
function scratchDir(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

export async function replayRuns(options: ReplayOptions): Promise<ReplayReport> {
  const ids = selectRuns(options.recordsRoot, options.selection);
  const exec = options.exec ?? runCommand;
  const snapshots = new Snapshots(options.repo, exec);
  const recordsRoot = await mkdtemp(join(scratchDir(), 'pipe-replay-records-'));
  const ledger = new ReplayLedger();
  // Decided once per safety.sandbox mode for the whole replay (it probes for bubblewrap).
  const sandboxes = new Map<SandboxMode, Promise<SandboxChoice>>();
  const sandbox = (mode: SandboxMode) => {
    let choice = sandboxes.get(mode);
    if (!choice) {
      choice = decideSandbox({ safety: { sandbox: mode } }, { exec });
      sandboxes.set(mode, choice);
    }
    return choice;
  };
  const env = { snapshots, readOnlyExec: memoExec(exec), exec, validate: options.validate, recordsRoot, ledger, sandbox };
  const runs: RunComparison[] = [];
  try {
    for (const [i, id] of ids.entries()) {
      const loaded = loadRun(options.recordsRoot, id);
      const comparison = isLoaded(loaded) ? await compareOne(loaded, options, env) : notReplayable(loaded);
      runs.push(comparison);
      options.onRun?.(comparison, i, ids.length);
    }
  } finally {
    await ledger.close();
    await snapshots.close();
    await rm(recordsRoot, { recursive: true, force: true });
  }
  return { validate: options.validate, documents: options.describe, runs, totals: totalsOf(runs) };
}
