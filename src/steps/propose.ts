// The `propose` step: calls the routed role with the scoped context (callRole,
// src/providers/call-role.ts, which settles the reservation with what the call really
// cost), then checks that the answer is the kind the role owes (a patch, a diagnosis or
// a label) before anything uses it.
import { join } from 'node:path';
import { PipeError, isPipeError } from '../errors.js';
import { ProviderError } from '../providers/contract.js';
import { providerTraits } from '../providers/index.js';
import { redact } from '../records/redact.js';
import { formatUsd } from '../budget/money.js';
import type { StepModule, StepResult } from '../runner/types.js';
import type { ProposeWith } from '../types/generated/index.js';
import { callRole } from '../providers/call-role.js';
import { ZERO_USAGE, settleCall } from '../budget/settle.js';
import { checkAnswer } from './propose-contract.js';
import { answerSettings } from '../patch/answer/policy.js';
import { withRefusalVerdict } from './refusal-verdict.js';
import { readSchema } from '../dsl/schemas.js';

export const step: StepModule<ProposeWith> = {
  type: 'propose',
  withSchema: readSchema('steps/propose.with'),
  callsProvider: true,
  async run(ctx, args): Promise<StepResult> {
    const { route, context, reservation } = ctx.work;
    if (!route || !context || !reservation) {
      throw new PipeError('E_CONFIG', `propose (step '${ctx.step.id}') needs a route step and a budget step before it (missing: ${[!route && 'route', !context && 'context', !reservation && 'reservation'].filter(Boolean).join(', ')})`, {
        hint: 'put `uses: route` and `uses: budget` steps before `uses: propose` in the pipeline',
      });
    }
    if (args.output !== undefined && args.output !== route.mode) {
      await settleCall(ctx, reservation.entryId, { ok: false, usage: ZERO_USAGE, costUsd: 0, tierServed: null, requestId: null, reason: 'configuration error: output kind mismatch' });
      throw new PipeError('E_CONFIG', `step '${ctx.step.id}' expects output '${args.output}', but role ${route.role} works in mode '${route.mode}'`, {
        hint: `change with.output of step '${ctx.step.id}', route to a role whose mode is '${args.output}', or set roles.${route.role}.mode`,
      });
    }
    // The reservation is spent either way; a retry must reserve again.
    ctx.work.reservation = undefined;

    const attempt = ctx.currentAttempt();
    const outcome = await callRole(ctx, route, context, reservation);
    const base = { role: route.role, model: route.model, tier_requested: route.tier };
    if (!outcome.ok) {
      if (outcome.result) return outcome.result;
      if (isPipeError(outcome.error)) throw outcome.error;
      const pe = outcome.error instanceof ProviderError ? outcome.error : null;
      // A rejected key is configuration whichever provider says so (the openai one already
      // maps 401/403 to E_PROVIDER_CONFIG): another attempt cannot fix it.
      if (pe?.kind === 'auth') {
        throw new PipeError('E_PROVIDER_CONFIG', `${route.provider} rejected the credentials for role ${route.role}: ${redact(pe.message)}`, {
          hint: providerTraits(route.provider).authHint,
        });
      }
      return {
        status: 'failed',
        code: 'E_PROVIDER',
        message: redact(outcome.error.message),
        output: {
          ...base,
          tier_served: null,
          error_kind: pe?.kind ?? 'error',
          request_id: pe?.requestId ?? null,
          cost_usd: outcome.costUsd,
          tier_attempts: outcome.tierAttempts ?? [],
        },
      };
    }

    const proposal = outcome.proposal;
    attempt.tier = proposal.tierServed ?? outcome.tier;
    await ctx.services.records.writeText(`attempt-${ctx.attempt}.answer.txt`, redact(proposal.text));
    const check = checkAnswer(route.mode, proposal.text, route.allowPatch, answerSettings(ctx.policy, route.role).accept);
    if (check.ok) proposal.kind = check.kind;
    ctx.work.proposal = proposal;
    const output: Record<string, unknown> = {
      ...base,
      tier_requested: outcome.tier,
      tier_served: proposal.tierServed,
      finish_reason: proposal.finishReason,
      request_id: proposal.requestId,
      usage: {
        input_tokens: proposal.usage.inputTokens,
        cached_input_tokens: proposal.usage.cachedInputTokens,
        output_tokens: proposal.usage.outputTokens,
        reasoning_tokens: proposal.usage.reasoningTokens,
      },
      cost_usd: proposal.costUsd,
      kind: check.ok ? check.kind : route.mode,
      tier_attempts: outcome.tierAttempts,
    };
    if (!check.ok) {
      attempt.refusal = { code: 'E_CONTRACT', message: check.reason };
      return withRefusalVerdict(ctx, { status: 'failed', code: 'E_CONTRACT', message: `${route.role}'s answer breaks the ${route.mode} contract: ${check.reason}`, output });
    }
    if (check.kind === 'diagnosis') {
      ctx.work.diagnosis = proposal.text;
      output.diagnosis = proposal.text;
    }
    if (check.kind === 'label') output.label = check.label;
    const served = proposal.tierServed && proposal.tierServed !== outcome.tier ? ` (served ${proposal.tierServed})` : '';
    return {
      status: 'succeeded',
      message: `${route.role} answered with a ${check.kind} at tier ${outcome.tier}${served}: ${proposal.usage.inputTokens} in / ${proposal.usage.outputTokens} out tokens, ${formatUsd(proposal.costUsd)}`,
      output,
    };
  },
};
