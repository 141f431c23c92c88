// convergence.json: every validated attempt's verdict with its evidence, rewritten after
// each validate step so the file always tells the whole story so far.
import type { AttemptRecord } from './types.js';
import type { RunRecords } from '../records/types.js';
import type { ConvergenceThresholds } from './verdict.js';
import { failureSignature, wasValidated } from './verdict.js';

export interface ConvergenceFile {
  run_id: string;
  thresholds: { stall_repeats: number; min_improvement: number; max_diff_growth: number };
  final_verdict: string | null;
  attempts: {
    attempt: number;
    verdict: string | null;
    reasons: string[];
    evidence: Record<string, unknown>;
    signature: string;
    failures: AttemptRecord['failures'];
    passed_validators: string[];
    failed_validators: string[];
    files_touched: string[];
    diff_bytes: number;
    lines_added: number;
    lines_removed: number;
    /** FAIL_TO_PASS, PASS_TO_PASS, pre-existing failures: null when the run had no baseline. */
    baseline: AttemptRecord['baseline'] | null;
  }[];
}

export function convergenceFile(runId: string, thresholds: ConvergenceThresholds, attempts: readonly AttemptRecord[]): ConvergenceFile {
  const judged = attempts.filter((a) => wasValidated(a) || a.verdict);
  return {
    run_id: runId,
    thresholds: { stall_repeats: thresholds.stallRepeats, min_improvement: thresholds.minImprovement, max_diff_growth: thresholds.maxDiffGrowth },
    final_verdict: judged[judged.length - 1]?.verdict?.verdict ?? null,
    attempts: judged.map((a) => ({
      attempt: a.attempt,
      verdict: a.verdict?.verdict ?? null,
      reasons: a.verdict?.reasons ?? [],
      evidence: a.verdict?.evidence ?? {},
      signature: failureSignature(a.failures),
      failures: a.failures,
      passed_validators: a.passedValidators,
      failed_validators: a.failedValidators,
      files_touched: a.filesTouched,
      diff_bytes: a.diffBytes,
      lines_added: a.linesAdded,
      lines_removed: a.linesRemoved,
      baseline: a.baseline ?? null,
    })),
  };
}

export async function writeConvergence(records: RunRecords, input: { runId: string; thresholds: ConvergenceThresholds; attempts: readonly AttemptRecord[] }): Promise<void> {
  await records.writeJson('convergence.json', convergenceFile(input.runId, input.thresholds, input.attempts));
}
