// Per-call limits (DSL.md §2 budget): a call that would not fit is blocked before it is
// sent (exit 3, one `blocked` ledger row); read-only context is trimmed instead. The
// runs skip the baseline (--no-baseline): the limits are the subject, and each baseline
// is one more pytest run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, writeFiles } from '../helpers/repo.js';
import { RIGHT, calcRepo, events, ledgerRows, runJson, writeTask } from './run-kit.js';

const dirs: string[] = [];
test.after(() => cleanup(...dirs));

function repoWithPolicy(policy: string): string {
  const dir = calcRepo({ 'docs/big.md': `${'background '.repeat(2000)}\n` });
  dirs.push(dir);
  writeFiles(dir, { 'limits.yaml': `apiVersion: pipe/v1\nkind: Policy\n${policy}` });
  return dir;
}

test('a file the patch may touch that does not fit max_context_chars_per_call blocks the call (exit 3)', () => {
  const dir = repoWithPolicy('limits:\n  max_context_chars_per_call: 20\n');
  writeTask(dir, [{ patch: RIGHT }]);
  const { code, out } = runJson(dir, ['tasks/t.yaml', '--policy', 'limits.yaml', '--no-baseline']);
  assert.is(code, 3);
  assert.is(out.status, 'blocked');
  assert.match(String(out.error?.message), /calc\/(__init__|ops)\.py.*max_context_chars_per_call|max_context_chars_per_call.*calc\/ops\.py/);
  const rows = ledgerRows(join(dir, '.pipe/ledger.sqlite'));
  assert.equal(rows.map((r) => r.status), ['blocked']);
  assert.match(String(rows[0].reason), /max_context_chars_per_call/);
  assert.not.ok(events(out.records_dir).some((e) => e.type === 'provider.call'), 'nothing was sent');
});

test('read-only context that does not fit is trimmed with a record, and the run goes on', () => {
  const dir = repoWithPolicy('limits:\n  max_context_chars_per_call: 400\n');
  writeTask(dir, [{ patch: RIGHT }]);
  writeFiles(dir, {
    'tasks/t.yaml': readTaskWithContext(dir),
  });
  const { code, out } = runJson(dir, ['tasks/t.yaml', '--policy', 'limits.yaml', '--no-baseline']);
  assert.is(code, 0, JSON.stringify(out));
  const state = JSON.parse(readFileSync(join(out.records_dir, 'state.json'), 'utf8'));
  const budget = state.steps.find((s: { id: string }) => s.id === 'budget');
  assert.ok(budget.output.cut.some((c: { path: string; reason: string }) => c.path === 'docs/big.md' && /max_context_chars_per_call/.test(c.reason)), JSON.stringify(budget.output.cut));
});

function readTaskWithContext(dir: string): string {
  return readFileSync(join(dir, 'tasks/t.yaml'), 'utf8').replace('context_files: ["calc/*.py", "tests/test_ops.py"]', 'context_files: ["calc/*.py", "docs/big.md"]');
}

test('a role whose output cap is above max_output_tokens_per_call is blocked, not silently clamped', () => {
  const dir = repoWithPolicy('limits:\n  max_output_tokens_per_call: 1000\n');
  writeTask(dir, [{ patch: RIGHT }]);
  const { code, out } = runJson(dir, ['tasks/t.yaml', '--policy', 'limits.yaml', '--no-baseline']);
  assert.is(code, 3);
  assert.is(out.status, 'blocked');
  assert.match(String(out.error?.message), /max_output_tokens_per_call \(1000 tokens limit per call/);
  assert.equal(ledgerRows(join(dir, '.pipe/ledger.sqlite')).map((r) => r.status), ['blocked']);
});

test('max_input_tokens_per_call below what the goal and the patchable files need blocks the call', () => {
  const dir = repoWithPolicy('limits:\n  max_input_tokens_per_call: 60\n');
  writeTask(dir, [{ patch: RIGHT }]);
  const { code, out } = runJson(dir, ['tasks/t.yaml', '--policy', 'limits.yaml', '--no-baseline']);
  assert.is(code, 3);
  assert.match(String(out.error?.message), /max_input_tokens_per_call/);
});

test.run();
