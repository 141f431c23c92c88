// One role call with its money: approval first (for roles that need a person's yes),
// then the provider through the tier policy, then the ledger row settled with what the
// provider reported — success or failure, and for a tier fallback one row per tier.
// Used by the propose and escalate steps.
import { PipeError, isPipeError } from '../errors.js';
import { ProviderError, type ProviderRequest, type ProviderResponse, type RoleProvider } from './contract.js';
import { providerTraits } from './index.js';
import { callWithTierPolicy, type TierAttempt } from './tiers.js';
import { redact } from '../records/redact.js';
import type { StepContext, StepResult } from '../runner/types.js';
import type { Reservation } from '../budget/types.js';
import type { ScopedContext } from '../context/types.js';
import type { ProposalText } from './contract.js';
import type { RouteDecision } from '../routing/types.js';
import type { Tier } from '../types/generated/index.js';
import { reserveForCall } from '../budget/reserve.js';
import { ZERO_USAGE, costAtServedTier, settleCall } from '../budget/settle.js';
import { answerSettings, structuredOutputsFor } from '../patch/answer/policy.js';
import { PROPOSAL_STRICT_SCHEMA } from './generated/proposal-strict.js';
import { formatUsd } from '../budget/money.js';

export type CallRoleResult =
  | { ok: true; proposal: ProposalText; /** The tier of the call that answered (the fallback after a capacity miss). */ tier: Tier; tierAttempts: TierAttempt[] }
  | {
      ok: false;
      /** A ProviderError, or a PipeError for a configuration problem (an effort the model rejects, a used-up fake script). */
      error: Error;
      costUsd: number;
      /** Set when the call was stopped before the provider (approval, budget on fallback): return it as the step result. */
      result?: StepResult;
      tierAttempts?: TierAttempt[];
    };

/** Emits provider.call / provider.result around every request (no message bodies). */
function observed(ctx: StepContext, provider: RoleProvider, inputTokens: number, entryId: () => string): RoleProvider {
  return {
    name: provider.name,
    async complete(request: ProviderRequest): Promise<ProviderResponse> {
      // entry_id ties the call to its ledger row, so `pipe budget --reconcile` can match them exactly.
      const base = { entry_id: entryId() || null, provider: provider.name, role: request.role, model: request.model, tier: request.tier, reasoning_effort: request.reasoningEffort };
      ctx.services.events.emit('provider.call', { ...base, max_output_tokens: request.maxOutputTokens, input_tokens: inputTokens });
      try {
        const r = await provider.complete(request);
        const costUsd = costAtServedTier(ctx, request.model, request.tier, r.tierServed, r.usage);
        ctx.services.events.emit('provider.result', { ...base, ok: true, tier_served: r.tierServed, finish_reason: r.finishReason, request_id: r.requestId, duration_ms: r.durationMs, usage: r.usage, cost_usd: costUsd });
        return r;
      } catch (error) {
        const pe = error instanceof ProviderError ? error : null;
        const costUsd = pe?.billed ? costAtServedTier(ctx, request.model, request.tier, null, pe.billed) : 0;
        ctx.services.events.emit('provider.result', {
          ...base,
          ok: false,
          error_kind: pe?.kind ?? (isPipeError(error) ? error.code : 'error'),
          status: pe?.status ?? null,
          request_id: pe?.requestId ?? (isPipeError(error) && typeof error.details.request_id === 'string' ? error.details.request_id : null),
          message: redact((error as Error).message),
          cost_usd: costUsd,
        });
        throw error;
      }
    },
  };
}

function remainingRuntimeMs(ctx: StepContext): number | undefined {
  const limits = [ctx.policy.budget?.max_runtime_s, ctx.task.budget?.max_runtime_s].filter((v): v is number => typeof v === 'number');
  if (!limits.length) return undefined;
  const elapsed = ctx.services.clock.now().getTime() - ctx.run.startedAt.getTime();
  return Math.min(...limits) * 1000 - elapsed;
}

function approvalMessage(route: RouteDecision, projectedUsd: number): string {
  return `role ${route.role} needs manual approval before each call (${route.model}, tier ${route.tier}, about ${formatUsd(projectedUsd)}); nothing was sent. Approve it with \`--approve ${route.role}\` on the command line, or run on a terminal to be asked`;
}

export async function callRole(ctx: StepContext, route: RouteDecision, context: ScopedContext, reservation: Reservation): Promise<CallRoleResult> {
  let current = reservation;
  if (route.manualApproval && !ctx.run.approvedRoles.includes(route.role)) {
    const yes = await ctx.services.approve({ role: route.role, model: route.model, tier: route.tier, projectedUsd: reservation.projectedUsd });
    if (!yes) {
      await settleCall(ctx, current.entryId, { ok: false, usage: ZERO_USAGE, costUsd: 0, tierServed: null, requestId: null, reason: 'manual approval required' });
      const message = approvalMessage(route, reservation.projectedUsd);
      return { ok: false, error: new PipeError('E_APPROVAL_REQUIRED', message), costUsd: 0, result: { status: 'blocked', code: 'E_APPROVAL_REQUIRED', message } };
    }
  }

  const provider = observed(ctx, ctx.services.provider(route.provider), context.inputTokens, () => current.entryId);
  const request: ProviderRequest = {
    role: route.role,
    model: route.model,
    tier: route.tier,
    reasoningEffort: route.reasoningEffort,
    maxOutputTokens: route.maxOutputTokens,
    messages: context.messages,
    expect: route.mode,
    signal: ctx.signal,
  };
  // A patch role asked for the JSON patch gets it enforced by the API where the model supports it.
  if (route.mode === 'patch' && providerTraits(route.provider).structuredOutputs && answerSettings(ctx.policy, route.role).ask === 'json_patch' && structuredOutputsFor(ctx.policy, route.model)) {
    request.responseSchema = { name: 'pipe_json_patch', schema: PROPOSAL_STRICT_SCHEMA };
  }
  let blockedResult: StepResult | undefined;
  let outcome;
  try {
    outcome = await callWithTierPolicy(provider, request, {
      fallbackTier: route.fallbackTier,
      totalBudgetMs: remainingRuntimeMs(ctx),
      beforeFallback: async ({ from, to, error }) => {
        // The capacity miss is not billed: close its row at 0 and reserve again at the fallback tier.
        await settleCall(ctx, current.entryId, { ok: false, usage: ZERO_USAGE, costUsd: 0, tierServed: null, requestId: error.requestId, reason: `tier_unavailable at ${from}: ${error.message}` });
        ctx.services.progress.note(`tier ${from} unavailable for ${route.role}; retrying once at tier ${to}`);
        const again = await reserveForCall(ctx, { ...route, tier: to, fallbackTier: null }, context);
        if (!again.ok) {
          blockedResult = again.result;
          return false;
        }
        current = again.reservation;
        ctx.work.reservation = again.reservation;
        return true;
      },
    });
  } catch (error) {
    // Only non-provider failures escape the tier policy (a ledger error, say): close the row, then let it surface.
    await settleCall(ctx, current.entryId, { ok: false, usage: ZERO_USAGE, costUsd: 0, tierServed: null, requestId: null, reason: (error as Error).message }).catch(() => undefined);
    throw error;
  }

  if (!outcome.ok) {
    const error = outcome.error instanceof Error ? outcome.error : new Error(String(outcome.error));
    if (blockedResult) return { ok: false, error, costUsd: 0, result: blockedResult, tierAttempts: outcome.attempts };
    const pe = error instanceof ProviderError ? error : null;
    const billed = pe?.billed ?? ZERO_USAGE;
    const costUsd = pe?.billed ? costAtServedTier(ctx, route.model, outcome.tier, null, billed) : 0;
    // A configuration error the API answered (HTTP 400 effort rejection) carries its request id in details.
    const configRequestId = isPipeError(error) && typeof error.details.request_id === 'string' ? error.details.request_id : null;
    await settleCall(ctx, current.entryId, { ok: false, usage: billed, costUsd, tierServed: null, requestId: pe?.requestId ?? configRequestId, reason: pe ? `${pe.kind}: ${pe.message}` : error.message });
    // Configuration problems (an effort the model rejects, a used-up fake script) come back as
    // PipeErrors: the propose step rethrows them to end the run with their own code, while
    // escalate can record them as a failed reviewer call and keep its packet.
    return { ok: false, error, costUsd, tierAttempts: outcome.attempts };
  }

  const response = outcome.response;
  const costUsd = costAtServedTier(ctx, route.model, outcome.tier, response.tierServed, response.usage);
  await settleCall(ctx, current.entryId, { ok: true, usage: response.usage, costUsd, tierServed: response.tierServed, requestId: response.requestId, reason: null });
  const proposal: ProposalText = {
    kind: route.mode,
    text: response.text,
    finishReason: response.finishReason,
    tierServed: response.tierServed,
    requestId: response.requestId,
    usage: response.usage,
    costUsd,
  };
  return { ok: true, proposal, tier: outcome.tier, tierAttempts: outcome.attempts };
}
