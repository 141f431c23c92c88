// The replay's model: answers every call with the recorded answer, in order, per kind of
// call (patch, diagnosis, label), so a reviewer's recorded diagnosis still answers the
// reviewer even when the new rules escalate earlier. No network, no model. When the new
// route asks a different role or model than the recorded call, the recorded answer
// stands in and the replay says so; a new cap below the recorded output truncates it
// as a real model would. A call with no recorded answer ends the replay of that run.
import { PipeError, type ErrorCode } from '../errors.js';
import { ProviderError, type ProviderErrorKind, type ProviderRequest, type ProviderResponse, type RoleProvider } from '../providers/contract.js';
import { sha256 } from '../records/digest.js';
import { redactValue } from '../records/redact.js';
import type { CallRecord } from '../records/types.js';
import type { VirtualClock } from './clock.js';
import type { StandIn } from './types.js';

export interface ReplayProviderHooks {
  clock: VirtualClock;
  /** The replay cannot go on: record why and stop the run. */
  undetermined(reason: string): void;
  standIn(s: StandIn): void;
  note(message: string): void;
}

export function replayProvider(calls: readonly CallRecord[], hooks: ReplayProviderHooks): RoleProvider {
  const queues = new Map<string, CallRecord[]>();
  for (const c of calls) {
    const q = queues.get(c.expect) ?? [];
    q.push(c);
    queues.set(c.expect, q);
  }
  let count = 0;
  return {
    name: 'fake',
    async complete(request: ProviderRequest): Promise<ProviderResponse> {
      count += 1;
      const queue = queues.get(request.expect) ?? [];
      // A capacity miss belongs to the tier it happened at: one recorded at another tier is skipped.
      while (queue.length && queue[0].error?.kind === 'tier_unavailable' && queue[0].tier !== request.tier) queue.shift();
      const recorded = queue.shift();
      if (!recorded) {
        const reason = `the new rules make a ${request.expect} call (#${count}, ${request.role}) the recorded run never made, so there is no answer to replay`;
        hooks.undetermined(reason);
        throw new PipeError('E_CONFIG', `replay: ${reason}`);
      }
      const prompt = `${JSON.stringify(redactValue(request.messages), null, 2)}\n`;
      if (sha256(prompt) !== recorded.prompt_sha256 && recorded.role === request.role) {
        hooks.note(`call ${count} (${request.role}): the prompt differs from the recorded one (${recorded.prompt_file}); the recorded answer was used`);
      }
      if (recorded.role !== request.role || recorded.model !== request.model) {
        hooks.standIn({
          call: count,
          recorded: { role: recorded.role, model: recorded.model, tier: recorded.tier },
          replayed: { role: request.role, model: request.model, tier: request.tier },
        });
      }
      if (recorded.tier !== request.tier) hooks.note(`call ${count} (${request.role}): asked at tier ${request.tier}, recorded at ${recorded.tier}`);
      hooks.clock.advance(recorded.duration_ms);
      if (!recorded.ok || recorded.error) {
        const e = recorded.error;
        if (e?.kind) {
          throw new ProviderError(e.kind as ProviderErrorKind, e.message, { status: e.status, requestId: recorded.request_id, billed: e.billed, tierRequested: request.tier });
        }
        throw new PipeError((e?.code ?? 'E_PROVIDER') as ErrorCode, e?.message ?? 'the recorded call failed');
      }
      const usage = recorded.usage ?? { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0 };
      if (usage.outputTokens > request.maxOutputTokens) {
        // What a real model does with a cap it cannot fit in: stop at the cap, billed in full.
        throw new ProviderError('truncated', `replay: the recorded answer has ${usage.outputTokens} output tokens, over the new output cap of ${request.maxOutputTokens}`, {
          status: 200,
          requestId: recorded.request_id,
          billed: { ...usage, outputTokens: request.maxOutputTokens },
          tierRequested: request.tier,
        });
      }
      return {
        text: recorded.answer ?? '',
        finishReason: recorded.finish_reason ?? 'stop',
        usage,
        // Asked at another tier than recorded, the answer is taken as served at the tier asked.
        tierServed: request.tier === recorded.tier ? recorded.tier_served : request.tier,
        requestId: recorded.request_id,
        durationMs: recorded.duration_ms,
      };
    },
  };
}
