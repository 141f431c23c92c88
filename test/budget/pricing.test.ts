import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatUsd } from '../../src/budget/money.js';
import { computeCostUsd, priceFor, projectCostUsd } from '../../src/budget/pricing.js';
import type { Policy } from '../../src/types/generated/index.js';

const policy: Policy = {
  apiVersion: 'pipe/v1',
  kind: 'Policy',
  pricing: {
    models: {
      'gpt-5-mini': {
        default: { input_usd_per_1m: 0.25, cached_input_usd_per_1m: 0.025, output_usd_per_1m: 2 },
        flex: { input_usd_per_1m: 0.125, cached_input_usd_per_1m: 0.0125, output_usd_per_1m: 1 },
      },
      'gpt-5-pro': { default: { input_usd_per_1m: 15, output_usd_per_1m: 120 } },
    },
  },
};

function pricingError(fn: () => unknown): { code: string; exitCode: number; message: string; hint?: string } {
  try {
    fn();
  } catch (err) {
    return err as { code: string; exitCode: number; message: string; hint?: string };
  }
  throw new Error('expected a pricing error');
}

test('a model with no price is E_PRICING (exit 2) naming the model, the tier and the key to add', () => {
  const err = pricingError(() => priceFor(policy, 'gpt-9', 'flex'));
  assert.is(err.code, 'E_PRICING');
  assert.is(err.exitCode, 2);
  assert.match(err.message, 'no price for model gpt-9 at service tier flex');
  assert.match(err.hint ?? '', 'pricing.models.gpt-9.flex');
});

test('a tier with no price is E_PRICING, listing the tiers that do have one', () => {
  const err = pricingError(() => projectCostUsd(policy, 'gpt-5-pro', 'flex', 10, 10));
  assert.is(err.code, 'E_PRICING');
  assert.match(err.message, 'has prices for tier default but not for service tier flex');
  assert.match(err.hint ?? '', 'pricing.models.gpt-5-pro.flex');
});

test('no pricing section at all is an error, never a silent zero', () => {
  const err = pricingError(() => computeCostUsd({ apiVersion: 'pipe/v1', kind: 'Policy' }, 'gpt-5-mini', 'default', { inputTokens: 1, cachedInputTokens: 0, outputTokens: 1, reasoningTokens: 0 }));
  assert.is(err.code, 'E_PRICING');
});

test('cached input defaults to the input price', () => {
  assert.is(priceFor(policy, 'gpt-5-pro', 'default').cached_input_usd_per_1m, 15);
  assert.is(priceFor(policy, 'gpt-5-mini', 'flex').cached_input_usd_per_1m, 0.0125);
});

test('projection: all input at the uncached price plus the full output allowance', () => {
  // 12,345 × 0.125/1M + 4,000 × 1/1M = 0.001543125 + 0.004
  assert.is(projectCostUsd(policy, 'gpt-5-mini', 'flex', 12_345, 4000), 0.005543125);
  assert.is(projectCostUsd(policy, 'gpt-5-mini', 'default', 1_000_000, 0), 0.25);
});

test('actual cost: cached input at the cached price, reasoning already inside output tokens', () => {
  // OpenAI: prompt_tokens 10,000 of which cached 8,000; completion_tokens 3,000 of which reasoning 2,500.
  const usage = { inputTokens: 10_000, cachedInputTokens: 8000, outputTokens: 3000, reasoningTokens: 2500 };
  // 2,000 × 0.25/1M + 8,000 × 0.025/1M + 3,000 × 2/1M = 0.0005 + 0.0002 + 0.006
  assert.is(computeCostUsd(policy, 'gpt-5-mini', 'default', usage), 0.0067);
  // gpt-5-pro has no cached price: cached tokens cost the input price.
  assert.is(computeCostUsd(policy, 'gpt-5-pro', 'default', usage), 0.15 + 0.36);
  // Cached tokens above the input count (a provider bug) never produce a negative figure.
  assert.is(computeCostUsd(policy, 'gpt-5-mini', 'flex', { inputTokens: 10, cachedInputTokens: 50, outputTokens: 0, reasoningTokens: 0 }), 1.25e-7);
});

test('amounts are rounded to 1e-9 USD', () => {
  const usd = computeCostUsd(policy, 'gpt-5-mini', 'flex', { inputTokens: 1, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0 });
  assert.is(usd, 1.25e-7);
  assert.is(projectCostUsd(policy, 'gpt-5-mini', 'flex', 3, 0), 3.75e-7);
  assert.is(Math.round(usd * 1e9) / 1e9, usd);
});

test('USD formatting keeps cents and the significant micro-dollars', () => {
  assert.is(formatUsd(2), '$2.00');
  assert.is(formatUsd(1.995), '$1.995');
  assert.is(formatUsd(0.0123), '$0.0123');
  assert.is(formatUsd(0.000012), '$0.000012');
  assert.is(formatUsd(-0.5), '-$0.50');
  assert.is(formatUsd(1.25e-7), '$0.000000125');
  assert.is(formatUsd(-1e-12), '$0.00');
});

test('printed parts add up to the printed total (the summary line once read $0.02 for $0.0026 + $0.0132)', () => {
  const parts = [0.0026125, 0.0132, 0.000000375];
  const total = Math.round(parts.reduce((a, b) => a + b, 0) * 1e9) / 1e9;
  const printed = (usd: number) => Number(formatUsd(usd).replace('$', ''));
  const sum = parts.map(printed).reduce((a, b) => a + b, 0);
  assert.is(Math.round(sum * 1e9), Math.round(printed(total) * 1e9));
  assert.is(formatUsd(total), '$0.015812875');
});

test.run();
