// Runs every gate rule and lists all results; only path syntax must pass before the
// rules that touch the file system (symlinks, file types) run, and every path rule must
// pass before a file's contents are read to locate the edits: a file the patch may not
// touch is never read, so never quoted back to the model. git apply --check then runs
// on the canonical diff pipe computed.
import type { Exec } from '../../exec/run.js';
import type { Policy, Task } from '../../types/generated/index.js';
import type { ParsedPatch, ResolvedContent } from '../types.js';
import { patchPaths } from '../types.js';
import { locateChanges } from '../locate/index.js';
import { checkGitApply } from './git-apply.js';
import { checkBinary, checkDeletes, checkMaxBytes, checkMaxFiles, checkModeChanges, checkNewFiles, checkRenames } from './operations.js';
import { checkAllowedFiles, checkForbiddenPaths, checkPathSyntax, checkProtectedPaths, checkUserWork } from './paths.js';
import { checkFileTypes, checkSymlinks } from './symlinks.js';
import type { CheckResult } from './types.js';
import { safetyRules } from './types.js';

export * from './types.js';
export { checkPathSyntax, checkProtectedPaths, checkForbiddenPaths, checkAllowedFiles, checkUserWork, pathSyntaxProblem, isProtectedPath } from './paths.js';
export { checkDeletes, checkRenames, checkNewFiles, checkModeChanges, checkBinary, checkMaxFiles, checkMaxBytes } from './operations.js';
export { checkSymlinks, checkFileTypes, symlinkOnPath } from './symlinks.js';
export { checkGitApply, GIT_APPLY_ARGS } from './git-apply.js';

export interface GateInput {
  repo: string;
  exec: Exec;
  policy: Policy;
  task: Pick<Task, 'allowed_files'>;
  /** Files with the user's uncommitted work that the patch may not touch. */
  userWork?: readonly string[];
  /** Run `git apply --check` (gate step's with.git_apply_check; default true). */
  gitApplyCheck?: boolean;
}

export interface GateVerdict {
  ok: boolean;
  checks: CheckResult[];
  /** Rules that failed for safety reasons (→ refused) rather than because the patch does not fit the tree (→ failed). */
  unsafe: boolean;
  /** Always null: the canonical diff (patch.diffText, filled in here) is what apply applies. */
  contents: ResolvedContent[] | null;
}

const FIT_CHECKS = new Set(['git-apply-check', 'locate', 'elision', 'file-types']);
const PATH_RULES = new Set(['path-syntax', 'protected-paths', 'forbidden-paths', 'allowed-files', 'user-work', 'symlinks']);

export async function runGateChecks(patch: ParsedPatch, input: GateInput): Promise<GateVerdict> {
  const rules = safetyRules(input.policy, input.task);
  const paths = patchPaths(patch);
  const syntax = checkPathSyntax(paths);
  const checks: CheckResult[] = [syntax];
  if (!syntax.ok) return { ok: false, checks, unsafe: true, contents: null };
  checks.push(
    checkProtectedPaths(paths),
    checkForbiddenPaths(paths, rules),
    checkAllowedFiles(paths, rules),
    ...(input.userWork?.length ? [checkUserWork(paths, input.userWork)] : []),
    await checkSymlinks(patch, input.repo, rules),
    checkDeletes(patch, rules),
    checkRenames(patch, rules),
    checkNewFiles(patch, rules),
    checkModeChanges(patch, rules),
    checkBinary(patch, rules),
    checkMaxFiles(paths, rules),
    checkMaxBytes(patch, rules),
  );
  const safe = checks.every((c) => c.ok);
  const contents: ResolvedContent[] | null = null;
  // Reading files (to locate the edits, git apply --check) only when every path rule passed.
  const harmless = checks.filter((c) => PATH_RULES.has(c.name)).every((c) => c.ok);
  if (harmless) checks.push(await checkFileTypes(patch, input.repo));
  const fits = checks[checks.length - 1].ok;
  if (harmless && fits) {
    const located = await locateChanges(input.repo, patch.changes);
    if (located.ok) {
      patch.files = located.files;
      patch.diffText = located.diffText;
      patch.normalisations.push(...located.normalisations);
      checks.push({ name: 'locate', ok: true });
      // Locating can turn a modification of a missing file into a new file: judge the operations again.
      for (const again of [checkNewFiles(patch, rules), checkDeletes(patch, rules)]) {
        const k = checks.findIndex((c) => c.name === again.name);
        if (!again.ok && checks[k].ok) checks[k] = again;
      }
      if (input.gitApplyCheck !== false) checks.push(await checkGitApply(patch.diffText, input.repo, input.exec));
    } else checks.push({ name: located.refusal.check === 'elision' ? 'elision' : 'locate', ok: false, reason: located.refusal.reason });
  }
  const ok = checks.every((c) => c.ok);
  return { ok, checks, unsafe: !safe || checks.some((c) => !c.ok && !FIT_CHECKS.has(c.name)), contents };
}
