// Convergence between attempts (DSL.md §3), as pure functions of attempt records:
// success, first, progress, stall or divergence, each with the evidence behind it.
import { createHash } from 'node:crypto';
import type { AttemptRecord, Verdict } from './types.js';
import type { Failure } from '../validation/types.js';
import type { Policy } from '../types/generated/index.js';

export interface ConvergenceThresholds {
  /** The same failure signature this many validated attempts in a row is a stall. */
  stallRepeats: number;
  /** Fraction of failures that must go away to count as progress. */
  minImprovement: number;
  /** A diff more than this many times the previous one is divergence. */
  maxDiffGrowth: number;
}

export const DEFAULT_THRESHOLDS: ConvergenceThresholds = { stallRepeats: 2, minImprovement: 0.1, maxDiffGrowth: 2.0 };

export function thresholdsFrom(policy: Policy): ConvergenceThresholds {
  const c = policy.convergence ?? {};
  return {
    stallRepeats: Math.max(2, Math.floor(c.stall_repeats ?? DEFAULT_THRESHOLDS.stallRepeats)),
    minImprovement: c.min_improvement ?? DEFAULT_THRESHOLDS.minImprovement,
    maxDiffGrowth: c.max_diff_growth ?? DEFAULT_THRESHOLDS.maxDiffGrowth,
  };
}

/**
 * Failure kinds that stop a tool before it reports everything (a collection error hides
 * the tests behind it): new categories appearing once they are gone are not divergence.
 */
const MASKING_CATEGORIES = new Set(['collection-error', 'syntax-error', 'parse-error', 'exit-code', 'timeout', 'spawn-error']);

/** Failures that name one test (pytest's node id): the same id means the same check. */
const TEST_CATEGORIES = new Set(['test-failure', 'test-error']);

/** An attempt whose validators ran (a gate refusal has nothing to compare). */
export function wasValidated(a: AttemptRecord): boolean {
  return a.passedValidators.length + a.failedValidators.length > 0 || a.failures.length > 0;
}

/** Order-free fingerprint of the set of failure ids; 'clean' when there are none. */
export function failureSignature(failures: readonly Failure[]): string {
  if (failures.length === 0) return 'clean';
  const ids = [...new Set(failures.map((f) => f.id))].sort();
  return createHash('sha256').update(ids.join('\n')).digest('hex').slice(0, 16);
}

/** Diff size used for growth: bytes when known, else changed lines. */
export function diffSize(a: AttemptRecord): number {
  return a.diffBytes > 0 ? a.diffBytes : a.linesAdded + a.linesRemoved;
}

const uniq = <T>(xs: Iterable<T>): T[] => [...new Set(xs)];
const sorted = (xs: Iterable<string>): string[] => uniq(xs).sort();

/**
 * The verdict for the last attempt of `attempts`, compared with the validated attempts
 * before it. Divergence is checked first (it ends the loop whatever else improved), then
 * a repeated signature (stall), then the size of the improvement.
 */
export function judgeAttempt(attempts: readonly AttemptRecord[], thresholds: ConvergenceThresholds = DEFAULT_THRESHOLDS): Verdict {
  const current = attempts[attempts.length - 1];
  if (!current) throw new Error('judgeAttempt needs at least one attempt');
  const earlier = attempts.slice(0, -1).filter(wasValidated);
  const signature = failureSignature(current.failures);
  const count = current.failures.length;
  const base = { attempt: current.attempt, failures: count, signature, failed_validators: sorted(current.failedValidators), passed_validators: sorted(current.passedValidators), diff_size: diffSize(current), files_touched: sorted(current.filesTouched) };

  if (count === 0 && current.failedValidators.length === 0) {
    return { verdict: 'success', reasons: [`all validators passed (${sorted(current.passedValidators).join(', ') || 'none ran'})`], evidence: base };
  }
  const previous = earlier[earlier.length - 1];
  if (!previous) {
    return { verdict: 'first', reasons: [`first validated attempt: ${count} failure${count === 1 ? '' : 's'} in ${sorted(current.failedValidators).join(', ')}`], evidence: base };
  }

  const prevIds = new Set(previous.failures.map((f) => f.id));
  const curIds = new Set(current.failures.map((f) => f.id));
  const prevCount = previous.failures.length;
  const improvement = prevCount > 0 ? (prevCount - count) / prevCount : count === 0 ? 0 : -1;
  const regressions = sorted(current.failedValidators.filter((v) => previous.passedValidators.includes(v)));
  const maskedBefore = new Set(previous.failures.filter((f) => MASKING_CATEGORIES.has(f.category)).map((f) => f.validator));
  // A test that ran and passed last time (its validator ran unmasked, the test was not among
  // its failures) and fails now is a regression too. Only test ids are stable enough for this:
  // lint and type-check ids carry their message, which changes with the code around it.
  const ranBefore = new Set([...previous.passedValidators, ...previous.failedValidators]);
  const testRegressions = sorted(
    current.failures.filter((f) => TEST_CATEGORIES.has(f.category) && !prevIds.has(f.id) && ranBefore.has(f.validator) && !maskedBefore.has(f.validator)).map((f) => f.message || f.id),
  );
  const prevCategories = new Set(previous.failures.map((f) => `${f.validator}:${f.category}`));
  const newCategories = sorted(current.failures.filter((f) => !maskedBefore.has(f.validator)).map((f) => `${f.validator}:${f.category}`).filter((c) => !prevCategories.has(c)));
  const previousFiles = new Set(earlier.flatMap((a) => a.filesTouched));
  const filesOutside = previousFiles.size ? sorted(current.filesTouched.filter((f) => !previousFiles.has(f))) : [];
  const prevSize = diffSize(previous);
  const curSize = diffSize(current);
  const growth = prevSize > 0 ? curSize / prevSize : null;
  let repeats = 1;
  for (let i = earlier.length - 1; i >= 0 && failureSignature(earlier[i].failures) === signature; i--) repeats++;

  const evidence: Record<string, unknown> = {
    ...base,
    previous_attempt: previous.attempt,
    previous_failures: prevCount,
    previous_signature: failureSignature(previous.failures),
    improvement: Math.round(improvement * 1000) / 1000,
    new_failure_ids: sorted([...curIds].filter((id) => !prevIds.has(id))),
    fixed_failure_ids: sorted([...prevIds].filter((id) => !curIds.has(id))),
    new_categories: newCategories,
    regressions,
    test_regressions: testRegressions,
    files_outside_previous: filesOutside,
    previous_diff_size: prevSize,
    diff_growth: growth === null ? null : Math.round(growth * 1000) / 1000,
    signature_repeats: repeats,
    thresholds: { stall_repeats: thresholds.stallRepeats, min_improvement: thresholds.minImprovement, max_diff_growth: thresholds.maxDiffGrowth },
  };

  const divergence: string[] = [];
  if (regressions.length) divergence.push(`regression: ${regressions.join(', ')} passed on attempt ${previous.attempt} and fail now`);
  if (testRegressions.length) divergence.push(`regression: passed on attempt ${previous.attempt} and fail now: ${testRegressions.slice(0, 5).join('; ')}${testRegressions.length > 5 ? ' …' : ''}`);
  if (newCategories.length) divergence.push(`new failure categories: ${newCategories.join(', ')}`);
  if (filesOutside.length) divergence.push(`files outside the previous attempts' set: ${filesOutside.join(', ')}`);
  if (growth !== null && growth > thresholds.maxDiffGrowth) divergence.push(`diff grew ${growth.toFixed(2)}x (${prevSize} → ${curSize}), over max_diff_growth ${thresholds.maxDiffGrowth}`);
  if (divergence.length) return { verdict: 'divergence', reasons: divergence, evidence };

  if (repeats >= thresholds.stallRepeats) {
    return { verdict: 'stall', reasons: [`the same ${count} failure${count === 1 ? '' : 's'} ${repeats} attempts in a row (stall_repeats ${thresholds.stallRepeats})`], evidence };
  }
  if (repeats > 1) {
    // Unchanged, but stall_repeats allows another try before calling it a stall.
    return { verdict: 'progress', reasons: [`the same failures ${repeats} attempts in a row; stall_repeats ${thresholds.stallRepeats} allows another attempt`], evidence };
  }
  if (improvement >= thresholds.minImprovement) {
    return { verdict: 'progress', reasons: [`failures ${prevCount} → ${count} (${Math.round(improvement * 100)}% fewer, min_improvement ${Math.round(thresholds.minImprovement * 100)}%)`], evidence };
  }
  if (curSize < prevSize && count <= prevCount) {
    return { verdict: 'progress', reasons: [`diff narrowed ${prevSize} → ${curSize} with failures ${prevCount} → ${count}`], evidence };
  }
  return {
    verdict: 'stall',
    reasons: [`improvement ${Math.round(improvement * 100)}% (failures ${prevCount} → ${count}) is under min_improvement ${Math.round(thresholds.minImprovement * 100)}%`],
    evidence,
  };
}

/** Verdicts for every validated attempt, in order, as convergence.json records them. */
export function judgeAll(attempts: readonly AttemptRecord[], thresholds: ConvergenceThresholds = DEFAULT_THRESHOLDS): { attempt: number; verdict: Verdict }[] {
  const out: { attempt: number; verdict: Verdict }[] = [];
  for (let i = 0; i < attempts.length; i++) {
    if (!wasValidated(attempts[i])) continue;
    out.push({ attempt: attempts[i].attempt, verdict: judgeAttempt(attempts.slice(0, i + 1), thresholds) });
  }
  return out;
}

/** Stall and divergence end the retry loop early. */
export function stopsRetries(verdict: Verdict): boolean {
  return verdict.verdict === 'stall' || verdict.verdict === 'divergence';
}
