// The answer corpus: answers written the way GPT-4-class models really write them, in
// the four formats and every drift the reader forgives, gated and applied with the real
// gate and git apply in a real repository. Correct answers must leave exactly the
// expected bytes (and nothing else changed); every bad one is refused with its reason
// and the tree byte-identical. Each accepted case is rolled back before the next.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, gitIn, makeRepo } from '../helpers/repo.js';
import { defaultPolicy, makePatchHarness, porcelain, snapshotExact } from '../steps/patch-harness.js';
import { FILES } from './answers/fixture.js';
import type { AnswerCase } from './answers/case.js';
import { DIFF_CASES } from './answers/cases-diff.js';
import { OTHER_CASES } from './answers/cases-other.js';
import { REFUSED_CASES } from './answers/cases-refused.js';

const ALLOWED = ['src/**', 'tests/**', 'packages/**', 'config/**', 'tools/**', 'VERSION'];
const cases: AnswerCase[] = [...DIFF_CASES, ...OTHER_CASES, ...REFUSED_CASES];

const repo = makeRepo(FILES);
const pristine = snapshotExact(repo);
const pristineStatus = porcelain(repo);

for (const c of cases) {
  test(`answers [${c.format}]: ${c.name}`, async () => {
    const policy = defaultPolicy();
    if (c.accept) policy.answers = { accept: c.accept as never };
    const h = makePatchHarness({ repo, allowed: ALLOWED, policy });
    h.propose(c.answer);
    const gate = await h.gate();
    const out = gate.output as { checks: { name: string; ok: boolean; reason?: string }[]; answer: { format: string; normalisations: { kind: string; detail: string }[] } | null };
    const failed = out.checks.filter((x) => !x.ok);
    if ('files' in c.expect) {
      assert.is(gate.status, 'succeeded', `${gate.message}`);
      assert.is(out.answer?.format, c.format);
      for (const kind of c.expect.normalisations ?? []) {
        assert.ok(out.answer?.normalisations.some((n) => n.kind === kind), `normalisation ${kind} listed: ${JSON.stringify(out.answer?.normalisations)}`);
      }
      const applied = await h.apply();
      assert.is(applied.status, 'succeeded', applied.message);
      const after = snapshotExact(repo);
      for (const [path, want] of Object.entries(c.expect.files)) {
        if (want === null) assert.not.ok(existsSync(join(repo, path)), `${path} deleted`);
        else assert.fixture(readFileSync(join(repo, path), 'utf8'), want);
      }
      // Nothing else changed.
      for (const [path, value] of Object.entries(pristine)) {
        if (!(path in c.expect.files)) assert.is(after[path], value, `${path} unchanged`);
      }
      const rolled = await h.rollback();
      assert.is(rolled.status, 'succeeded');
    } else {
      assert.ok(gate.status === 'failed' || gate.status === 'refused', `refused, got ${gate.status}`);
      assert.equal(failed.map((x) => x.name), Array.isArray(c.expect.check) ? c.expect.check : [c.expect.check], JSON.stringify(failed));
      assert.match(failed[0].reason ?? '', c.expect.refused);
      assert.is(h.ctx.work.patch, undefined);
    }
    assert.equal(snapshotExact(repo), pristine);
    assert.is(porcelain(repo), pristineStatus);
  });
}

test('the corpus has at least 40 answers over all four formats, correct and refused', () => {
  assert.ok(cases.length >= 40, String(cases.length));
  for (const f of ['unified_diff', 'json_patch', 'apply_patch', 'search_replace']) assert.ok(cases.some((c) => c.format === f), f);
  assert.ok(cases.filter((c) => 'refused' in c.expect).length >= 12);
  assert.ok(cases.filter((c) => 'files' in c.expect).length >= 25);
  assert.is(new Set(cases.map((c) => c.name)).size, cases.length, 'case names are unique');
});

test.after(() => {
  gitIn(repo, 'status', '--porcelain');
  cleanup(repo);
});
test.run();
