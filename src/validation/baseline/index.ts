// The baseline run: the task's validators on the unchanged tree, before the first model
// call (issue 14). Use it like this:
//
//   const report = await runBaseline({ repoRoot, validators: task.validators, policy, targets: task.targets });
//   assertBaselineUsable(report);   // throws E_ENVIRONMENT (exit 2) naming the validator, the error line, the fix
//   ... executeRun({ ..., baseline: report })   // the validate step judges attempts against it
//
// `runBaseline` never throws for what the validators report: an environment that cannot
// test comes back as `status: 'environment-error'` with `problems`. It throws only for bad
// configuration (unknown validator, executable not allowed: E_CONFIG). Usable results are
// cached in .pipe/baseline/<digest>.json, keyed by the working tree and the validator
// definitions (`mode: 'cached'`, the default; `always` reruns; `off` returns status 'off').
import type { Exec } from '../../exec/run.js';
import { runCommand } from '../../exec/run.js';
import { PipeError } from '../../errors.js';
import type { Policy } from '../../types/generated/index.js';
import { runValidators, type ValidatorOutcome } from '../run.js';
import { maxParallel, resolveValidatorSpecs } from '../specs.js';
import { pythonImportRoots } from '../repo-env.js';
import { decideSandbox, sandboxForSpecs } from '../sandbox.js';
import type { SandboxChoice } from '../../exec/sandbox/index.js';
import { readCachedBaseline, writeCachedBaseline } from './cache.js';
import { baselineDigest, workingTreeId } from './digest.js';
import { environmentProblems } from './environment.js';
import { probeImports } from './imports.js';
import type { BaselineMode, BaselineReport, BaselineValidator } from './types.js';

export type { BaselineJudgement, BaselineMode, BaselineReport, BaselineValidator, EnvironmentProblem, ImportOrigin, TargetResult, TestRef } from './types.js';
export { judgeAgainstBaseline, type ValidatorSnapshot } from './judge.js';
export { targetMatches } from './targets.js';

export interface BaselineOptions {
  /** Absolute repository root. */
  repoRoot: string;
  /** Validator names (the task's `validators:`), defined in the policy. */
  validators: readonly string[];
  policy: Policy;
  /** Default: policy `validation.baseline`, else 'cached'. */
  mode?: BaselineMode;
  /** The task's `targets:` (a collection error in a target file is what the task fixes, not an environment problem). */
  targets?: readonly string[];
  exec?: Exec;
  signal?: AbortSignal;
  /** Write a usable result to the cache (default true). */
  writeCache?: boolean;
  /** Called as each validator finishes (progress). */
  onResult?: (outcome: ValidatorOutcome) => void;
  /** Repo-relative files left out of the tree digest (the task file, its fake answers): no test reads them. */
  excludeFromDigest?: readonly string[];
  /** For the cache key: which executables bare names resolve to (default process.env.PATH). */
  pathValue?: string;
  now?: () => Date;
  /** The sandbox the validators run in, as in the run's validate step (default: decided from the policy). */
  sandbox?: SandboxChoice;
}

export function baselineMode(policy: Policy, override?: BaselineMode): BaselineMode {
  return override ?? policy.validation?.baseline ?? 'cached';
}

function emptyReport(mode: BaselineMode, status: BaselineReport['status'], now: Date): BaselineReport {
  return { mode, status, cached: false, digest: null, tree: null, created_at: now.toISOString(), duration_ms: 0, validators: [], problems: [], python_path: [], imports: [], warnings: [], cache_file: null };
}

function snapshot(o: ValidatorOutcome): BaselineValidator {
  return {
    name: o.name,
    argv: o.argv,
    status: o.status,
    failures: o.failures,
    passed_tests: o.passedTests,
    exit_code: o.exitCode,
    timed_out: o.timedOut,
    duration_ms: o.durationMs,
    output_truncated: o.outputTruncated,
    note: o.note,
    stdout: o.stdout,
    stderr: o.stderr,
  };
}

export async function runBaseline(options: BaselineOptions): Promise<BaselineReport> {
  const now = options.now ?? (() => new Date());
  const mode = baselineMode(options.policy, options.mode);
  const names = [...new Set(options.validators)].filter((n) => n !== 'patch-safety');
  if (mode === 'off') return emptyReport(mode, 'off', now());
  const started = performance.now();
  const exec = options.exec ?? runCommand;
  const repo = options.repoRoot;
  const targets = [...(options.targets ?? [])];
  const specs = resolveValidatorSpecs(options.policy, names, repo);
  const roots = pythonImportRoots(repo, options.policy);
  const tree = await workingTreeId(exec, repo, options.excludeFromDigest ?? []);
  // The same sandbox as the attempts, or the comparison would blame the patch for a denial.
  const sandbox = specs.length ? options.sandbox ?? (await decideSandbox(options.policy)) : null;
  const digest = tree ? baselineDigest(tree, specs, targets, options.pathValue ?? process.env.PATH, repo, sandbox?.kind ?? 'none') : null;
  if (mode === 'cached' && digest) {
    const hit = readCachedBaseline(repo, digest);
    if (hit) return hit;
  }
  const allowed = options.policy.safety?.allowed_executables ?? [];
  const outcomes = await runValidators({
    repo,
    exec,
    specs,
    allowedExecutables: allowed,
    maxParallel: maxParallel(options.policy),
    failFast: false,
    signal: options.signal,
    onResult: options.onResult,
    sandboxFor: sandbox ? sandboxForSpecs(sandbox, repo, options.policy) : undefined,
  });
  const validators = outcomes.map(snapshot);
  const problems = validators.flatMap((v) => environmentProblems(v, specs.find((s) => s.name === v.name)?.parser ?? 'exit-code', targets));
  const imports = problems.length ? [] : await probeImports(exec, repo, roots, specs, allowed);
  const warnings = imports
    .filter((i) => i.origin && !i.inside_repo)
    .map((i) => `package '${i.package}' is imported from ${i.origin}, outside the repository: the validators would test an installed copy, not this code (set validation.python_path)`);
  const report: BaselineReport = {
    mode,
    status: problems.length ? 'environment-error' : 'ready',
    cached: false,
    digest,
    tree,
    created_at: now().toISOString(),
    duration_ms: Math.round(performance.now() - started),
    validators,
    problems,
    python_path: roots,
    imports,
    warnings,
    cache_file: null,
  };
  if (options.writeCache !== false && !options.signal?.aborted) report.cache_file = writeCachedBaseline(repo, report);
  return report;
}

/** Throws E_ENVIRONMENT (exit 2) when the baseline found that the validators cannot test here. */
export function assertBaselineUsable(report: BaselineReport): void {
  if (report.status !== 'environment-error') return;
  const lines = report.problems.map((p) => `validator '${p.validator}' (${p.kind}): ${p.line}`);
  const fixes = [...new Set(report.problems.map((p) => `${p.validator}: ${p.fix}`))];
  throw new PipeError('E_ENVIRONMENT', `the validators cannot test this repository as it is, so no model was called: ${lines.join('; ')}`, {
    hint: `${fixes.join('; ')}. The unchanged tree was tested (baseline); rerun when fixed, or skip the check with --no-baseline`,
    details: { problems: report.problems },
  });
}

/** The baseline in the shape the judge reads. */
export function baselineSnapshots(report: BaselineReport): { name: string; status: 'passed' | 'failed' | 'skipped'; failures: BaselineValidator['failures']; passedTests: string[] | null }[] {
  return report.validators.map((v) => ({ name: v.name, status: v.status, failures: v.failures, passedTests: v.passed_tests }));
}
