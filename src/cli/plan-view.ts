// What `pipe plan` shows: the merged pipeline, the route and why, the context, the
// projection and the headroom, from a dry run's step outputs.
import type { RunOutcome } from '../runner/runner.js';
import { resolveValidatorSpecs } from '../validation/specs.js';
import { describeOverrides, planValidatorSandbox } from '../validation/sandbox.js';
import type { Session } from '../runner/session.js';
import { formatUsd as usd } from '../budget/money.js';
import { describeBaseline } from './baseline.js';
import type { BaselineReport } from '../validation/baseline/types.js';
import type { UserWork } from '../context/user-work.js';

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
  /** The user's uncommitted work inside allowed_files, and whether `pipe run` would stop before the call. */
  user_work: { has_commit: boolean; dirty_files: string[]; protected_files: string[]; run_would_stop: { code: string; exit_code: number; message: string } | null };
  sandbox: SandboxPlan;
  policy?: unknown;
  /** The validators on the unchanged tree (null with --no-baseline or validation.baseline: off). */
  baseline: BaselinePlanView | null;
  [key: string]: unknown;
}

export interface BaselinePlanView {
  status: string;
  cached: boolean;
  summary: string;
  tree: string | null;
  cache_file: string | null;
  python_path: string[];
  imports: BaselineReport['imports'];
  warnings: string[];
  validators: { name: string; status: string; failures: { id: string; test: string | null; message: string }[]; duration_ms: number }[];
}

export function baselinePlanView(report: BaselineReport | null): BaselinePlanView | null {
  if (!report) return null;
  return {
    status: report.status,
    cached: report.cached,
    summary: describeBaseline(report),
    tree: report.tree,
    cache_file: report.cache_file,
    python_path: report.python_path,
    imports: report.imports,
    warnings: report.warnings,
    validators: report.validators.map((v) => ({ name: v.name, status: v.status, duration_ms: v.duration_ms, failures: v.failures.map((f) => ({ id: f.id, test: f.test ?? null, message: f.message })) })),
  };
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

export function planJson(session: Session, outcome: RunOutcome, withPolicy: boolean, userWork: UserWork, wouldStop: { code: string; exitCode: number; message: string } | null, baseline: BaselineReport | null = null): PlanJson {
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
    baseline: baselinePlanView(baseline),
    baseline_note: baseline ? null : (session.task.validators ?? []).filter((v) => v !== 'patch-safety').length ? 'skipped (--no-baseline or validation.baseline: off): attempts are judged without it' : 'none: the task names no validators',
    user_work: {
      has_commit: userWork.hasCommit,
      dirty_files: userWork.dirty,
      protected_files: userWork.protected,
      run_would_stop: wouldStop ? { code: wouldStop.code, exit_code: wouldStop.exitCode, message: wouldStop.message } : null,
    },
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
  const w = plan.user_work;
  if (!w.has_commit) lines.push('  repo      no commit yet: `pipe run` stops (exit 2) until you make a first commit');
  if (w.dirty_files.length) {
    const left = w.protected_files.length > 0;
    lines.push(`  your work ${w.dirty_files.length} file(s) in allowed_files with uncommitted changes, ${left ? "left out of what the model may change (named in the prompt as your work in progress)" : 'which a patch may touch (safety.allow_dirty_files: true; the checkpoint keeps your version)'}:`);
    for (const f of w.dirty_files.slice(0, 30)) lines.push(`    ${f}`);
    if (w.dirty_files.length > 30) lines.push(`    … ${w.dirty_files.length - 30} more`);
  }
  if (w.run_would_stop) lines.push(`  pipe run would stop before the call (exit ${w.run_would_stop.exit_code}): ${w.run_would_stop.message}`);
  const base = plan.baseline;
  if (base) {
    lines.push(`  ${base.summary}`);
    if (base.python_path.length) lines.push(`            PYTHONPATH first: ${base.python_path.join(', ')}`);
    for (const i of base.imports) lines.push(`            ${i.package} imported from ${i.origin ?? '(not found)'}${i.inside_repo ? '' : '  ← outside the repository'}`);
    for (const v of base.validators) {
      for (const f of v.failures.slice(0, 5)) lines.push(`    pre-existing [${v.name}] ${(f.test ?? f.message).split('\n')[0].slice(0, 160)}`);
      if (v.failures.length > 5) lines.push(`    … ${v.failures.length - 5} more in ${v.name}`);
    }
    for (const w of base.warnings) lines.push(`  warning: ${w}`);
  } else {
    lines.push(`  baseline  ${plan.baseline_note ?? 'none'}`);
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
