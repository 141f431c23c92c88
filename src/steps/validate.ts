// The `validate` step: runs the named validators (plus patch-safety after an apply)
// through the sandboxed wrapper, records the attempt's failures, judges convergence
// against the earlier attempts and writes convergence.json. Stall and divergence end
// the retry loop.
import { join } from 'node:path';
import { judgeAttempt, stopsRetries, thresholdsFrom } from '../convergence/verdict.js';
import { writeConvergence } from '../convergence/record.js';
import { patchSafetyValidator } from '../validation/patch-safety.js';
import { decideSandbox, sandboxForSpecs } from '../validation/sandbox.js';
import type { SandboxChoice } from '../exec/sandbox/index.js';
import { snapshotTracked, snapshotUntracked } from '../validation/tracked-files.js';
import { type BuiltinValidator, type ValidatorOutcome } from '../validation/run.js';
import { isGatedPatch } from '../patch/types.js';
import { sha256 } from '../records/digest.js';
import { PATCH_SAFETY, maxParallel, resolveValidatorSpecs } from '../validation/specs.js';
import type { StepContext, StepModule } from '../runner/types.js';
import type { Failure } from '../validation/types.js';
import type { ValidateWith } from '../types/generated/index.js';
import { baselineSnapshots, judgeAgainstBaseline, type BaselineJudgement } from '../validation/baseline/index.js';
import { formatValidatorLog, validatorLogPath } from '../validation/output-log.js';
import type { AttemptBaseline } from '../convergence/types.js';
import { readSchema } from '../dsl/schemas.js';

/** Failures kept in the step output (all of them stay in the attempt record). */
export const OUTPUT_FAILURE_CAP = 50;

async function builtinsFor(ctx: StepContext, names: readonly string[]): Promise<BuiltinValidator[]> {
  const wanted = names.includes(PATCH_SAFETY) || (ctx.policy.validation?.patch_safety ?? true);
  // Nothing applied, nothing to re-check.
  if (!wanted || ctx.work.filesChanged.length === 0) return [];
  // Taken before any validator starts; patch-safety compares after all of them finished.
  // null when it cannot be taken: patch-safety then fails closed.
  const trackedBefore = await snapshotTracked(ctx.services.exec, ctx.repo).catch(() => null);
  return [patchSafetyValidator({ repo: ctx.repo, exec: ctx.services.exec, policy: ctx.policy, task: ctx.task, filesChanged: [...ctx.work.filesChanged], trackedBefore })];
}

/** The run's sandbox; a context built without the service (embedding, tests) decides from the policy. */
function sandboxOf(ctx: StepContext): Promise<SandboxChoice> {
  return ctx.services.sandbox ? ctx.services.sandbox() : decideSandbox(ctx.policy);
}

/** The digest of the canonical diff this attempt applied, or null when nothing is applied. */
function appliedPatchSha256(ctx: StepContext): string | null {
  const gated = ctx.work.patch;
  if (!isGatedPatch(gated) || ctx.work.filesChanged.length === 0) return null;
  return sha256(gated.patch.diffText);
}

function summarise(outcomes: ValidatorOutcome[]): string {
  const failed = outcomes.filter((o) => o.status === 'failed');
  const ran = outcomes.filter((o) => o.status !== 'skipped').length;
  const skipped = outcomes.filter((o) => o.status === 'skipped').map((o) => o.name);
  const skippedNote = skipped.length ? `; skipped: ${skipped.join(', ')}` : '';
  if (!failed.length) return `${ran} validator${ran === 1 ? '' : 's'} passed${skippedNote}`;
  return `${failed.length} of ${ran} validator${ran === 1 ? '' : 's'} failed (${failed.map((o) => `${o.name}: ${o.failures.length}`).join(', ')})${skippedNote}`;
}

const testName = (r: { test: string | null; message: string }) => r.test ?? r.message.split('\n')[0].slice(0, 200);

function attemptBaseline(j: BaselineJudgement): AttemptBaseline {
  return { mode: j.mode, accepted: j.accepted, reasons: j.reasons, fail_to_pass: j.fail_to_pass, pass_to_fail: j.pass_to_fail, fail_to_fail: j.fail_to_fail, pass_to_pass: j.pass_to_pass, targets: j.targets, pre_existing: j.pre_existing };
}

/** The step output's view: names, capped like the failures. */
function baselineOutput(j: BaselineJudgement): Record<string, unknown> {
  return {
    mode: j.mode,
    accepted: j.accepted,
    fail_to_pass: j.fail_to_pass.slice(0, OUTPUT_FAILURE_CAP).map(testName),
    pass_to_fail: j.pass_to_fail.slice(0, OUTPUT_FAILURE_CAP).map(testName),
    pre_existing: j.pre_existing.slice(0, OUTPUT_FAILURE_CAP).map((f) => f.test ?? f.message.split('\n')[0].slice(0, 200)),
    pre_existing_total: j.pre_existing.length,
    pass_to_pass: { validators: j.pass_to_pass.validators, tests: j.pass_to_pass.tests.length },
    targets: j.targets,
  };
}

export const step: StepModule<ValidateWith> = {
  type: 'validate',
  withSchema: readSchema('steps/validate.with'),
  async run(ctx, args) {
    const names = args.validators ?? ctx.task.validators ?? [];
    const specs = resolveValidatorSpecs(ctx.policy, names, ctx.repo);
    const sandbox = specs.length ? await sandboxOf(ctx) : null;
    const patchSha256 = appliedPatchSha256(ctx);
    const untrackedBefore = specs.length ? await snapshotUntracked(ctx.services.exec, ctx.repo).catch(() => null) : null;
    const outcomes = await ctx.services.validators({
      attempt: ctx.attempt,
      patchSha256,
      repo: ctx.repo,
      exec: ctx.services.exec,
      specs,
      builtins: await builtinsFor(ctx, names),
      sandboxFor: sandbox ? sandboxForSpecs(sandbox, ctx.repo, ctx.policy) : undefined,
      allowedExecutables: ctx.policy.safety?.allowed_executables ?? [],
      maxParallel: maxParallel(ctx.policy),
      failFast: args.fail_fast ?? ctx.policy.validation?.fail_fast ?? false,
      signal: ctx.signal,
      onResult: (o) => ctx.services.progress.note(`  ${o.name}: ${o.status}${o.failures.length ? ` (${o.failures.length} failure${o.failures.length === 1 ? '' : 's'})` : ''} in ${o.durationMs} ms${o.denials.length ? ` — ${o.denials.join('; ')}` : ''}`),
    });
    // Every result in full, keyed by the patch it judged: what `pipe replay` answers from.
    // (The output itself is in validators/attempt-N/<name>.log.)
    await ctx.services.records.appendJsonLine('validators.jsonl', { attempt: ctx.attempt, step: ctx.step.id, patch_sha256: patchSha256, outcomes: outcomes.map(({ stdout: _o, stderr: _e, ...rest }) => rest) });
    // Events in the given order, not finishing order, so records are deterministic.
    for (const o of outcomes) {
      ctx.services.events.emit('validator.result', {
        validator: o.name,
        status: o.status,
        parser: o.parser,
        exit_code: o.exitCode,
        timed_out: o.timedOut,
        duration_ms: o.durationMs,
        output_truncated: o.outputTruncated,
        note: o.note,
        failures: o.failures.length,
        failure_ids: o.failures.map((f) => f.id),
        log: o.argv.length ? validatorLogPath(ctx.currentAttempt().attempt, o.name) : null,
        sandbox: o.sandbox.kind,
        sandbox_rules: o.sandbox.rules,
        ...(o.sandbox.reason ? { sandbox_reason: o.sandbox.reason } : {}),
        ...(o.denials.length ? { sandbox_denials: o.denials } : {}),
      });
    }

    // Validators cut short by an interrupt (SIGINT/SIGTERM, a step timeout) proved nothing:
    // the step fails rather than judging the skipped ones as a pass.
    if (ctx.signal?.aborted) {
      const cancelled = outcomes.filter((o) => o.status === 'skipped').map((o) => o.name);
      return { status: 'failed', code: 'E_INTERRUPTED', message: `validation interrupted${cancelled.length ? `; not run to the end: ${cancelled.join(', ')}` : ''}` };
    }

    const attempt = ctx.currentAttempt();
    // Each validator's whole (capped) output, for `pipe show --validators`.
    for (const o of outcomes) if (o.argv.length) await ctx.services.records.writeText(validatorLogPath(attempt.attempt, o.name), formatValidatorLog({ ...o, exit_code: o.exitCode, timed_out: o.timedOut, duration_ms: o.durationMs, output_truncated: o.outputTruncated, sandbox: o.sandbox.reason ? `${o.sandbox.kind} (${o.sandbox.reason})` : o.sandbox.kind }));

    let failures: Failure[] = outcomes.flatMap((o) => o.failures);
    let judgement: BaselineJudgement | null = null;
    const targets = ctx.task.targets ?? [];
    if (ctx.work.baseline || targets.length) {
      // Judged by what the patch changed: only new failures (and unmet targets) are charged to it.
      // Without a baseline (--no-baseline) every failure is new, and the targets must still run green.
      judgement = judgeAgainstBaseline(ctx.work.baseline ? baselineSnapshots(ctx.work.baseline) : [], outcomes.map((o) => ({ name: o.name, status: o.status, failures: o.failures, passedTests: o.passedTests })), targets);
      failures = judgement.charged;
    }
    const charged = new Set(failures.map((f) => f.validator));
    attempt.failures = failures;
    attempt.passedValidators = outcomes.filter((o) => o.status === 'passed' || (o.status === 'failed' && judgement && !charged.has(o.name))).map((o) => o.name);
    attempt.failedValidators = outcomes.filter((o) => o.status === 'failed' && (!judgement || charged.has(o.name))).map((o) => o.name);
    attempt.baseline = judgement ? attemptBaseline(judgement) : null;
    if (attempt.filesTouched.length === 0 && ctx.work.filesChanged.length) attempt.filesTouched = [...ctx.work.filesChanged];

    const thresholds = thresholdsFrom(ctx.policy);
    const verdict = judgeAttempt(ctx.work.attempts, thresholds);
    if (judgement && verdict.verdict === 'success') verdict.reasons = judgement.reasons;
    else if (judgement) verdict.reasons = [...verdict.reasons, ...judgement.reasons.map((r) => `baseline: ${r}`)];
    attempt.verdict = verdict;
    ctx.work.lastVerdict = verdict.verdict;
    await writeConvergence(ctx.services.records, { runId: ctx.run.id, thresholds, attempts: ctx.work.attempts });
    ctx.services.events.emit('verdict', { verdict: verdict.verdict, reasons: verdict.reasons, evidence: verdict.evidence });

    // Files the validators created outside the patch: reported (rollback leaves them; they may run code later).
    const untrackedAfter = untrackedBefore ? await snapshotUntracked(ctx.services.exec, ctx.repo).catch(() => null) : null;
    const patched = new Set(ctx.work.filesChanged);
    const created = untrackedBefore && untrackedAfter ? [...untrackedAfter].filter((f) => !untrackedBefore.has(f) && !patched.has(f)).sort() : [];
    if (created.length) {
      const note = `validators created ${created.length} file${created.length === 1 ? '' : 's'} outside the patch, left in place: ${created.slice(0, 10).join(', ')}${created.length > 10 ? ', …' : ''}`;
      ctx.services.events.emit('warning', { message: note, files_created: created });
      ctx.services.progress.note(`  ${note}`);
    }
    const output = {
      passed: attempt.passedValidators,
      failed: attempt.failedValidators,
      skipped: outcomes.filter((o) => o.status === 'skipped').map((o) => o.name),
      failures: failures.slice(0, OUTPUT_FAILURE_CAP),
      failures_total: failures.length,
      verdict: verdict.verdict,
      reasons: verdict.reasons,
      ...(judgement ? { baseline: baselineOutput(judgement) } : {}),
      sandbox: sandbox ? { kind: sandbox.kind, mode: sandbox.mode, reason: sandbox.reason } : null,
      ...(created.length ? { files_created: created } : {}),
    };
    const message = `${summarise(outcomes)} — ${verdict.verdict}: ${verdict.reasons.join('; ')}`;
    if (verdict.verdict === 'success') return { status: 'succeeded', output, message };
    return { status: 'failed', code: 'E_VALIDATION', output, message, stopRetries: stopsRetries(verdict) };
  },
};
