// What `pipe run` checks about the repository before anything is sent: a first commit
// exists (exit 2), and the files the task may change are not all the user's uncommitted
// work (exit 5). Stopping here writes no run record and no ledger row.
import { PipeError } from '../errors.js';
import type { Exec } from '../exec/run.js';
import { findUserWork, type UserWork } from '../context/user-work.js';
import { listPaths } from '../patch/checks/index.js';
import type { Session } from '../runner/session.js';

export function noCommitError(repo: string): PipeError {
  return new PipeError('E_NO_COMMIT', `the repository ${repo} has no commit yet: pipe needs one to tell your work from a patch and to restore files`, {
    hint: 'commit your files first (git add -A && git commit -m "first commit"), then run the task again',
  });
}

export function allDirtyError(work: UserWork): PipeError {
  return new PipeError('E_DIRTY_FILES', `every file the task may change has uncommitted changes (${listPaths(work.protected)}); nothing was sent`, {
    hint: 'commit or stash your work in progress, widen allowed_files, or set safety.allow_dirty_files: true',
    details: { dirty_files: work.protected },
  });
}

/** Every file the task may change is the user's uncommitted work. */
export function allAllowedDirty(work: UserWork): boolean {
  return work.allowedFiles > 0 && work.protected.length === work.allowedFiles;
}

/**
 * The user's work in the task's files; with `strict` (a run, not an explicit --dry-run or
 * plan, which report it instead) throws when the run must stop before the call.
 */
export async function checkBeforeCall(session: Session, exec: Exec, options: { strict: boolean }): Promise<UserWork> {
  const work = await findUserWork(exec, session.repo, session.task, session.policy);
  if (!options.strict) return work;
  if (!work.hasCommit) throw noCommitError(session.repo);
  if (allAllowedDirty(work)) throw allDirtyError(work);
  return work;
}
