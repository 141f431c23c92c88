// Runs every gate rule and lists all results; only path syntax must pass before the
// rules that touch the file system (symlinks, JSON resolution, git apply --check) run.
import type { Exec } from '../../exec/run.js';
import type { Policy, Task } from '../../types/generated/index.js';
import type { ParsedPatch, ResolvedContent } from '../types.js';
import { patchPaths } from '../types.js';
import { resolveJsonEdits } from '../resolve-json.js';
import { checkGitApply } from './git-apply.js';
import { checkBinary, checkDeletes, checkMaxBytes, checkMaxFiles, checkModeChanges, checkNewFiles, checkRenames } from './operations.js';
import { checkAllowedFiles, checkForbiddenPaths, checkPathSyntax, checkProtectedPaths } from './paths.js';
import { checkFileTypes, checkSymlinks } from './symlinks.js';
import type { CheckResult } from './types.js';
import { safetyRules } from './types.js';

export * from './types.js';
export { checkPathSyntax, checkProtectedPaths, checkForbiddenPaths, checkAllowedFiles, pathSyntaxProblem, isProtectedPath } from './paths.js';
export { checkDeletes, checkRenames, checkNewFiles, checkModeChanges, checkBinary, checkMaxFiles, checkMaxBytes } from './operations.js';
export { checkSymlinks, checkFileTypes, symlinkOnPath } from './symlinks.js';
export { checkGitApply, GIT_APPLY_ARGS } from './git-apply.js';

export interface GateInput {
  repo: string;
  exec: Exec;
  policy: Policy;
  task: Pick<Task, 'allowed_files'>;
  /** Run `git apply --check` (gate step's with.git_apply_check; default true). */
  gitApplyCheck?: boolean;
}

export interface GateVerdict {
  ok: boolean;
  checks: CheckResult[];
  /** Rules that failed for safety reasons (→ refused) rather than because the patch does not fit the tree (→ failed). */
  unsafe: boolean;
  /** For JSON patches that passed: the new bytes of each file; diffText is filled in on the patch. */
  contents: ResolvedContent[] | null;
}

const FIT_CHECKS = new Set(['git-apply-check', 'json-edits', 'file-types']);

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
  let contents: ResolvedContent[] | null = null;
  // Touching the tree (reading files, git apply --check) only for paths proven harmless.
  const harmless = checks.slice(0, 2).every((c) => c.ok) && checks.find((c) => c.name === 'symlinks')?.ok === true;
  if (harmless) checks.push(await checkFileTypes(patch, input.repo));
  const fits = checks[checks.length - 1].ok;
  if (patch.format === 'json') {
    if (harmless && fits) {
      const r = await resolveJsonEdits(input.repo, patch);
      if (r.ok) {
        contents = r.contents;
        patch.diffText = r.diffText;
        checks.push({ name: 'json-edits', ok: true });
      } else checks.push({ name: 'json-edits', ok: false, reason: r.reason });
    }
  } else if (harmless && fits && input.gitApplyCheck !== false) {
    checks.push(await checkGitApply(patch.diffText, input.repo, input.exec));
  }
  const ok = checks.every((c) => c.ok);
  return { ok, checks, unsafe: !safe || checks.some((c) => !c.ok && !FIT_CHECKS.has(c.name)), contents };
}
