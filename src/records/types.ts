// The shape of .pipe/runs/<run-id>/state.json (DSL.md §5), rewritten atomically after every step.
import type { RunStatus, StepStatus } from '../runner/types.js';

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
}
