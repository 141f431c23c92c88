// The step-runner: walks a resolved pipeline's steps in order with `if`, `on_fail`
// (stop, continue, retry/then) bounded by max_attempts and the convergence verdict,
// then always runs `finally` (also after an interrupt). After every step it rewrites
// state.json atomically and appends to events.jsonl. The parts: active-run.ts (the run's
// shared state and services), dispatch.ts (one step), attempts.ts (the attempt loop),
// finally.ts, state.ts (state.json), interrupts.ts (signals).
import { EXIT, PipeError, isPipeError, type ErrorCode } from '../errors.js';
import type { EventLog, FolderRecords, NoRecords } from '../records/writer.js';
import type { RunSources, RunState } from '../records/types.js';
import type { Config, Policy, Task } from '../types/generated/index.js';
import type { BaselineReport } from '../validation/baseline/types.js';
import { formatValidatorLog, validatorLogPath } from '../validation/output-log.js';
import type { ResolvedPipeline } from '../dsl/types.js';
import type { ProviderName } from '../providers/contract.js';
import { openRun, type ActiveRun } from './active-run.js';
import { runAttempts, type LoopEnd } from './attempts.js';
import { runFinally } from './finally.js';
import { watchInterrupts } from './interrupts.js';
import { writeRunStart } from './start-record.js';
import { runState, saveRunState } from './state.js';
import type { RunServices, RunStatus, RunWork, StepResult, StepStatus } from './types.js';

export { newRunId } from './active-run.js';

/** The documents a run follows: the task, its pipeline, the merged policy, the config. */
export interface RunDocuments {
  task: Task;
  taskFile: string;
  taskDir: string;
  pipeline: ResolvedPipeline;
  policy: Policy;
  config: Config;
}

export interface RunOptions extends RunDocuments {
  repo: string;
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

function runStatusFor(result: StepResult): Exclude<RunStatus, 'running' | 'succeeded'> {
  if (result.status === 'refused' || result.status === 'blocked' || result.status === 'escalated') return result.status;
  return 'failed';
}

export async function executeRun(options: RunOptions): Promise<RunOutcome> {
  const run = openRun(options);
  const stopWatching = watchInterrupts(run);
  await beginRun(run);
  let end: LoopEnd = { failure: null, stoppedBefore: null };
  try {
    end = await runAttempts(run);
    settleStatus(run, end);
  } catch (err) {
    run.status = 'failed';
    const pe = isPipeError(err) ? err : new PipeError('E_INTERNAL', String(err));
    run.error = { code: pe.code, message: pe.message };
  }
  await run.startRecorded;
  await runFinally(run);
  endRun(run);
  stopWatching();
  return { state: runState(run), exitCode: run.exitCode as number, work: run.context.work, events: run.events, stoppedBefore: end.stoppedBefore };
}

/** run.start, the baseline's records, the first attempt; run.json and documents/ start being written. */
async function beginRun(run: ActiveRun): Promise<void> {
  const { options, events } = run;
  events.emit('run.start', { run_id: run.id, task_id: options.task.id, pipeline: options.pipeline.name, provider: options.provider, dry_run: run.dryRun });
  if (options.baseline && options.baseline.status !== 'off') await recordBaseline(options.baseline, run.records, events);
  events.setContext({ attempt: run.context.attempt });
  events.emit('attempt.start', { attempt: run.context.attempt });
  saveRunState(run);
  // Written while the loop starts; every step waits for it (runStep), so the starting
  // point is captured before anything can change the tree.
  run.startRecorded = run.dryRun
    ? Promise.resolve()
    : writeRunStart(options, { runId: run.id, startedAt: run.started, services: run.services }).catch((err) => events.emit('warning', { message: `run.json could not be written: ${(err as Error)?.message ?? err}` }));
}

/** The run's status and error from how the loop ended. */
function settleStatus(run: ActiveRun, end: LoopEnd): void {
  if (run.interrupted) {
    run.status = 'failed';
    run.error = { code: 'E_INTERRUPTED', message: `interrupted by ${run.interrupted}` };
  } else if (end.failure) {
    const { result, step } = end.failure;
    run.status = runStatusFor(result);
    const code = (result.code ?? (run.status === 'escalated' ? 'E_ESCALATED' : 'E_INTERNAL')) as ErrorCode;
    run.error = { code, message: result.message ?? `step '${step.id}' ${result.status}` };
  } else {
    run.status = 'succeeded';
  }
}

/** The exit code (a configuration failure is exit 2 whatever step it came from), run.end, the last state.json. */
function endRun(run: ActiveRun): void {
  run.currentStep = null;
  let exitCode = STATUS_EXIT[run.status as Exclude<RunStatus, 'running'>] ?? EXIT.failed;
  if (run.error && run.status === 'failed') {
    const mapped = new PipeError(run.error.code as ErrorCode, '').exitCode;
    if (mapped === EXIT.badInput) exitCode = EXIT.badInput;
  }
  run.exitCode = exitCode;
  run.events.setContext({});
  run.events.emit('run.end', { status: run.status, exit_code: exitCode, cost_usd: run.context.spentUsd(), attempts: run.context.attempt });
  saveRunState(run);
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
