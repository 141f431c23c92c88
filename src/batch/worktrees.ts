// The git side of a batch: one detached worktree per task at the batch's commit (locked
// while in use, so `git worktree prune` leaves it alone), a success committed there and
// named by a branch (or written out as a patch file), then the worktree removed. The
// user's working tree, index and current branch are never touched.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PipeError } from '../errors.js';
import { git, type Exec, type ExecResult } from '../exec/run.js';
import { worktreesDir } from './journal.js';

function gitError(what: string, r: ExecResult): PipeError {
  const detail = (r.stderr || r.stdout || r.spawnError || '').trim().split('\n').slice(-3).join(' ');
  return new PipeError('E_INTERNAL', `${what} failed: ${detail || `git exited ${r.exitCode}`}`);
}

/** The commit the batch starts from (HEAD), or a clear error in a repository without one. */
export async function headCommit(exec: Exec, repo: string): Promise<string> {
  const r = await git(exec, repo, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  if (r.failed) throw new PipeError('E_USAGE', `the repository at ${repo} has no commit yet: each batch task starts from a commit`, { hint: 'commit your work first (`git commit`), then run pipe batch' });
  return r.stdout.trim();
}

/** Whether `name` is a valid branch name (git check-ref-format --branch). */
export async function validBranchName(exec: Exec, repo: string, name: string): Promise<boolean> {
  const r = await git(exec, repo, ['check-ref-format', '--branch', name]);
  return !r.failed;
}

export function worktreePath(repo: string, batchId: string, taskId: string): string {
  return join(worktreesDir(repo, batchId), taskId);
}

/** A detached, locked worktree for one task at `commit`. A leftover folder from a killed run is removed first. */
export async function createWorktree(exec: Exec, repo: string, batchId: string, taskId: string, commit: string): Promise<string> {
  const path = worktreePath(repo, batchId, taskId);
  if (existsSync(path)) await removeWorktree(exec, repo, path);
  mkdirSync(dirname(path), { recursive: true });
  const reason = `pipe batch ${batchId} (pid ${process.pid})`;
  // No hooks: a post-checkout hook per task would be the user's code run N times, for nothing.
  const r = await git(exec, repo, ['-c', 'core.hooksPath=/dev/null', 'worktree', 'add', '--detach', '--lock', '--reason', reason, path, commit]);
  if (r.failed) throw gitError(`git worktree add ${path}`, r);
  return path;
}

/** Leaves a kept worktree to the user: no longer locked by pipe. */
export async function unlockWorktree(exec: Exec, repo: string, path: string): Promise<void> {
  await git(exec, repo, ['worktree', 'unlock', path]);
}

/**
 * Removes a worktree (locked or not) with whatever is in it. Idempotent: a folder git no
 * longer knows is deleted, and a registration whose folder is gone is pruned.
 */
export async function removeWorktree(exec: Exec, repo: string, path: string): Promise<void> {
  // Twice --force: remove even a locked worktree (git worktree remove -f -f).
  const r = await git(exec, repo, ['worktree', 'remove', '--force', '--force', path]);
  if (!r.failed) return;
  if (existsSync(path)) rmSync(path, { recursive: true, force: true });
  await git(exec, repo, ['worktree', 'prune']);
}

/** The identity for pipe's commits: the user's own when git knows it, else pipe's (asked once per batch). */
export async function commitIdentity(exec: Exec, repo: string): Promise<string[]> {
  const r = await git(exec, repo, ['config', '--get-regexp', '^user\\.(name|email)$']);
  const known = r.failed ? '' : r.stdout;
  const out: string[] = [];
  if (!/^user\.name \S/m.test(known)) out.push('-c', 'user.name=pipe');
  if (!/^user\.email \S/m.test(known)) out.push('-c', 'user.email=pipe@localhost');
  return out;
}

async function stage(exec: Exec, worktree: string, files: readonly string[]): Promise<void> {
  const r = await git(exec, worktree, ['add', '-A', '--', ...files]);
  if (r.failed) throw gitError('git add', r);
}

export interface CommitRequest {
  worktree: string;
  files: readonly string[];
  message: string;
  /** From commitIdentity: `-c user.name=…` when git has none. */
  identity: readonly string[];
  /** The branch to point at the commit. */
  branch: string;
  /** A resumed batch re-running a task may move a branch of the same batch its killed first try made. */
  replace: boolean;
}

/** Commits the run's files in the worktree (no hooks, no signing prompt) and names the commit with the branch. */
export async function commitToBranch(exec: Exec, request: CommitRequest): Promise<void> {
  await stage(exec, request.worktree, request.files);
  const r = await git(exec, request.worktree, [...request.identity, '-c', 'commit.gpgsign=false', 'commit', '--no-verify', '--quiet', '-m', request.message]);
  if (r.failed) throw gitError('git commit', r);
  // HEAD is the worktree's own (detached at the new commit); the branch is shared with the main repository.
  const b = await git(exec, request.worktree, ['branch', ...(request.replace ? ['-f'] : []), request.branch, 'HEAD']);
  if (b.failed) throw gitError(`git branch ${request.branch}`, b);
}

/** Writes the run's change as a patch file (git apply / git am -3 ready); returns its path. */
export async function writePatch(exec: Exec, worktree: string, files: readonly string[], file: string): Promise<string> {
  await stage(exec, worktree, files);
  const r = await git(exec, worktree, ['diff', '--cached', '--binary', '--no-color', '--no-ext-diff', 'HEAD']);
  if (r.failed) throw gitError('git diff', r);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, r.stdout);
  return file;
}

/** The paths of every worktree git knows about (porcelain list). */
export async function listWorktrees(exec: Exec, repo: string): Promise<{ path: string; locked: boolean }[]> {
  const r = await git(exec, repo, ['worktree', 'list', '--porcelain']);
  if (r.failed) return [];
  const out: { path: string; locked: boolean }[] = [];
  for (const block of r.stdout.split('\n\n')) {
    const path = /^worktree (.+)$/m.exec(block)?.[1];
    if (path) out.push({ path, locked: /^locked\b/m.test(block) });
  }
  return out;
}
