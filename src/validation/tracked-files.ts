// Did a validator change tracked files? The repository is writable inside the sandbox
// (tests write fixtures, tools write caches), so a validator could rewrite code the
// patch did not touch — which rollback would then leave behind. A snapshot of every
// modified tracked file (git status, then a hash of its bytes) is taken before the
// validators and compared after them.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Exec } from '../exec/run.js';
import { git } from '../exec/run.js';

/** Path → hash of its bytes ('deleted' when gone), for tracked files that differ from HEAD. */
export type TrackedSnapshot = Map<string, string>;

export async function snapshotTracked(exec: Exec, repo: string): Promise<TrackedSnapshot> {
  const r = await git(exec, repo, ['status', '--porcelain=v1', '-z', '--untracked-files=no', '--no-renames', '--ignore-submodules=all']);
  const snap: TrackedSnapshot = new Map();
  if (r.failed) throw new Error(`git status failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
  for (const rec of r.stdout.split('\0')) {
    if (rec.length <= 3) continue;
    const path = rec.slice(3);
    try {
      snap.set(path, createHash('sha256').update(await readFile(join(repo, path))).digest('hex'));
    } catch {
      snap.set(path, 'deleted');
    }
  }
  return snap;
}

/** Tracked paths whose state differs between the snapshots (changed, reverted or deleted), sorted. */
export function trackedChanges(before: TrackedSnapshot, after: TrackedSnapshot): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((p) => before.get(p) !== after.get(p)).sort();
}

/**
 * Untracked files that git does not ignore, repo-relative. Compared before and after the
 * validators: a file they created (a conftest.py, a sitecustomize.py, an .envrc) runs code
 * later, outside the sandbox, and rollback leaves it, so the run names it.
 */
export async function snapshotUntracked(exec: Exec, repo: string): Promise<Set<string>> {
  // git's own list of untracked, not ignored files: unlike `git status` it does not diff the tracked ones.
  const r = await git(exec, repo, ['ls-files', '-z', '--others', '--exclude-standard']);
  if (r.failed) throw new Error(`git ls-files failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
  return new Set(r.stdout.split('\0').filter(Boolean));
}
