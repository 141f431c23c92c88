// The fake provider: no network, fully deterministic. It replays the task's (or the
// config's) scripted responses one per call, in order, so every success and failure
// path can be driven from a YAML file. Usage figures are real token counts of what
// was sent and returned, so budgets behave as they would against a real model.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { PipeError } from '../errors.js';
import { countMessageTokens, countTextTokens } from '../budget/tokens.js';
import type { FakeResponse } from '../types/generated/index.js';
import type { Usage } from './contract.js';
import { ProviderError, type ProviderErrorKind, type ProviderRequest, type ProviderResponse, type RoleProvider } from './contract.js';

export type FakeErrorKind = NonNullable<FakeResponse['error']>;

/** The HTTP status a real API would have answered with, so records look the same. */
const ERROR_STATUS: Record<FakeErrorKind, number | null> = {
  rate_limited: 429,
  tier_unavailable: 429,
  timeout: null,
  truncated: 200,
  refused: 200,
  bad_request: 400,
  auth: 401,
  server_error: 500,
};

const ERROR_TEXT: Record<FakeErrorKind, string> = {
  rate_limited: 'rate limit reached (HTTP 429)',
  tier_unavailable: 'resource unavailable at the requested service tier (HTTP 429)',
  timeout: 'the request timed out',
  truncated: 'the answer was cut off at the output-token cap (finish_reason length)',
  refused: 'the model refused to answer (finish_reason content_filter)',
  bad_request: 'bad request (HTTP 400)',
  auth: 'authentication failed (HTTP 401)',
  server_error: 'server error (HTTP 500)',
};

export interface FakeProviderOptions {
  responses: FakeResponse[];
  /** Folder that relative `patch_file` paths resolve from (the task file's folder). */
  taskDir: string;
  /** Where the script came from, for error messages. */
  scriptSource?: string;
}

export interface FakeProvider extends RoleProvider {
  /** How many scripted responses have been used. */
  readonly calls: number;
}

function zeroUsage(): Usage {
  return { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0 };
}

/** A slow model's wait, cut short (like a real request) when the run is interrupted. */
function waitUnlessAborted(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const cancelled = () => reject(new PipeError('E_INTERRUPTED', 'fake provider: the call was cancelled'));
    if (signal?.aborted) return cancelled();
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      cancelled();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function createFakeProvider(options: FakeProviderOptions): FakeProvider {
  const script = options.responses;
  const source = options.scriptSource ?? 'fake.responses';
  let next = 0;

  function answerText(entry: FakeResponse, index: number): string {
    if (entry.patch_file !== undefined) {
      const file = isAbsolute(entry.patch_file) ? entry.patch_file : resolve(options.taskDir, entry.patch_file);
      try {
        return readFileSync(file, 'utf8');
      } catch (error) {
        throw new PipeError('E_FILE', `${source}[${index}].patch_file '${entry.patch_file}' cannot be read (${file}): ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
          hint: 'patch_file paths are relative to the task file, or absolute',
        });
      }
    }
    return entry.text ?? entry.diagnosis ?? '';
  }

  return {
    name: 'fake',
    get calls() {
      return next;
    },
    async complete(request: ProviderRequest): Promise<ProviderResponse> {
      if (script.length === 0) {
        throw new PipeError('E_CONFIG', `the fake provider has no scripted responses: ${source} is empty (role ${request.role} asked for an answer); add fake.responses to the task file, or run with --provider openai`, {
          hint: 'add entries under fake.responses in the task (or .pipe/config.yaml), or use --provider openai',
        });
      }
      // Past the end of the script the fake keeps giving its last answer, as a model
      // asked the same question again would: a task scripted with one unsafe patch is
      // refused on every attempt, one wrong patch stalls.
      const index = Math.min(next, script.length - 1);
      next += 1;
      const entry = script[index];
      const requestId = `fake-req-${next}`;
      if (entry.delay_ms) await waitUnlessAborted(entry.delay_ms, request.signal);
      const inputTokens = countMessageTokens(request.model, request.messages);
      if (entry.error !== undefined) {
        const kind = entry.error as ProviderErrorKind;
        // A truncated answer is billed in full by a real API: the prompt and the whole output allowance.
        const billed = entry.error === 'truncated' ? { ...zeroUsage(), inputTokens, outputTokens: request.maxOutputTokens } : null;
        throw new ProviderError(kind, `fake provider: ${ERROR_TEXT[entry.error]} (scripted ${source}[${index}])`, {
          status: ERROR_STATUS[entry.error],
          requestId,
          billed,
          tierRequested: request.tier,
        });
      }
      const text = answerText(entry, index);
      const outputTokens = countTextTokens(request.model, text);
      const usage: Usage = { inputTokens, cachedInputTokens: 0, outputTokens, reasoningTokens: 0 };
      if (outputTokens > request.maxOutputTokens) {
        // What a real model does with a cap it cannot fit in: stop at the cap.
        throw new ProviderError('truncated', `fake provider: the scripted answer ${source}[${index}] has ${outputTokens} tokens, over the role's output cap of ${request.maxOutputTokens}`, {
          status: 200,
          requestId,
          billed: { ...usage, outputTokens: request.maxOutputTokens },
          tierRequested: request.tier,
        });
      }
      return { text, finishReason: 'stop', usage, tierServed: entry.tier ?? request.tier, requestId, durationMs: 0 };
    },
  };
}
