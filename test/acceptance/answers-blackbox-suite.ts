// Registers one uvu test per black-box answer case (see answers-blackbox-kit.ts). Each case
// costs a few seconds of CPU (a whole `pipe run`), so the corpus is split into parts of
// under 20 cases, one test file each: the suite runner spreads them over its workers and
// no file comes near the runner's 10-minute limit on a busy machine.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadCases, runCases, summaryLine, tally, type BlackboxCase, type CaseResult } from './answers-blackbox-kit.js';

/** Which cases each test file runs: a case id prefix and an inclusive range of case numbers. */
export const PARTS = {
  'correct unified diffs 1': { prefix: 'ua', from: 1, to: 18 },
  'correct unified diffs 2': { prefix: 'ua', from: 19, to: 99 },
  'correct JSON and apply_patch answers': { prefix: 'ja|pa', from: 1, to: 99 },
  'correct SEARCH/REPLACE answers': { prefix: 'sa', from: 1, to: 99 },
  'ambiguous and unlocatable answers': { prefix: 'ur', from: 1, to: 16 },
  'several patches, shell, no patch, lazy elision': { prefix: 'ur', from: 17, to: 35 },
  'unsafe paths, deletes, renames, and more': { prefix: 'ur', from: 36, to: 99 },
} as const;

export type PartName = keyof typeof PARTS;

export function inPart(id: string, part: PartName): boolean {
  const { prefix, from, to } = PARTS[part];
  const m = /^([a-z]{2})(\d+)-/.exec(id);
  return !!m && prefix.split('|').includes(m[1]) && Number(m[2]) >= from && Number(m[2]) <= to;
}

function explain(r: CaseResult): string {
  const said = r.reasonText.split('\n')[0]?.slice(0, 600) ?? '';
  return `exit ${r.exitCode}, status ${r.status}; ${r.treeProblems.slice(0, 4).join('; ') || 'tree as expected'}${said ? `; pipe said: ${said}` : ''}${r.runId ? '' : `; stderr: ${r.stderr.slice(0, 300)}`}`;
}

/** Registers the cases of one part, runs them (two at a time) before the tests, and prints their tally after. */
export function registerCases(part: PartName): BlackboxCase[] {
  const label = part;
  const cases = loadCases().filter((c) => inPart(c.id, part));
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
