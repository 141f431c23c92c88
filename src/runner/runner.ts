// The step-runner: walks a resolved pipeline's steps in order with `if`, `on_fail`
// (stop, continue, retry/then) bounded by max_attempts and the convergence verdict,
// then always runs `finally` (also after an interrupt). After every step it rewrites
// state.json atomically and appends to events.jsonl.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { EXIT, PipeError, isPipeError, type ErrorCode } from '../errors.js';
import { runCommand } from '../exec/run.js';
import type { SandboxChoice } from '../exec/sandbox/index.js';
import { decideSandbox } from '../validation/sandbox.js';
import { EventLog, FolderRecords, NoRecords, ensurePipeIgnored, runsDir, writeFileAtomic } from '../records/writer.js';
import { redactValue } from '../records/redact.js';
import { treeWorkspace, type JournalHandle } from '../patch/workspace.js';
import { runValidators } from '../validation/run.js';
import { recordingProviders } from '../records/calls.js';
import { writeRunStart } from './start-record.js';
import type { RunSources, RunState, StepRecord } from '../records/types.js';
import type { Config, Policy, Task } from '../types/generated/index.js';
import { evaluateCondition, resolveWith } from '../dsl/expressions.js';
import { loadStep } from './registry.js';
import { buildScope } from './scope.js';
import { checkStepWith } from './with-check.js';
import { decideAfterFailure } from './control.js';
import { silentProgress, systemClock } from './services.js';
import { createRunContext } from './context.js';
import type { BaselineReport } from '../validation/baseline/types.js';
import { formatValidatorLog, validatorLogPath } from '../validation/output-log.js';
import type { ResolvedPipeline, ResolvedStep } from '../dsl/types.js';
import type { ProviderName } from '../providers/contract.js';
import type {
  RunServices,
  RunStatus,
  RunWork,
  StepContext,
  StepResult,
  StepStatus,
} from './types.js';

export interface RunOptions {
  repo: string;
  task: Task;
  taskFile: string;
  taskDir: string;
  pipeline: ResolvedPipeline;
  policy: Policy;
  config: Config;
  provider: ProviderName;
  dryRun?: boolean;
  approvedRoles?: string[];
  project?: string;
  ledgerLocation?: string;
  runId?: string;
  /** The folder run records go under (default <repo>/.pipe/runs); replays write to a temp folder. */
  recordsRoot?: string;
  /** false: records are not fsynced (a replay's throw-away temp folder). Default true. */
  durableRecords?: boolean;
  /** Where the documents came from (recorded in run.json for `pipe replay`). */
  sources?: RunSources;
  /** The `pipe batch` this run belongs to (ledger batch_id and the batch's own limit). */
  batch?: { id: string; maxCostUsd?: number };
  /** Install SIGINT/SIGTERM handlers that interrupt the run (the CLI does). */
  handleSignals?: boolean;
  /** An external abort (tests, embedding). */
  signal?: AbortSignal;
  services?: Partial<Omit<RunServices, 'records' | 'events'>>;
  /** The baseline (src/validation/baseline), run before: recorded, and attempts are judged against it. */
  baseline?: BaselineReport;
  /** Files in allowed_files with the user's uncommitted work: named in the prompt, refused by the gate. */
  userWork?: string[];
}

export interface RunOutcome {
  state: RunState;
  exitCode: number;
  work: RunWork;
  events: EventLog;
  /** In a dry run: the step the run stopped before (the first provider call). */
  stoppedBefore: string | null;
}

const STATUS_EXIT: Record<Exclude<RunStatus, 'running'>, number> = {
  succeeded: EXIT.succeeded,
  failed: EXIT.failed,
  blocked: EXIT.blocked,
  escalated: EXIT.escalated,
  refused: EXIT.refused,
};

export function newRunId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

function runStatusFor(result: StepResult): Exclude<RunStatus, 'running' | 'succeeded'> {
  if (result.status === 'refused' || result.status === 'blocked' || result.status === 'escalated') return result.status;
  return 'failed';
}

function missingServiceError(what: string): never {
  throw new PipeError('E_INTERNAL', `no ${what} is configured for this run`);
}

export async function executeRun(options: RunOptions): Promise<RunOutcome> {
  const clock = options.services?.clock ?? systemClock;
  const started = clock.now();
  const startedMs = clock.monotonicMs();
  const dryRun = options.dryRun ?? false;
  const runId = options.runId ?? newRunId(started);
  const recordsDir = dryRun ? null : join(options.recordsRoot ?? runsDir(options.repo), runId);
  if (!dryRun && !options.recordsRoot) ensurePipeIgnored(options.repo);
  const durable = options.durableRecords !== false;
  const records = recordsDir ? new FolderRecords(recordsDir, { durable }) : new NoRecords();
  const events = new EventLog(recordsDir, () => clock.now());
  const progress = options.services?.progress ?? silentProgress;
  const controller = new AbortController();
  let interrupted: string | null = null;
  const onExternalAbort = () => {
    interrupted ??= 'aborted';
    controller.abort();
  };
  options.signal?.addEventListener('abort', onExternalAbort, { once: true });

  const stepRecords: StepRecord[] = [];
  let status: RunStatus = 'running';
  let exitCode: number | null = null;
  let error: { code: string; message: string } | null = null;
  let attempt = 1;
  let currentStep: string | null = null;
  const maxAttempts = options.task.max_attempts ?? 3;

  const exec = options.services?.exec ?? runCommand;
  const providers = options.services?.provider ?? (() => missingServiceError('provider'));
  let sandbox: Promise<SandboxChoice> | null = null;
  const services: RunServices = {
    exec,
    clock,
    events,
    records,
    progress,
    approve: options.services?.approve ?? (async () => false),
    ledger: options.services?.ledger ?? (() => missingServiceError('ledger')),
    // Every call's prompt and answer go to the records (a dry run makes no call).
    provider: dryRun ? providers : recordingProviders(providers, records, () => ({ step: currentStep, attempt }), () => clock.monotonicMs()),
    workspace: options.services?.workspace ?? treeWorkspace(options.repo, exec),
    validators: options.services?.validators ?? runValidators,
    sandbox:
      options.services?.sandbox ??
      (() => (sandbox ??= decideSandbox(options.policy))),
  };
  const runContext = createRunContext({
    run: {
      id: runId,
      taskFile: options.taskFile,
      dryRun,
      startedAt: started,
      provider: options.provider,
      approvedRoles: options.approvedRoles ?? [],
      project: options.project ?? options.config.project ?? 'default',
      ledger: options.ledgerLocation ?? options.config.ledger ?? '.pipe/ledger.sqlite',
      ...(options.batch ? { batch: options.batch } : {}),
    },
    task: options.task,
    taskDir: options.taskDir,
    policy: options.policy,
    config: options.config,
    repo: options.repo,
    maxAttempts,
    services,
  });
  const { work, steps: stepsScope } = runContext;
  work.userWork = [...(options.userWork ?? [])];
  if (options.baseline?.status === 'ready') work.baseline = options.baseline;
  const spentUsd = () => runContext.spentUsd();

  const state = (): RunState => {
    const now = clock.now();
    const finished = status !== 'running';
    const rolledBack = stepRecords.some((s) => s.uses === 'rollback' && s.status === 'succeeded' && (s.output as { restored?: unknown[] } | null)?.restored?.length);
    return redactValue({
      run_id: runId,
      task_id: options.task.id,
      task_file: options.taskFile,
      pipeline: options.pipeline.name,
      repo: options.repo,
      records_dir: recordsDir ?? '',
      provider: options.provider,
      dry_run: dryRun,
      status,
      exit_code: exitCode,
      attempts: attempt,
      max_attempts: maxAttempts,
      escalation_depth: work.escalationDepth,
      verdict: work.attempts[work.attempts.length - 1]?.verdict?.verdict ?? work.lastVerdict,
      cost_usd: Math.round(spentUsd() * 1e9) / 1e9,
      files_changed: rolledBack && status !== 'succeeded' ? [] : [...work.filesChanged].sort(),
      current_step: currentStep,
      started_at: started.toISOString(),
      updated_at: now.toISOString(),
      finished_at: finished ? now.toISOString() : null,
      duration_ms: finished ? Math.round(clock.monotonicMs() - startedMs) : null,
      error,
      pid: process.pid,
      ...(options.batch ? { batch_id: options.batch.id } : {}),
      steps: stepRecords,
    });
  };
  const saveState = () => {
    if (recordsDir) writeFileAtomic(join(recordsDir, 'state.json'), `${JSON.stringify(state(), null, 2)}\n`, { durable });
  };

  const scope = () =>
    buildScope({
      task: options.task,
      policy: options.policy,
      pipeline: options.pipeline,
      steps: stepsScope,
      attempt,
      run: { id: runId, status, dryRun, escalationDepth: work.escalationDepth, verdict: work.lastVerdict, costUsd: spentUsd() },
    });

  const makeContext = (step: ResolvedStep, signal: AbortSignal): StepContext => {
    runContext.status = status;
    return runContext.stepContext(step, signal);
  };

  /** Runs one step: `if`, `with` substitution and check, the module, a timeout. Never throws. */
  const runStep = async (step: ResolvedStep, isFinally: boolean): Promise<StepResult & { skippedByIf?: boolean }> => {
    await startRecorded;
    currentStep = step.id;
    events.setContext({ step: step.id, attempt });
    const stepStarted = clock.now();
    const t0 = clock.monotonicMs();
    let result: StepResult & { skippedByIf?: boolean };
    progress.stepStart({ step: step.id, uses: step.uses, attempt, role: work.route?.role, tier: work.route?.tier, spentUsd: spentUsd() });
    events.emit('step.start', { uses: step.uses });
    const stepController = new AbortController();
    const onAbort = () => stepController.abort();
    controller.signal.addEventListener('abort', onAbort, { once: true });
    // An interrupt that came while the step waited to start reaches it too.
    if (controller.signal.aborted) stepController.abort();
    let timer: NodeJS.Timeout | undefined;
    try {
      if (step.compiledIf && !(await evaluateCondition(step.compiledIf, scope()))) {
        result = { status: 'skipped', message: `if: ${step.if} was false`, skippedByIf: true };
      } else {
        const module = await loadStep(step.uses);
        if (!module) throw new PipeError('E_SCHEMA', `unknown step type '${step.uses}' in step '${step.id}'`);
        const args = ((await resolveWith(step.with ?? {}, scope(), step.source)) ?? {}) as Record<string, unknown>;
        checkStepWith(step, module.withSchema, args);
        const ctx = makeContext(step, stepController.signal);
        const running = module.run(ctx, args);
        if (step.timeout_s) {
          const timeout = new Promise<StepResult>((resolve) => {
            timer = setTimeout(() => {
              stepController.abort();
              resolve({ status: 'failed', code: 'E_INTERRUPTED', message: `step '${step.id}' timed out after ${step.timeout_s} s` });
            }, step.timeout_s! * 1000);
          });
          result = await Promise.race([running, timeout]);
        } else {
          result = await running;
        }
      }
    } catch (err) {
      const pe = isPipeError(err) ? err : new PipeError('E_INTERNAL', err instanceof Error ? err.message : String(err), { cause: err });
      result = { status: 'failed', code: pe.code, message: pe.message, output: pe.hint ? { hint: pe.hint } : undefined };
      if (pe.code === 'E_INTERNAL' && process.env.PIPE_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    } finally {
      if (timer) clearTimeout(timer);
      controller.signal.removeEventListener('abort', onAbort);
    }
    const durationMs = Math.round(clock.monotonicMs() - t0);
    const output = result.output ? redactValue(result.output) : null;
    stepsScope[step.id] = { status: result.status, output };
    stepRecords.push({
      id: step.id,
      uses: step.uses,
      attempt,
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
    progress.stepEnd({ step: step.id, uses: step.uses, attempt, status: result.status, message: result.message, durationMs, spentUsd: spentUsd(), role: work.route?.role, tier: work.route?.tier });
    saveState();
    return result;
  };

  const signalHandlers: [NodeJS.Signals, () => void][] = [];
  if (options.handleSignals) {
    for (const sig of ['SIGINT', 'SIGTERM'] as NodeJS.Signals[]) {
      const handler = () => {
        if (interrupted) return; // a second signal: keep running finally; `pipe recover` covers a kill -9
        interrupted = sig;
        events.emit('interrupt', { signal: sig });
        progress.note(`${sig}: stopping after the current step, then running finally steps`);
        controller.abort();
      };
      process.on(sig, handler);
      signalHandlers.push([sig, handler]);
    }
  }

  let stoppedBefore: string | null = null;
  let failure: { result: StepResult; step: ResolvedStep } | null = null;
  events.emit('run.start', { run_id: runId, task_id: options.task.id, pipeline: options.pipeline.name, provider: options.provider, dry_run: dryRun });
  if (options.baseline && options.baseline.status !== 'off') await recordBaseline(options.baseline, records, events);
  events.setContext({ attempt });
  events.emit('attempt.start', { attempt });
  saveState();
  // run.json and documents/ are written while the loop starts; every step waits for them
  // (runStep), so the starting point is captured before anything can change the tree.
  const startRecorded = dryRun
    ? Promise.resolve()
    : writeRunStart(options, { runId, startedAt: started, services }).catch((err) => events.emit('warning', { message: `run.json could not be written: ${(err as Error)?.message ?? err}` }));

  const steps = options.pipeline.steps;
  const indexOf = (id: string) => steps.findIndex((s) => s.id === id);
  let i = 0;
  try {
    while (i < steps.length) {
      const step = steps[i];
      if (interrupted) break;
      if (dryRun) {
        const module = await loadStep(step.uses);
        if (module?.callsProvider) {
          stoppedBefore = step.id;
          break;
        }
      }
      const result = await runStep(step, false);
      if (interrupted) {
        if (result.status !== 'succeeded' && result.status !== 'skipped') failure = { result, step };
        break;
      }
      if (result.status === 'succeeded' || result.status === 'skipped') {
        i += 1;
        continue;
      }
      const next = decideAfterFailure(step.on_fail, result, attempt, maxAttempts);
      if (next.action === 'continue') {
        i += 1;
        continue;
      }
      if (next.action === 'retry') {
        await runContext.startNextAttempt();
        events.emit('retry', { from: step.id, to: next.to, reason: result.message ?? null });
        attempt = runContext.attempt;
        events.setContext({ attempt });
        events.emit('attempt.start', { attempt });
        i = indexOf(next.to);
        if (i < 0) throw new PipeError('E_SCHEMA', `step '${step.id}': on_fail.retry names unknown step '${next.to}'`);
        continue;
      }
      failure = { result, step };
      if (next.action === 'escalate') {
        const declared = [...steps, ...options.pipeline.finally].find((s) => s.uses === 'escalate');
        const escalateStep: ResolvedStep = declared ? { ...declared, compiledIf: undefined } : { id: 'escalate', uses: 'escalate' };
        const escalation = await runStep(escalateStep, false);
        failure = { result: { ...escalation, status: 'escalated', message: escalation.message ?? result.message }, step: escalateStep };
      }
      break;
    }

    if (interrupted) {
      status = 'failed';
      error = { code: 'E_INTERRUPTED', message: `interrupted by ${interrupted}` };
    } else if (failure) {
      status = runStatusFor(failure.result);
      const code = (failure.result.code ?? (status === 'escalated' ? 'E_ESCALATED' : 'E_INTERNAL')) as ErrorCode;
      error = { code, message: failure.result.message ?? `step '${failure.step.id}' ${failure.result.status}` };
    } else {
      status = 'succeeded';
    }
  } catch (err) {
    status = 'failed';
    const pe = isPipeError(err) ? err : new PipeError('E_INTERNAL', String(err));
    error = { code: pe.code, message: pe.message };
  }

  await startRecorded;
  // finally: always, except in a dry run (nothing was written).
  if (!dryRun) {
    for (const step of options.pipeline.finally) await runStep(step, true);
    // The run ended on its own: whatever the tree now holds is its outcome. Only a
    // journal left open by a crash (kill -9) is for `pipe recover` to restore.
    const journal = work.journal as JournalHandle | undefined;
    if (journal?.path) {
      try {
        await services.workspace.close(journal.path);
      } catch (err) {
        events.emit('journal.close_failed', { message: String((err as Error)?.message ?? err) });
      }
    }
  }
  currentStep = null;
  exitCode = STATUS_EXIT[status as Exclude<RunStatus, 'running'>] ?? EXIT.failed;
  if (error && status === 'failed') {
    const mapped = new PipeError(error.code as ErrorCode, '').exitCode;
    if (mapped === EXIT.badInput) exitCode = EXIT.badInput;
  }
  events.setContext({});
  events.emit('run.end', { status, exit_code: exitCode, cost_usd: spentUsd(), attempts: attempt });
  saveState();
  for (const [sig, handler] of signalHandlers) process.off(sig, handler);
  options.signal?.removeEventListener('abort', onExternalAbort);
  return { state: state(), exitCode, work, events, stoppedBefore };
}

/** baseline.json (without the output) and each validator's output under validators/baseline/. */
async function recordBaseline(report: BaselineReport, records: FolderRecords | NoRecords, events: EventLog): Promise<void> {
  const validators = report.validators.map(({ stdout: _o, stderr: _e, ...rest }) => ({ ...rest, log: validatorLogPath('baseline', rest.name) }));
  await records.writeJson('baseline.json', { ...report, validators });
  for (const v of report.validators) await records.writeText(validatorLogPath('baseline', v.name), formatValidatorLog(v));
  events.emit('baseline', {
    status: report.status,
    cached: report.cached,
    digest: report.digest,
    validators: report.validators.map((v) => ({ name: v.name, status: v.status, failures: v.failures.length })),
    failures: report.validators.reduce((n, v) => n + v.failures.length, 0),
    warnings: report.warnings,
  });
}

export type { StepStatus };
