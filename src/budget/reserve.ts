// Reserving one call's money: checks every limit (pure, src/budget/limits.ts), then
// reserves the projected cost in the ledger atomically — or records a `blocked` row and
// says which limit, the figure and the headroom. Every block leaves exactly one `blocked`
// row. Used by the budget step, by callRole before a tier fallback, and by escalate
// before asking a reviewer.
import { isPatchable } from '../context/files.js';
import { openLedger } from './ledger.js';
import { BUDGET_LEVELS, budgetBlockMessage, budgetLimitsFor, checkCallLimits, firstExceededLevel } from './limits.js';
import { formatUsd } from './money.js';
import { priceFor, projectCostUsd } from './pricing.js';
import type { BudgetLimits, Ledger, Reservation, ReserveRequest, ScopeFigures } from './types.js';
import type { StepContext, StepResult } from '../runner/types.js';
import type { ScopedContext } from '../context/types.js';
import type { RouteDecision } from '../routing/types.js';

/** What `pipe plan` prints and later steps see as steps.<id>.output. */
export interface BudgetStepOutput extends Record<string, unknown> {
  context_files: string[];
  cut: { path: string; reason: string }[];
  context_chars: number;
  input_tokens: number;
  est_output_tokens: number;
  projected_usd: number;
  tier: string;
  model: string;
  role: string;
  headroom: ScopeFigures;
  reservation_id: string | null;
  /** Which limit blocked the call, when one did. */
  blocked_by: string | null;
  dry_run: boolean;
}

export type ReserveForCallResult =
  | { ok: true; reservation: Reservation; output: BudgetStepOutput }
  | { ok: false; result: StepResult };

export interface ReserveOptions {
  /** with.max_call_usd of the budget step. */
  maxCallUsd?: number;
}

/**
 * Checks every limit for one call and reserves its projected cost. Used by the budget
 * step, by propose before a tier fallback, and by escalate before asking a reviewer.
 * Throws E_PRICING when the route's model or tier has no price. In a dry run nothing is
 * written: the ledger is read (read-only) for headroom, and the reservation id is ''.
 */
export async function reserveForCall(ctx: StepContext, route: RouteDecision, context: ScopedContext, options: ReserveOptions = {}): Promise<ReserveForCallResult> {
  const estOutputTokens = route.maxOutputTokens;
  // Reasoning is billed as output, so the whole output allowance is projected.
  const projectedUsd = projectCostUsd(ctx.policy, route.model, route.tier, context.inputTokens, estOutputTokens);
  // A fallback tier without a price would fail mid-run; say so before any call.
  if (route.fallbackTier && route.fallbackTier !== route.tier) priceFor(ctx.policy, route.model, route.fallbackTier);

  const limits: BudgetLimits = { ...budgetLimitsFor(ctx.policy, ctx.task, route.role), ...(ctx.run.batch?.maxCostUsd !== undefined ? { batchUsd: ctx.run.batch.maxCostUsd } : {}) };
  const elapsedS = (ctx.services.clock.now().getTime() - ctx.run.startedAt.getTime()) / 1000;
  const callBlock = checkCallLimits(ctx.policy, ctx.task, {
    contextChars: context.contextChars,
    inputTokens: context.inputTokens,
    maxOutputTokens: estOutputTokens,
    projectedUsd,
    elapsedS,
    maxCallUsd: options.maxCallUsd,
    patchableCut:
      route.mode === 'patch'
        ? context.cut.filter((c) => c.limit !== undefined && isPatchable(ctx.task, c.path)).map((c) => ({ path: c.path, limit: c.limit as string, truncated: c.truncated === true }))
        : [],
  });
  const request: ReserveRequest = {
    project: ctx.run.project,
    runId: ctx.run.id,
    taskId: ctx.task.id,
    role: route.role,
    provider: route.provider,
    model: route.model,
    tierRequested: route.tier,
    reasoningEffort: route.reasoningEffort,
    estInputTokens: context.inputTokens,
    estOutputTokens,
    projectedUsd,
    limits,
    ...(ctx.run.batch ? { batchId: ctx.run.batch.id } : {}),
  };
  const output = (headroom: ScopeFigures, reservationId: string | null, blockedBy: string | null): BudgetStepOutput => ({
    context_files: context.files.map((f) => f.path),
    cut: context.cut,
    context_chars: context.contextChars,
    input_tokens: context.inputTokens,
    est_output_tokens: estOutputTokens,
    projected_usd: projectedUsd,
    tier: route.tier,
    model: route.model,
    role: route.role,
    headroom,
    reservation_id: reservationId,
    blocked_by: blockedBy,
    dry_run: ctx.run.dryRun,
  });
  const blocked = (code: StepResult['code'], message: string, out: BudgetStepOutput): ReserveForCallResult => ({
    ok: false,
    result: { status: 'blocked', code, message, output: out },
  });

  if (ctx.run.dryRun) {
    const headroom = await readOnlyScopes(ctx, request);
    if (callBlock) return blocked(callBlock.code, callBlock.message, output(headroom, null, callBlock.limit));
    const exceeded = firstExceededLevel(headroom, projectedUsd);
    if (exceeded) {
      const message = budgetBlockMessage(exceeded, projectedUsd, { project: request.project, role: request.role, taskId: request.taskId, batchId: request.batchId });
      return blocked('E_BUDGET_BLOCKED', message, output(headroom, null, exceeded.level));
    }
    return { ok: true, reservation: { entryId: '', projectedUsd, estInputTokens: context.inputTokens, estOutputTokens }, output: output(headroom, null, null) };
  }

  const ledger = await ctx.services.ledger();
  if (callBlock) {
    const entryId = await ledger.recordBlocked({ ...request, reason: callBlock.message });
    emitEntry(ctx, request, entryId, 'blocked', callBlock.message);
    return blocked(callBlock.code, callBlock.message, output(await ledger.scopes(request), entryId, callBlock.limit));
  }
  const outcome = await ledger.reserve(request);
  if (!outcome.ok) {
    const message = budgetBlockMessage(outcome, projectedUsd, { project: request.project, role: request.role, taskId: request.taskId, batchId: request.batchId });
    emitEntry(ctx, request, outcome.entryId, 'blocked', message);
    return blocked('E_BUDGET_BLOCKED', message, output(outcome.scopes, outcome.entryId, outcome.level));
  }
  emitEntry(ctx, request, outcome.entryId, 'reserved', null);
  return {
    ok: true,
    reservation: { entryId: outcome.entryId, projectedUsd, estInputTokens: context.inputTokens, estOutputTokens },
    output: output(outcome.scopes, outcome.entryId, null),
  };
}

/** Headroom for a dry run without writing anything (no file is created, no migration runs). */
async function readOnlyScopes(ctx: StepContext, request: Pick<ReserveRequest, 'project' | 'role' | 'taskId' | 'limits' | 'batchId'>): Promise<ScopeFigures> {
  let ledger: Ledger | null = null;
  try {
    ledger = await openLedger(ctx.run.ledger, { repo: ctx.repo, readOnly: true });
    return await ledger.scopes(request);
  } finally {
    await ledger?.close();
  }
}

function emitEntry(ctx: StepContext, request: ReserveRequest, entryId: string, status: 'reserved' | 'blocked', reason: string | null): void {
  ctx.services.events.emit('ledger.entry', {
    entry_id: entryId,
    status,
    role: request.role,
    model: request.model,
    tier: request.tierRequested,
    est_input_tokens: request.estInputTokens,
    est_output_tokens: request.estOutputTokens,
    projected_usd: request.projectedUsd,
    reason,
  });
}

/** "; headroom before this call: task $…, role $…" for the limits that apply to this call. */
export function headroomNote(ctx: StepContext, route: RouteDecision, headroom: ScopeFigures): string {
  const limits: BudgetLimits = { ...budgetLimitsFor(ctx.policy, ctx.task, route.role), batchUsd: ctx.run.batch?.maxCostUsd };
  const parts: string[] = [];
  for (const level of BUDGET_LEVELS) {
    const h = headroom[level].headroom_usd;
    if (h !== null && limits[`${level}Usd`] !== undefined) parts.push(`${level} ${formatUsd(h)}`);
  }
  return parts.length ? `; headroom before this call: ${parts.join(', ')}` : '';
}
