// `pipe budget --reconcile`: a reservation left open by a crashed process keeps counting
// against the budget until this settles it from the run's record (events.jsonl has the
// provider's answer) or releases it after proving the call never happened (no
// provider.call event for that ledger entry). Anything it cannot prove stays open.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPipeError } from '../errors.js';
import type { Usage } from '../providers/contract.js';
import type { Policy } from '../types/generated/index.js';
import { computeCostUsd } from './pricing.js';
import type { Ledger, LedgerEntry } from './types.js';
import { isProcessAlive } from '../records/process-alive.js';

export const RELEASE_REASON = 'released by reconcile: no call recorded';
export const FAKE_RELEASE_REASON = 'released by reconcile: the fake provider bills nothing';

export type ReconcileActionName = 'settled' | 'failed' | 'released' | 'left_open';

export interface ReconcileAction {
  entry_id: string;
  run_id: string;
  task_id: string;
  role: string;
  action: ReconcileActionName;
  /** USD the row now counts: actual cost once settled/failed/released, the projection while open. */
  usd: number;
  reason: string;
}

export interface ReconcileReport {
  examined: number;
  actions: ReconcileAction[];
}

export interface ReconcileOptions {
  repo: string;
  project: string;
  policy: Policy;
  /** Only reservations created before this instant are touched (default: when this process started). */
  olderThan?: Date;
  /** Whether a pid is a live process (default: signal 0). */
  isAlive?: (pid: number) => boolean;
}

type Event = Record<string, unknown>;

/** The ledger entry an event is about; providers and steps may spell the key either way. */
function entryIdOf(ev: Event): string | null {
  for (const key of ['entry_id', 'ledger_entry_id', 'reservation_id', 'entryId']) if (typeof ev[key] === 'string') return ev[key] as string;
  const reservation = ev.reservation as { entryId?: unknown; entry_id?: unknown } | undefined;
  const nested = reservation?.entryId ?? reservation?.entry_id;
  return typeof nested === 'string' ? nested : null;
}

/**
 * Groups a run's events by ledger entry. An event naming its entry goes to it; a
 * provider.call/provider.result naming none belongs to the entry most recently reserved
 * before it (steps run one at a time, and the budget step's `ledger.entry` event with
 * status reserved comes before the call it pays for).
 */
export function eventsByEntry(events: Event[]): Map<string, Event[]> {
  const out = new Map<string, Event[]>();
  let current: string | null = null;
  for (const ev of events) {
    let id = entryIdOf(ev);
    if (ev.type === 'ledger.entry' && ev.status === 'reserved' && id) current = id;
    if (!id && (ev.type === 'provider.call' || ev.type === 'provider.result')) id = current;
    if (!id) continue;
    const list = out.get(id) ?? [];
    list.push(ev);
    out.set(id, list);
  }
  return out;
}

function readEvents(file: string): Event[] {
  const out: Event[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as Event);
    } catch {
      /* a torn last line from a crash: ignore it */
    }
  }
  return out;
}

function numberFrom(obj: Record<string, unknown>, ...keys: string[]): number {
  for (const k of keys) if (typeof obj[k] === 'number') return obj[k] as number;
  return 0;
}

function usageOf(ev: Event): Usage {
  const u = (ev.usage && typeof ev.usage === 'object' ? ev.usage : ev.billed && typeof ev.billed === 'object' ? ev.billed : ev) as Record<string, unknown>;
  return {
    inputTokens: numberFrom(u, 'inputTokens', 'input_tokens'),
    cachedInputTokens: numberFrom(u, 'cachedInputTokens', 'cached_input_tokens'),
    outputTokens: numberFrom(u, 'outputTokens', 'output_tokens'),
    reasoningTokens: numberFrom(u, 'reasoningTokens', 'reasoning_tokens'),
  };
}

function str(ev: Event, ...keys: string[]): string | null {
  for (const k of keys) if (typeof ev[k] === 'string') return ev[k] as string;
  return null;
}

async function reconcileOne(ledger: Ledger, row: LedgerEntry, options: ReconcileOptions, isAlive: (pid: number) => boolean): Promise<ReconcileAction> {
  const base = { entry_id: row.id, run_id: row.run_id, task_id: row.task_id, role: row.role };
  const open = (reason: string): ReconcileAction => ({ ...base, action: 'left_open', usd: row.projected_usd, reason });
  const runDir = join(options.repo, '.pipe', 'runs', row.run_id);
  const stateFile = join(runDir, 'state.json');
  if (!existsSync(stateFile)) return open(`no run record at .pipe/runs/${row.run_id}/ in this repo (the run may belong to another repo or machine)`);
  let state: { pid?: unknown; status?: unknown };
  try {
    state = JSON.parse(readFileSync(stateFile, 'utf8')) as typeof state;
  } catch {
    return open(`.pipe/runs/${row.run_id}/state.json is unreadable`);
  }
  if (state.status === 'running' && typeof state.pid === 'number' && isAlive(state.pid)) return open(`run ${row.run_id} is still going (pid ${state.pid})`);

  const eventsFile = join(runDir, 'events.jsonl');
  if (!existsSync(eventsFile)) return open(`run ${row.run_id} has no events.jsonl, so pipe cannot prove whether the call happened`);
  const events = eventsByEntry(readEvents(eventsFile)).get(row.id) ?? [];
  const closing = events.find((ev) => ev.type === 'ledger.entry' && (ev.status === 'settled' || ev.status === 'failed'));
  const result = events.find((ev) => ev.type === 'provider.result');
  if (closing && result) {
    // The run computed the cost and only the database write was lost: replay it.
    const usage = result.ok === false ? usageOf({}) : usageOf(result);
    const actualUsd = numberFrom(closing, 'actual_usd', 'cost_usd');
    const reason = `settled by reconcile from .pipe/runs/${row.run_id}/events.jsonl`;
    const status = closing.status === 'failed' ? 'failed' : 'settled';
    await ledger.settle({ entryId: row.id, status, ...usage, actualUsd, tierServed: str(closing, 'tier_served'), requestId: str(closing, 'request_id'), reason });
    return { ...base, action: status, usd: actualUsd, reason };
  }
  if (result) {
    const usage = usageOf(result);
    const failed = result.ok === false || (result.error !== undefined && result.error !== null) || result.status === 'failed';
    const tierServed = str(result, 'tier_served', 'tierServed');
    let actualUsd: number;
    const recorded = numberFrom(result, 'cost_usd', 'actual_usd', 'costUsd');
    if (typeof result.cost_usd === 'number' || typeof result.actual_usd === 'number' || typeof result.costUsd === 'number') actualUsd = recorded;
    else {
      try {
        actualUsd = computeCostUsd(options.policy, row.model, tierServed ?? row.tier_requested ?? 'default', usage);
      } catch (err) {
        return open(`the recorded result cannot be priced: ${isPipeError(err) ? err.message : String(err)}`);
      }
    }
    const reason = `settled by reconcile from .pipe/runs/${row.run_id}/events.jsonl`;
    await ledger.settle({
      entryId: row.id,
      status: failed ? 'failed' : 'settled',
      inputTokens: usage.inputTokens,
      cachedInputTokens: usage.cachedInputTokens,
      outputTokens: usage.outputTokens,
      reasoningTokens: usage.reasoningTokens,
      actualUsd,
      tierServed,
      requestId: str(result, 'request_id', 'requestId'),
      reason,
    });
    return { ...base, action: failed ? 'failed' : 'settled', usd: actualUsd, reason };
  }
  const called = events.some((ev) => ev.type === 'provider.call');
  if (called && row.provider === 'fake') return release(ledger, row, base, FAKE_RELEASE_REASON);
  if (called) {
    return open(`a provider call was sent for this entry but no result was recorded; check the provider's usage page and settle it by hand`);
  }
  return release(ledger, row, base, RELEASE_REASON);
}

/** Closes a reservation at zero cost: the call never happened, or could not have been billed. */
async function release(ledger: Ledger, row: LedgerEntry, base: Omit<ReconcileAction, 'action' | 'usd' | 'reason'>, reason: string): Promise<ReconcileAction> {
  await ledger.settle({
    entryId: row.id,
    status: 'failed',
    inputTokens: 0,
    cachedInputTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    actualUsd: 0,
    tierServed: null,
    requestId: null,
    reason,
  });
  return { ...base, action: 'released', usd: 0, reason };
}

/** Settles or releases open reservations of dead runs; reports every one it looked at. */
export async function reconcileLedger(ledger: Ledger, options: ReconcileOptions): Promise<ReconcileReport> {
  const olderThan = (options.olderThan ?? new Date(Date.now() - process.uptime() * 1000)).toISOString();
  const isAlive = options.isAlive ?? isProcessAlive;
  const rows = (await ledger.entries({ project: options.project, status: 'reserved' })).filter((r) => r.created_at < olderThan);
  const actions: ReconcileAction[] = [];
  for (const row of rows) {
    try {
      actions.push(await reconcileOne(ledger, row, options, isAlive));
    } catch (err) {
      // Another reconcile (or the run itself) settled it meanwhile.
      if (isPipeError(err) && err.code === 'E_LEDGER') actions.push({ entry_id: row.id, run_id: row.run_id, task_id: row.task_id, role: row.role, action: 'left_open', usd: row.projected_usd, reason: err.message });
      else throw err;
    }
  }
  return { examined: rows.length, actions };
}
