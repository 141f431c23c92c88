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
  /** The `pipe batch` the call belongs to; null outside a batch. */
  batch_id: string | null;
  created_at: string;
  updated_at: string;
  /** The task limit the run enforced when this row was written (null: none, or a row from before schema version 2). */
  task_limit_usd: number | null;
}

/** Limits checked atomically with the reservation; undefined = no limit at that level. */
export interface BudgetLimits {
  projectUsd?: number;
  roleUsd?: number;
  taskUsd?: number;
  /** The batch's own limit (policy batch.max_cost_usd or --max-cost); counts rows with the request's batchId. */
  batchUsd?: number;
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
  /** The `pipe batch` this call belongs to (ledger_entries.batch_id); absent outside a batch. */
  batchId?: string | null;
}

export type BudgetLevel = 'project' | 'role' | 'task' | 'batch';

export type ReserveOutcome =
  | { ok: true; entryId: string; scopes: ScopeFigures }
  | { ok: false; entryId: string; level: BudgetLevel; limitUsd: number; spentUsd: number; headroomUsd: number; scopes: ScopeFigures };

/** Spend at each budget level as seen inside the reserve transaction, before this call's projection. */
export type ScopeFigures = Record<BudgetLevel, SpendFigures>;

/** Settled/failed actual spend and open reservations of one (role, task) pair. */
export interface SpendRow {
  role: string;
  task_id: string;
  spent_usd: number;
  reserved_usd: number;
}

export interface EntryFilter {
  project?: string;
  runId?: string;
  taskId?: string;
  role?: string;
  batchId?: string;
  /** ISO 8601 instant: rows created at or after it. */
  since?: string;
  status?: LedgerStatus;
}

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

export type LedgerKind = 'sqlite' | 'postgres';

export interface Ledger {
  /** Checks every limit and inserts the `reserved` row in one transaction; over a limit it inserts a `blocked` row instead. */
  reserve(request: ReserveRequest): Promise<ReserveOutcome>;
  /** Records a call blocked before the ledger check (a per-call limit, runtime, approval). */
  recordBlocked(request: Omit<ReserveRequest, 'limits'> & { limits?: ReserveRequest['limits']; reason: string }): Promise<string>;
  settle(request: SettleRequest): Promise<void>;
  entries(filter?: EntryFilter): Promise<LedgerEntry[]>;
  /** Spend at the project, role and task levels without reserving (dry runs, plan). */
  scopes(request: Pick<ReserveRequest, 'project' | 'role' | 'taskId' | 'limits' | 'batchId'>): Promise<ScopeFigures>;
  /** Spend grouped by role and task (settled + failed actual_usd; open reservations' projected_usd). */
  spendByRoleAndTask(filter: { project: string; since?: string; taskId?: string; role?: string }): Promise<SpendRow[]>;
  /** Per task id, the task limit its newest run enforced (policy task_budget_usd or the task's max_usd, whichever is smaller). */
  taskLimits(filter: { project: string }): Promise<Record<string, number>>;
  /** 'sqlite' or 'postgres'. */
  readonly kind: LedgerKind;
  /** True when opened read-only (dry runs): reserve, recordBlocked and settle throw. */
  readonly readOnly: boolean;
  close(): Promise<void>;
}

export interface Reservation {
  /** ledger_entries.id of the reserved row. */
  entryId: string;
  projectedUsd: number;
  estInputTokens: number;
  estOutputTokens: number;
}
