import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chooseRole, decideRoute, resolveRoute } from '../../src/routing/route.js';
import { chooseTier, tierForRole } from '../../src/routing/tier.js';
import type { Policy, Task } from '../../src/types/generated/index.js';
import { defaultPolicy, makeCtx, makeTask } from './ctx.js';
import { rejection, thrown } from '../helpers/throws.js';

const INTENTS: Task['intent'][] = ['mechanical_edit', 'classification', 'summarize', 'small_change', 'bugfix', 'feature', 'integration', 'review'];

const facts = (intent: Task['intent'], over: Partial<{ attempt: number; escalationDepth: number; lastVerdict: 'divergence' | 'stall' | 'progress' | null }> = {}) => ({
  task: makeTask({ intent }),
  attempt: over.attempt ?? 1,
  escalationDepth: over.escalationDepth ?? 0,
  lastVerdict: over.lastVerdict ?? null,
});

test('each intent routes to its role under the default policy', async () => {
  const policy = defaultPolicy();
  const expected: Record<string, string> = {
    mechanical_edit: 'mechanical_worker',
    classification: 'classification_worker',
    summarize: 'simple_builder',
    small_change: 'simple_builder',
    bugfix: 'general_builder',
    feature: 'coding_optimized_builder',
    integration: 'coding_optimized_builder',
    review: 'frontier_reviewer',
  };
  for (const intent of INTENTS) {
    const r = await chooseRole(policy, facts(intent));
    assert.is(r.role, expected[intent], intent);
    assert.ok(r.rule, 'rule name recorded');
    assert.type(r.ruleIndex, 'number');
    assert.match(r.reason, /matched/);
  }
  const bug = await chooseRole(policy, facts('bugfix'));
  assert.is(bug.rule, 'default');
  assert.is(bug.ruleIndex, policy.routing!.length - 1);
});

test('a retry after divergence goes to the coding-optimized builder; other verdicts keep the intent route', async () => {
  const policy = defaultPolicy();
  const div = await chooseRole(policy, facts('bugfix', { attempt: 2, lastVerdict: 'divergence' }));
  assert.is(div.role, 'coding_optimized_builder');
  assert.is(div.rule, 'retry-after-divergence');
  const prog = await chooseRole(policy, facts('bugfix', { attempt: 2, lastVerdict: 'progress' }));
  assert.is(prog.role, 'general_builder');
  // attempt 1 with a stale divergence verdict is not a retry
  const first = await chooseRole(policy, facts('mechanical_edit', { attempt: 1, lastVerdict: 'divergence' }));
  assert.is(first.role, 'mechanical_worker');
});

test('escalation depth 1 → frontier_reviewer, depth 2 → emergency_pro_reviewer (manual approval)', async () => {
  const policy = defaultPolicy();
  for (const intent of INTENTS) {
    assert.is((await chooseRole(policy, facts(intent, { escalationDepth: 1 }))).role, 'frontier_reviewer');
    assert.is((await chooseRole(policy, facts(intent, { escalationDepth: 2 }))).role, 'emergency_pro_reviewer');
  }
  const route = decideRoute(policy, await chooseRole(policy, facts('bugfix', { escalationDepth: 2 })), { provider: 'fake', escalationDepth: 2 });
  assert.is(route.manualApproval, true);
  assert.is(route.mode, 'diagnosis');
  assert.is(route.model, 'gpt-5-pro');
  assert.is(route.escalationDepth, 2);
});

test('classification_worker is reached only by an explicit rule', async () => {
  const policy = defaultPolicy();
  for (const intent of INTENTS.filter((i) => i !== 'classification')) {
    for (const attempt of [1, 2, 3]) {
      for (const lastVerdict of [null, 'divergence', 'stall'] as const) {
        const r = await chooseRole(policy, facts(intent, { attempt, lastVerdict }));
        assert.is.not(r.role, 'classification_worker', `${intent} ${attempt} ${lastVerdict}`);
      }
    }
  }
  // Without the classification rule, even the classification intent falls to the default.
  const noRule: Policy = { ...policy, routing: policy.routing!.filter((r) => r.name !== 'classification') };
  assert.is((await chooseRole(noRule, facts('classification'))).role, 'general_builder');
});

test('no rule matching is E_CONFIG; an unknown role is E_CONFIG naming it', async () => {
  const policy: Policy = { ...defaultPolicy(), routing: [{ name: 'only-features', when: "intent = 'feature'", role: 'coding_optimized_builder' }] };
  {
    const e = await rejection(() => chooseRole(policy, facts('bugfix')));
    assert.is((e as { code: string }).code, 'E_CONFIG');
    assert.match((e as Error).message, /no routing rule matched/);
  }
  const noRoles: Policy = { ...defaultPolicy(), roles: {} };
  {
    const e = thrown(() => decideRoute(noRoles, { role: 'general_builder', rule: 'default', ruleIndex: 0, reason: 'x' }, { provider: 'fake', escalationDepth: 0 }));
    assert.is((e as { code: string }).code, 'E_CONFIG');
    assert.match((e as Error).message, /general_builder/);
  }
});

test('builders get flex with a default fallback; reviewers the reviewer preference', () => {
  const policy = defaultPolicy();
  assert.equal(tierForRole(policy, 'general_builder').tier, 'flex');
  assert.equal(tierForRole(policy, 'general_builder').fallbackTier, 'default');
  assert.equal(tierForRole(policy, 'frontier_reviewer').tier, 'default');
  assert.equal(tierForRole(policy, 'frontier_reviewer').fallbackTier, null);
  // Without a reviewer preference, reviewers use the builder one.
  const noReviewer: Policy = { ...policy, policy: { ...policy.policy, reviewer_service_tier_preference: undefined } };
  assert.equal(tierForRole(noReviewer, 'frontier_reviewer').tier, 'flex');
  // A role's own service_tier wins.
  const own: Policy = { ...policy, roles: { ...policy.roles, general_builder: { ...policy.roles!.general_builder, service_tier: { preferred: 'default' } } } };
  assert.equal(tierForRole(own, 'general_builder').tier, 'default');
});

test('priority is never chosen without allow_priority, and auto is never a fallback', () => {
  const denied = chooseTier({ preferred: 'priority', fallback: 'flex' });
  assert.is(denied.tier, 'flex');
  assert.ok(denied.notes.some((n) => /priority/.test(n)));
  const deniedFallback = chooseTier({ preferred: 'flex', fallback: 'priority' });
  assert.is(deniedFallback.fallbackTier, 'default');
  const both = chooseTier({ preferred: 'priority', fallback: 'priority' });
  assert.is(both.tier, 'default');
  const auto = chooseTier({ preferred: 'flex', fallback: 'auto' });
  assert.is(auto.fallbackTier, 'default');
  const autoPreferred = chooseTier({ preferred: 'auto' });
  assert.is(autoPreferred.tier, 'default');
  const allowed = chooseTier({ preferred: 'priority', fallback: 'default', allow_priority: true });
  assert.is(allowed.tier, 'priority');
  assert.is(allowed.fallbackTier, 'default');
  // Exhaustively: nothing without allow_priority ever yields priority.
  const tiers = ['auto', 'default', 'flex', 'scale', 'priority', undefined] as const;
  for (const preferred of tiers) for (const fallback of tiers) {
    const c = chooseTier({ preferred, fallback });
    assert.is.not(c.tier, 'priority');
    assert.is.not(c.fallbackTier, 'priority');
    assert.is.not(c.fallbackTier, 'auto');
  }
});

test('resolveRoute: the reason says when priority was refused; effort, output cap and provider come from the role and policy', async () => {
  const policy = defaultPolicy();
  policy.policy!.builder_service_tier_preference = { preferred: 'priority', fallback: 'default', allow_priority: false };
  policy.limits!.max_output_tokens_per_call = 3000;
  policy.roles!.general_builder = { ...policy.roles!.general_builder, reasoning_effort: undefined, max_output_tokens: 9000, provider: 'openai' };
  policy.policy!.reasoning_effort = { default: 'low' };
  const ctx = makeCtx({ repo: process.cwd(), policy });
  const route = await resolveRoute(ctx);
  assert.is(route.role, 'general_builder');
  assert.is(route.tier, 'default');
  assert.match(route.reason, /priority.*not allowed/);
  assert.is(route.reasoningEffort, 'low');
  assert.is(route.maxOutputTokens, 9000, 'the role asks for 9000; the budget step blocks it against the 3000 limit');
  assert.is(route.provider, 'openai');
  const forced = await resolveRoute(ctx, { role: 'mechanical_worker' });
  assert.is(forced.role, 'mechanical_worker');
  assert.is(forced.rule, null);
  assert.match(forced.reason, /^forced by with.role/);
  assert.is(forced.provider, 'fake');
  const escalated = await resolveRoute(ctx, { escalationDepth: 1 });
  assert.is(escalated.role, 'frontier_reviewer');
  assert.is(escalated.escalationDepth, 1);
  // No policy effort default at all: medium.
  delete policy.policy!.reasoning_effort;
  assert.is((await resolveRoute(ctx)).reasoningEffort, 'medium');
});

test.run();
