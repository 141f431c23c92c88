// gate: the model's answer becomes a patch only if it can be read (the contract), every
// safety rule passes on the paths it names, its edits are located in the working tree,
// and git itself agrees the canonical diff pipe computed applies. Nothing is written to
// the tree here; the canonical diff goes to the run's records as attempt-N.patch, and
// what reading it took (format, note, normalisations) to attempt-N.answer.json.
import { join } from 'node:path';
import { redact } from '../records/redact.js';
import { parseProposal } from '../patch/parse.js';
import { answerSettings } from '../patch/answer/policy.js';
import { runGateChecks } from '../patch/checks/index.js';
import type { CheckResult } from '../patch/checks/index.js';
import type { GatedPatch, ParsedPatch } from '../patch/types.js';
import { patchPaths } from '../patch/types.js';
import { withRefusalVerdict } from './refusal-verdict.js';
import type { StepContext, StepModule, StepResult } from '../runner/types.js';
import type { GateWith } from '../types/generated/index.js';
import { readSchema } from '../dsl/schemas.js';

type CheckOutput = { name: string; ok: boolean; reason?: string };

/** What reading the answer took, as the attempt record, `pipe show` and `--json` list it. */
export function answerRecord(patch: ParsedPatch | null): Record<string, unknown> | null {
  if (!patch) return null;
  return {
    format: patch.format,
    note: redact(patch.note),
    normalisations: patch.normalisations.map((n) => ({ kind: n.kind, detail: redact(n.detail), ...(n.path ? { path: n.path } : {}) })),
  };
}

function output(ok: boolean, checks: CheckOutput[], patch: ParsedPatch | null): Record<string, unknown> {
  const files = (patch?.files ?? []).map((f) => ({
    path: f.newPath ?? f.oldPath,
    old_path: f.oldPath,
    operation: f.operation,
    binary: f.binary,
    lines_added: f.linesAdded,
    lines_removed: f.linesRemoved,
  }));
  return { ok, checks, files, answer: answerRecord(patch) };
}

async function record(ctx: StepContext, text: string, patch: ParsedPatch | null, refusal: { code: string; message: string } | null): Promise<string> {
  const name = `attempt-${ctx.attempt}.patch`;
  await ctx.services.records.writeText(name, redact(text));
  await ctx.services.records.writeJson(`attempt-${ctx.attempt}.answer.json`, { attempt: ctx.attempt, answer_file: `attempt-${ctx.attempt}.answer.txt`, patch_file: name, ...(answerRecord(patch) ?? { format: null, note: '', normalisations: [] }), refusal });
  return name;
}

async function contractFailure(ctx: StepContext, reason: string, check: string, text: string | null): Promise<StepResult> {
  const refusal = { code: 'E_CONTRACT', message: reason };
  const attempt = ctx.currentAttempt();
  attempt.refusal = refusal;
  if (text !== null) {
    attempt.patchFile = await record(ctx, text, null, refusal);
    attempt.diffBytes = Buffer.byteLength(text);
  }
  return withRefusalVerdict(ctx, { status: 'failed', code: 'E_CONTRACT', message: `the answer is not a usable patch: ${reason}`, output: output(false, [{ name: check, ok: false, reason }], null) });
}

const toOutput = (c: CheckResult): CheckOutput => (c.ok ? { name: c.name, ok: true } : { name: c.name, ok: false, reason: c.reason });

export const step: StepModule<GateWith> = {
  type: 'gate',
  withSchema: readSchema('steps/gate.with'),
  async run(ctx, args) {
    ctx.work.patch = undefined;
    const attempt = ctx.currentAttempt();
    const proposal = ctx.work.proposal;
    if (!proposal) return contractFailure(ctx, 'there is no proposal to gate; a propose step must run before gate', 'contract', null);
    if (proposal.kind !== 'patch') return contractFailure(ctx, `the answer is a ${proposal.kind}, not a patch; send exactly one patch`, 'contract', null);
    const settings = answerSettings(ctx.policy, ctx.work.route?.role);
    const parsed = parseProposal(proposal.text, { accept: settings.accept });
    if (!parsed.ok) return contractFailure(ctx, parsed.reason, parsed.check, proposal.text);
    const patch = parsed.patch;
    const paths = patchPaths(patch);
    const verdict = await runGateChecks(patch, { repo: ctx.repo, exec: ctx.services.exec, policy: ctx.policy, task: ctx.task, userWork: ctx.work.userWork, gitApplyCheck: args.git_apply_check });
    attempt.filesTouched = paths;
    attempt.diffBytes = patch.diffText ? Buffer.byteLength(patch.diffText) : patch.bytes;
    attempt.linesAdded = patch.files.reduce((n, f) => n + f.linesAdded, 0);
    attempt.linesRemoved = patch.files.reduce((n, f) => n + f.linesRemoved, 0);
    const checks = [{ name: 'contract', ok: true }, ...verdict.checks.map(toOutput)];
    if (verdict.ok) {
      attempt.patchFile = await record(ctx, patch.diffText, patch, null);
      const gated: GatedPatch = { kind: 'gated-patch', patch, paths, contents: verdict.contents, attempt: ctx.attempt };
      ctx.work.patch = gated;
      attempt.refusal = null;
      const normalised = patch.normalisations.length ? `; ${patch.normalisations.length} normalisation${patch.normalisations.length === 1 ? '' : 's'}` : '';
      return { status: 'succeeded', output: output(true, checks, patch), message: `${paths.length} file${paths.length === 1 ? '' : 's'}, +${attempt.linesAdded} -${attempt.linesRemoved} (${patch.format.replace('_', ' ')}${normalised})` };
    }
    const failed = verdict.checks.filter((c) => !c.ok);
    const message = failed.map((c) => `${c.name}: ${c.reason}`).join('; ');
    const code = verdict.unsafe ? 'E_PATCH_UNSAFE' : 'E_CONTRACT';
    attempt.refusal = { code, message };
    attempt.patchFile = await record(ctx, patch.diffText || proposal.text, patch, attempt.refusal);
    return withRefusalVerdict(ctx, {
      status: verdict.unsafe ? 'refused' : 'failed',
      code,
      message: verdict.unsafe ? `the gate refused the patch: ${message}` : `the patch does not apply: ${message}`,
      output: output(false, checks, patch),
    });
  },
};
