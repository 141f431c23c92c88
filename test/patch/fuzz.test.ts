// Five hundred mutated diffs by default (seeded, so a failure replays): the parser never throws
// or falls into its internal-error path, whatever passes the gate names only allowed
// files in the canonical diff it computed, and what is applied (the first hundred gated
// mutants, then every third) writes nothing outside the task's allowed files; rollback
// restores every byte.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { parseProposal } from '../../src/patch/parse.js';
import { patchPaths } from '../../src/patch/types.js';
import { cleanup, makeRepo, tempDir } from '../helpers/repo.js';
import { makePatchHarness, porcelain, snapshotExact } from '../steps/patch-harness.js';

const SEED = Number(process.env.PIPE_FUZZ_SEED ?? 20240611);
// 500 in the suite keeps CI quick; PIPE_FUZZ_COUNT=20000 (or another PIPE_FUZZ_SEED) digs deeper.
const COUNT = Number(process.env.PIPE_FUZZ_COUNT ?? 500);
const ALLOWED = ['src/**', 'tests/*.py'];
const isAllowed = picomatch(ALLOWED, { dot: true });

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const APP = 'import re\n\n\ndef slug(text):\n    return text.lower()\n\n\ndef title(text):\n    return text.title()\n';
const FILES = { 'src/app.py': APP, 'src/util.py': 'def add(a, b):\n    return a + b\n', 'tests/test_app.py': 'def test_x():\n    assert True\n', 'README.md': '# r\n', '.env': 'K=v\n', 'docs/a.md': 'a\n' };

const BASES = [
  'diff --git a/src/app.py b/src/app.py\n--- a/src/app.py\n+++ b/src/app.py\n@@ -3,3 +3,4 @@\n \n def slug(text):\n-    return text.lower()\n+    text = text.strip()\n+    return text.lower()\n@@ -8,2 +9,2 @@\n def title(text):\n-    return text.title()\n+    return text.title().strip()\n',
  'diff --git a/src/new/mod.py b/src/new/mod.py\nnew file mode 100644\n--- /dev/null\n+++ b/src/new/mod.py\n@@ -0,0 +1,2 @@\n+X = 1\n+Y = 2\n',
  '--- a/src/util.py\n+++ b/src/util.py\n@@ -1,2 +1,2 @@\n def add(a, b):\n-    return a + b\n+    return b + a\n',
  '```diff\ndiff --git a/tests/test_app.py b/tests/test_app.py\n--- a/tests/test_app.py\n+++ b/tests/test_app.py\n@@ -1,2 +1,3 @@\n def test_x():\n     assert True\n+    assert 1\n```\n',
];

const INJECT = [
  '--- a/../outside.txt', '+++ b/../outside.txt', '+++ b/.git/config', '--- a/.git/config', 'diff --git a/README.md b/README.md',
  'diff --git a/src/x b/../y', 'rename from src/util.py', 'rename to ../../z', 'new file mode 120000', 'deleted file mode 100644',
  'old mode 100644', 'new mode 100755', '@@ -1 +1 @@', '@@ -0,0 +1,3 @@', '+++ /dev/null', '--- /dev/null', '\\ No newline at end of file',
  'GIT binary patch', 'literal 3', 'Binary files a/x and b/x differ', '+++ "b/\\303\\251"', '+++ b/.env', '+++ b/src/../README.md', '```', '',
  'copy to docs/a.md', 'copy from src/app.py', '+++ b/docs/a.md', '--- a/docs/a.md', 'diff --git a/docs/a.md b/docs/a.md',
];
const BYTES = ['-', '+', ' ', '@', '\n', '/', '.', 'a', '\\', '"', '0', '9', ',', '\r', '\t', '\u00e9', '\0'];

function mutate(text: string, rnd: () => number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  let out = text;
  const rounds = 1 + Math.floor(rnd() * 3);
  for (let r = 0; r < rounds; r++) {
    const lines = out.split('\n');
    const at = Math.floor(rnd() * lines.length);
    switch (Math.floor(rnd() * 7)) {
      case 0: { // replace one character
        const pos = Math.floor(rnd() * out.length);
        out = out.slice(0, pos) + pick(BYTES) + out.slice(pos + 1);
        break;
      }
      case 1: lines.splice(at, 1); out = lines.join('\n'); break;
      case 2: lines.splice(at, 0, lines[at] ?? ''); out = lines.join('\n'); break;
      case 3: lines.splice(at, 0, pick(INJECT)); out = lines.join('\n'); break;
      case 4: lines[at] = pick(INJECT); out = lines.join('\n'); break;
      case 5: out = out.slice(0, Math.floor(rnd() * out.length)); break;
      default: { // rewrite a path everywhere
        const target = pick(['../evil.py', '.git/hooks/pre-commit', 'README.md', '.env', 'src/ok.py', '/etc/passwd', 'docs/a.md', 'src/app.py']);
        out = out.replace(/src\/(app|util|new\/mod)\.py|tests\/test_app\.py/g, (m) => (rnd() < 0.5 ? target : m));
      }
    }
  }
  return out;
}

test(`fuzz: ${COUNT} mutated diffs never crash the parser and never write outside the allowed set (seed ${SEED})`, async () => {
  const rnd = mulberry32(SEED);
  const root = tempDir('pipe-fuzz-');
  const repo = makeRepo(FILES);
  writeFileSync(join(root, 'sentinel.txt'), 'outside\n');
  const gitConfig = readFileSync(join(repo, '.git', 'config'));
  const pristine = snapshotExact(repo);
  const outside = (snap: Record<string, string>) => Object.fromEntries(Object.entries(snap).filter(([p]) => !p.endsWith('/') && !isAllowed(p)));
  const pristineOutside = outside(pristine);
  const pristineStatus = porcelain(repo);
  const tally = { parsed: 0, rejected: 0, gated: 0, applied: 0 };
  try {
    for (let i = 0; i < COUNT; i++) {
      const text = mutate(BASES[i % BASES.length], rnd);
      let parsed;
      try {
        parsed = parseProposal(text);
      } catch (err) {
        assert.unreachable(`parseProposal threw on mutant ${i}: ${(err as Error).message}\n${JSON.stringify(text)}`);
        return;
      }
      if (!parsed.ok) {
        tally.rejected++;
        assert.not.match(parsed.reason, /could not be read as a patch/, `internal parser error on mutant ${i}: ${parsed.reason}\n${JSON.stringify(text)}`);
        assert.ok(parsed.reason.length > 10);
        continue;
      }
      tally.parsed++;
      const h = makePatchHarness({ repo, allowed: ALLOWED });
      h.propose(text);
      const gate = await h.gate();
      if (gate.status !== 'succeeded') continue;
      tally.gated++;
      for (const p of patchPaths(parsed.patch)) assert.ok(isAllowed(p), `gate passed ${p} (mutant ${i})`);
      const gated = (h.ctx.work.patch as { patch: { diffText: string } }).patch.diffText;
      for (const m of gated.matchAll(/^diff --git a\/(\S+) b\/(\S+)$/gm)) assert.ok(isAllowed(m[1]) && isAllowed(m[2]), `canonical diff names ${m[0]} (mutant ${i})`);
      // Applying and rolling back costs several git processes: every gated mutant early on, then every third.
      if (tally.gated > 100 && tally.gated % 3 !== 0) continue;
      let applied;
      try { applied = await h.apply(); } catch (err) { throw new Error(`apply threw on mutant ${i}: ${(err as Error).message}\n${JSON.stringify(text)}`); }
      if (applied.status === 'succeeded') {
        tally.applied++;
        assert.equal(outside(snapshotExact(repo)), pristineOutside, `mutant ${i} wrote outside the allowed set:\n${text}`);
        assert.is(readFileSync(join(root, 'sentinel.txt'), 'utf8'), 'outside\n');
        assert.ok(readFileSync(join(repo, '.git', 'config')).equals(gitConfig));
      }
      await h.rollback();
      assert.equal(snapshotExact(repo), pristine, `rollback after mutant ${i} left the tree changed`);
    }
    assert.is(porcelain(repo), pristineStatus);
    // The fuzz must exercise every path, or it proves nothing.
    assert.ok(tally.rejected > COUNT / 10, JSON.stringify(tally));
    assert.ok(tally.applied > 20, JSON.stringify(tally));
    console.log(`fuzz tally: ${JSON.stringify(tally)}`);
  } catch (err) {
    console.error('FUZZ FAILURE', (err as Error).message.slice(0, 3000).replace(/[\x00-\x08\r]/g, '?'));
    throw err;
  } finally {
    cleanup(repo, root);
  }
});

test.run();
