// The user's work in progress inside the files a task may change: files under
// allowed_files with uncommitted changes (modified, deleted, untracked). Unless the policy
// says `safety.allow_dirty_files: true`, they are taken out of what the model may edit and
// named in the prompt as not to be changed, so no call is spent on a patch the gate and
// apply must refuse. `git status` finds the candidates quickly; the same check apply uses
// (dirtyFiles) confirms them, so both agree on what "dirty" means.
import { git, type Exec } from '../exec/run.js';
import { dirtyFiles } from '../patch/workspace.js';
import type { Policy, Task } from '../types/generated/index.js';
import { isPatchable, listRepoFiles } from './files.js';

export interface UserWork {
  /** Whether HEAD exists (a repository without a first commit has nothing to compare to). */
  hasCommit: boolean;
  /** Files matching allowed_files that exist in the repository. */
  allowedFiles: number;
  /** Those with uncommitted changes, sorted. */
  dirty: string[];
  /** The dirty files a patch may not touch (empty when the policy allows dirty files). */
  protected: string[];
}

/** Whether HEAD exists, and the paths `git status` reports as changed or untracked (one git call). */
async function status(exec: Exec, repo: string): Promise<{ hasCommit: boolean; paths: string[] }> {
  const r = await git(exec, repo, ['status', '--porcelain=v2', '--branch', '-z', '--untracked-files=all', '--no-renames']);
  if (r.failed) return { hasCommit: false, paths: [] };
  let hasCommit = true;
  const paths: string[] = [];
  for (const entry of r.stdout.split('\0')) {
    if (entry.startsWith('# branch.oid ')) hasCommit = entry.slice('# branch.oid '.length) !== '(initial)';
    // Ordinary entries have 8 fields before the path, unmerged ones 10; untracked ones 1.
    else if (entry.startsWith('1 ')) paths.push(entry.split(' ').slice(8).join(' '));
    else if (entry.startsWith('u ')) paths.push(entry.split(' ').slice(10).join(' '));
    else if (entry.startsWith('? ')) paths.push(entry.slice(2));
  }
  return { hasCommit, paths };
}

export async function findUserWork(exec: Exec, repo: string, task: Pick<Task, 'allowed_files'>, policy: Policy): Promise<UserWork> {
  const [{ hasCommit, paths }, listed] = await Promise.all([status(exec, repo), listRepoFiles(exec, repo)]);
  const allowed = listed.filter((p) => isPatchable(task, p));
  let dirty: string[] = [];
  if (hasCommit) {
    const candidates = paths.filter((p) => isPatchable(task, p));
    dirty = candidates.length ? await dirtyFiles(exec, repo, [...new Set(candidates)]) : [];
  }
  dirty.sort();
  const allowDirty = policy.safety?.allow_dirty_files ?? false;
  return { hasCommit, allowedFiles: allowed.length, dirty, protected: allowDirty ? [] : dirty };
}

/** The prompt's words about the user's work in progress. */
export function userWorkSection(paths: string[]): { title: string; body: string } | null {
  if (!paths.length) return null;
  return {
    title: 'Work in progress (do not change)',
    body: [
      "These files match the globs above but hold the user's uncommitted work in progress. Do not change, create or delete them; a patch that touches one is refused:",
      ...paths.map((p) => `- ${p}`),
    ].join('\n'),
  };
}
