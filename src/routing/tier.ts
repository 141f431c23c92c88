// Which service tier a role asks for, and what it falls back to. Pure: policy in,
// decision out. Two rules hold whatever the policy says: `priority` is never chosen
// unless `allow_priority: true`, and `auto` is never sent as a fallback (it follows
// the API project's own setting, which may be priority), so `default` goes instead.
import type { Policy, RoleName, Tier, TierPreference } from '../types/generated/index.js';

export const REVIEWER_ROLES: readonly RoleName[] = ['frontier_reviewer', 'emergency_pro_reviewer'];

export interface TierChoice {
  tier: Tier;
  /** Tier to retry at once on `tier_unavailable`; null when there is nothing different to try. */
  fallbackTier: Tier | null;
  /** Why the tier differs from what the policy literally prefers, if it does. */
  notes: string[];
  /** Where the preference came from, for messages. */
  source: string;
}

/** The preference in force for a role: the role's own `service_tier` over the builder/reviewer one. */
export function tierPreferenceFor(policy: Policy, roleName: RoleName): { preference: TierPreference; source: string } {
  const tiers = policy.policy ?? {};
  const reviewer = REVIEWER_ROLES.includes(roleName);
  const base = reviewer
    ? (tiers.reviewer_service_tier_preference ?? tiers.builder_service_tier_preference)
    : tiers.builder_service_tier_preference;
  const baseSource = reviewer && tiers.reviewer_service_tier_preference ? 'policy.reviewer_service_tier_preference' : 'policy.builder_service_tier_preference';
  const own = policy.roles?.[roleName]?.service_tier;
  if (own) return { preference: { ...(base ?? {}), ...own }, source: `roles.${roleName}.service_tier` };
  return { preference: base ?? {}, source: base ? baseSource : 'built-in default' };
}

/** Applies the priority and auto rules to a preference. */
export function chooseTier(preference: TierPreference, source = 'policy'): TierChoice {
  const allowPriority = preference.allow_priority === true;
  const notes: string[] = [];
  let tier: Tier = preference.preferred ?? 'default';
  let fallback: Tier = preference.fallback ?? 'default';

  if (fallback === 'auto') {
    notes.push("fallback 'auto' is sent as 'default' (auto may resolve to priority)");
    fallback = 'default';
  }
  if (fallback === 'priority' && !allowPriority) {
    notes.push("fallback 'priority' is not allowed (allow_priority is false); using 'default'");
    fallback = 'default';
  }
  if (tier === 'priority' && !allowPriority) {
    notes.push(`preferred tier 'priority' is not allowed (allow_priority is false); using the fallback '${fallback}'`);
    tier = fallback;
  }
  if (tier === 'auto' && !allowPriority) {
    notes.push("preferred tier 'auto' may resolve to priority, which is not allowed; using 'default'");
    tier = 'default';
  }
  return { tier, fallbackTier: fallback === tier ? null : fallback, notes, source };
}

export function tierForRole(policy: Policy, roleName: RoleName): TierChoice {
  const { preference, source } = tierPreferenceFor(policy, roleName);
  return chooseTier(preference, source);
}
