// What the route step decides: the capability role and the model, tier and effort it runs at.
import type { ProviderName } from '../providers/contract.js';
import type { Effort, RoleName, Tier } from '../types/generated/index.js';

export type { RoleName, Tier, Effort };

/** What a role's answer must be. */
export type RoleMode = 'patch' | 'diagnosis' | 'label';

export interface RouteDecision {
  role: RoleName;
  /** Name (or `#<index>`) of the routing rule that matched; null when forced by `with.role`. */
  rule: string | null;
  ruleIndex: number | null;
  /** Why: the rule's `when` text, or "forced by with.role". */
  reason: string;
  provider: ProviderName;
  model: string;
  mode: RoleMode;
  tier: Tier;
  fallbackTier: Tier | null;
  reasoningEffort: Effort;
  maxOutputTokens: number;
  manualApproval: boolean;
  /** Reviewers in diagnosis mode may patch only when the policy says so. */
  allowPatch: boolean;
  escalationDepth: number;
}
