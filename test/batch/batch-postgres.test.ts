// CI fan-out on one machine: several `pipe batch` processes, each in its own clone (as
// each CI job or Kubernetes pod would be), all drawing on one PostgreSQL ledger whose
// project budget has room for fewer calls than there are tasks. Spend never exceeds it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import pg from 'pg';
import { cleanup, runCliAsync, writeFiles } from '../helpers/repo.js';
import { batchRepo, callCost, FLAT_PRICING, spawnCli, type BatchJson } from './kit.js';

const PG_URL = process.env.PIPE_TEST_PG_URL;
const NAME = 'three pipe batch processes on one PostgreSQL ledger never spend past the project budget';

if (!PG_URL) {
  console.log(`skipped: ${NAME} — PIPE_TEST_PG_URL not set`);
  test.skip(NAME, () => {});
} else {
  test(NAME, async () => {
    const schema = `pipe_batch_fanout_${process.pid}_${Date.now().toString(36)}`;
    const ledger = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=${schema}`;
    const config = ['apiVersion: pipe/v1', 'kind: Config', `ledger: "${ledger}"`, 'project: fanout', ''].join('\n');
    const repos = [0, 1, 2].map(() => batchRepo([{ id: 'x', validators: [] }, { id: 'y', validators: [] }], { config }));
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      for (const repo of repos) writeFiles(repo, { 'flat.yaml': FLAT_PRICING });
      const cost = await callCost(spawnCli, repos[0], 'tasks/x.yaml', 'flat.yaml');
      // Room for three and a half calls; six tasks want one call each.
      const limit = Math.round(cost * 3.5 * 1e6) / 1e6;
      for (const repo of repos) writeFiles(repo, { 'budget.yaml': `apiVersion: pipe/v1\nkind: Policy\nbudget:\n  project_total_budget_usd: ${limit}\n` });

      const results = await Promise.all(repos.map((repo) => runCliAsync(['batch', 'tasks/', '--jobs', '2', '--policy', 'flat.yaml', '--policy', 'budget.yaml', '--json'], repo)));
      const outs = results.map((r) => JSON.parse(r.stdout) as BatchJson);
      const statuses = outs.flatMap((o) => o.tasks.map((t) => t.status));
      assert.is(statuses.filter((s) => s === 'succeeded').length, 3, results.map((r) => r.stderr).join('\n'));
      assert.is(statuses.filter((s) => s === 'blocked').length, 3);

      const { rows } = await client.query(`SELECT status, projected_usd, actual_usd, batch_id FROM "${schema}".ledger_entries WHERE project = 'fanout'`);
      const spent = rows.reduce((n: number, r: { status: string; projected_usd: number; actual_usd: number | null }) => n + (r.status === 'reserved' ? r.projected_usd : (r.actual_usd ?? 0)), 0);
      assert.ok(spent <= limit + 1e-9, `spent ${spent} > limit ${limit}`);
      assert.is(rows.filter((r: { status: string }) => r.status === 'settled').length, 3);
      assert.is(rows.filter((r: { status: string }) => r.status === 'reserved').length, 0, 'no reservation is left open');
      // Every row names the batch (one per process) it was spent in.
      assert.equal(new Set(rows.map((r: { batch_id: string }) => r.batch_id)), new Set(outs.map((o) => o.batch_id)));
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
      cleanup(...repos);
    }
  });
}

test.run();
