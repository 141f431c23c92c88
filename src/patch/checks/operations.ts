// What a patch does to files: deletes, renames/copies, creations, mode changes,
// binary content; each allowed only when the policy says so.
import type { ParsedPatch, PatchFile } from '../types.js';
import type { CheckResult, SafetyRules } from './types.js';
import { fail, listPaths, pass } from './types.js';

const name = (f: PatchFile) => f.newPath ?? f.oldPath ?? '?';
const REGULAR = new Set(['100644', '100755', '100664']);

export function checkDeletes(patch: ParsedPatch, rules: SafetyRules): CheckResult {
  const bad = patch.files.filter((f) => f.operation === 'delete').map(name);
  if (bad.length === 0 || rules.allowDeletes) return pass('deletes');
  return fail('deletes', `the patch deletes ${listPaths(bad)}; the policy does not allow deletes (safety.allow_deletes)`, bad);
}

export function checkRenames(patch: ParsedPatch, rules: SafetyRules): CheckResult {
  const bad = patch.files.filter((f) => f.operation === 'rename' || f.operation === 'copy');
  if (bad.length === 0 || rules.allowRenames) return pass('renames');
  const what = bad.map((f) => `${f.operation === 'rename' ? 'renames' : 'copies'} ${listPaths([f.oldPath ?? ''])} to ${listPaths([f.newPath ?? ''])}`);
  return fail('renames', `the patch ${what.join(', ')}; the policy does not allow renames or copies (safety.allow_renames)`, bad.flatMap((f) => [f.oldPath ?? '', f.newPath ?? '']));
}

export function checkNewFiles(patch: ParsedPatch, rules: SafetyRules): CheckResult {
  const bad = patch.files.filter((f) => f.operation === 'create' || f.operation === 'copy').map(name);
  if (bad.length === 0 || rules.allowNewFiles) return pass('new-files');
  return fail('new-files', `the patch creates ${listPaths(bad)}; the policy does not allow new files (safety.allow_new_files)`, bad);
}

/** Mode changes, and new files with any mode but 100644 (symlinks are the symlinks check's). */
export function checkModeChanges(patch: ParsedPatch, rules: SafetyRules): CheckResult {
  const bad = patch.files.filter((f) => {
    if (f.newMode === '120000' || f.oldMode === '120000') return false;
    if (f.operation === 'create') return f.newMode !== null && f.newMode !== '100644';
    if (f.newMode !== null && !REGULAR.has(f.newMode)) return true;
    return f.oldMode !== null && f.newMode !== null && f.oldMode !== f.newMode;
  });
  if (bad.length === 0 || rules.allowModeChanges) return pass('mode-changes');
  const what = bad.map((f) => `${name(f)} (${f.oldMode ?? 'new'} → ${f.newMode})`);
  return fail('mode-changes', `the patch changes file modes: ${what.slice(0, 5).join(', ')}; the policy does not allow mode changes (safety.allow_mode_changes)`, bad.map(name));
}

export function checkBinary(patch: ParsedPatch, rules: SafetyRules): CheckResult {
  const bad = patch.files.filter((f) => f.binary).map(name);
  if (bad.length === 0 || rules.allowBinary) return pass('binary');
  return fail('binary', `the patch carries binary changes to ${listPaths(bad)}; the policy does not allow binary patches (safety.allow_binary)`, bad);
}

export function checkMaxFiles(paths: string[], rules: SafetyRules): CheckResult {
  if (rules.maxFiles === null || paths.length <= rules.maxFiles) return pass('max-files');
  return fail('max-files', `the patch touches ${paths.length} files; the policy allows at most ${rules.maxFiles} (safety.max_files_per_patch)`);
}

export function checkMaxBytes(patch: ParsedPatch, rules: SafetyRules): CheckResult {
  if (rules.maxBytes === null || patch.bytes <= rules.maxBytes) return pass('max-bytes');
  return fail('max-bytes', `the patch is ${patch.bytes} bytes; the policy allows at most ${rules.maxBytes} (limits.max_patch_bytes)`);
}
