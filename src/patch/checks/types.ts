// One function per gate rule; each stamps its own name on its result.
import picomatch from 'picomatch';
import type { Policy, Task } from '../../types/generated/index.js';

export type CheckName =
  | 'path-syntax'
  | 'protected-paths'
  | 'forbidden-paths'
  | 'allowed-files'
  | 'user-work'
  | 'symlinks'
  | 'file-types'
  | 'deletes'
  | 'renames'
  | 'new-files'
  | 'mode-changes'
  | 'binary'
  | 'max-files'
  | 'max-bytes'
  | 'locate'
  | 'elision'
  | 'git-apply-check';

export interface CheckResult {
  name: CheckName;
  ok: boolean;
  reason?: string;
  /** The offending paths, when the rule is about paths. */
  paths?: string[];
}

/** What the policy and task allow, with defaults from schemas/policy.schema.json. */
export interface SafetyRules {
  allowedFiles: string[];
  forbiddenPaths: string[];
  allowDeletes: boolean;
  allowRenames: boolean;
  allowNewFiles: boolean;
  allowModeChanges: boolean;
  allowBinary: boolean;
  allowSymlinks: boolean;
  allowDirtyFiles: boolean;
  maxFiles: number | null;
  maxBytes: number | null;
  isAllowed(path: string): boolean;
  isForbidden(path: string): boolean;
}

const cleanGlob = (g: string) => g.replace(/^\.\//, '');

export function safetyRules(policy: Policy, task: Pick<Task, 'allowed_files'>): SafetyRules {
  const s = policy.safety ?? {};
  const allowedFiles = (task.allowed_files ?? []).map(cleanGlob);
  const forbiddenPaths = (s.forbidden_paths ?? []).map(cleanGlob);
  const allowed = allowedFiles.length ? picomatch(allowedFiles, { dot: true }) : () => false;
  const forbidden = forbiddenPaths.length ? picomatch(forbiddenPaths, { dot: true }) : () => false;
  return {
    allowedFiles,
    forbiddenPaths,
    allowDeletes: s.allow_deletes ?? false,
    allowRenames: s.allow_renames ?? false,
    allowNewFiles: s.allow_new_files ?? true,
    allowModeChanges: s.allow_mode_changes ?? false,
    allowBinary: s.allow_binary ?? false,
    allowSymlinks: s.allow_symlinks ?? false,
    allowDirtyFiles: s.allow_dirty_files ?? false,
    maxFiles: s.max_files_per_patch ?? null,
    maxBytes: policy.limits?.max_patch_bytes ?? null,
    isAllowed: (p) => allowed(p),
    isForbidden: (p) => forbidden(p),
  };
}

export function pass(name: CheckName): CheckResult {
  return { name, ok: true };
}

export function fail(name: CheckName, reason: string, paths?: string[]): CheckResult {
  return { name, ok: false, reason, ...(paths ? { paths } : {}) };
}

/** "a, b and 3 more" for messages. */
export function listPaths(paths: string[], max = 5): string {
  const shown = paths.slice(0, max).map((p) => JSON.stringify(p).slice(1, -1));
  return paths.length > max ? `${shown.join(', ')} and ${paths.length - max} more` : shown.join(', ');
}
