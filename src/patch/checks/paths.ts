// Path rules: syntax (inside the repo, no tricks), protected trees, forbidden globs,
// the task's allowed files. Pure functions of the path list.
import type { CheckResult, SafetyRules } from './types.js';
import { fail, listPaths, pass } from './types.js';

// Characters HFS+ and NTFS ignore or strip, which could disguise '.git'.
const IGNORABLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u206a-\u206f\ufeff]/g;

/** Why a path is not a plain repo-relative path, or null when it is. */
export function pathSyntaxProblem(path: string): string | null {
  if (path === '') return 'is empty';
  if (path.length > 4096) return 'is longer than 4096 characters';
  if (/[\x00-\x1f\x7f]/.test(path)) return 'contains a control character';
  if (path.startsWith('/')) return 'is absolute';
  if (/^[A-Za-z]:/.test(path)) return 'starts with a drive letter';
  if (path.includes('\\')) return 'contains a backslash';
  if (path.startsWith('~')) return "starts with '~'";
  const segments = path.split('/');
  if (segments.includes('..')) return "escapes with '..'";
  if (segments.includes('.')) return "contains a '.' segment";
  if (segments.includes('')) return 'contains an empty segment (// or a trailing /)';
  return null;
}

export function checkPathSyntax(paths: string[]): CheckResult {
  const bad = paths.map((p) => [p, pathSyntaxProblem(p)] as const).filter(([, why]) => why !== null);
  if (bad.length === 0) return pass('path-syntax');
  return fail(
    'path-syntax',
    bad.slice(0, 5).map(([p, why]) => `path '${listPaths([p])}' ${why}`).join('; ') + '; every path must be relative to the repository root and stay inside it',
    bad.map(([p]) => p),
  );
}

/** True for paths inside .git (at any depth, any case, disguised) or .pipe at the root. */
export function isProtectedPath(path: string): boolean {
  const segments = path.split('/').map((s) => s.replace(IGNORABLE, '').replace(/[. ]+$/, '').toLowerCase());
  if (segments[0] === '.pipe') return true;
  return segments.some((s) => s === '.git' || s === 'git~1');
}

export function checkProtectedPaths(paths: string[]): CheckResult {
  const bad = paths.filter(isProtectedPath);
  if (bad.length === 0) return pass('protected-paths');
  return fail('protected-paths', `${listPaths(bad)}: .git/** and .pipe/** may never be touched by a patch`, bad);
}

export function checkForbiddenPaths(paths: string[], rules: SafetyRules): CheckResult {
  const bad = paths.filter((p) => rules.isForbidden(p));
  if (bad.length === 0) return pass('forbidden-paths');
  return fail('forbidden-paths', `${listPaths(bad)} ${bad.length === 1 ? 'matches' : 'match'} safety.forbidden_paths (${rules.forbiddenPaths.join(', ')})`, bad);
}

/** Files holding the user's uncommitted work (src/context/user-work.ts) are not the patch's to change. */
export function checkUserWork(paths: string[], userWork: readonly string[]): CheckResult {
  const bad = paths.filter((p) => userWork.includes(p));
  if (bad.length === 0) return pass('user-work');
  return fail('user-work', `${listPaths(bad)} ${bad.length === 1 ? 'holds' : 'hold'} the user's uncommitted work in progress; leave ${bad.length === 1 ? 'it' : 'them'} unchanged (commit or stash first, or set safety.allow_dirty_files: true)`, bad);
}

export function checkAllowedFiles(paths: string[], rules: SafetyRules): CheckResult {
  const bad = paths.filter((p) => !rules.isAllowed(p));
  if (bad.length === 0) return pass('allowed-files');
  return fail(
    'allowed-files',
    `${listPaths(bad)} ${bad.length === 1 ? 'is' : 'are'} not in the task's allowed_files (${rules.allowedFiles.join(', ') || 'none'}); change only those files`,
    bad,
  );
}
