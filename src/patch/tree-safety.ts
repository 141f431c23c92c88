// The built-in patch-safety validator: after apply, look at what actually changed in
// the tree (git status, limited to the allowed globs and the files the run changed) and
// re-run the path, forbidden, allowed, symlink and size rules on it.
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Exec } from '../exec/run.js';
import { git } from '../exec/run.js';
import type { Failure } from '../validation/types.js';
import type { Policy, Task } from '../types/generated/index.js';
import { isProtectedPath, pathSyntaxProblem } from './checks/paths.js';
import { symlinkOnPath } from './checks/symlinks.js';
import { safetyRules } from './checks/types.js';

export interface TreeSafetyOptions {
  repo: string;
  exec: Exec;
  policy: Policy;
  task: Pick<Task, 'allowed_files'>;
  /** Files the run changed (ctx.work.filesChanged). */
  filesChanged: string[];
  /** Paths that were already dirty before the run; never blamed on it. */
  dirtyBefore?: string[];
}

const failure = (id: string, file: string | null, message: string): Failure => ({ validator: 'patch-safety', id, category: 'safety', file, line: null, message });

/** Changed paths under the given pathspecs, per `git status` (untracked files included). */
async function changedPaths(exec: Exec, repo: string, pathspecs: string[]): Promise<string[]> {
  if (pathspecs.length === 0) return [];
  const r = await git(exec, repo, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames', '--', ...pathspecs]);
  if (r.failed) return [];
  return r.stdout.split('\0').filter((rec) => rec.length > 3).map((rec) => rec.slice(3));
}

export async function checkTreeSafety(options: TreeSafetyOptions): Promise<Failure[]> {
  const { repo, exec, policy, task } = options;
  const rules = safetyRules(policy, task);
  const before = new Set(options.dirtyBefore ?? []);
  // Literal files the run changed, plus the allowed globs: a validator or the patch may have created more there.
  const specs = [...options.filesChanged.map((p) => `:(literal)${p}`), ...rules.allowedFiles.map((g) => `:(glob)${g}`)];
  const changed = new Set([...options.filesChanged, ...(await changedPaths(exec, repo, specs))].filter((p) => !before.has(p)));
  const failures: Failure[] = [];
  const cache = new Map();
  for (const path of changed) {
    const syntax = pathSyntaxProblem(path);
    if (syntax) {
      failures.push(failure(`path-syntax:${path}`, path, `changed path '${path}' ${syntax}`));
      continue;
    }
    if (isProtectedPath(path)) failures.push(failure(`protected-paths:${path}`, path, `${path} changed: .git/** and .pipe/** may never be touched`));
    if (rules.isForbidden(path)) failures.push(failure(`forbidden-paths:${path}`, path, `${path} changed but matches safety.forbidden_paths`));
    if (!rules.isAllowed(path)) failures.push(failure(`allowed-files:${path}`, path, `${path} changed but is not in the task's allowed_files`));
    const link = await symlinkOnPath(repo, path, cache, !rules.allowSymlinks);
    if (link) failures.push(failure(`symlinks:${path}`, path, link === path ? `${path} is now a symlink` : `${path} lies under the symlink ${link}`));
  }
  const runFiles = options.filesChanged.filter((p) => !before.has(p));
  if (rules.maxFiles !== null && runFiles.length > rules.maxFiles) {
    failures.push(failure('max-files', null, `the run changed ${runFiles.length} files; the policy allows at most ${rules.maxFiles}`));
  }
  if (rules.maxBytes !== null && runFiles.length) {
    const diff = await git(exec, repo, ['diff', '--no-color', '--no-ext-diff', '--', ...runFiles.map((p) => `:(literal)${p}`)]);
    let bytes = Buffer.byteLength(diff.stdout);
    const tracked = await git(exec, repo, ['ls-files', '-z', '--', ...runFiles.map((p) => `:(literal)${p}`)]);
    const trackedSet = new Set(tracked.stdout.split('\0').filter(Boolean));
    for (const p of runFiles.filter((f) => !trackedSet.has(f))) {
      try {
        bytes += (await lstat(join(repo, p))).size;
      } catch {
        /* deleted */
      }
    }
    if (bytes > rules.maxBytes) failures.push(failure('max-bytes', null, `the run's changes are ${bytes} bytes of diff; the policy allows at most ${rules.maxBytes} (limits.max_patch_bytes)`));
  }
  return failures.sort((a, b) => a.id.localeCompare(b.id));
}
