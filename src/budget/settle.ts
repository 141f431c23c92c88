// Settling one call's money: its ledger row closed with what the provider reported, and
// the cost added to the run and its attempt — here and nowhere else, so the ledger, the
// attempts (escalation.json, `pipe show`) and the run's total cannot disagree.
import { computeCostUsd, priceFor } from './pricing.js';
import type { Usage } from '../providers/contract.js';
import type { StepContext } from '../runner/types.js';

export const ZERO_USAGE: Usage = { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0 };

export interface Settlement {
  ok: boolean;
  usage: Usage;
  costUsd: number;
  tierServed: string | null;
  requestId: string | null;
  reason: string | null;
}

/** Cost at the served tier's price; a served tier the policy does not price falls back to the requested one. */
export function costAtServedTier(ctx: StepContext, model: string, requested: string, served: string | null, usage: Usage): number {
  if (served && served !== requested) {
    try {
      priceFor(ctx.policy, model, served);
      return computeCostUsd(ctx.policy, model, served, usage);
    } catch {
      ctx.services.events.emit('warning', { message: `no price for ${model} at served tier ${served}; cost computed at requested tier ${requested}` });
    }
  }
  return computeCostUsd(ctx.policy, model, requested, usage);
}

/** Closes the reservation `entryId` (settled or failed) and adds the cost to the run and the current attempt. */
export async function settleCall(ctx: StepContext, entryId: string, fields: Settlement): Promise<void> {
  // A dry run never calls; an empty id means nothing was reserved.
  if (entryId) {
    const ledger = await ctx.services.ledger();
    await ledger.settle({
      entryId,
      status: fields.ok ? 'settled' : 'failed',
      inputTokens: fields.usage.inputTokens,
      cachedInputTokens: fields.usage.cachedInputTokens,
      outputTokens: fields.usage.outputTokens,
      reasoningTokens: fields.usage.reasoningTokens,
      actualUsd: fields.costUsd,
      tierServed: fields.tierServed,
      requestId: fields.requestId,
      reason: fields.reason,
    });
    ctx.services.events.emit('ledger.entry', { entry_id: entryId, status: fields.ok ? 'settled' : 'failed', actual_usd: fields.costUsd, tier_served: fields.tierServed, request_id: fields.requestId, reason: fields.reason });
  }
  if (fields.costUsd > 0) ctx.addSpend(fields.costUsd);
}
