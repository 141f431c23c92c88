// Step dispatch: one step of a run, from its `if` to its record. invokeStep evaluates
// `if`, substitutes and checks `with`, loads the module from the registry and runs it
// under the step's timeout; runStep wraps that with progress, events, the step record
// and state.json. Neither throws: a failure is a failed StepResult.
import { PipeError, isPipeError } from '../errors.js';
import { evaluateCondition, resolveWith } from '../dsl/expressions.js';
import { redactValue } from '../records/redact.js';
import type { ResolvedStep } from '../dsl/types.js';
import type { ActiveRun } from './active-run.js';
import { loadStep } from './registry.js';
import { buildScope } from './scope.js';
import { saveRunState } from './state.js';
import { checkStepWith } from './with-check.js';
import type { StepResult } from './types.js';

export type DispatchedResult = StepResult & { skippedByIf?: boolean };

/** What `${{ }}` expressions and `if` see now. */
function stepScope(run: ActiveRun) {
  const { options, context } = run;
  return buildScope({
    task: options.task,
    policy: options.policy,
    pipeline: options.pipeline,
    steps: context.steps,
    attempt: context.attempt,
    run: { id: run.id, status: run.status, dryRun: run.dryRun, escalationDepth: context.work.escalationDepth, verdict: context.work.lastVerdict, costUsd: context.spentUsd() },
  });
}

/** `if`, `with` (substituted, checked), the module's run() under the step's timeout. */
async function invokeStep(run: ActiveRun, step: ResolvedStep, stepController: AbortController): Promise<DispatchedResult> {
  if (step.compiledIf && !(await evaluateCondition(step.compiledIf, stepScope(run)))) {
    return { status: 'skipped', message: `if: ${step.if} was false`, skippedByIf: true };
  }
  const module = await loadStep(step.uses);
  if (!module) throw new PipeError('E_SCHEMA', `unknown step type '${step.uses}' in step '${step.id}'`);
  const args = ((await resolveWith(step.with ?? {}, stepScope(run), step.source)) ?? {}) as Record<string, unknown>;
  checkStepWith(step, module.withSchema, args);
  // Steps see the run's status as it is now (a finally step's `if` reads the outcome).
  run.context.status = run.status;
  const running = module.run(run.context.stepContext(step, stepController.signal), args);
  if (!step.timeout_s) return running;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<StepResult>((resolve) => {
    timer = setTimeout(() => {
      stepController.abort();
      resolve({ status: 'failed', code: 'E_INTERRUPTED', message: `step '${step.id}' timed out after ${step.timeout_s} s` });
    }, step.timeout_s! * 1000);
  });
  try {
    return await Promise.race([running, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs one step and records it (step record, events, progress, state.json). Never throws. */
export async function runStep(run: ActiveRun, step: ResolvedStep, isFinally: boolean): Promise<DispatchedResult> {
  const { clock, events, progress, context } = run;
  await run.startRecorded;
  run.currentStep = step.id;
  events.setContext({ step: step.id, attempt: context.attempt });
  const stepStarted = clock.now();
  const t0 = clock.monotonicMs();
  const route = () => context.work.route;
  progress.stepStart({ step: step.id, uses: step.uses, attempt: context.attempt, role: route()?.role, tier: route()?.tier, spentUsd: context.spentUsd() });
  events.emit('step.start', { uses: step.uses });
  const stepController = new AbortController();
  const onAbort = () => stepController.abort();
  run.controller.signal.addEventListener('abort', onAbort, { once: true });
  // An interrupt that came while the step waited to start reaches it too.
  if (run.controller.signal.aborted) stepController.abort();
  let result: DispatchedResult;
  try {
    result = await invokeStep(run, step, stepController);
  } catch (err) {
    const pe = isPipeError(err) ? err : new PipeError('E_INTERNAL', err instanceof Error ? err.message : String(err), { cause: err });
    result = { status: 'failed', code: pe.code, message: pe.message, output: pe.hint ? { hint: pe.hint } : undefined };
    if (pe.code === 'E_INTERNAL' && process.env.PIPE_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  } finally {
    run.controller.signal.removeEventListener('abort', onAbort);
  }
  const durationMs = Math.round(clock.monotonicMs() - t0);
  const output = result.output ? redactValue(result.output) : null;
  context.steps[step.id] = { status: result.status, output };
  run.stepRecords.push({
    id: step.id,
    uses: step.uses,
    attempt: context.attempt,
    status: result.status,
    started_at: stepStarted.toISOString(),
    finished_at: clock.now().toISOString(),
    duration_ms: durationMs,
    message: result.message ?? null,
    code: result.code ?? null,
    output,
    finally: isFinally,
  });
  events.emit(result.skippedByIf ? 'step.skipped' : 'step.end', { uses: step.uses, status: result.status, code: result.code ?? null, message: result.message ?? null, duration_ms: durationMs });
  progress.stepEnd({ step: step.id, uses: step.uses, attempt: context.attempt, status: result.status, message: result.message, durationMs, spentUsd: context.spentUsd(), role: route()?.role, tier: route()?.tier });
  saveRunState(run);
  return result;
}
