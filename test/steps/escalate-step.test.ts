// The escalate step with a real ledger (SQLite in a temp repo) and the real fake provider:
// packet contents, the reviewer's diagnosis, contract failure on a patch, policy switches,
// budget blocks and the approval-gated second level.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { step } from '../../src/steps/escalate.js';
import { openLedger } from '../../src/budget/ledger.js';
import type { Ledger } from '../../src/budget/types.js';
import { createFakeProvider } from '../../src/providers/fake.js';
import { makeFailure } from '../../src/exec/validators/index.js';
import type { FakeResponse, Policy } from '../../src/types/generated/index.js';
import { defaultPolicy, makeCtx, makeTask, type TestCtx } from '../routing/ctx.js';
import { cleanup, makeRepo, tempDir } from '../helpers/repo.js';

const dirs: string[] = [];
const ledgers: Ledger[] = [];
test.after(async () => {
  for (const l of ledgers) await l.close();
  cleanup(...dirs);
});

const PATCH = 'diff --git a/src/a.py b/src/a.py\n--- a/src/a.py\n+++ b/src/a.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n';

function setup(responses: FakeResponse[], options: { policy?: Policy; approve?: boolean } = {}): { ctx: TestCtx; calls: () => number } {
  const repo = makeRepo({ 'src/a.py': 'x = 1\n' });
  const records = tempDir('pipe-records-');
  dirs.push(repo, records);
  const provider = createFakeProvider({ responses, taskDir: repo });
  let opening: Promise<Ledger> | null = null;
  const ctx = makeCtx({
    repo,
    policy: options.policy ?? defaultPolicy(),
    task: makeTask({ validators: ['pytest'], max_attempts: 2 }),
    recordsDir: records,
    provider: () => provider,
    approve: async () => options.approve ?? false,
    ledger: () => (opening ??= openLedger(join(repo, '.pipe', 'ledger.sqlite'), { repo }).then((l) => (ledgers.push(l), l))),
  });
  ctx.step = { id: 'escalate', uses: 'escalate' };
  const f = makeFailure('pytest', 'test-failure', 'tests/t.py', 1, 'tests/t.py::test_a');
  // Two builder attempts at $0.001 each, spent as the runner counts spend.
  ctx.addSpend(0.002);
  ctx.work.attempts = [1, 2].map((n) => ({
    attempt: n,
    role: 'general_builder' as const,
    model: 'gpt-5-mini',
    tier: 'flex',
    costUsd: 0.001,
    patchFile: `attempt-${n}.patch`,
    filesTouched: ['src/a.py'],
    diffBytes: 60,
    linesAdded: 1,
    linesRemoved: 1,
    refusal: null,
    failures: [f],
    passedValidators: [],
    failedValidators: ['pytest'],
    verdict: { verdict: n === 1 ? ('first' as const) : ('stall' as const), reasons: [n === 1 ? 'first' : 'the same 1 failure 2 attempts in a row'], evidence: {} },
  }));
  writeFileSync(join(records, 'attempt-2.patch'), PATCH);
  return { ctx, calls: () => provider.calls };
}

function packet(ctx: TestCtx) {
  return JSON.parse(readFileSync(join(ctx.recordsDir!, 'escalation.json'), 'utf8'));
}

test('the reviewer diagnoses: packet, diagnosis.md, ctx.work.diagnosis, ledger row, status escalated', async () => {
  const { ctx, calls } = setup([{ diagnosis: 'The regex runs before transliteration; normalise first.' }]);
  const r = await step.run(ctx, { question: 'Why does test_a keep failing?' });
  assert.is(r.status, 'escalated');
  assert.is(r.output?.reviewer, 'frontier_reviewer');
  assert.is(r.output?.reviewer_status, 'answered');
  assert.match(String(r.output?.diagnosis), /normalise first/);
  assert.is(ctx.work.diagnosis, r.output?.diagnosis);
  assert.is(ctx.work.escalationDepth, 1);
  assert.is(calls(), 1);
  const p = packet(ctx);
  assert.is(p.task.id, 't1');
  assert.is(p.attempts.length, 2);
  assert.is(p.attempts[1].patch_file, 'attempt-2.patch');
  assert.is(p.attempts[1].patch_path, join(ctx.recordsDir!, 'attempt-2.patch'));
  assert.is(p.attempts[1].failures[0].category, 'test-failure');
  assert.is(p.last_verdict, 'stall');
  assert.is(p.question, 'Why does test_a keep failing?');
  assert.ok(p.cost_usd > 0.002, 'cost includes the reviewer call');
  assert.is(p.reviewer.status, 'answered');
  assert.match(readFileSync(join(ctx.recordsDir!, 'diagnosis.md'), 'utf8'), /frontier_reviewer/);
  const rows = await (await ctx.services.ledger()).entries({});
  assert.equal(rows.map((e) => [e.role, e.status]), [['frontier_reviewer', 'settled']]);
  assert.ok(ctx.events.some((e) => e.type === 'escalation' && e.reviewer_status === 'answered'));
});

test('a reviewer answering with a patch in diagnosis mode is a contract failure', async () => {
  const { ctx } = setup([{ text: PATCH }]);
  const r = await step.run(ctx, {});
  assert.is(r.status, 'escalated');
  assert.is(r.output?.diagnosis, null);
  assert.is(r.output?.reviewer_status, 'contract_failure');
  assert.match(String(packet(ctx).reviewer.detail), /diagnosis mode but answered with a patch/);
  assert.is(existsSync(join(ctx.recordsDir!, 'diagnosis.md')), false);
  assert.is(ctx.work.diagnosis, undefined);
});

test('ask_reviewer false writes only the packet; no provider call', async () => {
  const { ctx, calls } = setup([{ diagnosis: 'unused' }]);
  const r = await step.run(ctx, { ask_reviewer: false });
  assert.is(r.status, 'escalated');
  assert.is(r.output?.reviewer_status, 'skipped');
  assert.is(calls(), 0);
  assert.is(packet(ctx).reviewer.status, 'skipped');
});

test('a budget that cannot cover the reviewer blocks the call, recorded in the packet', async () => {
  const policy = defaultPolicy();
  policy.budget = { ...policy.budget!, role_budgets_usd: { ...policy.budget!.role_budgets_usd, frontier_reviewer: 0.000001 } };
  const { ctx, calls } = setup([{ diagnosis: 'unused' }], { policy });
  const r = await step.run(ctx, {});
  assert.is(r.status, 'escalated');
  assert.is(r.output?.reviewer_status, 'blocked');
  assert.is(calls(), 0);
  assert.match(String(packet(ctx).reviewer.detail), /frontier_reviewer|role/);
});

test('max_depth 2: a failing frontier reviewer hands over to emergency_pro_reviewer, only with approval', async () => {
  const policy = defaultPolicy();
  policy.escalation = { max_depth: 2, ask_reviewer: true };
  const denied = setup([{ error: 'server_error' }, { diagnosis: 'unused' }], { policy, approve: false });
  let r = await step.run(denied.ctx, {});
  assert.is(r.status, 'escalated');
  assert.is(r.output?.reviewer, 'emergency_pro_reviewer');
  assert.is(r.output?.reviewer_status, 'blocked');
  assert.is(denied.calls(), 1, 'no call without approval');
  assert.is(denied.ctx.work.escalationDepth, 2);

  const approved = setup([{ error: 'server_error' }, { diagnosis: 'Second opinion: the fixture is wrong.' }], { policy, approve: true });
  r = await step.run(approved.ctx, {});
  assert.is(r.output?.reviewer, 'emergency_pro_reviewer');
  assert.is(r.output?.reviewer_status, 'answered');
  assert.match(String(r.output?.diagnosis), /Second opinion/);
});

test.run();
