// What the runner does after a step fails: a pure decision from the step's on_fail,
// the result, and the attempt count (DSL.md §1 on_fail, §3 convergence).
import { EXIT, PipeError } from '../errors.js';
import type { OnFail } from '../types/generated/index.js';
import type { StepResult } from './types.js';

export type AfterFailure =
  | { action: 'continue' }
  | { action: 'retry'; to: string }
  | { action: 'stop' }
  | { action: 'escalate' };

/** Configuration errors (exit 2) are never retried or escalated: another attempt cannot fix them. */
export function isConfigurationFailure(result: StepResult): boolean {
  return result.code !== undefined && new PipeError(result.code, '').exitCode === EXIT.badInput;
}

/**
 * `then: escalate` is for failures of the work itself (validation, an unusable answer),
 * which the convergence verdict judges. A safety refusal keeps its own outcome (exit 5),
 * and a provider failure is no question for a reviewer on the same provider.
 */
function escalates(result: StepResult): boolean {
  return result.status !== 'refused' && result.code !== 'E_PROVIDER' && result.code !== 'E_INTERRUPTED';
}

export function decideAfterFailure(onFail: OnFail | undefined, result: StepResult, attempt: number, maxAttempts: number): AfterFailure {
  // A budget block or an escalation ends the run whatever on_fail says.
  if (result.status === 'blocked' || result.status === 'escalated') return { action: 'stop' };
  const rule = onFail ?? 'stop';
  if (rule === 'stop') return { action: 'stop' };
  if (rule === 'continue') return { action: 'continue' };
  if (isConfigurationFailure(result)) return { action: 'stop' };
  if (attempt < maxAttempts && !result.stopRetries) return { action: 'retry', to: rule.retry };
  return rule.then === 'escalate' && escalates(result) ? { action: 'escalate' } : { action: 'stop' };
}
