// The service-tier policy, kept out of the providers: call at the route's tier; on a
// tier-unavailable answer (a flex capacity miss, not billed) retry exactly once at the
// fallback tier, which routing has already cleaned (never priority unless allowed,
// never auto). A total time budget bounds both attempts together.
import type { Tier } from '../types/generated/index.js';
import { ProviderError, type ProviderRequest, type ProviderResponse, type RoleProvider } from './contract.js';

export interface TierAttempt {
  tier: Tier;
  ok: boolean;
  /** ProviderError kind, or 'error' for anything else. */
  errorKind: string | null;
  message: string | null;
  requestId: string | null;
  tierServed: string | null;
  durationMs: number;
}

export type TierCallResult =
  | { ok: true; response: ProviderResponse; tier: Tier; attempts: TierAttempt[] }
  | { ok: false; error: unknown; tier: Tier; attempts: TierAttempt[]; stoppedBeforeFallback: boolean };

export interface TierCallOptions {
  fallbackTier: Tier | null;
  /** Milliseconds both attempts together may take; undefined = no limit beyond the provider's own timeouts. */
  totalBudgetMs?: number;
  now?: () => number;
  /**
   * Runs between a tier-unavailable answer and the fallback call (the caller settles the
   * first ledger row and reserves again). Resolve false to stop without calling again.
   */
  beforeFallback?: (info: { from: Tier; to: Tier; error: ProviderError }) => Promise<boolean>;
}

function withDeadline(signal: AbortSignal | undefined, remainingMs: number | undefined): AbortSignal | undefined {
  if (remainingMs === undefined) return signal;
  const timer = AbortSignal.timeout(Math.max(1, Math.floor(remainingMs)));
  return signal ? AbortSignal.any([signal, timer]) : timer;
}

export async function callWithTierPolicy(provider: RoleProvider, request: ProviderRequest, options: TierCallOptions): Promise<TierCallResult> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const attempts: TierAttempt[] = [];
  const remaining = () => (options.totalBudgetMs === undefined ? undefined : options.totalBudgetMs - (now() - started));

  const attempt = async (tier: Tier): Promise<{ ok: true; response: ProviderResponse } | { ok: false; error: unknown }> => {
    const left = remaining();
    const t0 = now();
    if (left !== undefined && left <= 0) {
      const error = new ProviderError('timeout', `no time left in the run's time budget to call at tier ${tier}`, { tierRequested: tier });
      attempts.push({ tier, ok: false, errorKind: 'timeout', message: error.message, requestId: null, tierServed: null, durationMs: 0 });
      return { ok: false, error };
    }
    const signal = withDeadline(request.signal, left);
    try {
      const response = await provider.complete({ ...request, tier, signal });
      attempts.push({ tier, ok: true, errorKind: null, message: null, requestId: response.requestId, tierServed: response.tierServed, durationMs: Math.round(now() - t0) });
      return { ok: true, response };
    } catch (caught) {
      let error = caught;
      // Our own deadline fired (not the caller's signal): report it as a timeout, not an interrupt.
      if (signal && signal.aborted && !request.signal?.aborted && !(caught instanceof ProviderError)) {
        error = new ProviderError('timeout', `the call at tier ${tier} ran past the run's time budget`, { tierRequested: tier, cause: caught });
      }
      const pe = error instanceof ProviderError ? error : null;
      attempts.push({
        tier,
        ok: false,
        errorKind: pe ? pe.kind : 'error',
        message: error instanceof Error ? error.message : String(error),
        requestId: pe ? pe.requestId : null,
        tierServed: null,
        durationMs: Math.round(now() - t0),
      });
      return { ok: false, error };
    }
  };

  const first = await attempt(request.tier);
  if (first.ok) return { ok: true, response: first.response, tier: request.tier, attempts };
  const fallback = options.fallbackTier;
  const canFallBack = first.error instanceof ProviderError && first.error.kind === 'tier_unavailable' && fallback !== null && fallback !== request.tier;
  if (!canFallBack) return { ok: false, error: first.error, tier: request.tier, attempts, stoppedBeforeFallback: false };
  if (options.beforeFallback && !(await options.beforeFallback({ from: request.tier, to: fallback, error: first.error as ProviderError }))) {
    return { ok: false, error: first.error, tier: request.tier, attempts, stoppedBeforeFallback: true };
  }
  const second = await attempt(fallback);
  if (second.ok) return { ok: true, response: second.response, tier: fallback, attempts };
  return { ok: false, error: second.error, tier: fallback, attempts, stoppedBeforeFallback: false };
}
