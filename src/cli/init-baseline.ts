// `pipe init` runs the task's validators once on the unchanged tree (the baseline module,
// so the result is cached for the first run on the same tree) and says how each went,
// with the real error line and, for an environment that cannot test, what to fix.
import type { Exec } from '../exec/run.js';
import { runBaseline } from '../validation/baseline/index.js';
import type { Policy } from '../types/generated/index.js';

export interface InitBaselineResult {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  failures: number;
  /** The environment problem's error line, else the first failure's message, cut to one line. */
  first_error: string | null;
  /** Set when the validators cannot test here (the run would stop, exit 2): what to do. */
  fix: string | null;
  duration_ms: number;
}

export interface InitBaseline {
  validators: InitBaselineResult[];
  /** The package under test imported from outside the repository, and the like. */
  warnings: string[];
}

export async function runInitBaseline(repo: string, policy: Policy, names: string[], exec: Exec): Promise<InitBaseline> {
  if (!names.length) return { validators: [], warnings: [] };
  // The example task is left out of the digest, as `pipe run` leaves its task out: the cache entry is the run's.
  const report = await runBaseline({ repoRoot: repo, validators: names, policy, mode: 'always', exec, excludeFromDigest: ['tasks/example.yaml'] });
  return {
    validators: report.validators.map((v) => {
      const problem = report.problems.find((p) => p.validator === v.name);
      return {
        name: v.name,
        status: v.status,
        failures: v.failures.length,
        first_error: problem ? firstLine(problem.line) : v.failures[0] ? firstLine(v.failures[0].message) : v.note,
        fix: problem?.fix ?? null,
        duration_ms: Math.round(v.duration_ms),
      };
    }),
    warnings: report.warnings,
  };
}

const ERROR_LINE = /\b\w*Error\b|\berror\b|ERR!|✖|\bFAIL(ED)?\b|No module named|not found|cannot find/i;

/** The line that says what went wrong: the first error-looking line, else the first line. */
function firstLine(message: string): string {
  const lines = message.split(/\r?\n| \| /).map((l) => l.trim()).filter(Boolean);
  const [head, ...rest] = lines;
  const line = head && ERROR_LINE.test(head.replace(/^.*?exited with code \S+:?/, '')) ? head : rest.find((l) => ERROR_LINE.test(l)) ?? head ?? message;
  return line.length > 240 ? `${line.slice(0, 237)}...` : line;
}
