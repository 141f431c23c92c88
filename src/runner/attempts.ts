// The attempt loop: the pipeline's steps in order; after a failure, on_fail decides
// (src/runner/control.ts): go on, retry from a named step (the retry hooks steps
// registered run first, e.g. apply's rollback of the attempt), escalate, or stop.
import { PipeError } from '../errors.js';
import type { ResolvedStep } from '../dsl/types.js';
import type { ActiveRun } from './active-run.js';
import { decideAfterFailure } from './control.js';
import { runStep } from './dispatch.js';
import { loadStep } from './registry.js';
import type { StepResult } from './types.js';

export interface Failure {
  result: StepResult;
  step: ResolvedStep;
}

export interface LoopEnd {
  /** The failure that ended the run; null when every step succeeded (or the loop was interrupted between steps). */
  failure: Failure | null;
  /** In a dry run: the step the loop stopped before (the first that calls a provider). */
  stoppedBefore: string | null;
}

const passed = (result: StepResult) => result.status === 'succeeded' || result.status === 'skipped';

/** Starts the next attempt and returns the index of the step it starts at. */
async function startRetry(run: ActiveRun, from: ResolvedStep, to: string, result: StepResult): Promise<number> {
  await run.context.startNextAttempt();
  run.events.emit('retry', { from: from.id, to, reason: result.message ?? null });
  run.events.setContext({ attempt: run.context.attempt });
  run.events.emit('attempt.start', { attempt: run.context.attempt });
  const index = run.options.pipeline.steps.findIndex((s) => s.id === to);
  if (index < 0) throw new PipeError('E_SCHEMA', `step '${from.id}': on_fail.retry names unknown step '${to}'`);
  return index;
}

/**
 * on_fail `then: escalate`. The one step the loop runs by name rather than in order: the
 * failure, not the step list, decides when it runs. It is the pipeline's declared escalate
 * step (in steps or finally, its `if` ignored: the decision is made), or a bare one when the
 * pipeline declares none. The run ends `escalated` with the escalation's message.
 */
async function escalateAfter(run: ActiveRun, result: StepResult): Promise<Failure> {
  const { steps, finally: finallySteps } = run.options.pipeline;
  const declared = [...steps, ...finallySteps].find((s) => s.uses === 'escalate');
  const step: ResolvedStep = declared ? { ...declared, compiledIf: undefined } : { id: 'escalate', uses: 'escalate' };
  const escalation = await runStep(run, step, false);
  return { result: { ...escalation, status: 'escalated', message: escalation.message ?? result.message }, step };
}

/** Runs the pipeline's steps until they end, fail for good, or an interrupt stops them. */
export async function runAttempts(run: ActiveRun): Promise<LoopEnd> {
  const steps = run.options.pipeline.steps;
  let i = 0;
  while (i < steps.length) {
    const step = steps[i];
    if (run.interrupted) break;
    if (run.dryRun && (await loadStep(step.uses))?.callsProvider) return { failure: null, stoppedBefore: step.id };
    const result = await runStep(run, step, false);
    if (run.interrupted) return { failure: passed(result) ? null : { result, step }, stoppedBefore: null };
    if (passed(result)) {
      i += 1;
      continue;
    }
    const next = decideAfterFailure(step.on_fail, result, run.context.attempt, run.maxAttempts);
    if (next.action === 'continue') i += 1;
    else if (next.action === 'retry') i = await startRetry(run, step, next.to, result);
    else if (next.action === 'escalate') return { failure: await escalateAfter(run, result), stoppedBefore: null };
    else return { failure: { result, step }, stoppedBefore: null };
  }
  return { failure: null, stoppedBefore: null };
}
