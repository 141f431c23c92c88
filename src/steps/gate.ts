// gate: the model's answer becomes a patch only if it parses (the contract) and every
// safety rule passes; then git itself must agree it applies. Nothing is written to
// the tree here; the patch text goes to the run's records as attempt-N.patch.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMAS_DIR } from '../paths.js';
import { redact } from '../records/redact.js';
import { parseProposal } from '../patch/parse.js';
import { runGateChecks } from '../patch/checks/index.js';
import type { CheckResult } from '../patch/checks/index.js';
import type { GatedPatch, ParsedPatch } from '../patch/types.js';
import { patchPaths } from '../patch/types.js';
import type { StepContext, StepModule, StepResult } from '../runner/types.js';
import type { GateWith } from '../types/generated/index.js';

const withSchema = JSON.parse(readFileSync(join(SCHEMAS_DIR, 'steps', 'gate.with.schema.json'), 'utf8')) as Record<string, unknown>;

type CheckOutput = { name: string; ok: boolean; reason?: string };

function output(ok: boolean, checks: CheckOutput[], patch: ParsedPatch | null): Record<string, unknown> {
  const files = (patch?.files ?? []).map((f) => ({
    path: f.newPath ?? f.oldPath,
    old_path: f.oldPath,
    operation: f.operation,
    binary: f.binary,
    lines_added: f.linesAdded,
    lines_removed: f.linesRemoved,
  }));
  return { ok, checks, files };
}

async function recordPatch(ctx: StepContext, text: string): Promise<string> {
  const name = `attempt-${ctx.attempt}.patch`;
  await ctx.services.records.writeText(name, redact(text));
  return name;
}

function contractFailure(ctx: StepContext, reason: string, patch: ParsedPatch | null = null): StepResult {
  ctx.currentAttempt().refusal = { code: 'E_CONTRACT', message: reason };
  return { status: 'failed', code: 'E_CONTRACT', message: `the answer is not a usable patch: ${reason}`, output: output(false, [{ name: 'contract', ok: false, reason }], patch) };
}

const toOutput = (c: CheckResult): CheckOutput => (c.ok ? { name: c.name, ok: true } : { name: c.name, ok: false, reason: c.reason });

export const step: StepModule<GateWith> = {
  type: 'gate',
  withSchema,
  async run(ctx, args) {
    ctx.work.patch = undefined;
    const attempt = ctx.currentAttempt();
    const proposal = ctx.work.proposal;
    if (!proposal) return contractFailure(ctx, 'there is no proposal to gate; a propose step must run before gate');
    if (proposal.kind !== 'patch') return contractFailure(ctx, `the answer is a ${proposal.kind}, not a patch; send exactly one unified diff or one JSON patch`);
    const parsed = parseProposal(proposal.text);
    if (!parsed.ok) {
      attempt.patchFile = await recordPatch(ctx, proposal.text);
      attempt.diffBytes = Buffer.byteLength(proposal.text);
      return contractFailure(ctx, parsed.reason);
    }
    const patch = parsed.patch;
    const paths = patchPaths(patch);
    const verdict = await runGateChecks(patch, { repo: ctx.repo, exec: ctx.services.exec, policy: ctx.policy, task: ctx.task, gitApplyCheck: args.git_apply_check });
    attempt.filesTouched = paths;
    attempt.diffBytes = patch.bytes;
    attempt.linesAdded = patch.files.reduce((n, f) => n + f.linesAdded, 0);
    attempt.linesRemoved = patch.files.reduce((n, f) => n + f.linesRemoved, 0);
    attempt.patchFile = await recordPatch(ctx, patch.diffText || proposal.text);
    const checks = [{ name: 'contract', ok: true }, ...verdict.checks.map(toOutput)];
    if (verdict.ok) {
      const gated: GatedPatch = { kind: 'gated-patch', patch, paths, contents: verdict.contents, attempt: ctx.attempt };
      ctx.work.patch = gated;
      attempt.refusal = null;
      return { status: 'succeeded', output: output(true, checks, patch), message: `${paths.length} file${paths.length === 1 ? '' : 's'}, +${attempt.linesAdded} -${attempt.linesRemoved}` };
    }
    const failed = verdict.checks.filter((c) => !c.ok);
    const message = failed.map((c) => `${c.name}: ${c.reason}`).join('; ');
    const code = verdict.unsafe ? 'E_PATCH_UNSAFE' : 'E_CONTRACT';
    attempt.refusal = { code, message };
    return {
      status: verdict.unsafe ? 'refused' : 'failed',
      code,
      message: verdict.unsafe ? `the gate refused the patch: ${message}` : `the patch does not apply: ${message}`,
      output: output(false, checks, patch),
    };
  },
};
