// Before any model call: every validator the task names must be allowed to run and be
// installed here. A missing tool is bad input for this machine (exit 2), not a failing
// attempt that would be retried, paid for and escalated.
import { accessSync, constants } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { PipeError } from '../errors.js';
import { isAllowedExecutable, resolveExecutable } from '../exec/run.js';
import type { Policy, Task } from '../types/generated/index.js';

function runnable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Throws E_CONFIG naming every validator of the task that could not start here. */
export function preflightValidators(task: Task, policy: Policy, repo: string, env: NodeJS.ProcessEnv = process.env): void {
  const allowed = policy.safety?.allowed_executables ?? [];
  const problems: string[] = [];
  const missing: string[] = [];
  for (const name of task.validators ?? []) {
    const exe = policy.validators?.[name]?.argv?.[0];
    if (!exe) continue; // unknown names are reported by the task/policy check
    if (!isAllowedExecutable(exe, allowed, repo)) {
      problems.push(`validator '${name}' runs '${exe}', which is not in safety.allowed_executables`);
      continue;
    }
    const found = exe.includes('/') ? runnable(isAbsolute(exe) ? exe : resolve(repo, exe)) : resolveExecutable(exe, env.PATH, repo) !== null;
    if (!found) {
      problems.push(`validator '${name}' runs '${exe}', which is not installed (not found on PATH)`);
      missing.push(name);
    }
  }
  if (problems.length === 0) return;
  throw new PipeError('E_CONFIG', `${problems.join('; ')}; nothing was run`, {
    hint: missing.length
      ? `install it, or remove ${missing.map((n) => `'${n}'`).join(', ')} from the task's validators`
      : `add the executable to safety.allowed_executables in your policy if it is meant to run`,
  });
}
