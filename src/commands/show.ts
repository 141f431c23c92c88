import { Args, Flags } from '@oclif/core';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PipeCommand } from '../cli/base.js';
import { findRepoRoot } from '../runner/session.js';
import { redact } from '../records/redact.js';
import { finalPatch, readRun, type AttemptDetail, type RunDetail } from '../records/history.js';
import type { RunState } from '../records/types.js';
import { PipeError } from '../errors.js';
import { formatUsd as money } from '../budget/money.js';
import { batchDir, isBatchId, readBatch } from '../batch/journal.js';
import { batchResultJson, renderBatchSummary, type BatchResultJson } from '../batch/summary.js';

/** state.json, with `attempts` (a count there) replaced by the attempts themselves; the count is `attempt_count`. */
export type ShowResult = Omit<RunState, 'attempts'> & {
  attempts: AttemptDetail[];
  attempt_count: number;
  cost_by_role: Record<string, number>;
  paths: RunDetail['paths'];
  convergence: RunDetail['convergence'];
  escalation: RunDetail['escalation'];
  record: RunDetail['record'];
  baseline: RunDetail['baseline'];
  validator_logs: string[];
};

export type ShowDocumentsResult = { run_id: string; documents: Record<string, { file: string; sha256: string; text: string }> };

export function renderRun(d: RunDetail): string {
  const s = d.state;
  const lines: string[] = [];
  lines.push(`run ${s.run_id}  task ${s.task_id}  pipeline ${s.pipeline || '-'}  provider ${s.provider || '-'}`);
  lines.push(`status ${s.status}${s.exit_code !== null ? ` (exit ${s.exit_code})` : ''}  attempts ${s.attempts}/${s.max_attempts}  verdict ${s.verdict ?? '-'}  cost ${money(s.cost_usd ?? 0)}`);
  lines.push(`started ${s.started_at}${s.finished_at ? `  finished ${s.finished_at}` : ''}${s.duration_ms !== null ? `  (${s.duration_ms} ms)` : ''}`);
  if (s.error) lines.push(`error ${s.error.code}: ${s.error.message}`);
  if (s.files_changed?.length) lines.push(`files changed: ${s.files_changed.join(', ')}`);
  // A diagnose or classify run's answer lives only in the propose step's output: show the last one.
  const answered = [...(s.steps ?? [])].reverse().find((st) => typeof st.output?.label === 'string' || typeof st.output?.diagnosis === 'string');
  if (typeof answered?.output?.label === 'string') lines.push(`label: ${answered.output.label}`);
  else if (typeof answered?.output?.diagnosis === 'string') lines.push('diagnosis:', ...answered.output.diagnosis.trim().split('\n').slice(0, 40).map((l) => `  ${redact(l)}`));
  lines.push('', 'timeline:');
  for (const step of s.steps ?? []) {
    const tag = step.finally ? 'finally' : `#${step.attempt}`;
    lines.push(`  ${tag.padEnd(8)} ${step.id.padEnd(12)} ${step.status.padEnd(10)} ${String(step.duration_ms).padStart(6)} ms${step.message ? `  ${step.message.split('\n')[0].slice(0, 160)}` : ''}`);
  }
  if (d.attempts.length) lines.push('', 'attempts:');
  for (const a of d.attempts) {
    lines.push(`  attempt ${a.attempt}: ${a.role ?? '-'}${a.model ? ` (${a.model}${a.tier ? `, ${a.tier}` : ''})` : ''}  cost ${money(a.cost_usd)}  verdict ${a.verdict ?? '-'}${a.patch_file ? `  patch ${a.patch_file}` : ''}`);
    if (a.answer?.format) lines.push(`    answer: ${a.answer.format.replace('_', ' ')}${a.answer_file ? ` (${a.answer_file})` : ''}`);
    if (a.answer?.note) lines.push(`    note: ${redact(a.answer.note.split('\n')[0].slice(0, 160))}${a.answer.note.includes('\n') ? ' …' : ''}`);
    for (const n of a.answer?.normalisations ?? []) lines.push(`    normalised (${n.kind}): ${redact(n.detail).slice(0, 200)}`);
    if (a.answer?.refusal) lines.push(`    refused (${a.answer.refusal.code}): ${redact(a.answer.refusal.message.split('\n')[0]).slice(0, 300)}`);
    for (const r of a.reasons) lines.push(`    why: ${r}`);
    if (a.passed_validators.length || a.failed_validators.length) lines.push(`    validators passed: ${a.passed_validators.join(', ') || 'none'}; failed: ${a.failed_validators.join(', ') || 'none'}`);
    if (a.baseline) {
      const b = a.baseline;
      // Two validators can name the same test (one per package of a monorepo): then each name says whose it is.
      const several = new Set([...b.fail_to_pass, ...b.pass_to_fail, ...b.pre_existing].map((x) => x.validator)).size > 1;
      const name = (x: { validator: string; test: string | null; message: string }) => `${several ? `${x.validator}: ` : ''}${x.test ?? x.message.split('\n')[0].slice(0, 120)}`;
      const names = (xs: { validator: string; test: string | null; message: string }[]) => xs.slice(0, 10).map(name).join(', ') + (xs.length > 10 ? `, … ${xs.length - 10} more` : '');
      lines.push(`    baseline (${b.mode}): ${b.accepted ? 'accepted' : 'not accepted'}`);
      if (b.fail_to_pass.length) lines.push(`      FAIL_TO_PASS: ${names(b.fail_to_pass)}`);
      if (b.pass_to_fail.length) lines.push(`      PASS_TO_FAIL (new): ${names(b.pass_to_fail)}`);
      if (b.pre_existing.length) lines.push(`      pre-existing (not charged): ${names(b.pre_existing.map((f) => ({ validator: f.validator, test: f.test ?? null, message: f.message })))}`);
      lines.push(`      PASS_TO_PASS: validators ${b.pass_to_pass.validators.join(', ') || 'none'}${b.pass_to_pass.tests.length ? `; ${b.pass_to_pass.tests.length} test(s)` : ''}`);
      for (const t of b.targets) lines.push(`      target ${t.target}: ${t.status}`);
    }
    for (const f of a.failures.slice(0, 10)) lines.push(`    - [${f.validator} ${f.category}] ${f.file ?? ''}${f.line ? `:${f.line}` : ''} ${f.message.split('\n')[0].slice(0, 160)}`);
    if (a.failures.length > 10) lines.push(`    - … ${a.failures.length - 10} more`);
  }
  lines.push('', ...renderRecord(d));
  const roles = Object.entries(d.cost_by_role);
  lines.push('', 'cost by role:');
  if (!roles.length) lines.push('  (no provider calls)');
  for (const [role, usd] of roles.sort()) lines.push(`  ${role.padEnd(26)} ${money(usd)}`);
  if (d.baseline) {
    const b = d.baseline as { status?: string; cached?: boolean; tree?: string | null; validators?: { name: string; status: string; failures: unknown[] }[]; warnings?: string[] };
    lines.push('', `baseline: ${b.status ?? '-'}${b.cached ? ' (cached)' : ''}${b.tree ? `  tree ${b.tree.slice(0, 10)}` : ''}`);
    for (const v of b.validators ?? []) lines.push(`  ${v.name.padEnd(16)} ${v.status.padEnd(8)} ${v.failures.length} failure(s) before the run`);
    for (const w of b.warnings ?? []) lines.push(`  warning: ${w}`);
  }
  const reviewer = (d.escalation?.reviewer ?? null) as { status?: string; role?: string | null } | null;
  if (reviewer) lines.push('', `escalation: reviewer ${reviewer.role ?? '-'} ${reviewer.status ?? ''}`);
  lines.push('', 'records:');
  lines.push(`  folder       ${d.paths.records_dir}`);
  for (const p of d.paths.patches) lines.push(`  patch        ${p}`);
  if (d.validator_logs.length) lines.push(`  validators   ${d.validator_logs.length} output log(s) under validators/ (pipe show ${s.run_id} --validators)`);
  for (const [name, p] of [['convergence', d.paths.convergence], ['escalation', d.paths.escalation], ['diagnosis', d.paths.diagnosis], ['journal', d.paths.journal]] as const) {
    if (p) lines.push(`  ${name.padEnd(12)} ${p}`);
  }
  return lines.join('\n');
}

/** The reproducibility part of a record: where the run started and the digests of the documents in force. */
export function renderRecord(d: RunDetail): string[] {
  const r = d.record;
  if (!r) return ['record: format 1 (before run.json): no starting commit or documents recorded; not replayable'];
  const lines = [`record: format ${r.format_version}`];
  const from = r.started_from;
  lines.push(`  commit       ${from.commit ?? '(none)'}${from.branch ? ` (${from.branch})` : ''}${from.dirty ? `, dirty: ${from.dirty_files.length} file(s)` : ', clean'}`);
  for (const f of from.dirty_files.slice(0, 20)) lines.push(`    ${f.status} ${f.path}  ${f.sha256 ? `sha256:${f.sha256}` : '(deleted)'}`);
  if (from.dirty_files.length > 20) lines.push(`    … ${from.dirty_files.length - 20} more`);
  for (const [name, doc] of Object.entries(r.documents)) lines.push(`  ${name.padEnd(12)} sha256:${doc.sha256}  ${doc.file}`);
  if (r.spend_at_start_error) lines.push(`  spend at start: not recorded (${r.spend_at_start_error})`);
  lines.push('  documents in force: `pipe show <run-id> --documents`');
  return lines;
}

function readDocuments(d: RunDetail): ShowDocumentsResult['documents'] {
  if (!d.record) {
    throw new PipeError('E_NOT_FOUND', `run '${d.state.run_id}' was recorded before pipe kept the documents in force (no run.json)`, { hint: 'runs recorded from now on keep them; run the task again' });
  }
  const out: ShowDocumentsResult['documents'] = {};
  for (const [name, doc] of Object.entries(d.record.documents)) {
    const file = join(d.paths.records_dir, doc.file);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new PipeError('E_NOT_FOUND', `run '${d.state.run_id}': ${doc.file} is missing from its records`, { hint: 'the record folder was damaged or edited' });
    }
    out[name] = { file: doc.file, sha256: doc.sha256, text };
  }
  return out;
}

export default class Show extends PipeCommand {
  static override summary = "Show one run's record: timeline of steps, attempts, verdicts, cost by role, paths to patches and packets.";
  static override examples = [
    '<%= config.bin %> show 20250101T120000Z-ab12cd',
    '<%= config.bin %> show batch-20251202T073000Z-a1b2c3',
    '<%= config.bin %> show 2025 --json',
    '<%= config.bin %> show <run-id> --diff',
    '<%= config.bin %> show <run-id> --validators',
  ];
  static override args = {
    run_id: Args.string({ description: 'run id, a unique prefix of one, or a batch id (pipe batch)', required: true }),
  };
  static override flags = {
    repo: Flags.string({ description: 'repository root (default: current folder)' }),
    diff: Flags.boolean({ description: 'print the final applied patch (the last attempt-N.patch), raw' }),
    documents: Flags.boolean({ description: 'print the documents in force for the run (pipeline after extends, merged policy, task, config)' }),
    validators: Flags.boolean({ description: "print every validator's kept output (baseline and each attempt)" }),
  };

  async run(): Promise<ShowResult | ShowDocumentsResult | { run_id: string; patch: string } | { run_id: string; validators: { file: string; output: string }[] } | BatchResultJson> {
    const { args, flags } = await this.parse(Show);
    const repo = await findRepoRoot(resolve(flags.repo ?? process.cwd()));
    if (isBatchId(repo, args.run_id)) {
      if (flags.diff || flags.validators) throw new PipeError('E_USAGE', `${args.run_id} is a batch; --diff and --validators show one run's record`, { hint: `see a task's change with \`git log -p <branch>\` or \`pipe show <run-id> --diff\`` });
      const result = batchResultJson(readBatch(repo, args.run_id), batchDir(repo, args.run_id));
      this.say(renderBatchSummary(result).trimStart());
      return result;
    }
    const detail = await readRun(repo, args.run_id);
    if (flags.diff) {
      const patch = finalPatch(detail);
      if (patch === null) throw new PipeError('E_NOT_FOUND', `run '${detail.state.run_id}' wrote no patch`, { hint: 'a run that stopped before apply has no attempt-N.patch' });
      if (!this.jsonEnabled()) process.stdout.write(redact(patch));
      return { run_id: detail.state.run_id, patch };
    }
    if (flags.documents) {
      const documents = readDocuments(detail);
      if (!this.jsonEnabled()) {
        // One YAML stream: a document per kind, each headed by a comment naming it and its digest.
        const parts = Object.entries(documents).map(([name, doc]) => `# ${name}: ${doc.file} (sha256:${doc.sha256})\n${redact(doc.text)}${doc.text.endsWith('\n') ? '' : '\n'}`);
        process.stdout.write(parts.join('---\n'));
      }
      return { run_id: detail.state.run_id, documents };
    }
    if (flags.validators) {
      const logs = detail.validator_logs.map((file) => ({ file, output: redact(readFileSync(join(detail.paths.records_dir, file), 'utf8')) }));
      if (!logs.length) throw new PipeError('E_NOT_FOUND', `run '${detail.state.run_id}' kept no validator output`, { hint: 'validators run after apply (and before the first call, as the baseline); this run reached neither' });
      if (!this.jsonEnabled()) for (const l of logs) process.stdout.write(`==> ${l.file} <==\n${l.output}${l.output.endsWith('\n') ? '' : '\n'}\n`);
      return { run_id: detail.state.run_id, validators: logs };
    }
    this.say(renderRun(detail));
    return {
      ...detail.state,
      attempts: detail.attempts,
      attempt_count: detail.state.attempts,
      steps: detail.state.steps ?? [],
      cost_by_role: detail.cost_by_role,
      paths: detail.paths,
      convergence: detail.convergence,
      escalation: detail.escalation,
      record: detail.record,
      baseline: detail.baseline,
      validator_logs: detail.validator_logs,
    };
  }
}
