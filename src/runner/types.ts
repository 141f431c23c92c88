// The contract between the step-runner and step modules. Steps share one typed
// blackboard (`ctx.work`) for the current attempt and the run's history, and reach
// every side effect through `ctx.services`.
import type { ErrorCode } from '../errors.js';
import type { Exec } from '../exec/run.js';
import type { Ledger } from '../budget/types.js';
import type { RoleProvider } from '../providers/contract.js';
import type { Config, Policy, Task, Effort, RoleName, Tier, Step as PipelineStep } from '../types/generated/index.js';

export type { RoleName, Tier, Effort };

export type StepStatus = 'succeeded' | 'failed' | 'blocked' | 'refused' | 'skipped' | 'escalated';
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'blocked' | 'escalated' | 'refused';
export type RoleMode = 'patch' | 'diagnosis' | 'label';
export type ProviderName = 'fake' | 'openai';

/** Where a thing came from in a YAML file, for error messages. */
export interface SourceRef {
  file: string;
  line: number;
  column: number;
  pointer: string;
}

/** A JSONata expression compiled once at load time (src/dsl/expressions.ts). */
export interface CompiledExpression {
  source: string;
  where?: SourceRef;
  evaluate(scope: Record<string, unknown>, options?: { timeoutMs?: number }): Promise<unknown>;
}

/** A pipeline step after loading: `extends` resolved, `if` compiled. */
export interface ResolvedStep extends PipelineStep {
  compiledIf?: CompiledExpression;
  source?: SourceRef;
}

export interface ResolvedPipeline {
  name: string;
  /** The file it was loaded from, or `builtin:<name>`. */
  file: string;
  /** The extends chain, child first. */
  chain: string[];
  inputs: Record<string, { description?: string; default?: unknown }>;
  steps: ResolvedStep[];
  finally: ResolvedStep[];
}

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

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface RouteDecision {
  role: RoleName;
  /** Name (or `#<index>`) of the routing rule that matched; null when forced by `with.role`. */
  rule: string | null;
  ruleIndex: number | null;
  /** Why: the rule's `when` text, or "forced by with.role". */
  reason: string;
  provider: ProviderName;
  model: string;
  mode: RoleMode;
  tier: Tier;
  fallbackTier: Tier | null;
  reasoningEffort: Effort;
  maxOutputTokens: number;
  manualApproval: boolean;
  /** Reviewers in diagnosis mode may patch only when the policy says so. */
  allowPatch: boolean;
  escalationDepth: number;
}

export interface ContextFileEntry {
  path: string;
  chars: number;
  /** Why it is in: named by the task first, then glob matches. */
  source: 'context_files' | 'allowed_files';
  truncated: boolean;
}

export interface ScopedContext {
  messages: ChatMessage[];
  files: ContextFileEntry[];
  /** What was left out or trimmed, and why. */
  cut: { path: string; reason: string; limit?: 'max_context_chars_per_call' | 'max_input_tokens_per_call'; truncated?: boolean }[];
  contextChars: number;
  /** Exact token count of `messages` for the route's model, including per-message overhead. */
  inputTokens: number;
}

export interface Usage {
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

export interface Reservation {
  /** ledger_entries.id of the reserved row. */
  entryId: string;
  projectedUsd: number;
  estInputTokens: number;
  estOutputTokens: number;
}

/** The model's answer for this attempt, as text; the gate parses patches. */
export interface ProposalText {
  kind: RoleMode;
  text: string;
  finishReason: string;
  tierServed: string | null;
  requestId: string | null;
  usage: Usage;
  costUsd: number;
}

export interface Failure {
  validator: string;
  id: string;
  category: string;
  file: string | null;
  line: number | null;
  message: string;
}

export type VerdictName = 'first' | 'progress' | 'stall' | 'divergence' | 'success';

export interface Verdict {
  verdict: VerdictName;
  reasons: string[];
  evidence: Record<string, unknown>;
}

/** What one attempt did; steps fill in their part. */
export interface AttemptRecord {
  attempt: number;
  role?: RoleName;
  model?: string;
  tier?: string | null;
  costUsd: number;
  /** Records-dir-relative path of attempt-N.patch. */
  patchFile?: string;
  filesTouched: string[];
  diffBytes: number;
  linesAdded: number;
  linesRemoved: number;
  /** Gate or contract problem that ended this attempt, if any. */
  refusal?: { code: string; message: string } | null;
  failures: Failure[];
  passedValidators: string[];
  failedValidators: string[];
  verdict?: Verdict;
}

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
  /** Free space for step types added by users. */
  extra: Record<string, unknown>;
}

// ---------------------------------------------------------------- services

export interface Clock {
  now(): Date;
  /** Monotonic milliseconds, for durations. */
  monotonicMs(): number;
}

export type EventType =
  | 'run.start'
  | 'run.end'
  | 'step.start'
  | 'step.end'
  | 'step.skipped'
  | 'attempt.start'
  | 'retry'
  | 'provider.call'
  | 'provider.result'
  | 'ledger.entry'
  | 'validator.result'
  | 'verdict'
  | 'escalation'
  | 'rollback'
  | 'interrupt'
  | 'warning';

export interface RunEvent {
  ts: string;
  type: EventType | string;
  step?: string;
  attempt?: number;
  [key: string]: unknown;
}

export interface EventSink {
  emit(type: EventType | string, data?: Record<string, unknown>): void;
}

/** Files of the run's record folder (.pipe/runs/<id>/). No-ops in a dry run. */
export interface RunRecords {
  /** Absolute path, or null in a dry run. */
  readonly dir: string | null;
  writeText(name: string, text: string): Promise<void>;
  writeJson(name: string, value: unknown): Promise<void>;
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
