// Registers one uvu test per black-box answer case (see answers-blackbox-kit.ts). The
// corpus is split over three test files by case prefix so the suite runner spreads them
// over its workers and no file comes near its per-file time limit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadCases, runCases, summaryLine, tally, type BlackboxCase, type CaseResult } from './answers-blackbox-kit.js';

function explain(r: CaseResult): string {
  const said = r.reasonText.split('\n')[0]?.slice(0, 600) ?? '';
  return `exit ${r.exitCode}, status ${r.status}; ${r.treeProblems.slice(0, 4).join('; ') || 'tree as expected'}${said ? `; pipe said: ${said}` : ''}${r.runId ? '' : `; stderr: ${r.stderr.slice(0, 300)}`}`;
}

/** Registers the cases whose id starts with one of `prefixes`, runs them (two at a time) before the tests, and prints their tally after. */
export function registerCases(prefixes: string[], label: string): BlackboxCase[] {
  const cases = loadCases().filter((c) => prefixes.some((p) => c.id.startsWith(p)));
  let results = new Map<string, CaseResult>();

  test.before(async () => {
    results = await runCases(cases, Number(process.env.PIPE_ANSWERS_QA_JOBS) || 2);
  });
  test.after(() => {
    console.log(`\nanswers black-box (${label}): ${summaryLine(tally(cases, results))}`);
  });

  for (const c of cases) {
    if (c.expect === 'applied') {
      test(`${c.id}: ${c.title} → applied byte-exactly`, () => {
        const r = results.get(c.id)!;
        assert.is(r.outcome, 'exact', explain(r));
      });
    } else {
      test(`${c.id}: ${c.title} → refused, tree untouched`, () => {
        const r = results.get(c.id)!;
        assert.is.not(r.exitCode, 0, `a bad answer was accepted: ${explain(r)}`);
        assert.is.not(r.exitCode, 2, `exit 2 is bad input, not a refusal: ${explain(r)}`);
        assert.equal(r.treeProblems, [], `the tree changed: ${explain(r)}`);
        assert.is(r.outcome, 'refused');
        assert.equal(r.reasonMisses, [], `the reason lacks ${r.reasonMisses.join(', ')}; it was: ${r.reasonText.slice(0, 800)}`);
      });
    }
  }
  return cases;
}
