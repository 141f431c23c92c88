// The baseline: the task's validators run on the unchanged tree before the first model
// call, and what attempts are judged against (FAIL_TO_PASS / PASS_TO_PASS, as SWE-bench).
import type { Failure } from '../types.js';
import type { LoggedRun } from '../output-log.js';

export type BaselineMode = 'always' | 'cached' | 'off';

/** Why the validators cannot test this repository here. */
export type EnvironmentProblemKind =
  | 'not-found' // the command (or the tool a script calls) is not installed
  | 'missing-module' // `python -m X` without X, or a node package not installed
  | 'download' // npx/npm would fetch the tool from the registry
  | 'timeout'
  | 'collection-error' // pytest could not import a test module (ran no test)
  | 'conftest' // pytest could not load a conftest.py
  | 'no-tests' // nothing was collected
  | 'usage' // the tool rejected its arguments / crashed internally
  | 'cancelled';

export interface EnvironmentProblem {
  validator: string;
  kind: EnvironmentProblemKind;
  /** The real error line from the output (`E ModuleNotFoundError: …`). */
  line: string;
  /** What to do about it. */
  fix: string;
}

/** One validator on the unchanged tree: its logged run (captured output, capped, kept in the cache and copied into the run's records) and what it showed. */
export interface BaselineValidator extends Omit<LoggedRun, 'status' | 'sandbox'> {
  status: 'passed' | 'failed' | 'skipped';
  failures: Failure[];
  /** Tests the output showed as passing, or null when passes are not visible (pytest -q). */
  passed_tests: string[] | null;
}

/** Where a package under test is imported from, as the validator's interpreter sees it. */
export interface ImportOrigin {
  package: string;
  /** The file Python would load, or null when it finds none. */
  origin: string | null;
  inside_repo: boolean;
}

export interface BaselineReport {
  mode: BaselineMode;
  /** `ready`: judged against; `environment-error`: the run must stop (exit 2); `off`: no baseline. */
  status: 'ready' | 'environment-error' | 'off';
  cached: boolean;
  /** Cache key: tree digest + validator definitions. */
  digest: string | null;
  /** The tree the validators saw (git tree id of the working tree, untracked files included). */
  tree: string | null;
  created_at: string;
  duration_ms: number;
  validators: BaselineValidator[];
  problems: EnvironmentProblem[];
  python_path: string[];
  imports: ImportOrigin[];
  warnings: string[];
  /** Absolute path of the cache file (null when off or not written). */
  cache_file: string | null;
}

/** One failure as the judgement lists it. */
export interface TestRef {
  validator: string;
  id: string;
  test: string | null;
  message: string;
}

export interface TargetResult {
  target: string;
  status: 'passed' | 'failed' | 'not-run' | 'unverified';
}

/** An attempt judged against the baseline. */
export interface BaselineJudgement {
  /** `targets` when the task names them, else `default` (docs/validation.md). */
  mode: 'targets' | 'default';
  accepted: boolean;
  reasons: string[];
  /** Baseline failures that are gone. */
  fail_to_pass: TestRef[];
  /** Failures the baseline did not have: regressions. */
  pass_to_fail: TestRef[];
  /** Baseline failures still there. */
  fail_to_fail: TestRef[];
  /** Validators that passed before and after, and tests seen passing both times (when visible). */
  pass_to_pass: { validators: string[]; tests: string[] };
  targets: TargetResult[];
  /** The failures the attempt answers for (what retries, verdicts and prompts see). */
  charged: Failure[];
  /** Failures left over from before, not charged to the patch. */
  pre_existing: Failure[];
}
