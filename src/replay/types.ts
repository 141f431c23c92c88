// The replay's own data: a recorded run as loaded, what one replay found, and the report
// `pipe replay` prints (and returns under --json).
import type { CallRecord, RunRecordFile, RunState, ValidatorsRecord } from '../records/types.js';
import type { RunDocuments } from '../runner/runner.js';
import type { BaselineReport } from '../validation/baseline/types.js';

/** A run record that has everything a replay needs (format 2). */
export interface LoadedRun {
  id: string;
  dir: string;
  state: RunState;
  record: RunRecordFile;
  calls: CallRecord[];
  validators: ValidatorsRecord[];
  /** baseline.json (the validators on the unchanged tree), when the run had one. */
  baseline: BaselineReport | null;
}

/** A run folder a replay cannot use, and why. */
export interface UnreplayableRun {
  id: string;
  dir: string;
  state: RunState | null;
  reason: string;
}

/** The fields compared between the recorded run and its replay. */
export interface OutcomeView {
  /** Per attempt: role (model, tier, effort); a reviewer call last, as `reviewer <role> (…)`. */
  route: string[];
  /** The limit that blocked a call ('task', 'project', 'role', 'max_input_tokens_per_call', 'approval', …), or null. */
  blocked: string | null;
  /** Per attempt: passed, refused (rules), failed (rules), or '-' when no patch reached the gate. */
  gate: string[];
  attempts: number;
  verdict: string | null;
  /** `<exit code> <status>`. */
  exit: string;
  spend_usd: number;
}

export type OutcomeField = keyof OutcomeView;
export const OUTCOME_FIELDS: readonly OutcomeField[] = ['route', 'blocked', 'gate', 'attempts', 'verdict', 'exit', 'spend_usd'];

/** A step as the replay compares timelines: attempt/id, status, code and message. */
export interface TimelineLine {
  attempt: number | 'finally';
  id: string;
  status: string;
  code: string | null;
  message: string | null;
}

export interface StandIn {
  call: number;
  recorded: { role: string; model: string; tier: string };
  replayed: { role: string; model: string; tier: string };
}

export type ReplayResult = 'same' | 'changed' | 'undetermined' | 'not_replayable';

export interface RunComparison {
  run_id: string;
  task_id: string;
  started_at: string | null;
  result: ReplayResult;
  /** Why the run is not replayable or why its replay could not finish. */
  reason: string | null;
  changed: OutcomeField[];
  old: OutcomeView | null;
  new: OutcomeView | null;
  /** The message of the step that blocked, old and new (what the limit and figures were). */
  blocked_message: { old: string | null; new: string | null };
  /** Calls whose recorded answer stood in for a different model's. */
  stand_ins: StandIn[];
  notes: string[];
  timeline: { old: TimelineLine[]; new: TimelineLine[] } | null;
}

export interface ReplayTotals {
  runs: number;
  replayed: number;
  same: number;
  changed: number;
  undetermined: number;
  not_replayable: number;
  spend_old_usd: number;
  spend_new_usd: number;
  spend_delta_usd: number;
}

export interface ReplayReport {
  validate: boolean;
  documents: { policy: string[]; pipeline: string | null; config: string | null; task: string[] };
  runs: RunComparison[];
  totals: ReplayTotals;
}

/** The documents a replayed run is judged under (resolved by the caller: now on disk, plus flags). */
export interface ReplayDocuments extends RunDocuments {
  project: string;
  /** Notes on where they came from (a task file gone from disk, …). */
  notes: string[];
}
