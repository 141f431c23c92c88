// What a run came to, in the fields a replay compares (route, blocked and by which
// limit, gate decision, attempts, verdict, exit, spend), read from a state.json the
// same way for the recorded run and for its replay, and the comparison of the two.
import type { RunState, StepRecord } from '../records/types.js';
import { OUTCOME_FIELDS, type OutcomeField, type OutcomeView, type TimelineLine } from './types.js';

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function routeLabel(o: Record<string, unknown> | null): string {
  if (!o || typeof o.role !== 'string') return '-';
  return `${o.role} (${str(o.model) ?? '?'}, ${str(o.tier) ?? '?'}, ${str(o.reasoning_effort) ?? '?'})`;
}

function gateLabel(step: StepRecord | undefined): string {
  if (!step) return '-';
  if (step.status === 'succeeded') return 'passed';
  const checks = Array.isArray(step.output?.checks) ? (step.output.checks as { name?: string; ok?: boolean }[]) : [];
  const failed = checks.filter((c) => c.ok === false && typeof c.name === 'string').map((c) => c.name);
  return `${step.status}${failed.length ? ` (${failed.join(', ')})` : ''}`;
}

function blockedBy(step: StepRecord): string {
  if (step.code === 'E_APPROVAL_REQUIRED') return 'approval';
  const by = str(step.output?.blocked_by);
  return by ?? step.code ?? 'blocked';
}

export function outcomeOf(state: RunState): OutcomeView {
  const steps = Array.isArray(state.steps) ? state.steps : [];
  const own = steps.filter((s) => !s.finally);
  const attempts = Math.max(state.attempts ?? 0, ...own.map((s) => s.attempt), 0);
  const route: string[] = [];
  const gate: string[] = [];
  for (let n = 1; n <= attempts; n++) {
    const mine = own.filter((s) => s.attempt === n);
    route.push(routeLabel([...mine].reverse().find((s) => s.uses === 'route')?.output ?? null));
    gate.push(gateLabel([...mine].reverse().find((s) => s.uses === 'gate')));
  }
  const escalate = [...steps].reverse().find((s) => s.uses === 'escalate');
  const reviewer = str(escalate?.output?.reviewer);
  if (reviewer) route.push(`reviewer ${reviewer} (${str(escalate?.output?.reviewer_status) ?? '?'})`);
  const blocked = [...steps].reverse().find((s) => s.status === 'blocked');
  return {
    route,
    blocked: blocked ? blockedBy(blocked) : null,
    gate,
    attempts,
    verdict: state.verdict ?? null,
    exit: `${state.exit_code ?? '-'} ${state.status}`,
    spend_usd: Math.round((state.cost_usd ?? 0) * 1e9) / 1e9,
  };
}

/** The message of the step that blocked the run, if one did. */
export function blockedMessage(state: RunState): string | null {
  const blocked = [...(state.steps ?? [])].reverse().find((s) => s.status === 'blocked');
  return blocked?.message ?? null;
}

export function timelineOf(state: RunState): TimelineLine[] {
  return (state.steps ?? []).map((s) => ({ attempt: s.finally ? 'finally' : s.attempt, id: s.id, status: s.status, code: s.code, message: s.message }));
}

export function changedFields(a: OutcomeView, b: OutcomeView): OutcomeField[] {
  return OUTCOME_FIELDS.filter((f) => JSON.stringify(a[f]) !== JSON.stringify(b[f]));
}
