// The end-of-run result: the JSON document `pipe run --json` prints (DSL.md §4) and the
// summary table people see.
import { relative } from 'node:path';
import type { RunOutcome } from '../runner/runner.js';
import { answersOfRun, type AnswerView } from '../records/answers.js';
import { formatUsd as usd } from '../budget/money.js';

export interface RunResultJson {
  run_id: string;
  task_id: string;
  status: string;
  exit_code: number;
  attempts: number;
  verdict: string | null;
  cost_usd: number;
  files_changed: string[];
  records_dir: string | null;
  pipeline: string;
  dry_run: boolean;
  stopped_before: string | null;
  cost_by_role: Record<string, number>;
  error: { code: string; message: string } | null;
  diagnosis: string | null;
  /** The classification a label-mode role gave (the `classify` pipeline), else null. */
  label: string | null;
  steps: { id: string; uses: string; attempt: number; status: string; message: string | null }[];
  /** How each attempt's answer was read: format, note, normalisations, refusal. */
  answers: AnswerView[];
  /** The last validated attempt against the baseline (FAIL_TO_PASS, PASS_TO_PASS, pre-existing), or null without one. */
  baseline: BaselineResultJson | null;
  [key: string]: unknown;
}

export interface BaselineResultJson {
  attempt: number;
  mode: string;
  accepted: boolean;
  fail_to_pass: string[];
  pass_to_fail: string[];
  pre_existing: string[];
  pass_to_pass: { validators: string[]; tests: string[] };
  targets: { target: string; status: string }[];
  reasons: string[];
}

const refName = (r: { test?: string | null; message: string }) => r.test ?? r.message.split('\n')[0].slice(0, 200);

/** The last attempt that was judged against the baseline. */
export function baselineResult(outcome: RunOutcome): BaselineResultJson | null {
  const a = [...outcome.work.attempts].reverse().find((x) => x.baseline);
  if (!a?.baseline) return null;
  const b = a.baseline;
  return {
    attempt: a.attempt,
    mode: b.mode,
    accepted: b.accepted,
    fail_to_pass: b.fail_to_pass.map(refName),
    pass_to_fail: b.pass_to_fail.map(refName),
    pre_existing: b.pre_existing.map(refName),
    pass_to_pass: b.pass_to_pass,
    targets: b.targets,
    reasons: b.reasons,
  };
}

const list = (xs: string[], n = 5) => `${xs.slice(0, n).join(', ')}${xs.length > n ? `, … ${xs.length - n} more` : ''}`;

export function costByRole(outcome: RunOutcome): Record<string, number> {
  const byRole: Record<string, number> = {};
  for (const e of outcome.events.events) {
    if (e.type !== 'provider.result' || typeof e.role !== 'string') continue;
    const cost = Number(e.cost_usd ?? 0);
    byRole[e.role] = Math.round(((byRole[e.role] ?? 0) + (Number.isFinite(cost) ? cost : 0)) * 1e9) / 1e9;
  }
  return byRole;
}

/** The last label a step produced (propose in label mode writes `output.label`). */
export function runLabel(outcome: RunOutcome): string | null {
  for (let i = outcome.state.steps.length - 1; i >= 0; i--) {
    const label = outcome.state.steps[i].output?.label;
    if (typeof label === 'string') return label;
  }
  return null;
}

export function runResultJson(outcome: RunOutcome): RunResultJson {
  const s = outcome.state;
  const steps = s.steps.map((st) => ({ id: st.id, uses: st.uses, attempt: st.attempt, status: st.status, message: st.message }));
  const lastOutputs: Record<string, Record<string, unknown> | null> = {};
  for (const st of s.steps) lastOutputs[st.id] = st.output;
  return {
    run_id: s.run_id,
    task_id: s.task_id,
    status: s.status,
    exit_code: outcome.exitCode,
    attempts: s.attempts,
    verdict: s.verdict,
    cost_usd: s.cost_usd,
    files_changed: s.files_changed,
    records_dir: s.records_dir || null,
    pipeline: s.pipeline,
    dry_run: s.dry_run,
    stopped_before: outcome.stoppedBefore,
    cost_by_role: costByRole(outcome),
    error: s.error,
    diagnosis: outcome.work.diagnosis ?? null,
    label: runLabel(outcome),
    steps,
    answers: answersOfRun(s.steps),
    baseline: baselineResult(outcome),
    ...(s.dry_run ? { plan: { route: lastOutputs.route ?? null, budget: lastOutputs.budget ?? null } } : {}),
  };
}

/** Why validators of this run ran without a sandbox, or null when they ran in one (or none ran). */
export function unsandboxedValidators(outcome: RunOutcome): string | null {
  for (const st of [...outcome.state.steps].reverse()) {
    const sandbox = (st.output as { sandbox?: { kind?: string; reason?: string | null } } | null)?.sandbox;
    if (st.uses === 'validate' && sandbox) return sandbox.kind === 'none' ? sandbox.reason ?? 'no sandbox' : null;
  }
  return null;
}

export function renderRunSummary(outcome: RunOutcome, options: { color?: boolean } = {}): string {
  const s = outcome.state;
  const paint = (code: number, text: string) => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const statusColor: Record<string, number> = { succeeded: 32, failed: 31, blocked: 33, escalated: 35, refused: 31 };
  const lines: string[] = [];
  const title = s.dry_run ? `dry run of ${s.task_id}` : `run ${s.run_id}`;
  lines.push('');
  lines.push(`${title}: ${paint(statusColor[s.status] ?? 0, s.status)} (exit ${outcome.exitCode})`);
  const rows: [string, string][] = [
    ['task', `${s.task_id}  (pipeline ${s.pipeline})`],
    ['attempts', `${s.attempts} of ${s.max_attempts}`],
    ['verdict', s.verdict ?? '—'],
  ];
  const roles = costByRole(outcome);
  const roleText = Object.entries(roles).map(([r, c]) => `${r} ${usd(c)}`).join(', ');
  rows.push(['cost', `${usd(s.cost_usd)}${roleText ? `  (${roleText})` : ''}`]);
  rows.push(['files', s.files_changed.length ? s.files_changed.join(', ') : '—']);
  const label = runLabel(outcome);
  if (label !== null) rows.push(['label', label]);
  const lastAnswer = answersOfRun(s.steps).filter((a) => a.format).pop();
  if (lastAnswer?.format && !s.dry_run) {
    const kinds = [...new Set(lastAnswer.normalisations.map((n) => n.kind))];
    rows.push(['answer', `${lastAnswer.format.replace('_', ' ')}${kinds.length ? `, normalised: ${kinds.join(', ')} (pipe show ${s.run_id})` : ''}`]);
  }
  const base = baselineResult(outcome);
  const judged = [...outcome.work.attempts].reverse().find((x) => x.baseline)?.baseline;
  if (base && judged) {
    // Two validators can name the same test (one per package of a monorepo, run in its folder): say whose it is.
    const refs = [...judged.fail_to_pass, ...judged.pass_to_fail, ...judged.pre_existing];
    const named = new Set(refs.map((r) => r.validator)).size > 1 ? (r: { validator: string; test?: string | null; message: string }) => `${r.validator}: ${refName(r)}` : refName;
    rows.push(['baseline', `${base.fail_to_pass.length} fixed, ${base.pass_to_fail.length} new, ${base.pre_existing.length} pre-existing (attempt ${base.attempt}${base.mode === 'targets' ? ', judged by targets' : ''})`]);
    if (judged.fail_to_pass.length) rows.push(['fixed', list(judged.fail_to_pass.map(named))]);
    if (judged.pass_to_fail.length) rows.push(['new', list(judged.pass_to_fail.map(named))]);
    if (judged.pre_existing.length) rows.push(['left', `${list(judged.pre_existing.map(named))} (failed before the run too; not charged)`]);
    for (const t of base.targets.filter((x) => x.status !== 'passed')) rows.push(['target', `${t.target}: ${t.status}`]);
  }
  const created = s.steps.filter((st) => st.uses === 'validate').flatMap((st) => ((st.output as { files_created?: string[] } | null)?.files_created ?? []));
  if (created.length) rows.push(['created', `${list([...new Set(created)])} (by validators while they ran, outside the patch; rollback leaves them: check them before you run anything here)`]);
  const unsandboxed = unsandboxedValidators(outcome);
  if (unsandboxed) rows.push(['sandbox', `none: validators ran unsandboxed (${unsandboxed}); their environment was scrubbed and their output redacted, but they could read your files, reach the network and write outside the repository`]);
  if (s.records_dir) rows.push(['records', relative(process.cwd(), s.records_dir) || s.records_dir]);
  if (outcome.stoppedBefore) rows.push(['stopped', `before ${outcome.stoppedBefore} (dry run: no provider call, nothing written)`]);
  if (s.error && s.status !== 'succeeded') rows.push(['reason', s.error.message]);
  for (const [k, v] of rows) lines.push(`  ${k.padEnd(9)} ${v}`);
  const byAttempt = new Map<number, string[]>();
  for (const st of s.steps) {
    const mark = { succeeded: '✓', failed: '✗', blocked: '■', refused: '⊘', skipped: '–', escalated: '↑' }[st.status] ?? '?';
    const label = st.finally ? `${st.id}(finally)` : st.id;
    byAttempt.set(st.attempt, [...(byAttempt.get(st.attempt) ?? []), `${label} ${mark}`]);
  }
  if (byAttempt.size) {
    lines.push('  steps');
    for (const [attempt, marks] of byAttempt) lines.push(`    attempt ${attempt}: ${marks.join('  ')}`);
  }
  if (outcome.work.diagnosis) {
    lines.push('  diagnosis');
    for (const l of outcome.work.diagnosis.trim().split('\n').slice(0, 20)) lines.push(`    ${l}`);
  }
  if (s.status === 'succeeded' && s.files_changed.length && !s.dry_run) {
    lines.push('');
    lines.push(`The change is in your working tree, not committed or staged. Review it with \`git diff\` or \`pipe show ${s.run_id} --diff\`.`);
  } else if (s.status === 'escalated') {
    lines.push('');
    lines.push(`Escalated after ${s.attempts} attempt(s)${s.verdict ? ` (last verdict: ${s.verdict})` : ''}; the changes were rolled back. The packet for a person is ${relative(process.cwd(), `${s.records_dir}/escalation.json`)}.`);
  }
  lines.push('');
  return lines.join('\n');
}
