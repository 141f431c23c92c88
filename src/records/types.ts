// The shape of .pipe/runs/<run-id>/state.json (DSL.md §5), rewritten atomically after every step.
import type { RunStatus, StepStatus } from '../runner/types.js';
import type { ValidatorOutcome } from '../validation/run.js';

export interface StepRecord {
  id: string;
  uses: string;
  attempt: number;
  status: StepStatus;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  message: string | null;
  code: string | null;
  output: Record<string, unknown> | null;
  /** true for steps of the pipeline's finally list. */
  finally: boolean;
}

export interface RunState {
  run_id: string;
  task_id: string;
  task_file: string;
  pipeline: string;
  repo: string;
  records_dir: string;
  provider: string;
  dry_run: boolean;
  status: RunStatus;
  exit_code: number | null;
  attempts: number;
  max_attempts: number;
  escalation_depth: number;
  verdict: string | null;
  cost_usd: number;
  files_changed: string[];
  current_step: string | null;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  error: { code: string; message: string } | null;
  pid: number;
  /** The `pipe batch` the run was part of (absent outside a batch). */
  batch_id?: string;
  steps: StepRecord[];
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
  | 'baseline'
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
  /** Appends one JSON document as a line (calls.jsonl, validators.jsonl). */
  appendJsonLine(name: string, value: unknown): Promise<void>;
}

// ---------------------------------------------------------------- run.json (format 2)

/** The records format `pipe replay` needs; records without run.json are format 1. */
export const RECORD_FORMAT_VERSION = 2;

export type DocumentName = 'pipeline' | 'policy' | 'task' | 'config';
export const DOCUMENT_NAMES: readonly DocumentName[] = ['pipeline', 'policy', 'task', 'config'];

export interface DirtyFile {
  /** Repo-relative path. */
  path: string;
  /** git status's two-letter code (' M', 'A ', '??', ' D', …). */
  status: string;
  /** sha256 of the working file's bytes, null when it is deleted. */
  sha256: string | null;
}

/** Where a run started: the commit and the uncommitted work in the tree. */
export interface StartingPoint {
  /** HEAD's commit id, null in a repository without commits. */
  commit: string | null;
  branch: string | null;
  dirty: boolean;
  dirty_files: DirtyFile[];
}

/** Ledger spend of one role when the run started, split into this task and every other task. */
export interface RoleSpendAtStart {
  task_spent_usd: number;
  task_reserved_usd: number;
  other_spent_usd: number;
  other_reserved_usd: number;
}

/** Everything the budget step's scopes (project, role, task) summed at the run's start. */
export interface SpendAtStart {
  project: string;
  task_id: string;
  ledger: string;
  roles: Record<string, RoleSpendAtStart>;
}

/** Where the documents in force came from, so a replay can read them again from disk. */
export interface RunSources {
  task_file: string;
  config_file: string | null;
  /** Every policy file merged, default first. */
  policy_files: string[];
  /** The policy files given with --policy (a subset of policy_files). */
  policy_flags: string[];
  /** The pipeline file loaded (absolute, or builtin:<name>): --pipeline, else the task's, else fix. */
  pipeline: string;
  pipeline_from_flag: boolean;
}

export interface RunRecordFile {
  format_version: typeof RECORD_FORMAT_VERSION;
  run_id: string;
  task_id: string;
  started_at: string;
  provider: string;
  project: string;
  approved_roles: string[];
  started_from: StartingPoint;
  sources: RunSources | null;
  /** Records-dir-relative files of the resolved documents and their sha256. */
  documents: Record<DocumentName, { file: string; sha256: string }>;
  spend_at_start: SpendAtStart | null;
  /** Why the spend at start could not be read (the ledger did not open), when it could not. */
  spend_at_start_error: string | null;
}

/** One model call as calls.jsonl records it; the prompt is in prompt_file. */
export interface CallRecord {
  index: number;
  step: string | null;
  attempt: number;
  provider: string;
  role: string;
  model: string;
  tier: string;
  reasoning_effort: string;
  max_output_tokens: number;
  expect: string;
  prompt_file: string;
  prompt_sha256: string;
  ok: boolean;
  answer: string | null;
  answer_sha256: string | null;
  finish_reason: string | null;
  usage: { inputTokens: number; cachedInputTokens: number; outputTokens: number; reasoningTokens: number } | null;
  tier_served: string | null;
  request_id: string | null;
  duration_ms: number;
  /** A provider failure (kind) or a configuration error (code). */
  error: { kind: string | null; code: string | null; message: string; status: number | null; billed: CallRecord['usage'] } | null;
}

/** One validate step's results as validators.jsonl records them. */
export interface ValidatorsRecord {
  attempt: number;
  step: string;
  patch_sha256: string | null;
  outcomes: ValidatorOutcome[];
}
