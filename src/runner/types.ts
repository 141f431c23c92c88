// The contract between the step-runner and step modules. Steps share one typed
// blackboard (`ctx.work`) for the current attempt and the run's history, and reach
// every side effect through `ctx.services`.
import type { ErrorCode } from '../errors.js';
import type { Exec } from '../exec/run.js';
import type { SandboxChoice } from '../exec/sandbox/types.js';
import type { Ledger } from '../budget/types.js';
import type { ProposalText, ProviderName, RoleProvider } from '../providers/contract.js';
import type { Reservation } from '../budget/types.js';
import type { ScopedContext } from '../context/types.js';
import type { AttemptRecord, VerdictName } from '../convergence/types.js';
import type { EventSink, RunRecords } from '../records/types.js';
import type { RoleName, RouteDecision } from '../routing/types.js';
import type { Config, Policy, Task } from '../types/generated/index.js';
import type { Workspace } from '../patch/workspace.js';
import type { ValidatorRunner } from '../validation/types.js';
import type { BaselineReport } from '../validation/baseline/types.js';

export type StepStatus = 'succeeded' | 'failed' | 'blocked' | 'refused' | 'skipped' | 'escalated';
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'blocked' | 'escalated' | 'refused';

export interface StepResult {
  status: StepStatus;
  /** JSON-serialisable; later expressions see it as steps.<id>.output. */
  output?: Record<string, unknown>;
  message?: string;
  code?: ErrorCode;
  /** A convergence verdict (stall, divergence) says retrying is pointless. */
  stopRetries?: boolean;
}

export interface StepModule<W = Record<string, unknown>> {
  /** The `uses` name. */
  type: string;
  /** JSON Schema of `with` (schemas/steps/<type>.with.schema.json). */
  withSchema: Record<string, unknown>;
  /** The dry run stops before a step that would call a provider. */
  callsProvider?: boolean;
  run(ctx: StepContext, args: W): Promise<StepResult>;
}

// ---------------------------------------------------------------- work items

/** The blackboard shared by steps of one run. */
export interface RunWork {
  route?: RouteDecision;
  context?: ScopedContext;
  reservation?: Reservation;
  proposal?: ProposalText;
  /** Parsed, gated patch (src/patch types); unknown here to keep the runner independent. */
  patch?: unknown;
  /** Open checkpoint journal of the applied attempt (src/patch/workspace). */
  journal?: unknown;
  /** Files the run has changed so far (repo-relative). */
  filesChanged: string[];
  attempts: AttemptRecord[];
  escalationDepth: number;
  lastVerdict: VerdictName | null;
  diagnosis?: string;
  /** The validators on the unchanged tree (status 'ready'), when the run has one: attempts are judged against it. */
  baseline?: BaselineReport;
  /** Files in allowed_files holding the user's uncommitted work, which no patch may touch (src/context/user-work.ts). */
  userWork?: string[];
  /** Free space for step types added by users. */
  extra: Record<string, unknown>;
}

// ---------------------------------------------------------------- services

export interface Clock {
  now(): Date;
  /** Monotonic milliseconds, for durations. */
  monotonicMs(): number;
}

/** Progress lines on a terminal; silent with --json. */
export interface Progress {
  stepStart(info: { step: string; uses: string; attempt: number; role?: string; tier?: string; spentUsd: number }): void;
  stepEnd(info: { step: string; uses: string; attempt: number; status: StepStatus; message?: string; durationMs: number; spentUsd: number; role?: string; tier?: string }): void;
  note(message: string): void;
}

export interface ApprovalRequest {
  role: RoleName;
  model: string;
  tier: string;
  projectedUsd: number;
}

/** Asks a person; resolves true only on an explicit yes. */
export type Approver = (request: ApprovalRequest) => Promise<boolean>;

export interface RunServices {
  exec: Exec;
  clock: Clock;
  events: EventSink;
  records: RunRecords;
  progress: Progress;
  approve: Approver;
  /** The budget ledger, opened on first use and closed by the runner at the end. */
  ledger(): Promise<Ledger>;
  /** The provider for a role's provider name (fake replays the task's script in order). */
  provider(name: ProviderName): RoleProvider;
  /** The tree the run changes: dirty-file check, checkpoint, apply, rollback. */
  workspace: Workspace;
  /** Runs the validate step's validators. */
  validators: ValidatorRunner;
  /** The sandbox validators run in (decided once per run; `required` without one throws E_CONFIG). Absent: decided from the policy. */
  sandbox?(): Promise<SandboxChoice>;
}

export interface RunInfo {
  id: string;
  taskFile: string;
  status: RunStatus;
  dryRun: boolean;
  startedAt: Date;
  provider: ProviderName;
  /** Roles approved on the command line (--approve). */
  approvedRoles: string[];
  /** Names the ledger scope shared by everything using this ledger. */
  project: string;
  /** Ledger location: a SQLite file path or a postgres:// URL. */
  ledger: string;
  /** The `pipe batch` this run is part of: its id goes on every ledger row, its limit is checked with the others. */
  batch?: { id: string; maxCostUsd?: number };
}

export interface StepContext {
  run: RunInfo;
  task: Task;
  /** Folder of the task file (fake patch_file paths resolve from it). */
  taskDir: string;
  policy: Policy;
  config: Config;
  /** Absolute repository root. */
  repo: string;
  attempt: number;
  maxAttempts: number;
  /** The step being run. */
  step: { id: string; uses: string };
  steps: Record<string, { status: StepStatus; output: Record<string, unknown> | null }>;
  work: RunWork;
  services: RunServices;
  signal: AbortSignal;
  /** The current attempt's record (created by the runner at each attempt start). */
  currentAttempt(): AttemptRecord;
  /** Registers work to do before the next retry jumps back (e.g. roll back the attempt's patch). */
  beforeRetry(hook: () => Promise<void>): void;
  /** Total USD this run has spent so far (settled + failed actual costs). */
  spentUsd(): number;
  addSpend(usd: number): void;
}
