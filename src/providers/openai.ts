// The OpenAI provider: the official SDK, Chat Completions by default or the Responses
// API. One request per call at one tier; the tier fallback lives in tiers.ts. Flex
// calls run with the SDK's own retries off (a capacity miss must reach pipe's tier
// policy, not be retried blindly) and a long timeout. A request with a response schema
// (the JSON patch) sends it as Structured Outputs, strict.
import OpenAI from 'openai';
import { PipeError } from '../errors.js';
import { redact } from '../records/redact.js';
import type { Config } from '../types/generated/index.js';
import type { Usage } from './contract.js';
import { ProviderError, type ProviderRequest, type ProviderResponse, type RoleProvider } from './contract.js';
import { mapOpenAIError } from './openai-errors.js';

type OpenAISettings = NonNullable<Config['openai']>;

export interface OpenAIProviderOptions {
  apiKey: string;
  settings?: OpenAISettings;
  /** OPENAI_BASE_URL, which wins over settings.base_url. */
  baseURL?: string;
}

interface Answer {
  text: string;
  finishReason: string;
  usage: Usage;
  tierServed: string | null;
  refusal: string | null;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function malformed(what: string, tier: string, requestId: string | null): ProviderError {
  return new ProviderError('server_error', `openai: malformed response: ${what}`, { tierRequested: tier, requestId });
}

// chatAnswer and responsesAnswer look alike on purpose: the two APIs name the same figures
// differently (prompt_tokens / input_tokens …), and one mapper each keeps every name visible.
function chatAnswer(data: unknown, tier: string, requestId: string | null): Answer {
  const body = data as OpenAI.Chat.Completions.ChatCompletion | null;
  if (!body || typeof body !== 'object' || !Array.isArray(body.choices) || body.choices.length === 0) throw malformed('no choices in the body', tier, requestId);
  const choice = body.choices[0];
  const u = body.usage;
  return {
    text: typeof choice.message?.content === 'string' ? choice.message.content : '',
    finishReason: String(choice.finish_reason ?? 'unknown'),
    usage: {
      inputTokens: num(u?.prompt_tokens),
      cachedInputTokens: num(u?.prompt_tokens_details?.cached_tokens),
      outputTokens: num(u?.completion_tokens),
      reasoningTokens: num(u?.completion_tokens_details?.reasoning_tokens),
    },
    tierServed: body.service_tier ?? null,
    refusal: typeof choice.message?.refusal === 'string' && choice.message.refusal ? choice.message.refusal : null,
  };
}

function responsesAnswer(data: unknown, tier: string, requestId: string | null): Answer {
  const body = data as OpenAI.Responses.Response | null;
  if (!body || typeof body !== 'object' || !Array.isArray(body.output)) throw malformed('no output in the body', tier, requestId);
  const u = body.usage;
  let refusal: string | null = null;
  for (const item of body.output) {
    if (item.type !== 'message') continue;
    for (const part of item.content) if (part.type === 'refusal') refusal = part.refusal;
  }
  const incomplete = body.status === 'incomplete' ? body.incomplete_details?.reason : undefined;
  return {
    text: typeof body.output_text === 'string' ? body.output_text : '',
    // Responses has no finish_reason; map its incomplete reasons onto Chat's names.
    finishReason: incomplete === 'max_output_tokens' ? 'length' : incomplete === 'content_filter' ? 'content_filter' : String(body.status ?? 'completed') === 'completed' ? 'stop' : String(body.status),
    usage: {
      inputTokens: num(u?.input_tokens),
      cachedInputTokens: num(u?.input_tokens_details?.cached_tokens),
      outputTokens: num(u?.output_tokens),
      reasoningTokens: num(u?.output_tokens_details?.reasoning_tokens),
    },
    tierServed: body.service_tier ?? null,
    refusal,
  };
}

export function createOpenAIProvider(options: OpenAIProviderOptions): RoleProvider {
  if (!options.apiKey) throw new PipeError('E_PROVIDER_CONFIG', 'provider openai needs OPENAI_API_KEY in the environment');
  const settings = options.settings ?? {};
  const api = settings.api ?? 'chat';
  const maxRetries = settings.max_retries ?? 2;
  const timeoutMs = (settings.timeout_s ?? 600) * 1000;
  const flexTimeoutMs = (settings.flex_timeout_s ?? 900) * 1000;
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL || settings.base_url || undefined,
    organization: settings.organization ?? null,
    project: settings.project ?? null,
    maxRetries,
    timeout: timeoutMs,
    // The SDK logs request details at debug level; keep it quiet whatever the environment says.
    logLevel: 'off',
  });

  return {
    name: 'openai',
    async complete(request: ProviderRequest): Promise<ProviderResponse> {
      const flex = request.tier === 'flex';
      const requestOptions = { maxRetries: flex ? 0 : maxRetries, timeout: flex ? flexTimeoutMs : timeoutMs, signal: request.signal };
      const context = { role: request.role, model: request.model, tier: request.tier, effort: request.reasoningEffort, baseURL: client.baseURL };
      const started = performance.now();
      let answer: Answer;
      let requestId: string | null = null;
      try {
        if (api === 'responses') {
          const { data, request_id } = await client.responses
            .create(
              {
                model: request.model,
                input: request.messages.map((m) => ({ role: m.role, content: m.content })),
                service_tier: request.tier,
                reasoning: { effort: request.reasoningEffort },
                max_output_tokens: request.maxOutputTokens,
                store: false,
                ...(request.responseSchema ? { text: { format: { type: 'json_schema' as const, name: request.responseSchema.name, strict: true, schema: request.responseSchema.schema } } } : {}),
              },
              requestOptions,
            )
            .withResponse();
          requestId = request_id;
          answer = responsesAnswer(data, request.tier, requestId);
        } else {
          const { data, request_id } = await client.chat.completions
            .create(
              {
                model: request.model,
                messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
                service_tier: request.tier,
                reasoning_effort: request.reasoningEffort,
                max_completion_tokens: request.maxOutputTokens,
                ...(request.responseSchema ? { response_format: { type: 'json_schema' as const, json_schema: { name: request.responseSchema.name, strict: true, schema: request.responseSchema.schema } } } : {}),
              },
              requestOptions,
            )
            .withResponse();
          requestId = request_id;
          answer = chatAnswer(data, request.tier, requestId);
        }
      } catch (error) {
        const mapped = mapOpenAIError(error, context);
        if (mapped instanceof ProviderError && mapped.requestId === null && requestId !== null) {
          throw new ProviderError(mapped.kind, mapped.message, { status: mapped.status, requestId, billed: mapped.billed, tierRequested: request.tier });
        }
        throw mapped;
      }
      const durationMs = Math.round(performance.now() - started);
      const where = `openai (${request.model}, tier ${request.tier}${requestId ? `, request ${requestId}` : ''})`;
      if (answer.finishReason === 'length') {
        throw new ProviderError('truncated', `${where}: the answer was cut off at the output-token cap of ${request.maxOutputTokens} (finish_reason length)`, {
          status: 200,
          requestId,
          billed: answer.usage,
          tierRequested: request.tier,
        });
      }
      if (answer.finishReason === 'content_filter' || answer.refusal !== null) {
        const why = answer.refusal ? `: ${redact(answer.refusal).slice(0, 300)}` : ' (finish_reason content_filter)';
        throw new ProviderError('refused', `${where}: the model refused${why}`, { status: 200, requestId, billed: answer.usage, tierRequested: request.tier });
      }
      return { text: answer.text, finishReason: answer.finishReason, usage: answer.usage, tierServed: answer.tierServed, requestId, durationMs };
    },
  };
}
