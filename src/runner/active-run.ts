// One run in progress: what the runner's parts share (step dispatch, the attempt loop,
// finally, state.json, interrupts). openRun makes it from the options: the run folder,
// the event log, the services every step reaches its side effects through, and the
// RunContext steps get their contexts from. Nothing outside src/runner/ sees it.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { PipeError } from '../errors.js';
import { runCommand } from '../exec/run.js';
import type { SandboxChoice } from '../exec/sandbox/index.js';
import { treeWorkspace } from '../patch/workspace.js';
import { recordingProviders } from '../records/calls.js';
import { EventLog, FolderRecords, NoRecords, ensurePipeIgnored, runsDir } from '../records/writer.js';
import type { StepRecord } from '../records/types.js';
import { runValidators } from '../validation/run.js';
import { decideSandbox } from '../validation/sandbox.js';
import { createRunContext, type RunContext } from './context.js';
import type { RunOptions } from './runner.js';
import { silentProgress, systemClock } from './services.js';
import type { Clock, Progress, RunServices, RunStatus } from './types.js';

export interface ActiveRun {
  readonly options: RunOptions;
  readonly id: string;
  readonly dryRun: boolean;
  readonly started: Date;
  readonly startedMs: number;
  /** null in a dry run: nothing is written. */
  readonly recordsDir: string | null;
  readonly durable: boolean;
  readonly clock: Clock;
  readonly records: FolderRecords | NoRecords;
  readonly events: EventLog;
  readonly progress: Progress;
  readonly services: RunServices;
  readonly context: RunContext;
  readonly maxAttempts: number;
  /** Aborted on an interrupt; each running step's own signal follows it. */
  readonly controller: AbortController;
  /** Every step run so far, finally steps included (state.json's `steps`). */
  readonly stepRecords: StepRecord[];
  status: RunStatus;
  exitCode: number | null;
  error: { code: string; message: string } | null;
  currentStep: string | null;
  /** What interrupted the run ('SIGINT', 'SIGTERM', 'aborted'), once something has. */
  interrupted: string | null;
  /** run.json and documents/ being written (src/runner/start-record.ts); every step waits for it. */
  startRecorded: Promise<unknown>;
}

function missingServiceError(what: string): never {
  throw new PipeError('E_INTERNAL', `no ${what} is configured for this run`);
}

/** The services a run's steps get: the options' own, else the defaults over the working tree. */
function runServices(options: RunOptions, run: Pick<ActiveRun, 'clock' | 'events' | 'records' | 'progress' | 'dryRun'>, callSite: () => { step: string | null; attempt: number }): RunServices {
  const { clock, records } = run;
  const exec = options.services?.exec ?? runCommand;
  const providers = options.services?.provider ?? (() => missingServiceError('provider'));
  let sandbox: Promise<SandboxChoice> | null = null;
  return {
    exec,
    clock,
    events: run.events,
    records,
    progress: run.progress,
    approve: options.services?.approve ?? (async () => false),
    ledger: options.services?.ledger ?? (() => missingServiceError('ledger')),
    // Every call's prompt and answer go to the records (a dry run makes no call).
    provider: run.dryRun ? providers : recordingProviders(providers, records, callSite, () => clock.monotonicMs()),
    workspace: options.services?.workspace ?? treeWorkspace(options.repo, exec),
    validators: options.services?.validators ?? runValidators,
    sandbox: options.services?.sandbox ?? (() => (sandbox ??= decideSandbox(options.policy))),
  };
}

export function newRunId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export function openRun(options: RunOptions): ActiveRun {
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
  const maxAttempts = options.task.max_attempts ?? 3;
  // The call site is read when a call is recorded, after `run` below exists.
  const services = runServices(options, { clock, events, records, progress, dryRun }, () => ({ step: run.currentStep, attempt: run.context.attempt }));
  const context = createRunContext({
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
  context.work.userWork = [...(options.userWork ?? [])];
  if (options.baseline?.status === 'ready') context.work.baseline = options.baseline;
  const run: ActiveRun = {
    options, id: runId, dryRun, started, startedMs, recordsDir, durable, clock, records, events, progress, services, context, maxAttempts,
    controller: new AbortController(),
    stepRecords: [],
    status: 'running',
    exitCode: null,
    error: null,
    currentStep: null,
    interrupted: null,
    startRecorded: Promise.resolve(),
  };
  return run;
}
