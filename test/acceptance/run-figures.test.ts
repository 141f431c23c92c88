// Black-box: every figure a user reads about one run's money agrees with the ledger to
// the nano-dollar — the escalation packet, `pipe show --json`, `pipe budget --json` and
// the printed summary. (An attempt's cost was once added twice: escalation.json showed
// every attempt at exactly 2x its ledger row.) `pipe budget` shows the task limit the run
// enforced: the task's own budget.max_usd when it is below the policy's. The run skips
// the baseline (--no-baseline): it spends nothing, and it is one more pytest run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { cleanup, runCli } from '../helpers/repo.js';
import { calcRepo, ledgerRows, readJson, runJson, writeTask } from './run-kit.js';
import { formatUsd } from '../../src/budget/money.js';

const nano = (usd: unknown) => Math.round(Number(usd) * 1e9);

interface PacketJson {
  cost_usd: number;
  attempts: Array<{ attempt: number; role: string; cost_usd: number }>;
  reviewer: { status: string; role: string; cost_usd: number };
}

test('escalation packet, pipe show, pipe budget and the ledger agree cent for cent', () => {
  const repo = calcRepo();
  try {
    // The same unusable answer twice is a stall: two paid builder attempts, then the reviewer's diagnosis.
    const prose = { text: 'I would change add() to return the sum.' };
    const task = writeTask(repo, [prose, prose, { diagnosis: 'add() subtracts; it must add.' }], { extra: 'budget:\n  max_usd: 0.5' });
    const run = runJson(repo, [task, '--no-baseline']);
    assert.is(run.code, 4, run.stderr);
    const rows = ledgerRows(join(repo, '.pipe/ledger.sqlite'));
    assert.equal(rows.map((r) => [r.role, r.status]), [['general_builder', 'settled'], ['general_builder', 'settled'], ['frontier_reviewer', 'settled']]);
    assert.ok(rows.every((r) => Number(r.actual_usd) > 0), 'the fake provider reports real token usage, so every call costs something');
    const [a1, a2, reviewer] = rows.map((r) => nano(r.actual_usd));
    const total = a1 + a2 + reviewer;
    assert.is(nano(run.out.cost_usd), total, 'pipe run --json');

    const packet = readJson<PacketJson>(join(run.out.records_dir, 'escalation.json'));
    assert.equal(packet.attempts.map((a) => nano(a.cost_usd)), [a1, a2], 'each attempt once, as in its ledger row');
    assert.is(nano(packet.reviewer.cost_usd), reviewer);
    assert.is(nano(packet.cost_usd), total);

    const show = runCli(['show', run.out.run_id, '--json'], { cwd: repo });
    assert.is(show.code, 0, show.stderr);
    const detail = JSON.parse(show.stdout) as { cost_usd: number; attempts: Array<{ cost_usd: number }>; cost_by_role: Record<string, number>; escalation: PacketJson };
    assert.is(nano(detail.cost_usd), total);
    assert.equal(detail.attempts.map((a) => nano(a.cost_usd)), [a1, a2]);
    assert.equal(Object.fromEntries(Object.entries(detail.cost_by_role).map(([k, v]) => [k, nano(v)])), { general_builder: a1 + a2, frontier_reviewer: reviewer });
    assert.equal(detail.escalation.attempts.map((a) => nano(a.cost_usd)), [a1, a2]);

    const budget = runCli(['budget', '--json'], { cwd: repo });
    assert.is(budget.code, 0, budget.stderr);
    const b = JSON.parse(budget.stdout) as { project: { spent_usd: number }; roles: Record<string, { spent_usd: number }>; tasks: Record<string, { limit_usd: number; spent_usd: number; headroom_usd: number }> };
    assert.is(nano(b.project.spent_usd), total);
    assert.is(nano(b.roles.general_builder.spent_usd), a1 + a2);
    assert.is(nano(b.roles.frontier_reviewer.spent_usd), reviewer);
    assert.is(b.tasks['fix-add'].limit_usd, 0.5, 'the limit the run enforced (task max_usd $0.50), not the policy task budget ($1.00)');
    assert.is(nano(b.tasks['fix-add'].headroom_usd), nano(0.5) - total);

    // What a person reads prints every digit, so the parts add up to the total.
    const text = runCli(['show', run.out.run_id], { cwd: repo }).stdout;
    assert.ok(text.includes(`cost ${formatUsd(total / 1e9)}`), text);
    for (const usd of [a1, a2]) assert.ok(text.includes(`cost ${formatUsd(usd / 1e9)}`), text);
  } finally {
    cleanup(repo);
  }
});

test.run();
