// convergence.json: every validated attempt's verdict with its evidence, rewritten after
// each validate step so the file always tells the whole story so far.
import type { AttemptRecord } from './types.js';
import { attemptView, type AttemptView } from './attempt-view.js';
import type { RunRecords } from '../records/types.js';
import type { ConvergenceThresholds } from './verdict.js';
import { failureSignature, wasValidated } from './verdict.js';

export interface ConvergenceFile {
  run_id: string;
  thresholds: { stall_repeats: number; min_improvement: number; max_diff_growth: number };
  final_verdict: string | null;
  /** Each judged attempt, with the signature of its failure set (what a stall compares). */
  attempts: (AttemptView & { signature: string })[];
}

export function convergenceFile(runId: string, thresholds: ConvergenceThresholds, attempts: readonly AttemptRecord[]): ConvergenceFile {
  const judged = attempts.filter((a) => wasValidated(a) || a.verdict);
  return {
    run_id: runId,
    thresholds: { stall_repeats: thresholds.stallRepeats, min_improvement: thresholds.minImprovement, max_diff_growth: thresholds.maxDiffGrowth },
    final_verdict: judged[judged.length - 1]?.verdict?.verdict ?? null,
    attempts: judged.map((a) => ({ ...attemptView(a), signature: failureSignature(a.failures) })),
  };
}

export async function writeConvergence(records: RunRecords, input: { runId: string; thresholds: ConvergenceThresholds; attempts: readonly AttemptRecord[] }): Promise<void> {
  await records.writeJson('convergence.json', convergenceFile(input.runId, input.thresholds, input.attempts));
}
