// An attempt judged by what it changed, against the baseline (pure). Failures are matched
// by id (pytest: the node id), so the same failing test is the same failure before and after.
//
// With `targets:` every target must end green, and no failure may be new. Without targets
// (the default): no failure may be new; when the baseline was green every validator must
// end green; when it had failures at least one of them must be gone (a patch that fixes
// nothing is not a success), none may be left in a test file where one was fixed (a
// partial fix), and the ones left elsewhere are reported as pre-existing, not charged.
import { failureId } from '../../exec/validators/index.js';
import type { Failure } from '../types.js';
import { targetMatches, targetMatchesTest } from './targets.js';
import type { BaselineJudgement, TargetResult, TestRef } from './types.js';

/** What the judge needs of a validator's run, before or after. */
export interface ValidatorSnapshot {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  failures: readonly Failure[];
  passedTests: readonly string[] | null;
}

const ref = (f: Failure): TestRef => ({ validator: f.validator, id: f.id, test: f.test ?? null, message: f.message });

function targetFailure(target: string, validator: string, why: string): Failure {
  return { validator, id: failureId(validator, 'target-not-run', null, target), category: 'target-not-run', file: null, line: null, message: `target ${target} ${why}`, test: target };
}

function targetStatus(target: string, baseline: readonly ValidatorSnapshot[], after: readonly ValidatorSnapshot[]): TargetResult['status'] {
  const validator = after.find((v) => v.name === target);
  if (validator) return validator.status === 'skipped' ? 'not-run' : validator.failures.length ? 'failed' : 'passed';
  if (after.some((v) => v.failures.some((f) => targetMatches(target, f)))) return 'failed';
  if (after.some((v) => v.passedTests?.some((t) => targetMatchesTest(target, t)))) return 'passed';
  // Seen failing before, its validator ran now and it is not among the failures: it passes.
  const before = baseline.find((v) => v.failures.some((f) => targetMatches(target, f)));
  if (before) return after.some((v) => v.name === before.name && v.status !== 'skipped') ? 'passed' : 'not-run';
  // Passes were visible and the target was not among them: it did not run.
  if (after.some((v) => v.status !== 'skipped' && v.passedTests !== null)) return 'not-run';
  return 'unverified';
}

export function judgeAgainstBaseline(baseline: readonly ValidatorSnapshot[], after: readonly ValidatorSnapshot[], targets: readonly string[] = []): BaselineJudgement {
  const baseIds = new Map<string, Failure>();
  for (const v of baseline) for (const f of v.failures) baseIds.set(f.id, f);
  const ranNow = new Set(after.filter((v) => v.status !== 'skipped').map((v) => v.name));
  const afterFailures = after.flatMap((v) => [...v.failures]);
  const afterIds = new Set(afterFailures.map((f) => f.id));

  const newFailures = afterFailures.filter((f) => !baseIds.has(f.id));
  const stillFailing = afterFailures.filter((f) => baseIds.has(f.id));
  // A baseline failure counts as gone only when its validator ran again (a skipped one proves nothing).
  const gone = [...baseIds.values()].filter((f) => !afterIds.has(f.id) && ranNow.has(f.validator));

  const passedBoth = after.filter((v) => v.status === 'passed' && baseline.some((b) => b.name === v.name && b.status === 'passed')).map((v) => v.name).sort();
  const passedTestsBoth: string[] = [];
  for (const v of after) {
    const before = baseline.find((b) => b.name === v.name)?.passedTests;
    if (!v.passedTests || !before) continue;
    const set = new Set(before);
    passedTestsBoth.push(...v.passedTests.filter((t) => set.has(t)));
  }

  const reasons: string[] = [];
  const charged: Failure[] = [...newFailures];
  let preExisting: Failure[] = [];
  let targetResults: TargetResult[] = [];
  if (newFailures.length) {
    reasons.push(`${newFailures.length} new failure${newFailures.length === 1 ? '' : 's'} the baseline did not have: ${newFailures.slice(0, 3).map((f) => f.test ?? f.message.split('\n')[0].slice(0, 120)).join('; ')}${newFailures.length > 3 ? ' …' : ''}`);
  }

  if (targets.length) {
    targetResults = targets.map((t) => ({ target: t, status: targetStatus(t, baseline, after) }));
    for (const r of targetResults) {
      if (r.status === 'failed') charged.push(...stillFailing.filter((f) => targetMatches(r.target, f) && !charged.includes(f)));
      if (r.status === 'not-run') charged.push(targetFailure(r.target, after.find((v) => v.name === r.target)?.name ?? 'targets', 'did not run'));
    }
    preExisting = stillFailing.filter((f) => !charged.includes(f));
    const open = targetResults.filter((r) => r.status === 'failed' || r.status === 'not-run');
    if (open.length) reasons.push(`target${open.length === 1 ? '' : 's'} not green: ${open.map((r) => `${r.target} (${r.status})`).join(', ')}`);
    else reasons.push(`every target passed (${targetResults.map((r) => `${r.target}${r.status === 'unverified' ? ' — not seen failing; passes are not visible in the output' : ''}`).join(', ')})`);
  } else if (baseIds.size === 0) {
    if (!newFailures.length) reasons.push('the baseline was green and every validator is still green');
  } else if (gone.length === 0) {
    // The patch fixed none of what failed before: those failures are what it answers for.
    charged.push(...stillFailing);
    reasons.push(`none of the ${baseIds.size} failure${baseIds.size === 1 ? '' : 's'} the baseline had is fixed`);
  } else {
    // A failure left in a test file where the patch fixed another is part of the same job
    // (a partial fix); failures elsewhere are the unrelated ones that were there before.
    const fixedFiles = new Set(gone.map((f) => f.file).filter((f): f is string => Boolean(f)));
    const partial = stillFailing.filter((f) => f.file && fixedFiles.has(f.file));
    charged.push(...partial);
    preExisting = stillFailing.filter((f) => !partial.includes(f));
    reasons.push(`${gone.length} baseline failure${gone.length === 1 ? '' : 's'} fixed`);
    if (partial.length) reasons.push(`a partial fix: ${partial.length} failure${partial.length === 1 ? '' : 's'} left in ${[...new Set(partial.map((f) => f.file))].join(', ')}, where the patch fixed another`);
  }
  // A validator cut short (fail-fast) proved nothing: the attempt cannot be accepted on it.
  for (const v of after.filter((x) => x.status === 'skipped')) {
    charged.push(targetFailure(v.name, v.name, 'was skipped, so it proved nothing'));
    reasons.push(`${v.name} did not run to the end`);
  }
  if (preExisting.length) reasons.push(`${preExisting.length} pre-existing failure${preExisting.length === 1 ? '' : 's'} left (not charged to the patch)`);

  return {
    mode: targets.length ? 'targets' : 'default',
    accepted: charged.length === 0,
    reasons,
    fail_to_pass: gone.map(ref),
    pass_to_fail: newFailures.map(ref),
    fail_to_fail: stillFailing.map(ref),
    pass_to_pass: { validators: passedBoth, tests: [...new Set(passedTestsBoth)].sort() },
    targets: targetResults,
    charged,
    pre_existing: preExisting,
  };
}
