// One attempt as the records show it (snake_case JSON): the single shape that
// escalation.json, convergence.json and `pipe show` share, built in one place from the
// runner's AttemptRecord.
import { roundUsd } from '../budget/pricing.js';
import type { Failure } from '../validation/types.js';
import type { AttemptBaseline, AttemptRecord } from './types.js';

export interface AttemptView {
  attempt: number;
  role: string | null;
  model: string | null;
  tier: string | null;
  cost_usd: number;
  /** Records-dir-relative patch file (the canonical diff pipe computed), when one was written. */
  patch_file: string | null;
  files_touched: string[];
  diff_bytes: number;
  lines_added: number;
  lines_removed: number;
  /** Gate or contract problem that ended the attempt, if any. */
  refusal: { code: string; message: string } | null;
  passed_validators: string[];
  failed_validators: string[];
  failures: Failure[];
  verdict: string | null;
  reasons: string[];
  evidence: Record<string, unknown> | null;
  /** Against the baseline: FAIL_TO_PASS, PASS_TO_PASS, pre-existing failures (null when the run had no baseline). */
  baseline: AttemptBaseline | null;
}

export function attemptView(a: AttemptRecord): AttemptView {
  return {
    attempt: a.attempt,
    role: a.role ?? null,
    model: a.model ?? null,
    tier: a.tier ?? null,
    cost_usd: roundUsd(a.costUsd),
    patch_file: a.patchFile ?? null,
    files_touched: a.filesTouched,
    diff_bytes: a.diffBytes,
    lines_added: a.linesAdded,
    lines_removed: a.linesRemoved,
    refusal: a.refusal ?? null,
    passed_validators: a.passedValidators,
    failed_validators: a.failedValidators,
    failures: a.failures,
    verdict: a.verdict?.verdict ?? null,
    reasons: a.verdict?.reasons ?? [],
    evidence: a.verdict?.evidence ?? null,
    baseline: a.baseline ?? null,
  };
}
