// The `escalate` step: runs when a retry loop ends with `then: escalate`. Writes the
// escalation packet, then (policy and budget permitting) asks a reviewer role for a
// diagnosis — never a patch unless the policy lets that role patch. Always `escalated`:
// a budget block or a reviewer failure is recorded in the packet, not fatal.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildContext } from '../context/build.js';
import { buildEscalationPacket, packetSummary, type EscalationPacket } from '../convergence/packet.js';
import { isBarePatch } from '../patch/parse.js';
import { resolveRoute } from '../routing/route.js';
import type { StepContext, StepModule } from '../runner/types.js';
import type { RoleName } from '../routing/types.js';
import type { EscalateWith } from '../types/generated/index.js';
import { reserveForCall } from '../budget/reserve.js';
import { roundUsd } from '../budget/pricing.js';
import { callRole } from '../providers/call-role.js';
import { readSchema } from '../dsl/schemas.js';

function lastPatchText(ctx: StepContext): string | null {
  const dir = ctx.services.records.dir;
  const last = [...ctx.work.attempts].reverse().find((a) => a.patchFile);
  if (!dir || !last?.patchFile) return null;
  try {
    return readFileSync(join(dir, last.patchFile), 'utf8');
  } catch {
    return null;
  }
}

/** One reviewer call at `depth`; fills packet.reviewer and returns the diagnosis, if any. */
async function askReviewer(ctx: StepContext, packet: EscalationPacket, depth: number, role: RoleName | undefined): Promise<string | null> {
  const reviewer = packet.reviewer;
  reviewer.depth = depth;
  const route = await resolveRoute(ctx, { role, escalationDepth: depth });
  reviewer.role = route.role;
  reviewer.model = route.model;
  const body = packetSummary(packet, lastPatchText(ctx));
  const context = await buildContext(ctx, route, { extraSections: [{ title: 'Escalation', body }] });
  const reserved = await reserveForCall(ctx, route, context);
  if (!reserved.ok) {
    reviewer.status = 'blocked';
    reviewer.detail = reserved.result.message ?? 'the budget does not allow the reviewer call';
    return null;
  }
  const spentBefore = ctx.spentUsd();
  const answer = await callRole(ctx, route, context, reserved.reservation);
  reviewer.cost_usd = roundUsd(ctx.spentUsd() - spentBefore);
  if (!answer.ok) {
    reviewer.status = answer.result?.status === 'blocked' ? 'blocked' : 'failed';
    reviewer.detail = answer.result?.message ?? answer.error.message;
    return null;
  }
  const text = answer.proposal.text;
  // Diagnosis mode: an answer that parses as a patch breaks the contract (unless the policy lets this role patch).
  if (route.mode !== 'patch' && !route.allowPatch && isBarePatch(text)) {
    reviewer.status = 'contract_failure';
    reviewer.detail = `${route.role} is in diagnosis mode but answered with a patch; the answer was not used`;
    return null;
  }
  if (!text.trim()) {
    reviewer.status = 'failed';
    reviewer.detail = `${route.role} returned an empty diagnosis`;
    return null;
  }
  reviewer.status = 'answered';
  reviewer.detail = null;
  return text;
}

export const step: StepModule<EscalateWith> = {
  type: 'escalate',
  withSchema: readSchema('steps/escalate.with'),
  async run(ctx, args) {
    const packet = buildEscalationPacket({
      runId: ctx.run.id,
      createdAt: ctx.services.clock.now(),
      task: ctx.task,
      attempts: ctx.work.attempts,
      spentUsd: ctx.spentUsd(),
      question: args.question,
      recordsDir: ctx.services.records.dir,
    });
    await ctx.services.records.writeJson('escalation.json', packet);

    const ask = args.ask_reviewer ?? ctx.policy.escalation?.ask_reviewer ?? true;
    const maxDepth = Math.max(0, ctx.policy.escalation?.max_depth ?? 1);
    let diagnosis: string | null = null;
    if (!ask) {
      packet.reviewer.status = 'skipped';
      packet.reviewer.detail = 'escalation.ask_reviewer is false';
    } else if (ctx.work.escalationDepth >= maxDepth) {
      packet.reviewer.status = 'skipped';
      packet.reviewer.detail = `escalation depth ${ctx.work.escalationDepth} has reached escalation.max_depth ${maxDepth}`;
    } else {
      // A reviewer that fails hands over to the next level (emergency_pro_reviewer, which
      // needs a person's approval) while max_depth allows; a forced reviewer is asked once.
      while (diagnosis === null && ctx.work.escalationDepth < maxDepth) {
        ctx.work.escalationDepth += 1;
        try {
          diagnosis = await askReviewer(ctx, packet, ctx.work.escalationDepth, args.reviewer);
        } catch (err) {
          packet.reviewer.status = 'failed';
          packet.reviewer.detail = err instanceof Error ? err.message : String(err);
        }
        if (args.reviewer || packet.reviewer.status === 'blocked') break;
      }
    }
    if (diagnosis !== null) {
      ctx.work.diagnosis = diagnosis;
      await ctx.services.records.writeText('diagnosis.md', `# Diagnosis from ${packet.reviewer.role} (${packet.reviewer.model})\n\n${diagnosis.trimEnd()}\n`);
      packet.reviewer.diagnosis_file = 'diagnosis.md';
      packet.reviewer.diagnosis = diagnosis;
    }
    packet.cost_usd = roundUsd(ctx.spentUsd());
    await ctx.services.records.writeJson('escalation.json', packet);
    ctx.services.events.emit('escalation', {
      packet: 'escalation.json',
      last_verdict: packet.last_verdict,
      reviewer: packet.reviewer.role,
      reviewer_status: packet.reviewer.status,
      detail: packet.reviewer.detail,
      depth: ctx.work.escalationDepth,
      cost_usd: packet.cost_usd,
    });
    const who = packet.reviewer.role ?? 'no reviewer';
    const message =
      packet.reviewer.status === 'answered'
        ? `escalated after ${ctx.work.attempts.length} attempt(s) (${packet.last_verdict ?? 'no verdict'}); ${who} wrote a diagnosis (diagnosis.md)`
        : `escalated after ${ctx.work.attempts.length} attempt(s) (${packet.last_verdict ?? 'no verdict'}); reviewer ${packet.reviewer.status}${packet.reviewer.detail ? `: ${packet.reviewer.detail}` : ''}`;
    return {
      status: 'escalated',
      code: 'E_ESCALATED',
      message,
      output: { packet: 'escalation.json', reviewer: packet.reviewer.role, diagnosis, reviewer_status: packet.reviewer.status, last_verdict: packet.last_verdict, cost_usd: packet.cost_usd },
    };
  },
};
