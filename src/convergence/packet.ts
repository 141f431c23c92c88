// The escalation packet (escalation.json): what a person or a reviewer model needs to
// see why a run did not converge — the task, every attempt's patch summary, failures,
// verdicts, the cost so far, and the question.
import { roundUsd } from '../budget/pricing.js';
import type { AttemptRecord } from './types.js';
import { attemptView, type AttemptView } from './attempt-view.js';
import type { Failure } from '../validation/types.js';
import type { Task } from '../types/generated/index.js';

export const DEFAULT_QUESTION =
  'The attempts below did not converge. What is the root cause, and what should the next attempt change? Answer with a diagnosis, not a patch.';

/** Failures kept per attempt in the packet (the count is always complete). */
export const PACKET_FAILURE_CAP = 25;

export type ReviewerStatus = 'answered' | 'skipped' | 'blocked' | 'failed' | 'contract_failure' | 'pending';

/** An attempt in the packet: the shared attempt view, its patch's absolute path, and at most PACKET_FAILURE_CAP failures. */
export type PacketAttempt = AttemptView & {
  /** Absolute path, when the run has a records folder. */
  patch_path: string | null;
  failure_count: number;
};

export interface EscalationPacket {
  kind: 'pipe/escalation';
  run_id: string;
  created_at: string;
  task: { id: string; goal: string; intent: string; allowed_files: string[]; validators: string[]; max_attempts: number | null };
  attempts: PacketAttempt[];
  last_verdict: string | null;
  reasons: string[];
  cost_usd: number;
  question: string;
  reviewer: {
    status: ReviewerStatus;
    role: string | null;
    model: string | null;
    depth: number;
    detail: string | null;
    cost_usd: number;
    diagnosis_file: string | null;
    diagnosis: string | null;
  };
}

export interface PacketInput {
  runId: string;
  createdAt: Date;
  task: Task;
  attempts: readonly AttemptRecord[];
  spentUsd: number;
  question?: string;
  recordsDir: string | null;
}

export function buildEscalationPacket(input: PacketInput): EscalationPacket {
  const attempts = input.attempts.map((a): PacketAttempt => {
    const view = attemptView(a);
    return {
      ...view,
      patch_path: view.patch_file && input.recordsDir ? `${input.recordsDir}/${view.patch_file}` : null,
      failure_count: view.failures.length,
      failures: view.failures.slice(0, PACKET_FAILURE_CAP),
    };
  });
  const last = [...input.attempts].reverse().find((a) => a.verdict);
  return {
    kind: 'pipe/escalation',
    run_id: input.runId,
    created_at: input.createdAt.toISOString(),
    task: {
      id: input.task.id,
      goal: input.task.goal,
      intent: input.task.intent,
      allowed_files: input.task.allowed_files ?? [],
      validators: input.task.validators ?? [],
      max_attempts: input.task.max_attempts ?? null,
    },
    attempts,
    last_verdict: last?.verdict?.verdict ?? null,
    reasons: last?.verdict?.reasons ?? [],
    cost_usd: roundUsd(input.spentUsd),
    question: input.question ?? DEFAULT_QUESTION,
    reviewer: { status: 'pending', role: null, model: null, depth: 0, detail: null, cost_usd: 0, diagnosis_file: null, diagnosis: null },
  };
}

function failureLine(f: Failure): string {
  const where = f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : '(no file)';
  return `  - [${f.validator} ${f.category}] ${where}: ${f.message.split('\n')[0].slice(0, 300)}`;
}

/**
 * The packet as text for the reviewer's context: attempts, failures and verdicts, the
 * last patch (capped), then the question.
 */
export function packetSummary(packet: EscalationPacket, lastPatch: string | null, maxPatchChars = 8000): string {
  const lines: string[] = [`Task ${packet.task.id} did not converge after ${packet.attempts.length} attempt(s); last verdict: ${packet.last_verdict ?? 'none'}.`];
  if (packet.reasons.length) lines.push(`Why: ${packet.reasons.join('; ')}`);
  for (const a of packet.attempts) {
    lines.push('', `### Attempt ${a.attempt}${a.role ? ` (${a.role}, ${a.model ?? '?'})` : ''}`);
    if (a.refusal) lines.push(`Refused: ${a.refusal.code}: ${a.refusal.message}`);
    lines.push(`Files: ${a.files_touched.join(', ') || 'none'}; diff +${a.lines_added}/-${a.lines_removed} lines, ${a.diff_bytes} bytes`);
    if (a.passed_validators.length || a.failed_validators.length) lines.push(`Validators passed: ${a.passed_validators.join(', ') || 'none'}; failed: ${a.failed_validators.join(', ') || 'none'}`);
    if (a.verdict) lines.push(`Verdict: ${a.verdict} — ${a.reasons.join('; ')}`);
    if (a.failure_count) {
      lines.push(`Failures (${a.failure_count}):`);
      for (const f of a.failures.slice(0, 10)) lines.push(failureLine(f));
      if (a.failure_count > 10) lines.push(`  - … ${a.failure_count - 10} more`);
    }
    const before = a.baseline?.pre_existing ?? [];
    if (before.length) lines.push(`Failing before the run too (not charged): ${before.slice(0, 10).map((f) => f.test ?? f.message.split('\n')[0].slice(0, 120)).join('; ')}`);
  }
  if (lastPatch) {
    const text = lastPatch.length > maxPatchChars ? `${lastPatch.slice(0, maxPatchChars)}\n[… patch cut at ${maxPatchChars} characters]` : lastPatch;
    lines.push('', '### Last patch', '```diff', text.trimEnd(), '```');
  }
  lines.push('', `### Question`, packet.question);
  return lines.join('\n');
}
