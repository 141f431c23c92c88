// Shared by propose (an answer of the wrong kind) and gate (an unusable or unsafe patch):
// a refused answer is a failed attempt, and the same refusal repeated is a stall that
// ends the retries, recorded in convergence.json like any verdict.
import { judgeRefusal } from '../convergence/refusals.js';
import { thresholdsFrom } from '../convergence/verdict.js';
import { writeConvergence } from '../convergence/record.js';
import type { StepContext, StepResult } from '../runner/types.js';

export async function withRefusalVerdict(ctx: StepContext, result: StepResult): Promise<StepResult> {
  const thresholds = thresholdsFrom(ctx.policy);
  const verdict = judgeRefusal(ctx.work.attempts, thresholds);
  if (!verdict) return result;
  ctx.currentAttempt().verdict = verdict;
  ctx.work.lastVerdict = verdict.verdict;
  await writeConvergence(ctx.services.records, { runId: ctx.run.id, thresholds, attempts: ctx.work.attempts });
  ctx.services.events.emit('verdict', { verdict: verdict.verdict, reasons: verdict.reasons, evidence: verdict.evidence });
  return { ...result, stopRetries: true, output: { ...(result.output ?? {}), verdict: verdict.verdict, reasons: verdict.reasons } };
}
