// What `pipe plan` shows: the merged pipeline, the route and why, the context, the
// projection and the headroom, from a dry run's step outputs.
import type { RunOutcome } from '../runner/runner.js';
import { resolveValidatorSpecs } from '../validation/specs.js';
import { describeOverrides, planValidatorSandbox } from '../validation/sandbox.js';
import type { Session } from './session.js';
import { usd } from './progress.js';

export interface PlanJson {
  task_id: string;
  task_file: string;
  repo: string;
  provider: string;
  status: string;
  exit_code: number;
  stopped_before: string | null;
  pipeline: { name: string; file: string; chain: string[]; steps: unknown[]; finally: unknown[] };
  policy_files: string[];
  route: Record<string, unknown> | null;
  budget: Record<string, unknown> | null;
  steps: { id: string; status: string; message: string | null }[];
  error: { code: string; message: string } | null;
  sandbox: SandboxPlan;
  policy?: unknown;
  [key: string]: unknown;
}

export interface SandboxPlan {
  mode: string;
  kind: 'bwrap' | 'none';
  reason: string | null;
  /** The policy's rules, as every validator without overrides gets them. */
  rules: string[];
  validators: { name: string; overrides: string[]; rules: string[] }[];
}

/** Which sandbox the task's validators would run in, and each one's overrides. */
export function sandboxPlan(session: Session): SandboxPlan {
  const choice = session.sandbox;
  const specs = resolveValidatorSpecs(session.policy, session.task.validators ?? [], session.repo);
  const base = planValidatorSandbox(choice, { sandbox: {} }, session.repo, session.policy, process.env.HOME);
  return {
    mode: choice.mode,
    kind: choice.kind,
    reason: choice.reason,
    rules: base.record.rules,
    validators: specs.map((spec) => ({ name: spec.name, overrides: describeOverrides(spec), rules: planValidatorSandbox(choice, spec, session.repo, session.policy, process.env.HOME).record.rules })),
  };
}

const stepView = (s: { id: string; uses: string; if?: string; on_fail?: unknown; with?: unknown }) => ({
  id: s.id,
  uses: s.uses,
  ...(s.if ? { if: s.if } : {}),
  ...(s.with ? { with: s.with } : {}),
  ...(s.on_fail ? { on_fail: s.on_fail } : {}),
});

export function planJson(session: Session, outcome: RunOutcome, withPolicy: boolean): PlanJson {
  const outputs: Record<string, Record<string, unknown> | null> = {};
  for (const st of outcome.state.steps) outputs[st.uses] = st.output;
  return {
    task_id: session.task.id,
    task_file: session.taskFile,
    repo: session.repo,
    provider: session.provider,
    status: outcome.state.status,
    exit_code: outcome.exitCode,
    stopped_before: outcome.stoppedBefore,
    pipeline: {
      name: session.pipeline.name,
      file: session.pipeline.file,
      chain: session.pipeline.chain,
      steps: session.pipeline.steps.map(stepView),
      finally: session.pipeline.finally.map(stepView),
    },
    policy_files: session.policyFiles,
    route: outputs.route ?? null,
    budget: outputs.budget ?? null,
    steps: outcome.state.steps.map((s) => ({ id: s.id, status: s.status, message: s.message })),
    error: outcome.state.error,
    sandbox: sandboxPlan(session),
    ...(withPolicy ? { policy: session.policy } : {}),
  };
}

function fig(v: unknown): string {
  return typeof v === 'number' ? usd(v) : '—';
}

export function renderPlan(plan: PlanJson): string {
  const lines: string[] = [];
  lines.push(`plan for ${plan.task_id} (${plan.task_file})`);
  lines.push(`  pipeline  ${plan.pipeline.name}  ${plan.pipeline.chain.join(' → ')}`);
  for (const s of plan.pipeline.steps as { id: string; uses: string; if?: string; on_fail?: unknown }[]) {
    lines.push(`    - ${s.id} (uses ${s.uses})${s.if ? ` if ${s.if}` : ''}${s.on_fail ? ` on_fail ${JSON.stringify(s.on_fail)}` : ''}`);
  }
  for (const s of plan.pipeline.finally as { id: string; uses: string; if?: string }[]) {
    lines.push(`    - finally ${s.id} (uses ${s.uses})${s.if ? ` if ${s.if}` : ''}`);
  }
  lines.push(`  policy    ${plan.policy_files.join(' → ')}`);
  const r = plan.route;
  // A route step that failed leaves only a hint behind: no role line to print.
  if (r && typeof r.role === 'string') {
    lines.push(`  route     ${r.role} → ${r.provider}:${r.model} tier ${r.tier}${r.fallback_tier ? ` (fallback ${r.fallback_tier})` : ''}, effort ${r.reasoning_effort}, max output ${r.max_output_tokens}`);
    lines.push(`            rule ${r.rule ?? '—'}: ${r.reason ?? ''}`);
  }
  const b = plan.budget;
  if (b) {
    const files = (b.context_files as string[] | undefined) ?? [];
    lines.push(`  context   ${files.length} file(s), ${b.context_chars ?? '?'} chars, ${b.input_tokens ?? '?'} input tokens`);
    for (const f of files.slice(0, 30)) lines.push(`    ${f}`);
    if (files.length > 30) lines.push(`    … ${files.length - 30} more`);
    for (const c of ((b.cut as { path: string; reason: string }[] | undefined) ?? []).slice(0, 10)) lines.push(`    cut ${c.path}: ${c.reason}`);
    lines.push(`  projected ${fig(b.projected_usd)} for ${b.input_tokens ?? '?'} in + ${b.est_output_tokens ?? '?'} out tokens`);
    const h = (b.headroom ?? {}) as Record<string, { limit_usd: number | null; spent_usd: number; reserved_usd: number; headroom_usd: number | null } | undefined>;
    for (const level of ['project', 'role', 'task']) {
      const x = h[level];
      if (x) lines.push(`  ${level.padEnd(9)} limit ${fig(x.limit_usd)}, spent ${fig(x.spent_usd)}, reserved ${fig(x.reserved_usd)}, headroom ${fig(x.headroom_usd)}`);
    }
  }
  const sb = plan.sandbox;
  if (sb.kind === 'bwrap') {
    lines.push(`  sandbox   bubblewrap (safety.sandbox: ${sb.mode})`);
    for (const rule of sb.rules) lines.push(`    ${rule}`);
  } else {
    lines.push(`  sandbox   none (safety.sandbox: ${sb.mode}): ${sb.reason ?? ''}`);
  }
  for (const v of sb.validators) lines.push(`    - ${v.name}: ${v.overrides.length ? v.overrides.join('; ') : sb.kind === 'bwrap' ? 'the rules above' : 'no overrides'}`);
  const blocked = plan.steps.find((s) => s.status !== 'succeeded' && s.status !== 'skipped');
  if (blocked) lines.push(`  ${blocked.status}: ${blocked.id}: ${blocked.message ?? ''}`);
  if (blocked && r && typeof r.role !== 'string' && typeof r.hint === 'string') lines.push(`  hint: ${r.hint}`);
  lines.push(plan.stopped_before ? `  stops before '${plan.stopped_before}': no provider call, nothing written` : '');
  return `${lines.join('\n')}\n`;
}
