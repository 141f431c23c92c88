// A refused answer (a contract failure or an unsafe patch) is a failed attempt like a
// failing test: the run retries with the reason. The same refusal `stall_repeats`
// attempts in a row is a stall, which ends the retries as a repeated failure does.
import { createHash } from 'node:crypto';
import type { AttemptRecord, Verdict } from './types.js';
import type { ConvergenceThresholds } from './verdict.js';

/** The refusal with its numbers taken out: the same mistake on other lines is the same mistake. */
export function refusalSignature(refusal: { code: string; message: string }): string {
  const text = `${refusal.code}:${refusal.message.replace(/\d+/g, '#')}`;
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** A stall verdict when the last attempt's refusal repeats the ones before it; otherwise null (retry). */
export function judgeRefusal(attempts: readonly AttemptRecord[], thresholds: ConvergenceThresholds): Verdict | null {
  const current = attempts[attempts.length - 1];
  if (!current?.refusal) return null;
  const signature = refusalSignature(current.refusal);
  let repeats = 1;
  for (let i = attempts.length - 2; i >= 0; i--) {
    const a = attempts[i];
    if (!a.refusal || a.failures.length || refusalSignature(a.refusal) !== signature) break;
    repeats++;
  }
  if (repeats < thresholds.stallRepeats) return null;
  return {
    verdict: 'stall',
    reasons: [`the same refusal ${repeats} attempts in a row (stall_repeats ${thresholds.stallRepeats}): ${current.refusal.message.slice(0, 200)}`],
    evidence: { attempt: current.attempt, refusal_code: current.refusal.code, signature, signature_repeats: repeats, failures: 0, files_touched: current.filesTouched },
  };
}
