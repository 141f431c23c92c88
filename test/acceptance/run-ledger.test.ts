// Black-box: `ledger:` in Config — one SQLite file shared by two repos is one budget
// (the second repo is blocked by the first one's spend, nothing sent), and a postgres://
// URL holds the same ledger_entries rows (PIPE_TEST_PG_URL, in a schema of its own; a named
// skip without it). The runs skip the baseline (--no-baseline): the ledger is the
// subject here, and each baseline is one more pytest run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, snapshotTree, tempDir, writeFiles } from '../helpers/repo.js';
import { freshPgSchema, testWithPostgres } from '../helpers/postgres.js';
import { RIGHT, WRONG, calcRepo, events, ledgerRows, runJson, writeTask } from './run-kit.js';

const testPg = testWithPostgres(test);

test('two repos sharing one SQLite ledger share one project budget', () => {
  const shared = tempDir('pipe-shared-ledger-');
  const a = calcRepo();
  const b = calcRepo();
  try {
    const ledger = join(shared, 'team.sqlite');
    // A's projection (~$0.00405) fits under $0.0041; A's settled spend plus B's projection does not.
    for (const repo of [a, b]) {
      writeFiles(repo, {
        '.pipe/config.yaml': `apiVersion: pipe/v1\nkind: Config\nledger: ${ledger}\nproject: team\npolicies: [team-policy.yaml]\n`,
        'team-policy.yaml': 'apiVersion: pipe/v1\nkind: Policy\nbudget:\n  project_total_budget_usd: 0.0041\n',
      });
    }
    const ra = runJson(a, [writeTask(a, [{ patch: RIGHT }]), '--no-baseline']);
    assert.is(ra.code, 0, ra.stderr);
    const taskB = writeTask(b, [{ patch: RIGHT }]);
    const beforeB = snapshotTree(b);
    const rb = runJson(b, [taskB, '--no-baseline']);
    assert.is(rb.code, 3, rb.stderr);
    assert.is(rb.out.status, 'blocked');
    assert.is(rb.out.cost_usd, 0);
    assert.equal(snapshotTree(b), beforeB, 'a blocked run changes nothing');
    assert.not.ok(events(rb.out.records_dir).some((e) => e.type === 'provider.call'), 'nothing sent');
    assert.not.ok(existsSync(join(a, '.pipe/ledger.sqlite')) || existsSync(join(b, '.pipe/ledger.sqlite')), 'no per-repo ledger');
    const rows = ledgerRows(ledger);
    assert.equal(rows.map((r) => [r.run_id, r.status]), [[ra.out.run_id, 'settled'], [rb.out.run_id, 'blocked']]);
    assert.match(String(rows[1].reason), /project/);
  } finally {
    cleanup(a, b, shared);
  }
});

testPg('a postgres:// ledger gets the same rows', async () => {
  const db = await freshPgSchema('pipe_acc_ledger');
  const project = 'acc';
  const repo = calcRepo();
  try {
    writeFiles(repo, { '.pipe/config.yaml': `apiVersion: pipe/v1\nkind: Config\nledger: ${db.location}\nproject: ${project}\n` });
    const r = runJson(repo, [writeTask(repo, [{ patch: WRONG }, { patch: RIGHT }]), '--no-baseline']);
    assert.is(r.code, 0, `exit ${r.code}: ${JSON.stringify(r.out).slice(0, 1500)}\n${r.stderr}`);
    assert.not.ok(existsSync(join(repo, '.pipe/ledger.sqlite')));
    const rows = await db.query('SELECT * FROM {schema}.ledger_entries ORDER BY created_at, id');
    assert.is(rows.length, 2, 'the fresh schema holds exactly this run\'s two calls');
    for (const row of rows) {
      assert.is(row.run_id, r.out.run_id);
      assert.is(row.status, 'settled');
      assert.is(row.task_id, 'fix-add');
      assert.is(row.role, 'general_builder');
      assert.is(row.tier_requested, 'flex');
      assert.type(Number(row.actual_usd), 'number');
    }
    const spent = rows.reduce((s, row) => s + Number(row.actual_usd), 0);
    assert.ok(Math.abs(spent - r.out.cost_usd) < 1e-9);
  } finally {
    await db.drop();
    cleanup(repo);
  }
});

test.run();
