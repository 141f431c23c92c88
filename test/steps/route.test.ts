import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { step } from '../../src/steps/route.js';
import { loadStep } from '../../src/runner/registry.js';
import { makeCtx, makeTask } from '../routing/ctx.js';

test('route step: output records the rule and the call settings; the attempt gets role, model and tier', async () => {
  const ctx = makeCtx({ repo: process.cwd(), task: makeTask({ intent: 'feature' }) });
  const r = await step.run(ctx, {});
  assert.is(r.status, 'succeeded');
  assert.equal(r.output, {
    role: 'coding_optimized_builder',
    rule: 'feature',
    rule_index: 7,
    reason: "routing rule 'feature' matched: intent in ['feature', 'integration']",
    provider: 'fake',
    model: 'gpt-5-codex',
    mode: 'patch',
    tier: 'flex',
    fallback_tier: 'default',
    reasoning_effort: 'medium',
    max_output_tokens: 4000,
    manual_approval: false,
  });
  assert.is(ctx.work.route?.role, 'coding_optimized_builder');
  const attempt = ctx.currentAttempt();
  assert.equal([attempt.role, attempt.model, attempt.tier], ['coding_optimized_builder', 'gpt-5-codex', 'flex']);
});

test('route step: with.role forces the role; retries after divergence and escalations come from ctx.work', async () => {
  const ctx = makeCtx({ repo: process.cwd(), attempt: 2 });
  const forced = await step.run(ctx, { role: 'classification_worker' });
  assert.is(forced.output?.role, 'classification_worker');
  assert.is(forced.output?.rule, null);
  assert.is(forced.output?.mode, 'label');
  ctx.work.lastVerdict = 'divergence';
  assert.is((await step.run(ctx, {})).output?.role, 'coding_optimized_builder');
  ctx.work.escalationDepth = 1;
  const esc = await step.run(ctx, {});
  assert.is(esc.output?.role, 'frontier_reviewer');
  assert.is(esc.output?.tier, 'default');
  assert.is(esc.output?.fallback_tier, null);
});

test('the registry loads route and propose', async () => {
  assert.is((await loadStep('route'))?.type, 'route');
  const propose = await loadStep('propose');
  assert.is(propose?.type, 'propose');
  assert.is(propose?.callsProvider, true);
});

test.run();
