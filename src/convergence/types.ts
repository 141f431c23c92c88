// Attempts and the verdicts between them (DSL.md §3).
import type { RoleName } from '../routing/types.js';
import type { Failure } from '../validation/types.js';

export type VerdictName = 'first' | 'progress' | 'stall' | 'divergence' | 'success';

export interface Verdict {
  verdict: VerdictName;
  reasons: string[];
  evidence: Record<string, unknown>;
}

/** What one attempt did; steps fill in their part. */
export interface AttemptRecord {
  attempt: number;
  role?: RoleName;
  model?: string;
  tier?: string | null;
  costUsd: number;
  /** Records-dir-relative path of attempt-N.patch. */
  patchFile?: string;
  filesTouched: string[];
  diffBytes: number;
  linesAdded: number;
  linesRemoved: number;
  /** Gate or contract problem that ended this attempt, if any. */
  refusal?: { code: string; message: string } | null;
  failures: Failure[];
  passedValidators: string[];
  failedValidators: string[];
  verdict?: Verdict;
  /** Judged against the baseline (when the run has one): FAIL_TO_PASS, PASS_TO_PASS and the rest. */
  baseline?: AttemptBaseline | null;
}

/** An attempt against the baseline; `failures` above are the charged ones. */
export interface AttemptBaseline {
  mode: 'targets' | 'default';
  accepted: boolean;
  reasons: string[];
  fail_to_pass: TestRefView[];
  pass_to_fail: TestRefView[];
  fail_to_fail: TestRefView[];
  pass_to_pass: { validators: string[]; tests: string[] };
  targets: { target: string; status: string }[];
  /** Failures left over from before, not charged to the patch. */
  pre_existing: Failure[];
}

export interface TestRefView {
  validator: string;
  id: string;
  test: string | null;
  message: string;
}
