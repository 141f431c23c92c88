// The batch budget (--max-cost / policy batch.max_cost_usd) is checked in the ledger
// with the other limits: a running task stops at its next budget step, tasks not yet
// started are reported as not run (exit 3), and --resume runs only those.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { cleanup, startCliHost, type CliHost } from '../helpers/repo.js';
import { batchJson, batchRepo, byTask, callCost, flatPricingFile, type Cli } from './kit.js';

// One Node process runs every pipe command of this file (the commands and repos are real).
let host: CliHost;
const cli: Cli = (args, cwd) => host.run(args, cwd);
test.before(async () => {
  host = await startCliHost();
});
test.after(() => host.close());

interface Row {
  task_id: string;
  status: string;
  batch_id: string | null;
  projected_usd: number;
  actual_usd: number | null;
}

function rows(repo: string): Row[] {
  const db = new Database(join(repo, '.pipe/ledger.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT task_id, status, batch_id, projected_usd, actual_usd FROM ledger_entries ORDER BY created_at, id').all() as Row[];
  } finally {
    db.close();
  }
}

test('room for one call and a half: one task runs, the next is blocked at its budget step, the rest are not run', async () => {
  const repo = batchRepo(['a', 'b', 'c'].map((id) => ({ id, validators: [] })));
  try {
    const pricing = flatPricingFile(repo);
    const cost = await callCost(cli, repo, 'tasks/a.yaml', pricing);
    const limit = Math.round(cost * 1.5 * 1e6) / 1e6;
    const { code, out, stderr } = await batchJson(cli, repo, ['tasks/', '--jobs', '1', '--policy', pricing, '--max-cost', String(limit)]);
    const t = byTask(out);
    assert.is(t.a.status, 'succeeded', stderr);
    assert.is(t.b.status, 'blocked');
    assert.is(t.b.exit_code, 3);
    assert.match(t.b.reason ?? '', 'batch budget');
    assert.is(t.c.status, 'not_run');
    assert.is(t.c.exit_code, 3);
    assert.is(t.c.run_id, null, 'a task not run has no run');
    assert.is(code, 3);

    const ledger = rows(repo);
    assert.ok(ledger.every((r) => r.batch_id === out.batch_id));
    const spent = ledger.reduce((n, r) => n + (r.status === 'reserved' ? r.projected_usd : (r.actual_usd ?? 0)), 0);
    assert.ok(spent <= limit + 1e-9, `spent ${spent} > limit ${limit}`);
    assert.equal(ledger.map((r) => [r.task_id, r.status]), [['a', 'settled'], ['b', 'blocked']]);

    // Resume with more room: only the task that never started runs.
    const resumed = await batchJson(cli, repo, ['--resume', out.batch_id, '--max-cost', String(cost * 3), '--policy', pricing]);
    const r = byTask(resumed.out);
    assert.is(r.c.status, 'succeeded', resumed.stderr);
    assert.is(r.a.run_id, t.a.run_id, 'a finished task is not run again');
    assert.is(r.b.run_id, t.b.run_id);
    assert.is(resumed.code, 3, 'b stays blocked, so the batch still exits 3');
  } finally {
    cleanup(repo);
  }
});

test('--max-cost 0: nothing starts, every task is not run (exit 3), nothing is written to the ledger', async () => {
  const repo = batchRepo([{ id: 'a', validators: [] }, { id: 'b', validators: [] }]);
  try {
    const { code, out } = await batchJson(cli, repo, ['tasks/', '--max-cost', '0']);
    assert.is(code, 3);
    assert.equal(out.tasks.map((x) => [x.task_id, x.status, x.exit_code]), [['a', 'not_run', 3], ['b', 'not_run', 3]]);
  } finally {
    cleanup(repo);
  }
});

test.run();
