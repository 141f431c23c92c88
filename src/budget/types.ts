// The ledger's contract: one row per provider call (or blocked attempt at one) in
// table ledger_entries (DSL.md §5). Implemented over knex for SQLite and PostgreSQL.

export type LedgerStatus = 'reserved' | 'settled' | 'failed' | 'blocked';

export interface LedgerEntry {
  id: string;
  project: string;
  run_id: string;
  task_id: string;
  role: string;
  provider: string;
  model: string;
  tier_requested: string | null;
  tier_served: string | null;
  reasoning_effort: string | null;
  est_input_tokens: number;
  est_output_tokens: number;
  projected_usd: number;
  input_tokens: number | null;
  cached_input_tokens: number | null;
  output_tokens: number | null;
  reasoning_tokens: number | null;
  actual_usd: number | null;
  status: LedgerStatus;
  reason: string | null;
  request_id: string | null;
  created_at: string;
  updated_at: string;
}

/** Limits checked atomically with the reservation; undefined = no limit at that level. */
export interface BudgetLimits {
  projectUsd?: number;
  roleUsd?: number;
  taskUsd?: number;
}

export interface ReserveRequest {
  project: string;
  runId: string;
  taskId: string;
  role: string;
  provider: string;
  model: string;
  tierRequested: string | null;
  reasoningEffort: string | null;
  estInputTokens: number;
  estOutputTokens: number;
  projectedUsd: number;
  limits: BudgetLimits;
}

export type BudgetLevel = 'project' | 'role' | 'task';

export type ReserveOutcome =
  | { ok: true; entryId: string }
  | { ok: false; entryId: string; level: BudgetLevel; limitUsd: number; spentUsd: number; headroomUsd: number };

export interface SettleRequest {
  entryId: string;
  status: 'settled' | 'failed';
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  actualUsd: number;
  tierServed: string | null;
  requestId: string | null;
  reason?: string | null;
}

export interface SpendFigures {
  limit_usd: number | null;
  spent_usd: number;
  reserved_usd: number;
  headroom_usd: number | null;
}

export interface BudgetSummary {
  project: SpendFigures;
  roles: Record<string, SpendFigures>;
  tasks: Record<string, SpendFigures>;
}

export interface Ledger {
  /** Checks every limit and inserts the `reserved` row in one transaction; over a limit it inserts a `blocked` row instead. */
  reserve(request: ReserveRequest): Promise<ReserveOutcome>;
  /** Records a call blocked before the ledger check (a per-call limit, runtime, approval). */
  recordBlocked(request: Omit<ReserveRequest, 'limits'> & { reason: string }): Promise<string>;
  settle(request: SettleRequest): Promise<void>;
  entries(filter?: { runId?: string; taskId?: string; role?: string; since?: string }): Promise<LedgerEntry[]>;
  close(): Promise<void>;
}
