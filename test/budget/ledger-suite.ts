// The ledger tests, written once and run against SQLite and PostgreSQL alike
// (ledger-sqlite.test.ts, ledger-postgres.test.ts). Each test gets a fresh ledger: a
// new SQLite file, or a new PostgreSQL schema dropped afterwards.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openLedger } from '../../src/budget/ledger.js';
import { FAKE_RELEASE_REASON, RELEASE_REASON, reconcileLedger } from '../../src/budget/reconcile.js';
import { summarizeBudget } from '../../src/budget/summary.js';
import type { Ledger, ReserveRequest } from '../../src/budget/types.js';
import type { Policy } from '../../src/types/generated/index.js';
import { ROOT, cleanup, tempDir } from '../helpers/repo.js';
import { rejection } from '../helpers/throws.js';

export interface LedgerTarget {
  /** A fresh ledger location for one test, and how to remove it. */
  fresh(): Promise<{ location: string; repo: string; dispose(): Promise<void> }>;
}

export function request(overrides: Partial<ReserveRequest> = {}): ReserveRequest {
  return {
    project: 'proj',
    runId: 'run-1',
    taskId: 'task-a',
    role: 'general_builder',
    provider: 'fake',
    model: 'gpt-5-mini',
    tierRequested: 'flex',
    reasoningEffort: 'medium',
    estInputTokens: 1000,
    estOutputTokens: 4000,
    projectedUsd: 0.25,
    limits: {},
    ...overrides,
  };
}

const policy: Policy = {
  apiVersion: 'pipe/v1',
  kind: 'Policy',
  budget: { project_total_budget_usd: 5, role_budgets_usd: { general_builder: 2, frontier_reviewer: 1 }, task_budget_usd: 1 },
  pricing: { models: { 'gpt-5-mini': { flex: { input_usd_per_1m: 0.125, cached_input_usd_per_1m: 0.0125, output_usd_per_1m: 1 } } } },
};

function settleAs(entryId: string, actualUsd: number, status: 'settled' | 'failed' = 'settled') {
  return { entryId, status, inputTokens: 900, cachedInputTokens: 100, outputTokens: 1500, reasoningTokens: 700, actualUsd, tierServed: 'flex', requestId: 'req_1' };
}

export function defineLedgerSuite(name: string, target: LedgerTarget): void {
  const withLedger = (fn: (ledger: Ledger, repo: string, location: string) => Promise<void>) => async () => {
    const where = await target.fresh();
    const ledger = await openLedger(where.location, { repo: where.repo });
    try {
      await fn(ledger, where.repo, where.location);
    } finally {
      await ledger.close();
      await where.dispose();
    }
  };

  test(`${name}: a reservation row carries every contract column`, withLedger(async (ledger) => {
    const out = await ledger.reserve(request({ limits: { projectUsd: 5 } }));
    assert.ok(out.ok);
    const [row] = await ledger.entries({ project: 'proj' });
    for (const col of ['id', 'run_id', 'task_id', 'role', 'provider', 'model', 'tier_requested', 'tier_served', 'reasoning_effort', 'est_input_tokens', 'est_output_tokens', 'projected_usd', 'input_tokens', 'cached_input_tokens', 'output_tokens', 'reasoning_tokens', 'actual_usd', 'status', 'reason', 'request_id', 'created_at', 'updated_at']) {
      assert.ok(col in row, `column ${col}`);
    }
    assert.is(row.id, out.entryId);
    assert.is(row.status, 'reserved');
    assert.is(row.projected_usd, 0.25);
    assert.is(typeof row.projected_usd, 'number');
    assert.is(row.est_output_tokens, 4000);
    assert.match(row.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  }));

  test(`${name}: spend counts settled actual cost plus open reservations`, withLedger(async (ledger) => {
    const a = await ledger.reserve(request({ projectedUsd: 0.4 }));
    const b = await ledger.reserve(request({ projectedUsd: 0.3 }));
    const c = await ledger.reserve(request({ projectedUsd: 0.2, role: 'frontier_reviewer', taskId: 'task-b' }));
    assert.ok(a.ok && b.ok && c.ok);
    await ledger.settle(settleAs(a.entryId, 0.05));
    await ledger.settle(settleAs(c.entryId, 0.01, 'failed'));
    const d = await ledger.reserve(request({ projectedUsd: 0.1, limits: { projectUsd: 5, roleUsd: 2, taskUsd: 1 } }));
    assert.ok(d.ok);
    // Before d: project = 0.05 + 0.01 spent, 0.3 reserved; role general_builder = 0.05 / 0.3; task-a = same.
    assert.equal(d.scopes.project, { limit_usd: 5, spent_usd: 0.06, reserved_usd: 0.3, headroom_usd: 4.64 });
    assert.equal(d.scopes.role, { limit_usd: 2, spent_usd: 0.05, reserved_usd: 0.3, headroom_usd: 1.65 });
    assert.equal(d.scopes.task, { limit_usd: 1, spent_usd: 0.05, reserved_usd: 0.3, headroom_usd: 0.65 });
    const settled = (await ledger.entries({ status: 'settled' }))[0];
    assert.is(settled.actual_usd, 0.05);
    assert.is(settled.cached_input_tokens, 100);
    assert.is(settled.reasoning_tokens, 700);
    assert.is(settled.tier_served, 'flex');
    assert.is(settled.request_id, 'req_1');

    const summary = await summarizeBudget(ledger, policy, { project: 'proj' });
    assert.equal(summary.project, { limit_usd: 5, spent_usd: 0.06, reserved_usd: 0.4, headroom_usd: 4.54 });
    assert.equal(summary.roles.general_builder, { limit_usd: 2, spent_usd: 0.05, reserved_usd: 0.4, headroom_usd: 1.55 });
    assert.equal(summary.roles.frontier_reviewer, { limit_usd: 1, spent_usd: 0.01, reserved_usd: 0, headroom_usd: 0.99 });
    assert.equal(summary.tasks['task-b'], { limit_usd: 1, spent_usd: 0.01, reserved_usd: 0, headroom_usd: 0.99 });
    const onlyReviewer = await summarizeBudget(ledger, policy, { project: 'proj', role: 'frontier_reviewer' });
    assert.equal(Object.keys(onlyReviewer.roles), ['frontier_reviewer']);
    assert.equal(Object.keys(onlyReviewer.tasks), ['task-b']);
    const future = await summarizeBudget(ledger, policy, { project: 'proj', since: '2999-01-01T00:00:00.000Z' });
    assert.is(future.project.spent_usd, 0);
    assert.is(future.project.headroom_usd, 4.54, 'headroom counts all-time spend');
  }));

  for (const level of ['project', 'role', 'task'] as const) {
    test(`${name}: the ${level} budget blocks with its own message and one blocked row`, withLedger(async (ledger) => {
      const limits = { projectUsd: level === 'project' ? 1 : 100, roleUsd: level === 'role' ? 1 : 100, taskUsd: level === 'task' ? 1 : 100 };
      const first = await ledger.reserve(request({ projectedUsd: 0.995, limits }));
      assert.ok(first.ok);
      const second = await ledger.reserve(request({ projectedUsd: 0.0123, limits }));
      assert.not.ok(second.ok);
      if (second.ok) return;
      assert.is(second.level, level);
      assert.is(second.headroomUsd, 0.005);
      const rows = await ledger.entries({ project: 'proj' });
      assert.equal(rows.map((r) => r.status), ['reserved', 'blocked']);
      const label = { project: 'the project budget for proj', role: 'the role budget for general_builder', task: 'the task budget for task-a' }[level];
      assert.is(rows[1].reason?.startsWith(`blocked: projected $0.0123 would exceed ${label} ($1.00 limit, $0.995 spent or reserved, $0.005 headroom;`), true, rows[1].reason ?? '');
      assert.is(rows[1].id, second.entryId);
      assert.is(rows[1].actual_usd, null);
    }));
  }

  test(`${name}: a batch limit counts only that batch's rows and blocks at level batch`, withLedger(async (ledger) => {
    await ledger.reserve(request({ projectedUsd: 0.5 })); // outside any batch
    const a = await ledger.reserve(request({ projectedUsd: 0.3, batchId: 'b1', limits: { batchUsd: 0.5 } }));
    assert.ok(a.ok);
    assert.is(a.scopes.batch.spent_usd + a.scopes.batch.reserved_usd, 0, 'rows outside the batch do not count');
    await ledger.settle(settleAs(a.entryId, 0.25));
    const other = await ledger.reserve(request({ projectedUsd: 0.3, batchId: 'b2', limits: { batchUsd: 0.5 } }));
    assert.ok(other.ok, 'another batch has its own limit');
    const b = await ledger.reserve(request({ projectedUsd: 0.3, batchId: 'b1', limits: { batchUsd: 0.5 } }));
    assert.not.ok(b.ok);
    if (!b.ok) {
      assert.is(b.level, 'batch');
      assert.is(b.spentUsd, 0.25);
      assert.is(b.headroomUsd, 0.25);
    }
    const rows = await ledger.entries({ batchId: 'b1' });
    assert.equal(rows.map((r) => [r.batch_id, r.status]), [['b1', 'settled'], ['b1', 'blocked']]);
    assert.match(rows[1].reason ?? '', 'the batch budget for b1');
    const scopes = await ledger.scopes({ project: 'proj', role: 'general_builder', taskId: 'task-a', batchId: 'b1', limits: { batchUsd: 0.5 } });
    assert.equal(scopes.batch, { limit_usd: 0.5, spent_usd: 0.25, reserved_usd: 0, headroom_usd: 0.25 });
  }));

  test(`${name}: 100 × $0.01 fits a $1.00 budget exactly (no float drift)`, withLedger(async (ledger) => {
    let ok = 0;
    for (let i = 0; i < 101; i++) if ((await ledger.reserve(request({ projectedUsd: 0.01, limits: { projectUsd: 1 } }))).ok) ok++;
    assert.is(ok, 100);
  }));

  test(`${name}: settle refuses an unknown or already settled entry`, withLedger(async (ledger) => {
    const r = await ledger.reserve(request());
    assert.ok(r.ok);
    await ledger.settle(settleAs(r.entryId, 0.1));
    {
      const err = await rejection(() => ledger.settle(settleAs(r.entryId, 0.1)), 'second settle');
      assert.is((err as { code?: string }).code, 'E_LEDGER');
      assert.match((err as Error).message, /already settled/);
    }
    {
      const err = await rejection(() => ledger.settle(settleAs('nope', 0.1)), 'unknown entry');
      assert.match((err as Error).message, /no ledger entry nope/);
    }
  }));

  test(`${name}: a read-only ledger reads but never writes`, withLedger(async (ledger, repo, location) => {
    const r = await ledger.reserve(request({ projectedUsd: 0.5 }));
    assert.ok(r.ok);
    const ro = await openLedger(location, { repo, readOnly: true });
    try {
      const scopes = await ro.scopes(request({ limits: { projectUsd: 2 } }));
      assert.equal(scopes.project, { limit_usd: 2, spent_usd: 0, reserved_usd: 0.5, headroom_usd: 1.5 });
      await ro.reserve(request()).then(() => assert.unreachable('reserve on read-only'), (err: Error) => assert.match(err.message, /read-only/));
    } finally {
      await ro.close();
    }
  }));

  test(`${name}: reconcile settles from the run record, releases unsent calls, leaves the rest open`, withLedger(async (ledger, repo) => {
    const mk = (runId: string, provider = 'openai') => ledger.reserve(request({ runId, projectedUsd: 0.2, provider }));
    const recorded = await mk('run-recorded');
    const unsent = await mk('run-unsent');
    const sentNoResult = await mk('run-sent');
    const fakeSent = await mk('run-fake-sent', 'fake');
    const alive = await mk('run-alive');
    const elsewhere = await mk('run-elsewhere');
    assert.ok(recorded.ok && unsent.ok && sentNoResult.ok && fakeSent.ok && alive.ok && elsewhere.ok);
    const writeRun = (runId: string, state: Record<string, unknown>, events: Record<string, unknown>[]) => {
      const dir = join(repo, '.pipe', 'runs', runId);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'state.json'), JSON.stringify({ run_id: runId, ...state }));
      writeFileSync(join(dir, 'events.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    };
    const deadPid = 2 ** 22 + 12345; // above the default pid_max: never a live process
    // Event shapes as the budget and propose steps write them: provider events carry no
    // entry id and belong to the entry reserved just before them.
    writeRun('run-recorded', { pid: deadPid, status: 'running' }, [
      { type: 'run.start' },
      { type: 'ledger.entry', step: 'budget', entry_id: recorded.entryId, status: 'reserved' },
      { type: 'provider.call', step: 'propose', role: 'general_builder', tier: 'flex' },
      { type: 'provider.result', step: 'propose', ok: true, usage: { inputTokens: 1000, cachedInputTokens: 0, outputTokens: 500, reasoningTokens: 200 }, tier_served: 'flex', request_id: 'req_9' },
    ]);
    writeRun('run-unsent', { pid: deadPid, status: 'running' }, [{ type: 'run.start' }, { type: 'ledger.entry', entry_id: unsent.entryId, status: 'reserved' }]);
    writeRun('run-sent', { pid: deadPid, status: 'failed' }, [
      { type: 'ledger.entry', entry_id: sentNoResult.entryId, status: 'reserved' },
      { type: 'provider.call', step: 'propose' },
      { type: 'ledger.entry', entry_id: 'some-later-entry', status: 'reserved' },
    ]);
    // The fake provider bills nothing, so its call in flight can be released.
    writeRun('run-fake-sent', { pid: deadPid, status: 'running' }, [
      { type: 'ledger.entry', entry_id: fakeSent.entryId, status: 'reserved' },
      { type: 'provider.call', step: 'propose' },
    ]);
    writeRun('run-alive', { pid: process.pid, status: 'running' }, []);
    const report = await reconcileLedger(ledger, { repo, project: 'proj', policy, olderThan: new Date(Date.now() + 60_000) });
    const byRun = Object.fromEntries(report.actions.map((a) => [a.run_id, a]));
    assert.is(report.examined, 6);
    assert.is(byRun['run-recorded'].action, 'settled');
    // 1000 × 0.125/1M + 500 × 1/1M (reasoning is inside output) = 0.000625
    assert.is(byRun['run-recorded'].usd, 0.000625);
    assert.is(byRun['run-unsent'].action, 'released');
    assert.is(byRun['run-sent'].action, 'left_open');
    assert.is(byRun['run-fake-sent'].action, 'released');
    assert.is(byRun['run-fake-sent'].reason, FAKE_RELEASE_REASON);
    assert.is(byRun['run-alive'].action, 'left_open');
    assert.is(byRun['run-elsewhere'].action, 'left_open');
    const rows = Object.fromEntries((await ledger.entries({ project: 'proj' })).map((r) => [r.run_id, r]));
    assert.is(rows['run-recorded'].status, 'settled');
    assert.is(rows['run-recorded'].request_id, 'req_9');
    assert.is(rows['run-unsent'].status, 'failed');
    assert.is(rows['run-unsent'].actual_usd, 0);
    assert.is(rows['run-unsent'].reason, RELEASE_REASON);
    assert.is(rows['run-sent'].status, 'reserved');
    assert.is(rows['run-alive'].status, 'reserved');
    // Reservations newer than the reconciling process are never touched.
    const again = await reconcileLedger(ledger, { repo, project: 'proj', policy, olderThan: new Date(0) });
    assert.is(again.examined, 0);
  }));

  test(`${name}: 8 processes × 50 reservations against a budget for 100 reserve exactly 100`, async () => {
    const where = await target.fresh();
    try {
      const worker = join(ROOT, 'test', 'budget', 'fixtures', 'reserve-worker.mjs');
      const startAt = Date.now() + 2500;
      const runs = Array.from({ length: 8 }, () =>
        new Promise<{ ok: number; blocked: number }>((resolve, reject) => {
          const child = spawn(process.execPath, [worker, where.location, where.repo, 'conc', '50', '0.01', '1', String(startAt)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
          let out = '';
          let err = '';
          child.stdout.on('data', (d) => (out += d));
          child.stderr.on('data', (d) => (err += d));
          child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop() as string)) : reject(new Error(`worker exited ${code}: ${err}`))));
        }),
      );
      const results = await Promise.all(runs);
      assert.is(results.reduce((n, r) => n + r.ok, 0), 100);
      assert.is(results.reduce((n, r) => n + r.blocked, 0), 300);
      const ledger = await openLedger(where.location, { repo: where.repo });
      try {
        const rows = await ledger.entries({ project: 'conc' });
        assert.is(rows.filter((r) => r.status === 'reserved').length, 100);
        assert.is(rows.filter((r) => r.status === 'blocked').length, 300);
        assert.ok(new Set(results.map((r) => r.ok)).size >= 1);
      } finally {
        await ledger.close();
      }
    } finally {
      await where.dispose();
    }
  });
}

/** A fresh SQLite ledger in a temp folder. */
export const sqliteTarget: LedgerTarget = {
  async fresh() {
    const repo = tempDir('pipe-ledger-');
    return { location: '.pipe/ledger.sqlite', repo, dispose: async () => cleanup(repo) };
  },
};

/** A fresh PostgreSQL schema per test under `url`, dropped afterwards. */
export function postgresTarget(url: string): LedgerTarget {
  return {
    async fresh() {
      const repo = tempDir('pipe-ledger-pg-');
      const schema = `pipe_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
      const sep = url.includes('?') ? '&' : '?';
      return {
        location: `${url}${sep}schema=${schema}`,
        repo,
        dispose: async () => {
          const knex = (await import('knex')).default({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
          try {
            await knex.raw(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
          } finally {
            await knex.destroy();
            cleanup(repo);
          }
        },
      };
    },
  };
}
