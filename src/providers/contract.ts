// The role provider contract: the only thing the rest of pipe knows about a model.
// Providers (fake, openai) implement it; nothing outside src/providers/ knows which runs.
import type { Effort, RoleMode, RoleName, Tier } from '../routing/types.js';
import type { Config } from '../types/generated/index.js';

/**
 * The providers pipe ships: the Config schema's `provider` enum (the language says which
 * names a user may write). The PROVIDERS table in index.ts has one entry per name, and
 * TypeScript refuses a table that misses one.
 */
export type ProviderName = NonNullable<Config['provider']>;

export interface ProviderRequest {
  role: RoleName;
  model: string;
  tier: Tier;
  reasoningEffort: Effort;
  maxOutputTokens: number;
  messages: ChatMessage[];
  /** What the answer must be; providers may use it for response formatting hints. */
  expect: RoleMode;
  /** A JSON Schema the answer must follow (OpenAI Structured Outputs, strict); absent: free text. */
  responseSchema?: { name: string; schema: Record<string, unknown> };
  signal?: AbortSignal;
}

export interface ProviderResponse {
  text: string;
  /** 'stop', 'length', 'content_filter', … as the provider reports it. */
  finishReason: string;
  usage: Usage;
  /** The tier the response reports as actually used (null when the provider says nothing). */
  tierServed: string | null;
  requestId: string | null;
  durationMs: number;
}

export type ProviderErrorKind =
  | 'tier_unavailable'
  | 'rate_limited'
  | 'timeout'
  | 'refused'
  | 'truncated'
  | 'bad_request'
  | 'auth'
  | 'server_error'
  | 'network';

/** A typed provider failure. `billed` usage is what the provider charged for the failed call. */
export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly status: number | null;
  readonly requestId: string | null;
  readonly billed: Usage | null;
  readonly tierRequested: string;

  constructor(
    kind: ProviderErrorKind,
    message: string,
    options: { status?: number | null; requestId?: string | null; billed?: Usage | null; tierRequested: string; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProviderError';
    this.kind = kind;
    this.status = options.status ?? null;
    this.requestId = options.requestId ?? null;
    this.billed = options.billed ?? null;
    this.tierRequested = options.tierRequested;
  }
}

export interface RoleProvider {
  readonly name: ProviderName;
  /** Sends one request at one tier. Throws ProviderError on failure. Tier fallback is the caller's (src/providers/tiers.ts). */
  complete(request: ProviderRequest): Promise<ProviderResponse>;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface Usage {
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

/** The model's answer for this attempt, as text; the gate parses patches. */
export interface ProposalText {
  kind: RoleMode;
  text: string;
  finishReason: string;
  tierServed: string | null;
  requestId: string | null;
  usage: Usage;
  costUsd: number;
}
