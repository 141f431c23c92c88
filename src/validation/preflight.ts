// Before any model call: every validator the task names must be allowed to run and be
// installed here, the tool inside a wrapper too (`python3 -m pytest` needs pytest, `npx
// eslint` a local eslint, `npm test` a test script). A missing tool is bad input for this
// machine (exit 2), not a failing attempt that would be retried, paid for and escalated.
import { accessSync, constants } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { PipeError } from '../errors.js';
import { isAllowedExecutable, resolveExecutable, runCommand, type Exec } from '../exec/run.js';
import type { Policy, Task } from '../types/generated/index.js';
import { pythonImportRoots, repoValidatorEnv } from './repo-env.js';
import { staticWrapperProblem, unwrapCommand } from './wrappers.js';

function runnable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const FIND_SPEC = 'import importlib.util, sys\ntry:\n    found = importlib.util.find_spec(sys.argv[1]) is not None\nexcept Exception:\n    found = False\nsys.exit(0 if found else 3)\n';

/** Whether `python -m module` would find the module (with the validator's PYTHONPATH). */
async function pythonHasModule(exec: Exec, python: string, module: string, cwd: string, repo: string, env: Record<string, string>, allowed: readonly string[]): Promise<boolean> {
  const r = await exec({ argv: [python, '-c', FIND_SPEC, module], cwd, root: repo, timeoutMs: 30_000, maxOutputBytes: 16 * 1024, allowedExecutables: allowed, env });
  // Anything but a clear "not found" (the interpreter itself failing) is left for the baseline to report.
  return r.exitCode !== 3;
}

/** Throws E_CONFIG (not allowed / not installed) or E_ENVIRONMENT (the wrapped tool is missing), naming every validator at once. */
export async function preflightValidators(task: Task, policy: Policy, repo: string, env: NodeJS.ProcessEnv = process.env, exec: Exec = runCommand): Promise<void> {
  const allowed = policy.safety?.allowed_executables ?? [];
  const problems: string[] = [];
  const missing: string[] = [];
  const wrapped: string[] = [];
  const names = task.validators ?? [];
  const roots = names.length ? pythonImportRoots(repo, policy) : [];
  for (const name of names) {
    const v = policy.validators?.[name];
    const exe = v?.argv?.[0];
    if (!v || !exe) continue; // unknown names are reported by the task/policy check
    if (!isAllowedExecutable(exe, allowed, repo)) {
      problems.push(`validator '${name}' runs '${exe}', which is not in safety.allowed_executables`);
      continue;
    }
    const found = exe.includes('/') ? runnable(isAbsolute(exe) ? exe : resolve(repo, exe)) : resolveExecutable(exe, env.PATH, repo) !== null;
    if (!found) {
      problems.push(`validator '${name}' runs '${exe}', which is not installed (not found on PATH)`);
      missing.push(name);
      continue;
    }
    const tool = unwrapCommand(v.argv);
    if (!tool) continue;
    const cwd = join(repo, v.cwd ?? '.');
    if (tool.kind === 'python-module') {
      const childEnv = repoValidatorEnv(repo, roots, { ...(v.env ?? {}) }, env);
      if (!(await pythonHasModule(exec, tool.python, tool.module, cwd, repo, childEnv, allowed))) {
        problems.push(`validator '${name}' runs '${tool.python} -m ${tool.module}', but ${tool.python} has no module '${tool.module}' (not installed for that interpreter)`);
        wrapped.push(name);
      }
      continue;
    }
    const problem = staticWrapperProblem(tool, repo, cwd, env.PATH);
    if (problem) {
      problems.push(`validator '${name}' ${problem}`);
      wrapped.push(name);
    }
  }
  if (problems.length === 0) return;
  const onlyWrapped = missing.length === 0 && wrapped.length > 0 && problems.length === wrapped.length;
  throw new PipeError(onlyWrapped ? 'E_ENVIRONMENT' : 'E_CONFIG', `${problems.join('; ')}; nothing was run`, {
    hint: missing.length || wrapped.length
      ? `install it (in the interpreter or repository the validator uses), or remove ${[...missing, ...wrapped].map((n) => `'${n}'`).join(', ')} from the task's validators`
      : `add the executable to safety.allowed_executables in your policy if it is meant to run`,
  });
}
