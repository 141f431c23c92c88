// Maps what the openai SDK throws to pipe's typed provider errors. The SDK's error
// classes carry status, code, type and the x-request-id; the key never does, but every
// message still passes through redact() because servers echo things back.
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { PipeError } from '../errors.js';
import { redact } from '../records/redact.js';
import type { RoleName } from '../types/generated/index.js';
import { ProviderError, type ProviderErrorKind } from './contract.js';

const RESOURCE_UNAVAILABLE = /resource[_ ]unavailable|capacity|insufficient[_ ]capacity/i;
const EFFORT_PARAM = /reasoning[._]?effort|reasoning\.effort|\beffort\b/i;

function errorBody(error: APIError): { code: string; type: string; message: string; param: string } {
  const body = (error.error ?? {}) as { code?: unknown; type?: unknown; message?: unknown; param?: unknown };
  return {
    code: String(error.code ?? body.code ?? ''),
    type: String(error.type ?? body.type ?? ''),
    message: String(body.message ?? error.message ?? ''),
    param: String(error.param ?? body.param ?? ''),
  };
}

/** Is this 429 a flex capacity miss (not billed, worth one fallback) rather than a rate limit? */
export function isResourceUnavailable(error: APIError): boolean {
  const body = errorBody(error);
  return RESOURCE_UNAVAILABLE.test(`${body.code} ${body.type} ${body.message}`);
}

function kindForStatus(status: number, error: APIError): ProviderErrorKind {
  if (status === 429) return isResourceUnavailable(error) ? 'tier_unavailable' : 'rate_limited';
  if (status === 503) return 'tier_unavailable';
  if (status === 401 || status === 403) return 'auth';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'server_error';
  return 'bad_request';
}

/** Why a connection failed, from the innermost cause (undici wraps ECONNREFUSED, ENOTFOUND… in "fetch failed"). */
function connectionCause(error: Error): string {
  const parts: string[] = [];
  let cause: unknown = error.cause;
  for (let depth = 0; cause instanceof Error && depth < 4; depth++) {
    const code = (cause as NodeJS.ErrnoException).code;
    parts.push(code && !cause.message.includes(code) ? `${cause.message} (${code})` : cause.message);
    cause = cause.cause;
  }
  return parts.length ? `: ${redact(parts.join(': '))}` : '';
}

export interface OpenAIErrorContext {
  role: RoleName;
  model: string;
  tier: string;
  effort: string;
  /** The API base URL the client sent to (never holds the key). */
  baseURL: string;
}

/** Turns anything the SDK threw into a ProviderError (or a PipeError for configuration and interrupts). */
export function mapOpenAIError(error: unknown, context: OpenAIErrorContext): ProviderError | PipeError {
  if (error instanceof ProviderError || error instanceof PipeError) return error;
  const where = `openai (${context.model}, tier ${context.tier})`;
  if (error instanceof APIConnectionTimeoutError) {
    return new ProviderError('timeout', `${where}: the request timed out`, { tierRequested: context.tier });
  }
  if (error instanceof APIUserAbortError) {
    return new PipeError('E_INTERRUPTED', `${where}: the call was cancelled`);
  }
  if (error instanceof APIConnectionError) {
    return new ProviderError('network', `${where}: cannot connect to ${context.baseURL}${connectionCause(error)}`, { tierRequested: context.tier });
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const status = error.status;
    const body = errorBody(error);
    const requestId = error.requestID ?? null;
    const detail = redact(body.message || error.message).slice(0, 500);
    if (status === 400 && EFFORT_PARAM.test(`${body.param} ${body.message}`)) {
      return new PipeError(
        'E_CONFIG',
        `role ${context.role}: model ${context.model} rejected reasoning effort '${context.effort}' (HTTP 400${requestId ? `, request ${requestId}` : ''}): ${detail}`,
        { hint: `set roles.${context.role}.reasoning_effort to a value the model accepts`, details: { role: context.role, request_id: requestId } },
      );
    }
    // A rejected key is configuration: no retry or another attempt can fix it (exit 2).
    if (status === 401 || status === 403) {
      return new PipeError(
        'E_PROVIDER_CONFIG',
        `${where}: ${context.baseURL} rejected the key in OPENAI_API_KEY (HTTP ${status}${body.code ? ` ${body.code}` : ''}${requestId ? `, request ${requestId}` : ''}): ${detail}`,
        {
          hint: `check OPENAI_API_KEY, and that it belongs to ${context.baseURL} (set by OPENAI_BASE_URL or openai.base_url)${status === 403 ? ', and that the key\'s project may use this model' : ''}`,
          details: { role: context.role, status, request_id: requestId },
        },
      );
    }
    const kind = kindForStatus(status, error);
    const code = body.code ? ` ${body.code}` : '';
    return new ProviderError(kind, `${where}: HTTP ${status}${code}: ${detail}`, { status, requestId, tierRequested: context.tier });
  }
  if (error instanceof SyntaxError) {
    return new ProviderError('server_error', `${where}: malformed response (not valid JSON): ${redact(error.message).slice(0, 200)}`, { tierRequested: context.tier });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError('server_error', `${where}: ${redact(message).slice(0, 500)}`, { tierRequested: context.tier });
}
