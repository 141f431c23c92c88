// The last gate: git itself must agree the diff applies to the working tree.
import type { Exec } from '../../exec/run.js';
import { git } from '../../exec/run.js';
import type { CheckResult } from './types.js';
import { fail, pass } from './types.js';

/** Arguments shared by the check and the real apply, so they can never disagree. */
export const GIT_APPLY_ARGS = ['apply', '--whitespace=nowarn'] as const;

export async function checkGitApply(diffText: string, repo: string, exec: Exec): Promise<CheckResult> {
  const r = await git(exec, repo, [...GIT_APPLY_ARGS, '--check', '-'], { input: diffText });
  if (!r.failed) return pass('git-apply-check');
  const detail = (r.stderr || r.stdout || r.spawnError || `exit ${r.exitCode}`)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 6)
    .join('; ');
  return fail('git-apply-check', `git apply --check failed: ${detail}; make the context lines match the current file exactly`);
}
