// Routing: ordered policy rules pick a capability role from the task's intent, the
// attempt number, the escalation depth and the last verdict; the role then decides
// provider, model, mode, tier, reasoning effort and output cap.
import { PipeError } from '../errors.js';
import { compileExpression, evaluateCondition } from '../dsl/expressions.js';
import type { StepContext } from '../runner/types.js';
import type { VerdictName } from '../convergence/types.js';
import type { CompiledExpression } from '../dsl/types.js';
import type { RoleMode, RouteDecision } from './types.js';
import type { Policy, RoleName, Role, Task } from '../types/generated/index.js';
import { REVIEWER_ROLES, tierForRole } from './tier.js';

export interface RoutingFacts {
  task: Task;
  attempt: number;
  escalationDepth: number;
  lastVerdict: VerdictName | null;
}

export interface RoleChoice {
  role: RoleName;
  rule: string | null;
  ruleIndex: number | null;
  reason: string;
}

// Compiled once per `when` text: routing runs every attempt and JSONata parsing is not free.
const compiled = new Map<string, CompiledExpression>();

function compiledRule(source: string, index: number): CompiledExpression {
  let expr = compiled.get(source);
  if (!expr) {
    expr = compileExpression(source, { file: 'policy', line: 0, column: 0, pointer: `/routing/${index}/when` });
    compiled.set(source, expr);
  }
  return expr;
}

export function ruleName(rule: { name?: string }, index: number): string {
  return rule.name ?? `#${index}`;
}

/** The first routing rule whose `when` is true picks the role. */
export async function chooseRole(policy: Policy, facts: RoutingFacts): Promise<RoleChoice> {
  const rules = policy.routing ?? [];
  const scope: Record<string, unknown> = {
    task: facts.task,
    intent: facts.task.intent,
    attempt: facts.attempt,
    escalation_depth: facts.escalationDepth,
    last_verdict: facts.lastVerdict,
  };
  for (const [index, rule] of rules.entries()) {
    if (await evaluateCondition(compiledRule(rule.when, index), scope)) {
      const name = ruleName(rule, index);
      return { role: rule.role, rule: name, ruleIndex: index, reason: `routing rule '${name}' matched: ${rule.when}` };
    }
  }
  throw new PipeError(
    'E_CONFIG',
    `no routing rule matched (intent '${facts.task.intent}', attempt ${facts.attempt}, escalation depth ${facts.escalationDepth}, last verdict ${facts.lastVerdict ?? 'none'}); ${rules.length} rule(s) in the policy`,
    { hint: "end the policy's routing list with a catch-all rule such as `{ name: default, when: \"true\", role: general_builder }`" },
  );
}

/** The mode a role works in when the policy does not say. */
export function defaultMode(roleName: RoleName): RoleMode {
  if (REVIEWER_ROLES.includes(roleName)) return 'diagnosis';
  if (roleName === 'classification_worker') return 'label';
  return 'patch';
}

export function roleConfig(policy: Policy, roleName: RoleName): Role {
  const role = policy.roles?.[roleName];
  if (!role) {
    const known = Object.keys(policy.roles ?? {});
    throw new PipeError('E_CONFIG', `role '${roleName}' is not defined in the policy's roles (defined: ${known.join(', ') || 'none'})`, {
      hint: `add roles.${roleName} with at least a model to your policy`,
    });
  }
  if (!role.model) {
    throw new PipeError('E_CONFIG', `role '${roleName}' has no model in the policy`, { hint: `set roles.${roleName}.model` });
  }
  return role;
}

const FALLBACK_OUTPUT_TOKENS = 4000;

/** Everything the budget and propose steps need to call a role, with the reason it was chosen. */
export async function resolveRoute(ctx: StepContext, options: { role?: RoleName; escalationDepth?: number } = {}): Promise<RouteDecision> {
  const escalationDepth = options.escalationDepth ?? ctx.work.escalationDepth;
  const choice: RoleChoice = options.role
    ? { role: options.role, rule: null, ruleIndex: null, reason: 'forced by with.role' }
    : await chooseRole(ctx.policy, { task: ctx.task, attempt: ctx.attempt, escalationDepth, lastVerdict: ctx.work.lastVerdict });
  return decideRoute(ctx.policy, choice, { provider: ctx.run.provider, escalationDepth });
}

/** The pure half of resolveRoute: a chosen role → its call settings. */
export function decideRoute(
  policy: Policy,
  choice: RoleChoice,
  defaults: { provider: RouteDecision['provider']; escalationDepth: number },
): RouteDecision {
  const role = roleConfig(policy, choice.role);
  const cap = policy.limits?.max_output_tokens_per_call;
  const wanted = role.max_output_tokens ?? cap ?? FALLBACK_OUTPUT_TOKENS;
  const tier = tierForRole(policy, choice.role);
  const reason = tier.notes.length ? `${choice.reason}; ${tier.notes.join('; ')}` : choice.reason;
  return {
    role: choice.role,
    rule: choice.rule,
    ruleIndex: choice.ruleIndex,
    reason,
    provider: role.provider ?? defaults.provider,
    model: role.model as string,
    mode: role.mode ?? defaultMode(choice.role),
    tier: tier.tier,
    fallbackTier: tier.fallbackTier,
    reasoningEffort: role.reasoning_effort ?? policy.policy?.reasoning_effort?.default ?? 'medium',
    // Not clamped: a role asking for more than limits.max_output_tokens_per_call is blocked by
    // the budget step (DSL.md §2), so a policy mistake is reported instead of silently changed.
    maxOutputTokens: wanted,
    manualApproval: role.manual_approval === true,
    allowPatch: role.allow_patch === true,
    escalationDepth: defaults.escalationDepth,
  };
}
