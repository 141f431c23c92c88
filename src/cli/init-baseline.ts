// `pipe init` runs the task's validators once on the unchanged tree and says how each
// went, with the first real error line, so a broken environment shows up before any run.
// One small function, so it can move to the baseline module when that lands.
import type { Exec } from '../exec/run.js';
import { runValidators } from '../validation/run.js';
import { maxParallel, resolveValidatorSpecs } from '../validation/specs.js';
import type { Policy } from '../types/generated/index.js';

export interface InitBaselineResult {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  failures: number;
  /** The first failure's message, cut to one line. */
  first_error: string | null;
  duration_ms: number;
}

export async function runInitBaseline(repo: string, policy: Policy, names: string[], exec: Exec): Promise<InitBaselineResult[]> {
  if (!names.length) return [];
  const specs = resolveValidatorSpecs(policy, names, repo);
  const outcomes = await runValidators({
    repo,
    exec,
    specs,
    allowedExecutables: policy.safety?.allowed_executables ?? [],
    maxParallel: maxParallel(policy),
    failFast: false,
  });
  return outcomes.map((o) => ({
    name: o.name,
    status: o.status,
    failures: o.failures.length,
    first_error: o.failures[0] ? firstLine(o.failures[0].message) : o.note,
    duration_ms: Math.round(o.durationMs),
  }));
}

const ERROR_LINE = /\b\w*Error\b|\berror\b|ERR!|✖|\bFAIL(ED)?\b|No module named|not found|cannot find/i;

/** The line that says what went wrong: the first error-looking line, else the first line. */
function firstLine(message: string): string {
  const lines = message.split(/\r?\n| \| /).map((l) => l.trim()).filter(Boolean);
  const [head, ...rest] = lines;
  const line = head && ERROR_LINE.test(head.replace(/^.*?exited with code \S+:?/, '')) ? head : rest.find((l) => ERROR_LINE.test(l)) ?? head ?? message;
  return line.length > 240 ? `${line.slice(0, 237)}...` : line;
}
