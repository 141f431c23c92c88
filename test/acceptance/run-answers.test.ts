// Black-box: answers as models write them, through `pipe run` with the fake provider.
// A realistic answer (prose, a fenced diff, line numbers off) applies, and every
// normalisation is listed in --json, pipe show and the attempt record; a refused answer
// is a failed attempt that retries with the reason; the same refusal twice is a stall
// that escalates (exit 4); a refusal on the last attempt escalates; the tree is
// byte-identical whenever the run did not succeed. The runs skip the baseline
// (--no-baseline): they are about reading answers, not about verdicts against the
// unchanged tree (run-baseline.test.ts), and each baseline is one more pytest run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, runCli, snapshotTree } from '../helpers/repo.js';
import { OPS, calcRepo, events, readJson, runJson, writeTask } from './run-kit.js';

const PROSE_DIFF = `Here's the fix — \`add\` subtracts instead of adding:

\`\`\`diff
--- a/calc/ops.py
+++ b/calc/ops.py
@@ -3,4 +3,4 @@
 def add(a, b):
-    return a - b
+    return a + b


\`\`\`

This makes \`test_add\` pass.
`;
const FIXED = OPS.replace('return a - b', 'return a + b');
const LAZY = `\`\`\`diff
--- a/calc/ops.py
+++ b/calc/ops.py
@@ -1,6 +1,3 @@
-def add(a, b):
-    return a - b
-
-
+# ... existing code ...
 def mul(a, b):
     return a * b
\`\`\`
`;
const UNLOCATABLE = `--- a/calc/ops.py\n+++ b/calc/ops.py\n@@ -1,2 +1,2 @@\n def add(x, y):\n-    return x - y\n+    return x + y\n`;

test('a realistic answer applies; --json, pipe show and the attempt record list its normalisations', () => {
  const repo = calcRepo();
  try {
    const task = writeTask(repo, [{ patch: PROSE_DIFF }]);
    const { code, out, stderr } = runJson(repo, [task, '--no-baseline']);
    assert.is(code, 0, stderr);
    assert.is(out.status, 'succeeded');
    assert.is(readFileSync(join(repo, 'calc/ops.py'), 'utf8'), FIXED);
    assert.is(out.answers.length, 1);
    const kinds = out.answers[0].normalisations.map((n) => n.kind);
    assert.is(out.answers[0].format, 'unified_diff');
    assert.match(out.answers[0].note, /^Here's the fix/);
    for (const k of ['note', 'line_numbers']) assert.ok(kinds.includes(k), `${k} in ${kinds.join(', ')}`);
    // The recorded patch is the canonical diff pipe computed; the raw answer is kept beside it.
    const dir = out.records_dir!;
    assert.match(readFileSync(join(dir, 'attempt-1.patch'), 'utf8'), /^diff --git a\/calc\/ops.py b\/calc\/ops.py\n--- a\/calc\/ops.py\n\+\+\+ b\/calc\/ops.py\n@@ -1,5 \+1,5 @@\n/);
    assert.is(readFileSync(join(dir, 'attempt-1.answer.txt'), 'utf8'), PROSE_DIFF);
    const record = readJson<{ format: string; normalisations: { kind: string }[]; refusal: unknown }>(join(dir, 'attempt-1.answer.json'));
    assert.equal(record.normalisations.map((n) => n.kind), kinds);
    assert.is(record.refusal, null);
    const show = runCli(['show', out.run_id], { cwd: repo });
    assert.is(show.code, 0, show.stderr);
    assert.match(show.stdout, /answer: unified diff \(attempt-1\.answer\.txt\)/);
    assert.match(show.stdout, /note: Here's the fix/);
    assert.match(show.stdout, /normalised \(line_numbers\): calc\/ops\.py hunk 1 \(answer line 6\) states line 3, found at line 1/);
    const showJson = JSON.parse(runCli(['show', out.run_id, '--json'], { cwd: repo }).stdout) as { attempts: { answer: { normalisations: { kind: string }[] } }[] };
    assert.equal(showJson.attempts[0].answer.normalisations.map((n) => n.kind), kinds);
    const human = runCli(['show', out.run_id, '--diff'], { cwd: repo });
    assert.match(human.stdout, /^-    return a - b\n\+    return a \+ b$/m);
  } finally {
    cleanup(repo);
  }
});

test('a refused answer is a failed attempt: the retry carries the reason, the next answer applies', () => {
  const repo = calcRepo();
  try {
    const task = writeTask(repo, [{ patch: LAZY }, { patch: PROSE_DIFF }]);
    const { code, out, stderr } = runJson(repo, [task, '--no-baseline']);
    assert.is(code, 0, stderr);
    assert.is(out.status, 'succeeded');
    assert.is(out.attempts, 2);
    assert.is(readFileSync(join(repo, 'calc/ops.py'), 'utf8'), FIXED);
    assert.is(out.answers[0].refusal?.code, 'E_CONTRACT');
    assert.match(out.answers[0].refusal?.message ?? '', /lazy elision: answer line 9 \('# \.\.\. existing code \.\.\.'\)/);
    const retry = events(out.records_dir!).find((e) => e.type === 'retry');
    assert.match(String(retry?.reason), /lazy elision/);
  } finally {
    cleanup(repo);
  }
});

test('the same refusal twice is a stall: retries stop, the run escalates (exit 4), the tree is byte-identical', () => {
  const repo = calcRepo();
  try {
    const task = writeTask(repo, [{ patch: UNLOCATABLE }, { patch: UNLOCATABLE }, { diagnosis: 'The answers name add(x, y); the file has add(a, b).' }], { maxAttempts: 3 });
    const before = snapshotTree(repo);
    const { code, out, stderr } = runJson(repo, [task, '--no-baseline']);
    assert.is(code, 4, stderr);
    assert.is(out.status, 'escalated');
    assert.is(out.attempts, 2);
    assert.is(out.verdict, 'stall');
    assert.match(out.answers[1].refusal?.message ?? '', /does not match the file: the closest place is lines 1-2 of calc\/ops\.py/);
    assert.ok(existsSync(join(out.records_dir!, 'escalation.json')));
    const convergence = readJson<{ attempts: { attempt: number; verdict: string }[] }>(join(out.records_dir!, 'convergence.json'));
    assert.equal(convergence.attempts.map((a) => [a.attempt, a.verdict]), [[2, 'stall']]);
    assert.equal(snapshotTree(repo), before);
  } finally {
    cleanup(repo);
  }
});

test('a refusal on the last attempt escalates; two patches in one answer are refused', () => {
  const repo = calcRepo();
  try {
    const two = `${PROSE_DIFF}\nOr, more simply:\n\n\`\`\`diff\n--- a/calc/ops.py\n+++ b/calc/ops.py\n@@ -1,2 +1,2 @@\n def add(a, b):\n-    return a - b\n+    return sum((a, b))\n\`\`\`\n`;
    const task = writeTask(repo, [{ patch: two }, { diagnosis: 'Send one diff.' }], { maxAttempts: 1 });
    const before = snapshotTree(repo);
    const { code, out, stderr } = runJson(repo, [task, '--no-baseline']);
    assert.is(code, 4, stderr);
    assert.is(out.status, 'escalated');
    assert.match(out.answers[0].refusal?.message ?? '', /contains 2 fenced code blocks that hold patch text/);
    assert.equal(snapshotTree(repo), before);
  } finally {
    cleanup(repo);
  }
});

test.run();
