// Prices come only from the policy (`pricing.models.<model>.<tier>`, USD per 1M tokens).
// A model or tier with no price is a configuration error before any call — never a
// silent zero, which would let an unpriced model spend without limit.
import { PipeError } from '../errors.js';
import type { Usage } from '../providers/contract.js';
import type { Policy, Price } from '../types/generated/index.js';

/** A price with every field filled in (cached input defaults to the input price). */
export interface ResolvedPrice extends Price {
  cached_input_usd_per_1m: number;
}

/** Rounds to 1e-9 USD: enough for one token of the cheapest model, and it keeps float sums comparable. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e9) / 1e9;
}

/** The price of `model` at service tier `tier`, or E_PRICING naming what to add to the policy. */
export function priceFor(policy: Policy, model: string, tier: string): ResolvedPrice {
  const models = policy.pricing?.models ?? {};
  const tiers = Object.prototype.hasOwnProperty.call(models, model) ? models[model] : undefined;
  const price = tiers && Object.prototype.hasOwnProperty.call(tiers, tier) ? tiers[tier] : undefined;
  if (!price) {
    const known = tiers ? Object.keys(tiers) : [];
    const where = tiers
      ? `model ${model} has prices for tier${known.length === 1 ? '' : 's'} ${known.join(', ') || '(none)'} but not for service tier ${tier}`
      : `model ${model} has no prices at all (service tier ${tier})`;
    throw new PipeError('E_PRICING', `no price for model ${model} at service tier ${tier}: ${where}`, {
      hint: `add pricing.models.${model}.${tier} with input_usd_per_1m, cached_input_usd_per_1m and output_usd_per_1m (USD per 1M tokens) to your policy`,
      details: { model, tier },
    });
  }
  for (const key of ['input_usd_per_1m', 'output_usd_per_1m'] as const) {
    if (typeof price[key] !== 'number' || !Number.isFinite(price[key]) || price[key] < 0) {
      throw new PipeError('E_PRICING', `pricing.models.${model}.${tier}.${key} must be a non-negative number`, {
        hint: `fix pricing.models.${model}.${tier} in your policy`,
        details: { model, tier },
      });
    }
  }
  return { ...price, cached_input_usd_per_1m: price.cached_input_usd_per_1m ?? price.input_usd_per_1m };
}

/** Projected cost of a call: every input token at the uncached price (the cache is not guaranteed) plus the full output allowance. */
export function projectCostUsd(policy: Policy, model: string, tier: string, inputTokens: number, outputTokens: number): number {
  const price = priceFor(policy, model, tier);
  return roundUsd((inputTokens * price.input_usd_per_1m + outputTokens * price.output_usd_per_1m) / 1e6);
}

/**
 * Actual cost of a call from the usage the provider reported.
 * - Cached input tokens are a subset of input tokens (OpenAI's
 *   `prompt_tokens_details.cached_tokens` is part of `prompt_tokens`): they are billed at
 *   the cached price, the rest of the input at the input price.
 * - `outputTokens` already includes reasoning tokens (OpenAI's `completion_tokens` /
 *   `output_tokens` count them; `reasoning_tokens` is a breakdown), so reasoning tokens
 *   are not added a second time.
 */
export function computeCostUsd(policy: Policy, model: string, tier: string, usage: Usage): number {
  const price = priceFor(policy, model, tier);
  const input = Math.max(0, usage.inputTokens);
  const cached = Math.min(input, Math.max(0, usage.cachedInputTokens));
  const output = Math.max(0, usage.outputTokens);
  return roundUsd(((input - cached) * price.input_usd_per_1m + cached * price.cached_input_usd_per_1m + output * price.output_usd_per_1m) / 1e6);
}
