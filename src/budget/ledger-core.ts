// The ledger over knex, shared by SQLite and PostgreSQL. Only the atomic part of
// reserve() differs (how the budget scope is locked); everything else is plain SQL
// both databases understand.
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { PipeError } from '../errors.js';
import { budgetBlockMessage, figures, firstExceededLevel } from './limits.js';
import { roundUsd } from './pricing.js';
import type {
  EntryFilter,
  Ledger,
  LedgerEntry,
  LedgerKind,
  ReserveOutcome,
  ReserveRequest,
  ScopeFigures,
  SettleRequest,
  SpendRow,
} from './types.js';

export const TABLE = 'ledger_entries';

/** Runs `?`-placeholder SQL inside the reserve transaction. */
export interface TxQuery {
  all(sql: string, bindings: unknown[]): Promise<Record<string, unknown>[]>;
  run(sql: string, bindings: unknown[]): Promise<void>;
}

/** Runs `work` in one transaction that holds the budget scope's lock (BEGIN IMMEDIATE / advisory lock). */
export type LockedTransaction = <T>(project: string, work: (tx: TxQuery) => Promise<T>) => Promise<T>;

// Spend counted against a budget = settled and failed actual cost + open reservations' projection.
const SPENT = `CASE WHEN status IN ('settled','failed') THEN COALESCE(actual_usd, 0) ELSE 0 END`;
const RESERVED = `CASE WHEN status = 'reserved' THEN projected_usd ELSE 0 END`;
const scopeSql = (batchColumn: boolean) => `SELECT
  COALESCE(SUM(${SPENT}), 0) AS p_spent,
  COALESCE(SUM(${RESERVED}), 0) AS p_reserved,
  COALESCE(SUM(CASE WHEN role = ? THEN ${SPENT} ELSE 0 END), 0) AS r_spent,
  COALESCE(SUM(CASE WHEN role = ? THEN ${RESERVED} ELSE 0 END), 0) AS r_reserved,
  COALESCE(SUM(CASE WHEN task_id = ? THEN ${SPENT} ELSE 0 END), 0) AS t_spent,
  COALESCE(SUM(CASE WHEN task_id = ? THEN ${RESERVED} ELSE 0 END), 0) AS t_reserved,
  ${batchColumn ? `COALESCE(SUM(CASE WHEN batch_id = ? THEN ${SPENT} ELSE 0 END), 0)` : '0'} AS b_spent,
  ${batchColumn ? `COALESCE(SUM(CASE WHEN batch_id = ? THEN ${RESERVED} ELSE 0 END), 0)` : '0'} AS b_reserved
FROM ${TABLE} WHERE project = ? AND status <> 'blocked'`;
const SCOPE_SQL = scopeSql(true);
// A ledger opened read-only is not migrated: one written by a pipe before batches has no batch_id column.
const SCOPE_SQL_WITHOUT_BATCH = scopeSql(false);

const COLUMNS = [
  'id', 'project', 'run_id', 'task_id', 'role', 'provider', 'model', 'tier_requested', 'tier_served', 'reasoning_effort',
  'est_input_tokens', 'est_output_tokens', 'projected_usd', 'input_tokens', 'cached_input_tokens', 'output_tokens',
  'reasoning_tokens', 'actual_usd', 'status', 'reason', 'request_id', 'batch_id', 'created_at', 'updated_at', 'task_limit_usd',
] as const;
const INSERT_SQL = `INSERT INTO ${TABLE} (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`;

type Row = Record<(typeof COLUMNS)[number], unknown>;

function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value ?? 0);
}

function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : num(value);
}

function toEntry(row: Record<string, unknown>): LedgerEntry {
  const s = (k: string) => (row[k] === null || row[k] === undefined ? null : String(row[k]));
  return {
    id: String(row.id),
    project: String(row.project),
    run_id: String(row.run_id),
    task_id: String(row.task_id),
    role: String(row.role),
    provider: String(row.provider),
    model: String(row.model),
    tier_requested: s('tier_requested'),
    tier_served: s('tier_served'),
    reasoning_effort: s('reasoning_effort'),
    est_input_tokens: num(row.est_input_tokens),
    est_output_tokens: num(row.est_output_tokens),
    projected_usd: num(row.projected_usd),
    input_tokens: numOrNull(row.input_tokens),
    cached_input_tokens: numOrNull(row.cached_input_tokens),
    output_tokens: numOrNull(row.output_tokens),
    reasoning_tokens: numOrNull(row.reasoning_tokens),
    actual_usd: numOrNull(row.actual_usd),
    status: String(row.status) as LedgerEntry['status'],
    reason: s('reason'),
    request_id: s('request_id'),
    batch_id: s('batch_id'),
    created_at: String(row.created_at),
    updated_at: String(row.updated_at),
    task_limit_usd: numOrNull(row.task_limit_usd),
  };
}

let sequence = 0;

/**
 * Time-ordered ids (creation ms, a per-process counter, random bits), so ordering by id
 * keeps the order of creation within one process even inside one millisecond.
 */
export function newEntryId(now: Date): string {
  sequence = (sequence + 1) % 0x1000000;
  return `${now.getTime().toString(16).padStart(12, '0')}-${sequence.toString(16).padStart(6, '0')}-${randomBytes(5).toString('hex')}`;
}

function newRow(request: Omit<ReserveRequest, 'limits'> & { limits?: ReserveRequest['limits'] }, status: 'reserved' | 'blocked', reason: string | null, at: Date): Row {
  const now = at.toISOString();
  return {
    id: newEntryId(at),
    project: request.project,
    run_id: request.runId,
    task_id: request.taskId,
    role: request.role,
    provider: request.provider,
    model: request.model,
    tier_requested: request.tierRequested,
    tier_served: null,
    reasoning_effort: request.reasoningEffort,
    est_input_tokens: Math.round(request.estInputTokens),
    est_output_tokens: Math.round(request.estOutputTokens),
    projected_usd: roundUsd(request.projectedUsd),
    input_tokens: null,
    cached_input_tokens: null,
    output_tokens: null,
    reasoning_tokens: null,
    actual_usd: null,
    status,
    reason,
    request_id: null,
    batch_id: request.batchId ?? null,
    created_at: now,
    updated_at: now,
    task_limit_usd: request.limits?.taskUsd ?? null,
  };
}

export interface KnexLedgerOptions {
  kind: LedgerKind;
  readOnly: boolean;
  /** False when a read-only ledger has no table yet: every read is empty. */
  hasTable: boolean;
  /** False when a read-only ledger predates migration 2 (no batch_id column): batch figures read as zero. */
  hasBatchId: boolean;
  now: () => Date;
  lockedTransaction: LockedTransaction;
}

export class KnexLedger implements Ledger {
  readonly kind: LedgerKind;
  readonly readOnly: boolean;

  constructor(
    private readonly db: Knex,
    private readonly options: KnexLedgerOptions,
  ) {
    this.kind = options.kind;
    this.readOnly = options.readOnly;
  }

  private assertWritable(what: string): void {
    if (this.readOnly) throw new PipeError('E_INTERNAL', `the ledger was opened read-only (dry run); cannot ${what}`);
  }

  async reserve(request: ReserveRequest): Promise<ReserveOutcome> {
    this.assertWritable('reserve');
    return this.options.lockedTransaction(request.project, async (tx) => {
      const scopes = await readScopes(tx, request);
      const exceeded = firstExceededLevel(scopes, request.projectedUsd);
      const now = this.options.now();
      const reason = exceeded
        ? budgetBlockMessage(exceeded, request.projectedUsd, { project: request.project, role: request.role, taskId: request.taskId, batchId: request.batchId })
        : null;
      const row = newRow(request, exceeded ? 'blocked' : 'reserved', reason, now);
      await tx.run(INSERT_SQL, COLUMNS.map((c) => row[c]));
      const entryId = String(row.id);
      if (!exceeded) return { ok: true, entryId, scopes };
      return { ok: false, entryId, level: exceeded.level, limitUsd: exceeded.limitUsd, spentUsd: exceeded.spentUsd, headroomUsd: exceeded.headroomUsd, scopes };
    });
  }

  /** The scope figures without reserving (dry runs, pipe plan). */
  async scopes(request: Pick<ReserveRequest, 'project' | 'role' | 'taskId' | 'limits' | 'batchId'>): Promise<ScopeFigures> {
    if (!this.options.hasTable) return readScopesFrom([{}], request);
    const withBatch = this.options.hasBatchId;
    const rows = (await this.db.raw(withBatch ? SCOPE_SQL : SCOPE_SQL_WITHOUT_BATCH, scopeBindings(request, withBatch) as Knex.RawBinding[])) as unknown;
    return readScopesFrom(rawRows(rows), request);
  }

  async recordBlocked(request: Omit<ReserveRequest, 'limits'> & { limits?: ReserveRequest['limits']; reason: string }): Promise<string> {
    this.assertWritable('record a blocked call');
    const row = newRow(request, 'blocked', request.reason, this.options.now());
    await this.db(TABLE).insert(row);
    return String(row.id);
  }

  async settle(request: SettleRequest): Promise<void> {
    this.assertWritable('settle');
    const changed = await this.db(TABLE)
      .where({ id: request.entryId, status: 'reserved' })
      .update({
        status: request.status,
        input_tokens: Math.round(request.inputTokens),
        cached_input_tokens: Math.round(request.cachedInputTokens),
        output_tokens: Math.round(request.outputTokens),
        reasoning_tokens: Math.round(request.reasoningTokens),
        actual_usd: roundUsd(request.actualUsd),
        tier_served: request.tierServed,
        request_id: request.requestId,
        reason: request.reason ?? null,
        updated_at: this.options.now().toISOString(),
      });
    if (changed === 1) return;
    const existing = await this.db(TABLE).where({ id: request.entryId }).first('status');
    throw new PipeError(
      'E_LEDGER',
      existing
        ? `ledger entry ${request.entryId} is already ${String(existing.status)}; only a reserved entry can be settled`
        : `no ledger entry ${request.entryId} to settle`,
      { details: { entry_id: request.entryId } },
    );
  }

  async entries(filter: EntryFilter = {}): Promise<LedgerEntry[]> {
    if (!this.options.hasTable) return [];
    const q = this.db(TABLE).select('*');
    if (filter.project !== undefined) q.where('project', filter.project);
    if (filter.runId !== undefined) q.where('run_id', filter.runId);
    if (filter.taskId !== undefined) q.where('task_id', filter.taskId);
    if (filter.role !== undefined) q.where('role', filter.role);
    if (filter.batchId !== undefined) {
      if (!this.options.hasBatchId) return [];
      q.where('batch_id', filter.batchId);
    }
    if (filter.status !== undefined) q.where('status', filter.status);
    if (filter.since !== undefined) q.where('created_at', '>=', filter.since);
    const rows = (await q.orderBy([{ column: 'created_at' }, { column: 'id' }])) as Record<string, unknown>[];
    return rows.map(toEntry);
  }

  async spendByRoleAndTask(filter: { project: string; since?: string; taskId?: string; role?: string }): Promise<SpendRow[]> {
    if (!this.options.hasTable) return [];
    const q = this.db(TABLE)
      .select('role', 'task_id')
      .select(this.db.raw(`COALESCE(SUM(${SPENT}), 0) AS spent_usd`))
      .select(this.db.raw(`COALESCE(SUM(${RESERVED}), 0) AS reserved_usd`))
      .where('project', filter.project)
      .whereNot('status', 'blocked')
      .groupBy('role', 'task_id');
    if (filter.since !== undefined) q.where('created_at', '>=', filter.since);
    if (filter.taskId !== undefined) q.where('task_id', filter.taskId);
    if (filter.role !== undefined) q.where('role', filter.role);
    const rows = (await q) as Record<string, unknown>[];
    return rows.map((r) => ({ role: String(r.role), task_id: String(r.task_id), spent_usd: roundUsd(num(r.spent_usd)), reserved_usd: roundUsd(num(r.reserved_usd)) }));
  }

  /** Per task, the task limit its newest run enforced (rows from before schema version 2 have none). */
  async taskLimits(filter: { project: string }): Promise<Record<string, number>> {
    if (!this.options.hasTable || !(await this.db.schema.hasColumn(TABLE, 'task_limit_usd'))) return {};
    const rows = (await this.db(TABLE)
      .select('task_id', 'task_limit_usd')
      .where('project', filter.project)
      .whereNotNull('task_limit_usd')
      .orderBy([{ column: 'created_at' }, { column: 'id' }])) as Record<string, unknown>[];
    const limits: Record<string, number> = {};
    for (const r of rows) limits[String(r.task_id)] = num(r.task_limit_usd);
    return limits;
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

async function readScopes(tx: TxQuery, request: ReserveRequest): Promise<ScopeFigures> {
  const rows = await tx.all(SCOPE_SQL, scopeBindings(request));
  return readScopesFrom(rows, request);
}

/** A null batch id matches no row (`batch_id = NULL` is never true): outside a batch its figures are zero. */
function scopeBindings(request: Pick<ReserveRequest, 'project' | 'role' | 'taskId' | 'batchId'>, withBatch = true): unknown[] {
  const batch = request.batchId ?? null;
  return [request.role, request.role, request.taskId, request.taskId, ...(withBatch ? [batch, batch] : []), request.project];
}

function readScopesFrom(rows: Record<string, unknown>[], request: Pick<ReserveRequest, 'limits'>): ScopeFigures {
  const r = rows[0] ?? {};
  return {
    project: figures(request.limits.projectUsd, num(r.p_spent), num(r.p_reserved)),
    role: figures(request.limits.roleUsd, num(r.r_spent), num(r.r_reserved)),
    task: figures(request.limits.taskUsd, num(r.t_spent), num(r.t_reserved)),
    batch: figures(request.limits.batchUsd, num(r.b_spent), num(r.b_reserved)),
  };
}

/** knex.raw answers differ by driver: pg gives { rows }, better-sqlite3 an array. */
export function rawRows(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) return result as Record<string, unknown>[];
  const rows = (result as { rows?: unknown } | null)?.rows;
  return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
}
