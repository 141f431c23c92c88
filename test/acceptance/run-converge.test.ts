// Black-box: convergence verdicts through the built CLI (DSL.md §3) with real pytest —
// a regression (a test that passed now fails) is divergence, a repeated failure is a
// stall; both stop retries, escalate (exit 4) and leave the tree byte-identical.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, snapshotTree } from '../helpers/repo.js';
import { WRONG, calcRepo, ledgerRows, readJson, runJson, writeTask } from './run-kit.js';

// Fixes add() but breaks mul(): test_mul passed on attempt 1 and fails on attempt 2.
const SWAP = `--- a/calc/ops.py\n+++ b/calc/ops.py\n@@ -1,6 +1,6 @@\n def add(a, b):\n-    return a - b\n+    return a + b\n \n \n def mul(a, b):\n-    return a * b\n+    return a + b + 2\n`;

interface Conv { final_verdict: string; attempts: Array<{ verdict: string; reasons: string[] }> }

test('a test that passed before and fails now is divergence: retries stop, escalated with a diagnosis, tree restored', () => {
  const repo = calcRepo();
  try {
    const task = writeTask(repo, [{ patch: WRONG }, { patch: SWAP }, { diagnosis: 'mul() was changed; only add() needs the fix.' }, { patch: WRONG }]);
    const before = snapshotTree(repo);
    const { code, out, stderr } = runJson(repo, [task]);
    assert.is(code, 4, stderr);
    assert.is(out.status, 'escalated');
    assert.is(out.verdict, 'divergence');
    assert.is(out.attempts, 2, 'divergence stops the retries before max_attempts');
    assert.equal(out.files_changed, []);
    assert.equal(snapshotTree(repo), before);
    const conv = readJson<Conv>(join(out.records_dir, 'convergence.json'));
    assert.is(conv.final_verdict, 'divergence');
    assert.equal(conv.attempts.map((a) => a.verdict), ['first', 'divergence']);
    assert.match(conv.attempts[1].reasons.join(' '), /test_mul/);
    const packet = readJson<Record<string, unknown>>(join(out.records_dir, 'escalation.json'));
    assert.ok(packet.attempts, 'the packet lists the attempts');
    const roles = ledgerRows(join(repo, '.pipe/ledger.sqlite')).map((r) => [r.role, r.status]);
    assert.equal(roles, [['general_builder', 'settled'], ['general_builder', 'settled'], ['frontier_reviewer', 'settled']]);
  } finally {
    cleanup(repo);
  }
});

test('the same failure twice is a stall; with max_attempts 5 only 2 attempts run', () => {
  const repo = calcRepo();
  try {
    const task = writeTask(repo, [{ patch: WRONG }, { patch: WRONG }, { diagnosis: 'add() multiplies.' }], { maxAttempts: 5 });
    const before = snapshotTree(repo);
    const { code, out, stderr } = runJson(repo, [task]);
    assert.is(code, 4, stderr);
    assert.is(out.status, 'escalated');
    assert.is(out.verdict, 'stall');
    assert.is(out.attempts, 2);
    assert.equal(snapshotTree(repo), before);
    assert.ok(existsSync(join(out.records_dir, 'escalation.json')));
    assert.is(readJson<Conv>(join(out.records_dir, 'convergence.json')).final_verdict, 'stall');
  } finally {
    cleanup(repo);
  }
});

test.run();
