// Every model call of a run, recorded as it happens: calls.jsonl gets one line per call
// (who was asked, at which tier, the answer or the failure, the usage) and
// calls/<n>.prompt.json the messages sent. The prompt is kept whole, not as a digest:
// it is what a reader needs to judge an answer, and what `pipe replay` compares.
import { isPipeError } from '../errors.js';
import { ProviderError, type ProviderName, type ProviderRequest, type ProviderResponse, type RoleProvider } from '../providers/contract.js';
import { sha256 } from './digest.js';
import { redact, redactValue } from './redact.js';
import type { CallRecord, RunRecords } from './types.js';

export interface CallWhere {
  step: string | null;
  attempt: number;
}

/** Wraps a provider factory so every call is written to the run's records. */
export function recordingProviders(
  factory: (name: ProviderName) => RoleProvider,
  records: RunRecords,
  where: () => CallWhere,
  monotonicMs: () => number,
): (name: ProviderName) => RoleProvider {
  let count = 0;
  const wrapped = new Map<ProviderName, RoleProvider>();
  const wrap = (inner: RoleProvider): RoleProvider => ({
    name: inner.name,
    async complete(request: ProviderRequest): Promise<ProviderResponse> {
      count += 1;
      const index = count;
      const promptFile = `calls/${String(index).padStart(3, '0')}.prompt.json`;
      const prompt = `${JSON.stringify(redactValue(request.messages), null, 2)}\n`;
      const base = {
        index,
        ...where(),
        provider: inner.name,
        role: request.role,
        model: request.model,
        tier: request.tier,
        reasoning_effort: request.reasoningEffort,
        max_output_tokens: request.maxOutputTokens,
        expect: request.expect,
        prompt_file: promptFile,
        prompt_sha256: sha256(prompt),
      };
      await records.writeText(promptFile, prompt);
      const t0 = monotonicMs();
      try {
        const r = await inner.complete(request);
        const answer = redact(r.text);
        const line: CallRecord = {
          ...base,
          ok: true,
          answer,
          answer_sha256: sha256(answer),
          finish_reason: r.finishReason,
          usage: r.usage,
          tier_served: r.tierServed,
          request_id: r.requestId,
          duration_ms: r.durationMs,
          error: null,
        };
        await records.appendJsonLine('calls.jsonl', line);
        return r;
      } catch (error) {
        const pe = error instanceof ProviderError ? error : null;
        const line: CallRecord = {
          ...base,
          ok: false,
          answer: null,
          answer_sha256: null,
          finish_reason: null,
          usage: null,
          tier_served: null,
          request_id: pe?.requestId ?? null,
          duration_ms: Math.round(monotonicMs() - t0),
          error: {
            kind: pe?.kind ?? null,
            code: isPipeError(error) ? error.code : null,
            message: redact(error instanceof Error ? error.message : String(error)),
            status: pe?.status ?? null,
            billed: pe?.billed ?? null,
          },
        };
        await records.appendJsonLine('calls.jsonl', line);
        throw error;
      }
    },
  });
  return (name) => {
    let p = wrapped.get(name);
    if (!p) {
      p = wrap(factory(name));
      wrapped.set(name, p);
    }
    return p;
  };
}
