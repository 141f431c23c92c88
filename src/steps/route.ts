// The `route` step: picks the capability role (policy routing rules, or `with.role`),
// then model, tier and reasoning effort, and records which rule matched and why.
import { resolveRoute } from '../routing/route.js';
import type { StepModule } from '../runner/types.js';
import type { RouteWith } from '../types/generated/index.js';
import { readSchema } from '../dsl/schemas.js';

export const step: StepModule<RouteWith> = {
  type: 'route',
  withSchema: readSchema('steps/route.with'),
  async run(ctx, args) {
    const route = await resolveRoute(ctx, { role: args.role });
    ctx.work.route = route;
    const attempt = ctx.currentAttempt();
    attempt.role = route.role;
    attempt.model = route.model;
    attempt.tier = route.tier;
    return {
      status: 'succeeded',
      message: `${route.role} (${route.model}, tier ${route.tier}, effort ${route.reasoningEffort}) — ${route.reason}`,
      output: {
        role: route.role,
        rule: route.rule,
        rule_index: route.ruleIndex,
        reason: route.reason,
        provider: route.provider,
        model: route.model,
        mode: route.mode,
        tier: route.tier,
        fallback_tier: route.fallbackTier,
        reasoning_effort: route.reasoningEffort,
        max_output_tokens: route.maxOutputTokens,
        manual_approval: route.manualApproval,
      },
    };
  },
};
