// `pipe init` runs the task's validators once on the unchanged tree and says how each
// went, with the first real error line, so a broken environment shows up before any run.
// It is the baseline module's run, so `pipe run` afterwards finds it in the cache.
import type { Exec } from '../exec/run.js';
import { runBaseline } from '../validation/baseline/index.js';
import type { Policy } from '../types/generated/index.js';

export interface InitBaselineResult {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  failures: number;
  /** The first failure's message, cut to one line (the environment problem's error line when there is one). */
  first_error: string | null;
  duration_ms: number;
  /** Why this validator cannot test the repository here (a run would stop with exit 2), or null. */
  problem: { kind: string; line: string; fix: string } | null;
}

/**
 * The baseline module's run (src/validation/baseline), so init reports environment problems
 * the way `pipe run` will stop on them, and fills the cache: the first `pipe plan` / `pipe
 * run` on the same tree does not test it again. The example task is left out of the digest.
 */
export async function runInitBaseline(repo: string, policy: Policy, names: string[], exec: Exec, taskFile = 'tasks/example.yaml'): Promise<InitBaselineResult[]> {
  if (!names.length) return [];
  const report = await runBaseline({ repoRoot: repo, validators: names, policy, exec, mode: 'always', excludeFromDigest: [taskFile] });
  return report.validators.map((v) => {
    const problem = report.problems.find((p) => p.validator === v.name) ?? null;
    return {
      name: v.name,
      status: v.status,
      failures: v.failures.length,
      first_error: problem ? problem.line : v.failures[0] ? firstLine(v.failures[0].message) : v.note,
      duration_ms: Math.round(v.duration_ms),
      problem: problem ? { kind: problem.kind, line: problem.line, fix: problem.fix } : null,
    };
  });
}

const ERROR_LINE = /\b\w*Error\b|\berror\b|ERR!|✖|\bFAIL(ED)?\b|No module named|not found|cannot find/i;

/** The line that says what went wrong: the first error-looking line, else the first line. */
function firstLine(message: string): string {
  const lines = message.split(/\r?\n| \| /).map((l) => l.trim()).filter(Boolean);
  const [head, ...rest] = lines;
  const line = head && ERROR_LINE.test(head.replace(/^.*?exited with code \S+:?/, '')) ? head : rest.find((l) => ERROR_LINE.test(l)) ?? head ?? message;
  return line.length > 240 ? `${line.slice(0, 237)}...` : line;
}
