// After a batch's process died (kill -9, a power cut): its tasks that were running are
// marked interrupted, their worktrees unlocked and removed, and git's worktree list
// pruned, so `pipe batch --resume` starts them again from a clean worktree.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Exec } from '../exec/run.js';
import { git } from '../exec/run.js';
import { listBatches, pidAlive, worktreesDir, writeBatch } from './journal.js';
import { TASK_EXIT, isFinished, type BatchJournal } from './types.js';
import { removeWorktree } from './worktrees.js';

export interface RecoveredBatch {
  batch_id: string;
  interrupted_tasks: string[];
  removed_worktrees: string[];
}

/** Whether the batch's own process is gone while its journal says it runs. */
export function isStale(journal: BatchJournal): boolean {
  return journal.status === 'running' && journal.pid !== process.pid && !pidAlive(journal.pid);
}

/** Cleans up one dead batch (see the file comment). */
export async function recoverBatch(exec: Exec, journal: BatchJournal): Promise<RecoveredBatch> {
  const out: RecoveredBatch = { batch_id: journal.batch_id, interrupted_tasks: [], removed_worktrees: [] };
  const at = new Date().toISOString();
  for (const t of journal.tasks) {
    if (t.status !== 'running') continue;
    Object.assign(t, { status: 'interrupted', exit_code: TASK_EXIT.interrupted, reason: "the batch's process died while the task ran; pipe recover removed its worktree", finished_at: at });
    out.interrupted_tasks.push(t.task_id);
  }
  // Every worktree of the batch goes, except those --keep asked to keep for finished tasks.
  const kept = new Set(journal.tasks.filter((t) => journal.settings.keep && isFinished(t.status) && t.worktree).map((t) => t.worktree!));
  const dir = worktreesDir(journal.repo, journal.batch_id);
  const folders = existsSync(dir) ? readdirSync(dir).map((n) => join(dir, n)) : [];
  for (const path of folders) {
    if (kept.has(path)) continue;
    await removeWorktree(exec, journal.repo, path);
    out.removed_worktrees.push(path);
  }
  for (const t of journal.tasks) if (t.worktree && !kept.has(t.worktree)) t.worktree = null;
  await git(exec, journal.repo, ['worktree', 'prune']);
  journal.status = 'interrupted';
  journal.finished_at = at;
  writeBatch(journal);
  return out;
}

/** Recovers every batch of the repository whose process is gone. Idempotent. */
export async function recoverBatches(exec: Exec, repo: string): Promise<RecoveredBatch[]> {
  const out: RecoveredBatch[] = [];
  for (const journal of listBatches(repo)) if (isStale(journal)) out.push(await recoverBatch(exec, journal));
  return out;
}
