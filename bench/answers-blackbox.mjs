// The black-box answer corpus (test/fixtures/answers-qa-cases) through the built CLI, as a
// scorecard: how many correct answers apply byte-exactly, how many answers changed the tree
// wrongly, how many bad answers are refused with the expected reason; then a line per
// format and per drift, and every case that did not come out as expected.
// Run: npm run build && node --import tsx bench/answers-blackbox.mjs [case-id-substring...]
// (PIPE_ANSWERS_QA_JOBS sets how many cases run at once; default 2.) Prints; never asserts.
import { loadCases, runCases, summaryLine, tally } from '../test/acceptance/answers-blackbox-kit.ts';

const filters = process.argv.slice(2);
const cases = loadCases().filter((c) => filters.length === 0 || filters.some((f) => c.id.includes(f)));
const started = Date.now();
const results = await runCases(cases, Number(process.env.PIPE_ANSWERS_QA_JOBS) || 2);

const asExpected = (c) => {
  const r = results.get(c.id);
  return c.expect === 'applied' ? r.outcome === 'exact' : r.outcome === 'refused' && r.reasonMisses.length === 0;
};

function table(title, keyOf) {
  const groups = new Map();
  for (const c of cases) for (const key of keyOf(c)) {
    const g = groups.get(key) ?? { ok: 0, n: 0 };
    g.n++;
    if (asExpected(c)) g.ok++;
    groups.set(key, g);
  }
  console.log(`\n${title}`);
  for (const [key, g] of [...groups].sort()) console.log(`  ${key.padEnd(34)} ${String(g.ok).padStart(3)}/${g.n}`);
}

table('as expected, by format and expectation', (c) => [`${c.format} (${c.expect})`]);
table('as expected, by drift', (c) => (c.drift.length ? c.drift : ['none']));

const off = cases.filter((c) => !asExpected(c));
if (off.length) {
  console.log('\nnot as expected');
  for (const c of off) {
    const r = results.get(c.id);
    const why = r.outcome === 'refused' && c.expect === 'refused' ? `reason lacks ${r.reasonMisses.join(', ')}` : `${r.outcome}, exit ${r.exitCode}`;
    console.log(`  ${c.id}: ${why} — ${(r.treeProblems[0] ?? r.reasonText.split('\n')[0] ?? '').slice(0, 220)}`);
  }
}
console.log(`\n${cases.length} cases in ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(summaryLine(tally(cases, results)));
