// The baseline step of `pipe run` and `pipe plan`: the task's validators on the unchanged
// tree before anything else (or the cached result), and a stop with exit 2 when they
// cannot test here, so a broken environment never costs a model call.
import { Flags } from '@oclif/core';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ensurePipeIgnored } from '../records/writer.js';
import { assertBaselineUsable, baselineMode, runBaseline, type BaselineReport } from '../validation/baseline/index.js';
import type { Session } from '../runner/session.js';

export const baselineFlag = {
  baseline: Flags.boolean({
    description: "run the task's validators on the unchanged tree first and judge attempts against it (policy validation.baseline; --no-baseline skips it)",
    allowNo: true,
  }),
};

/**
 * The baseline for a session, or null when it is off; throws E_ENVIRONMENT when the validators
 * cannot test. With `readOnly` (pipe plan, run --dry-run) a cached result is used but nothing is
 * written to the repository: the validators run and their result is only shown.
 */
export async function prepareBaseline(session: Session, options: { enabled?: boolean; readOnly?: boolean; note: (line: string) => void; signal?: AbortSignal }): Promise<BaselineReport | null> {
  const validators = session.task.validators ?? [];
  const mode = options.enabled === false ? 'off' : options.enabled === true && baselineMode(session.policy) === 'off' ? 'cached' : baselineMode(session.policy);
  if (mode === 'off' || validators.filter((v) => v !== 'patch-safety').length === 0) return null;
  if (!options.readOnly) ensurePipeIgnored(session.repo);
  const report = await runBaseline({
    writeCache: !options.readOnly,
    repoRoot: session.repo,
    validators,
    policy: session.policy,
    mode,
    targets: session.task.targets ?? [],
    sandbox: session.sandbox,
    excludeFromDigest: taskFiles(session),
    signal: options.signal,
    onResult: (o) => options.note(`  baseline ${o.name}: ${o.status}${o.failures.length ? ` (${o.failures.length} failure${o.failures.length === 1 ? '' : 's'})` : ''} in ${o.durationMs} ms`),
  });
  options.note(describeBaseline(report));
  for (const w of report.warnings) options.note(`warning: ${w}`);
  assertBaselineUsable(report);
  return report;
}

/** The task file and its fake answer files, repo-relative, when they are inside the repo. */
function taskFiles(session: Session): string[] {
  const files = [session.taskFile, ...(session.task.fake?.responses ?? []).flatMap((r) => ('patch_file' in r && typeof r.patch_file === 'string' ? [resolve(session.taskDir, r.patch_file)] : []))];
  return files.map((f) => relative(session.repo, f)).filter((rel) => rel && !rel.startsWith('..') && !isAbsolute(rel)).map((rel) => rel.split(sep).join('/'));
}

/** One line: what the unchanged tree gave, and whether it came from the cache. */
export function describeBaseline(report: BaselineReport): string {
  if (report.status === 'off') return 'baseline: off';
  const failing = report.validators.filter((v) => v.failures.length);
  const total = failing.reduce((n, v) => n + v.failures.length, 0);
  const how = report.cached ? `cached (${report.created_at}, tree ${report.tree?.slice(0, 10) ?? '?'})` : `ran in ${report.duration_ms} ms`;
  if (report.status === 'environment-error') return `baseline: the validators cannot test this repository (${report.problems.map((p) => `${p.validator}: ${p.kind}`).join(', ')})`;
  if (!total) return `baseline: ${how}; green (${report.validators.map((v) => v.name).join(', ')})`;
  return `baseline: ${how}; ${total} failure${total === 1 ? '' : 's'} before any change (${failing.map((v) => `${v.name}: ${v.failures.length}`).join(', ')}) — not charged to the patch`;
}
