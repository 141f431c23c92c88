import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openLedger } from '../../src/budget/ledger.js';
import { computeCostUsd } from '../../src/budget/pricing.js';
import { countMessageTokens, countTextTokens } from '../../src/budget/tokens.js';
import type { Ledger } from '../../src/budget/types.js';
import { createProviderFactory } from '../../src/providers/index.js';
import { step as budgetStep } from '../../src/steps/budget.js';
import { step as proposeStep } from '../../src/steps/propose.js';
import { step as routeStep } from '../../src/steps/route.js';
import type { ApprovalRequest, StepResult } from '../../src/runner/types.js';
import type { Config, Policy, RoleName, Task } from '../../src/types/generated/index.js';
import { cleanup, makeRepo, tempDir } from '../helpers/repo.js';
import { chatCompletion, json, startLoopback } from '../providers/loopback.js';
import { defaultPolicy, makeCtx, makeTask, type TestCtx } from '../routing/ctx.js';
import { rejection } from '../helpers/throws.js';

const DIFF = 'diff --git a/src/a.py b/src/a.py\n--- a/src/a.py\n+++ b/src/a.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n';
const KEY = 'sk-test-ABCDEF123456';

interface Setup {
  ctx: TestCtx;
  ledger: Ledger;
  dirs: string[];
  approvals: ApprovalRequest[];
}

async function setup(options: { task?: Partial<Task>; policy?: Policy; config?: Config; approve?: boolean; approvedRoles?: string[]; env?: NodeJS.ProcessEnv; runProvider?: 'fake' | 'openai' } = {}): Promise<Setup> {
  const repo = makeRepo({ 'src/a.py': 'x = 1\n' });
  const records = tempDir('pipe-records-');
  const ledger = await openLedger(join(records, 'ledger.sqlite'), { repo });
  const task = makeTask(options.task);
  const config = options.config ?? { apiVersion: 'pipe/v1', kind: 'Config' };
  const approvals: ApprovalRequest[] = [];
  const ctx = makeCtx({
    repo,
    task,
    policy: options.policy,
    config,
    recordsDir: records,
    approvedRoles: options.approvedRoles,
    runProvider: options.runProvider,
    ledger: async () => ledger,
    provider: createProviderFactory({ config, task, taskDir: repo, env: options.env ?? {} }),
    approve: async (r) => (approvals.push(r), options.approve === true),
  });
  return { ctx, ledger, dirs: [repo, records], approvals };
}

async function teardown(s: Setup): Promise<void> {
  await s.ledger.close();
  cleanup(...s.dirs);
}

async function runSteps(s: Setup, options: { role?: RoleName; output?: 'patch' | 'diagnosis' | 'label' } = {}): Promise<StepResult[]> {
  const out: StepResult[] = [];
  out.push(await routeStep.run(s.ctx, options.role ? { role: options.role } : {}));
  const b = await budgetStep.run(s.ctx, {});
  out.push(b);
  if (b.status !== 'succeeded') return out;
  out.push(await proposeStep.run(s.ctx, options.output ? { output: options.output } : {}));
  return out;
}

test('fake patch: settles the ledger row with real token counts and the computed cost', async () => {
  const s = await setup({ task: { fake: { responses: [{ text: DIFF }] } } });
  try {
    const [route, , propose] = await runSteps(s, { output: 'patch' });
    assert.is(route.output?.role, 'general_builder');
    assert.is(route.output?.rule, 'default');
    assert.is(propose.status, 'succeeded', propose.message);
    const context = s.ctx.work.context!;
    const usage = { inputTokens: countMessageTokens('gpt-5-mini', context.messages), cachedInputTokens: 0, outputTokens: countTextTokens('gpt-5-mini', DIFF), reasoningTokens: 0 };
    const cost = computeCostUsd(s.ctx.policy, 'gpt-5-mini', 'flex', usage);
    assert.ok(cost > 0);
    assert.equal(propose.output?.usage, { input_tokens: usage.inputTokens, cached_input_tokens: 0, output_tokens: usage.outputTokens, reasoning_tokens: 0 });
    assert.is(propose.output?.cost_usd, cost);
    assert.is(propose.output?.kind, 'patch');
    assert.is(propose.output?.tier_requested, 'flex');
    assert.is(propose.output?.tier_served, 'flex');
    assert.is(propose.output?.request_id, 'fake-req-1');
    const rows = await s.ledger.entries({ runId: 'run-test' });
    assert.is(rows.length, 1);
    assert.is(rows[0].status, 'settled');
    assert.is(rows[0].input_tokens, usage.inputTokens);
    assert.is(rows[0].output_tokens, usage.outputTokens);
    assert.is(rows[0].actual_usd, cost);
    assert.is(rows[0].tier_served, 'flex');
    assert.is(rows[0].request_id, 'fake-req-1');
    assert.is(s.ctx.spent.usd, cost);
    assert.is(s.ctx.currentAttempt().costUsd, cost);
    assert.is(s.ctx.work.proposal?.text, DIFF);
    assert.is(readFileSync(join(s.ctx.recordsDir!, 'attempt-1.answer.txt'), 'utf8'), DIFF);
    const types = s.ctx.events.map((e) => e.type);
    assert.ok(types.includes('provider.call') && types.includes('provider.result'));
    assert.is(s.ctx.events.find((e) => e.type === 'provider.result')?.cost_usd, cost, 'provider.result carries the cost');
    assert.not.ok(JSON.stringify(s.ctx.events).includes('x = 2'), 'no message bodies in events');
  } finally {
    await teardown(s);
  }
});

test('tier unavailable on flex: first row failed at 0 USD, a new reservation at default is settled', async () => {
  const s = await setup({ task: { fake: { responses: [{ error: 'tier_unavailable' }, { text: DIFF }] } } });
  try {
    const [, , propose] = await runSteps(s);
    assert.is(propose.status, 'succeeded', propose.message);
    assert.is(propose.output?.tier_requested, 'default');
    assert.equal((propose.output?.tier_attempts as { tier: string; ok: boolean }[]).map((a) => [a.tier, a.ok]), [['flex', false], ['default', true]]);
    const rows = (await s.ledger.entries({ runId: 'run-test' })).sort((a, b) => a.created_at.localeCompare(b.created_at) || a.tier_requested!.localeCompare(b.tier_requested!) * -1);
    assert.is(rows.length, 2);
    const flex = rows.find((r) => r.tier_requested === 'flex')!;
    const dflt = rows.find((r) => r.tier_requested === 'default')!;
    assert.is(flex.status, 'failed');
    assert.is(flex.actual_usd, 0);
    assert.match(flex.reason ?? '', /tier_unavailable/);
    assert.is(dflt.status, 'settled');
    assert.is(dflt.tier_served, 'default');
    assert.ok((dflt.actual_usd ?? 0) > 0);
  } finally {
    await teardown(s);
  }
});

test('a fallback the budget cannot afford is blocked, not called', async () => {
  const policy = defaultPolicy();
  policy.budget!.task_budget_usd = 0.006; // flex projection fits, default (twice the price) does not
  const s = await setup({ policy, task: { fake: { responses: [{ error: 'tier_unavailable' }, { text: DIFF }] } } });
  try {
    const [, budget, propose] = await runSteps(s);
    assert.is(budget.status, 'succeeded', budget.message);
    assert.is(propose.status, 'blocked');
    assert.is(propose.code, 'E_BUDGET_BLOCKED');
    const rows = await s.ledger.entries({ runId: 'run-test' });
    assert.equal(rows.map((r) => r.status).sort(), ['blocked', 'failed']);
  } finally {
    await teardown(s);
  }
});

test('provider errors settle the row failed: rate limit at 0 USD, truncation at the billed cost', async () => {
  const s = await setup({ task: { fake: { responses: [{ error: 'rate_limited' }] } } });
  try {
    const [, , propose] = await runSteps(s);
    assert.is(propose.status, 'failed');
    assert.is(propose.code, 'E_PROVIDER');
    assert.is(propose.output?.error_kind, 'rate_limited');
    const [row] = await s.ledger.entries({ runId: 'run-test' });
    assert.is(row.status, 'failed');
    assert.is(row.actual_usd, 0);
    assert.match(row.reason ?? '', /rate_limited/);
  } finally {
    await teardown(s);
  }
  const t = await setup({ task: { fake: { responses: [{ error: 'truncated' }] } } });
  try {
    const [, , propose] = await runSteps(t);
    assert.is(propose.output?.error_kind, 'truncated');
    const [row] = await t.ledger.entries({ runId: 'run-test' });
    assert.is(row.status, 'failed');
    assert.is(row.output_tokens, 4000);
    assert.ok((row.actual_usd ?? 0) > 0);
    assert.is(t.ctx.spent.usd, row.actual_usd);
  } finally {
    await teardown(t);
  }
});

test('contract: prose in patch mode fails E_CONTRACT (and is still paid for); diagnosis mode refuses patches unless allowed; label mode takes the first line', async () => {
  const s = await setup({ task: { fake: { responses: [{ text: 'Sure! I would change x to 2.' }, { diagnosis: DIFF }, { diagnosis: 'The test expects x = 2; a.py sets 1.' }, { text: 'bugfix\nbecause it fixes a bug' }] } } });
  try {
    const [, , prose] = await runSteps(s);
    assert.is(prose.status, 'failed');
    assert.is(prose.code, 'E_CONTRACT');
    assert.equal(s.ctx.currentAttempt().refusal?.code, 'E_CONTRACT');
    assert.is((await s.ledger.entries({ runId: 'run-test' }))[0].status, 'settled');
    const [, , patchAsDiagnosis] = await runSteps(s, { role: 'frontier_reviewer', output: 'diagnosis' });
    assert.is(patchAsDiagnosis.code, 'E_CONTRACT');
    assert.match(patchAsDiagnosis.message ?? '', /diagnosis-only/);
    const [, , diagnosis] = await runSteps(s, { role: 'frontier_reviewer', output: 'diagnosis' });
    assert.is(diagnosis.status, 'succeeded');
    assert.is(diagnosis.output?.diagnosis, 'The test expects x = 2; a.py sets 1.');
    assert.is(s.ctx.work.diagnosis, 'The test expects x = 2; a.py sets 1.');
    const [, , label] = await runSteps(s, { role: 'classification_worker', output: 'label' });
    assert.is(label.status, 'succeeded', label.message);
    assert.is(label.output?.label, 'bugfix');
  } finally {
    await teardown(s);
  }
  const policy = defaultPolicy();
  policy.roles!.frontier_reviewer!.allow_patch = true;
  const p = await setup({ policy, task: { fake: { responses: [{ diagnosis: DIFF }] } } });
  try {
    const [, , allowed] = await runSteps(p, { role: 'frontier_reviewer' });
    assert.is(allowed.status, 'succeeded');
    assert.is(allowed.output?.kind, 'patch');
  } finally {
    await teardown(p);
  }
});

test('an empty fake script ends the step with E_CONFIG; callRole reports it for escalate to record', async () => {
  const s = await setup({ task: { fake: { responses: [] } } });
  try {
    const e = await rejection(async () => {
      await routeStep.run(s.ctx, {});
      await budgetStep.run(s.ctx, {});
      await proposeStep.run(s.ctx, {});
    });
    assert.is((e as { code: string }).code, 'E_CONFIG');
    assert.match((e as Error).message, /no scripted responses/);
    const [row] = await s.ledger.entries({ runId: 'run-test' });
    assert.is(row.status, 'failed');
  } finally {
    await teardown(s);
  }
});

test('with.output that contradicts the role mode is E_CONFIG naming role and step', async () => {
  const s = await setup({ task: { fake: { responses: [{ text: DIFF }] } } });
  try {
    const e = await rejection(async () => {
      await routeStep.run(s.ctx, {});
      await budgetStep.run(s.ctx, {});
      await proposeStep.run(s.ctx, { output: 'diagnosis' });
    });
    assert.is((e as { code: string }).code, 'E_CONFIG');
    assert.match((e as Error).message, /general_builder/);
    assert.match((e as Error).message, /step 'propose'/);
    assert.is((await s.ledger.entries({ runId: 'run-test' }))[0].status, 'failed');
  } finally {
    await teardown(s);
  }
});

test('manual approval: no → blocked before the call with how to approve; --approve or a yes → the call happens', async () => {
  const s = await setup({ task: { fake: { responses: [{ diagnosis: 'because' }] } } });
  try {
    const [route, , propose] = await runSteps(s, { role: 'emergency_pro_reviewer' });
    assert.is(route.output?.manual_approval, true);
    assert.is(propose.status, 'blocked');
    assert.is(propose.code, 'E_APPROVAL_REQUIRED');
    assert.match(propose.message ?? '', /--approve emergency_pro_reviewer/);
    assert.is(s.approvals.length, 1);
    assert.is(s.approvals[0].model, 'gpt-5-pro');
    assert.is(s.approvals[0].tier, 'default');
    assert.ok(s.approvals[0].projectedUsd > 0);
    const [row] = await s.ledger.entries({ runId: 'run-test' });
    assert.is(row.status, 'failed');
    assert.is(row.reason, 'manual approval required');
    assert.not.ok(s.ctx.events.some((e) => e.type === 'provider.call'), 'nothing was sent');
  } finally {
    await teardown(s);
  }
  for (const variant of [{ approvedRoles: ['emergency_pro_reviewer'] }, { approve: true }]) {
    const t = await setup({ ...variant, task: { fake: { responses: [{ diagnosis: 'because' }] } } });
    try {
      const [, , propose] = await runSteps(t, { role: 'emergency_pro_reviewer' });
      assert.is(propose.status, 'succeeded', propose.message);
      assert.is(t.approvals.length, variant.approve ? 1 : 0);
    } finally {
      await teardown(t);
    }
  }
});

test('OpenAI end to end through propose: flex miss then default, both rows with request ids, key nowhere', async () => {
  const server = await startLoopback();
  const config: Config = { apiVersion: 'pipe/v1', kind: 'Config', provider: 'openai', openai: { base_url: server.baseURL } };
  const s = await setup({ config, runProvider: 'openai', env: { OPENAI_API_KEY: KEY } });
  try {
    server.script(
      json(429, { error: { message: 'Resource unavailable', type: 'resource_unavailable', code: 'resource_unavailable' } }, { 'x-request-id': 'req_flex' }),
      chatCompletion({ content: DIFF, service_tier: 'default', requestId: 'req_default', usage: { prompt_tokens: 500, completion_tokens: 100, total_tokens: 600, prompt_tokens_details: { cached_tokens: 200 }, completion_tokens_details: { reasoning_tokens: 60 } } }),
    );
    const [, , propose] = await runSteps(s);
    assert.is(propose.status, 'succeeded', propose.message);
    assert.equal(propose.output?.usage, { input_tokens: 500, cached_input_tokens: 200, output_tokens: 100, reasoning_tokens: 60 });
    const rows = await s.ledger.entries({ runId: 'run-test' });
    const byTier = Object.fromEntries(rows.map((r) => [r.tier_requested, r]));
    assert.is(byTier.flex.status, 'failed');
    assert.is(byTier.flex.request_id, 'req_flex');
    assert.is(byTier.default.status, 'settled');
    assert.is(byTier.default.request_id, 'req_default');
    assert.is(byTier.default.cached_input_tokens, 200);
    assert.is(byTier.default.reasoning_tokens, 60);
    assert.is(byTier.default.actual_usd, computeCostUsd(s.ctx.policy, 'gpt-5-mini', 'default', { inputTokens: 500, cachedInputTokens: 200, outputTokens: 100, reasoningTokens: 60 }));
    const everything = [JSON.stringify(rows), JSON.stringify(s.ctx.events), JSON.stringify(propose), ...readdirSync(s.ctx.recordsDir!).filter((f) => f.endsWith('.txt')).map((f) => readFileSync(join(s.ctx.recordsDir!, f), 'utf8'))].join('\n');
    assert.not.ok(everything.includes(KEY));
    assert.ok(existsSync(join(s.ctx.recordsDir!, 'attempt-1.answer.txt')));
  } finally {
    await teardown(s);
    await server.close();
  }
});

test.run();
