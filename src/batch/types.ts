// The batch journal (.pipe/batches/<batch-id>/batch.json): what `pipe batch` started,
// with which options, and where each task stands. Rewritten atomically after every
// change, so `pipe recover` and `pipe batch --resume` can always read it.

/** Where a task stands. The first five are the outcomes of a run that ended. */
export type TaskStatus =
  | 'succeeded'
  | 'failed'
  | 'blocked'
  | 'escalated'
  | 'refused'
  /** Never started: the batch budget was spent first. */
  | 'not_run'
  /** Waiting for a free job slot. */
  | 'queued'
  | 'running'
  /** Its process died (kill -9) or the batch was interrupted while it ran. */
  | 'interrupted';

export type BatchStatus = 'running' | 'finished' | 'interrupted';

export interface BatchTaskRecord {
  task_id: string;
  /** Absolute path of the task file (in the main repository). */
  task_file: string;
  status: TaskStatus;
  /** The task's exit code (DSL.md §4); 3 for a task not run; null while queued or running. */
  exit_code: number | null;
  run_id: string | null;
  attempts: number;
  cost_usd: number;
  /** The branch holding the task's commit (success, not --patches-only). */
  branch: string | null;
  /** The patch file (success with --patches-only). */
  patch_file: string | null;
  /** The worktree while it exists (and after, with --keep). */
  worktree: string | null;
  /** Why it did not succeed, in one line. */
  reason: string | null;
  started_at: string | null;
  finished_at: string | null;
}

/** The options a batch was started with; --resume runs the rest with the same ones. */
export interface BatchSettings {
  jobs: number;
  max_cost_usd: number | null;
  branch_prefix: string;
  patches_only: boolean;
  keep: boolean;
  provider: string | null;
  pipeline: string | null;
  policy_files: string[];
  /** --baseline / --no-baseline (null: policy validation.baseline). */
  baseline?: boolean | null;
}

export interface BatchJournal {
  version: 1;
  batch_id: string;
  status: BatchStatus;
  /** Absolute root of the main repository. */
  repo: string;
  /** The commit every task's worktree starts from. */
  commit: string;
  /** The process running the batch now (a resume takes it over). */
  pid: number;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
  settings: BatchSettings;
  tasks: BatchTaskRecord[];
}

/** Exit code of a task that ended with `status` (DSL.md §4; not run counts as blocked by a budget). */
export const TASK_EXIT: Record<TaskStatus, number | null> = {
  succeeded: 0,
  failed: 1,
  blocked: 3,
  escalated: 4,
  refused: 5,
  not_run: 3,
  interrupted: 1,
  queued: null,
  running: null,
};

/** A task whose run ended on its own; --resume leaves it alone. */
export function isFinished(status: TaskStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'blocked' || status === 'escalated' || status === 'refused';
}
