import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openLedger } from '../../src/budget/ledger.js';
import { projectCostUsd } from '../../src/budget/pricing.js';
import { countMessageTokens } from '../../src/budget/tokens.js';
import { buildContext } from '../../src/context/build.js';
import { reserveForCall } from '../../src/budget/reserve.js';
import { step } from '../../src/steps/budget.js';
import { cleanup, makeRepo } from '../helpers/repo.js';
import { REPO_FILES, defaultPolicy, makeHarness, makeTask, route } from './budget-harness.js';

async function withRepo(fn: (repo: string) => Promise<void>): Promise<void> {
  const repo = makeRepo(REPO_FILES);
  try {
    await fn(repo);
  } finally {
    cleanup(repo);
  }
}

async function rowsOf(repo: string) {
  const ledger = await openLedger('.pipe/ledger.sqlite', { repo });
  try {
    return await ledger.entries();
  } finally {
    await ledger.close();
  }
}

test('reserves the projection of the exact messages sent, counted by the tokenizer', () =>
  withRepo(async (repo) => {
    const h = makeHarness({ repo });
    try {
      await route(h.ctx);
      const result = await step.run(h.ctx, {});
      assert.is(result.status, 'succeeded', result.message);
      const context = h.ctx.work.context!;
      const r = h.ctx.work.route!;
      // The estimate is the tokenizer's count of the very messages propose will send.
      const counted = countMessageTokens(r.model, context.messages);
      assert.is(context.inputTokens, counted);
      assert.ok(counted > 50);
      const out = result.output as Record<string, any>;
      assert.is(out.input_tokens, counted);
      assert.is(out.est_output_tokens, r.maxOutputTokens);
      assert.is(out.projected_usd, projectCostUsd(h.ctx.policy, r.model, r.tier, counted, r.maxOutputTokens));
      assert.equal(out.context_files, ['src/slug.py', 'tests/test_slug.py']);
      assert.is(out.context_chars, REPO_FILES['src/slug.py'].length + REPO_FILES['tests/test_slug.py'].length);
      assert.is(out.model, 'gpt-5-mini');
      assert.is(out.tier, 'flex');
      assert.equal(out.headroom.project, { limit_usd: 5, spent_usd: 0, reserved_usd: 0, headroom_usd: 5 });
      assert.equal(out.headroom.role, { limit_usd: 2, spent_usd: 0, reserved_usd: 0, headroom_usd: 2 });
      assert.equal(out.headroom.task, { limit_usd: 1, spent_usd: 0, reserved_usd: 0, headroom_usd: 1 });
      assert.is(h.ctx.work.reservation!.entryId, out.reservation_id);
      const rows = await rowsOf(repo);
      assert.is(rows.length, 1);
      assert.is(rows[0].status, 'reserved');
      assert.is(rows[0].est_input_tokens, counted);
      assert.is(rows[0].projected_usd, out.projected_usd);
      assert.is(rows[0].tier_requested, 'flex');
      assert.is(rows[0].reasoning_effort, 'medium');
      const ev = h.events.find((e) => e.type === 'ledger.entry');
      assert.is(ev?.entry_id, out.reservation_id);
      assert.is(ev?.status, 'reserved');
    } finally {
      await h.close();
    }
  }));

test('budget without a route before it is a configuration error', () =>
  withRepo(async (repo) => {
    const h = makeHarness({ repo });
    try {
      await step.run(h.ctx, {}).then(
        () => assert.unreachable('no route'),
        (err: { code?: string; message: string }) => {
          assert.is(err.code, 'E_CONFIG');
          assert.match(err.message, 'budget needs a route step before it');
        },
      );
    } finally {
      await h.close();
    }
  }));

test('a model tier without a price is E_PRICING before any row is written', () =>
  withRepo(async (repo) => {
    const policy = defaultPolicy();
    delete policy.pricing!.models!['gpt-5-mini'].flex;
    const h = makeHarness({ repo, policy });
    try {
      await route(h.ctx);
      await step.run(h.ctx, {}).then(
        () => assert.unreachable('no price'),
        (err: { code?: string; exitCode?: number; message: string; hint?: string }) => {
          assert.is(err.code, 'E_PRICING');
          assert.is(err.exitCode, 2);
          assert.match(err.message, 'gpt-5-mini');
          assert.match(err.hint ?? '', 'pricing.models.gpt-5-mini.flex');
        },
      );
      assert.is(existsSync(join(repo, '.pipe', 'ledger.sqlite')), false);
    } finally {
      await h.close();
    }
  }));

/** Each per-call limit, set just below what the call needs; the block names it and leaves one blocked row. */
const callLimits: { name: string; code: string; set: (h: ReturnType<typeof makeHarness>) => void; args?: Record<string, number>; pattern: RegExp }[] = [
  {
    name: 'max_runtime_s',
    code: 'E_LIMIT',
    set: (h) => {
      h.ctx.run.startedAt = new Date(Date.now() - 2000 * 1000);
    },
    pattern: /^blocked: the run has been going \d+ s, reaching its wall-clock limit max_runtime_s \(1800 s limit, \d+ s used, 0 s headroom\)$/,
  },
  {
    name: 'max_context_chars_per_call',
    code: 'E_LIMIT',
    set: (h) => {
      h.ctx.policy.limits!.max_context_chars_per_call = 100;
    },
    pattern: /^blocked: a scoped context of \d+ chars would exceed limits\.max_context_chars_per_call \(100 chars limit per call, 100 chars headroom, \d+ over\)$/,
  },
  {
    name: 'max_input_tokens_per_call',
    code: 'E_LIMIT',
    set: (h) => {
      h.ctx.policy.limits!.max_input_tokens_per_call = 50;
    },
    pattern: /^blocked: an input of \d+ tokens would exceed limits\.max_input_tokens_per_call \(50 tokens limit per call, 50 tokens headroom, \d+ over\)$/,
  },
  {
    name: 'max_output_tokens_per_call',
    code: 'E_LIMIT',
    set: (h) => {
      h.ctx.policy.limits!.max_output_tokens_per_call = 1000;
    },
    pattern: /^blocked: an output allowance of 4000 tokens would exceed limits\.max_output_tokens_per_call \(1000 tokens limit per call, 1000 tokens headroom, 3000 over\)$/,
  },
  {
    name: 'max_call_usd',
    code: 'E_BUDGET_BLOCKED',
    set: () => {},
    args: { max_call_usd: 0.000001 },
    pattern: /^blocked: projected \$0\.\d+ would exceed the budget step's with\.max_call_usd \(\$0\.000001 limit per call, \$0\.000001 headroom\)$/,
  },
];

for (const limit of callLimits) {
  test(`the per-call limit ${limit.name} blocks with its own message and one blocked row`, () =>
    withRepo(async (repo) => {
      const h = makeHarness({ repo });
      try {
        await route(h.ctx);
        // The context is built before the limit is lowered, as if the call had grown past it.
        const context = await buildContext(h.ctx, h.ctx.work.route!);
        limit.set(h);
        const reserved = await reserveForCall(h.ctx, h.ctx.work.route!, context, { maxCallUsd: limit.args?.max_call_usd });
        assert.is(reserved.ok, false);
        if (reserved.ok) return;
        assert.is(reserved.result.status, 'blocked');
        assert.is(reserved.result.code, limit.code);
        assert.match(reserved.result.message ?? '', limit.pattern);
        assert.is((reserved.result.output as Record<string, unknown>).blocked_by, limit.name);
        const rows = await rowsOf(repo);
        assert.is(rows.length, 1);
        assert.is(rows[0].status, 'blocked');
        assert.is(rows[0].reason, reserved.result.message);
        assert.is(h.ctx.work.reservation, undefined);
      } finally {
        await h.close();
      }
    }));
}

async function seedSpend(repo: string, rows: { role: string; taskId: string; usd: number }[]): Promise<void> {
  const ledger = await openLedger('.pipe/ledger.sqlite', { repo });
  try {
    for (const r of rows) {
      const out = await ledger.reserve({ project: 'default', runId: 'old-run', taskId: r.taskId, role: r.role, provider: 'fake', model: 'gpt-5-mini', tierRequested: 'flex', reasoningEffort: 'low', estInputTokens: 1, estOutputTokens: 1, projectedUsd: r.usd, limits: {} });
      if (!out.ok) throw new Error('seed failed');
      await ledger.settle({ entryId: out.entryId, status: 'settled', inputTokens: 1, cachedInputTokens: 0, outputTokens: 1, reasoningTokens: 0, actualUsd: r.usd, tierServed: 'flex', requestId: null });
    }
  } finally {
    await ledger.close();
  }
}

const ledgerLimits = [
  { level: 'project', seed: [{ role: 'simple_builder', taskId: 'other', usd: 4.9999 }], label: 'the project budget for default ($5.00 limit, $4.9999 spent or reserved, $0.0001 headroom; budget.project_total_budget_usd)' },
  { level: 'role', seed: [{ role: 'general_builder', taskId: 'other', usd: 1.9999 }], label: 'the role budget for general_builder ($2.00 limit, $1.9999 spent or reserved, $0.0001 headroom; budget.role_budgets_usd.general_builder)' },
  { level: 'task', seed: [{ role: 'simple_builder', taskId: 'fix-slug', usd: 0.448 }], label: 'the task budget for fix-slug ($0.45 limit, $0.448 spent or reserved, $0.002 headroom;', taskMax: 0.45 },
] as const;

for (const l of ledgerLimits) {
  test(`the ${l.level} budget blocks the step with its own message and adds one blocked row`, () =>
    withRepo(async (repo) => {
      await seedSpend(repo, [...l.seed]);
      const h = makeHarness({ repo, task: makeTask('taskMax' in l ? { budget: { max_usd: l.taskMax } } : {}) });
      try {
        await route(h.ctx);
        const result = await step.run(h.ctx, {});
        assert.is(result.status, 'blocked');
        assert.is(result.code, 'E_BUDGET_BLOCKED');
        assert.ok(result.message?.startsWith('blocked: projected $'), result.message);
        assert.ok(result.message?.includes(`would exceed ${l.label}`), result.message);
        const rows = await rowsOf(repo);
        assert.equal(rows.map((r) => r.status), ['settled', 'blocked']);
        assert.is(rows[1].reason, result.message);
        assert.is(h.ctx.work.reservation, undefined);
      } finally {
        await h.close();
      }
    }));
}

test('a dry run projects and checks but writes nothing', () =>
  withRepo(async (repo) => {
    // No ledger yet: spend is 0 and no file appears.
    const h1 = makeHarness({ repo, dryRun: true });
    try {
      await route(h1.ctx);
      const result = await step.run(h1.ctx, {});
      assert.is(result.status, 'succeeded', result.message);
      const out = result.output as Record<string, any>;
      assert.is(out.reservation_id, null);
      assert.is(out.dry_run, true);
      assert.equal(out.headroom.project.spent_usd, 0);
      assert.is(existsSync(join(repo, '.pipe')), false);
    } finally {
      await h1.close();
    }
    // With spend on record: the dry run reads it, and blocks the same way a real run would.
    await seedSpend(repo, [{ role: 'general_builder', taskId: 'x', usd: 1.99999 }]);
    const h2 = makeHarness({ repo, dryRun: true });
    try {
      await route(h2.ctx);
      const result = await step.run(h2.ctx, {});
      assert.is(result.status, 'blocked');
      assert.match(result.message ?? '', 'the role budget for general_builder');
      const rows = await rowsOf(repo);
      assert.equal(rows.map((r) => r.status), ['settled']);
    } finally {
      await h2.close();
    }
  }));

test.run();
