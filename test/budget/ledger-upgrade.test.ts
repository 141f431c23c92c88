// A ledger written before batches (schema version 1, no batch_id column): read-only
// opens (pipe budget, pipe plan) read it as it is, the first writable open migrates it,
// and its old rows count at every level but no batch's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import knexFactory from 'knex';
import { openLedger } from '../../src/budget/ledger.js';
import * as m001 from '../../src/budget/migrations/001_ledger_entries.js';
import { MIGRATIONS_TABLE } from '../../src/budget/migrations/index.js';
import { cleanup, tempDir } from '../helpers/repo.js';

const OLD_ROW = {
  id: '000000000001-000001-aaaaaaaaaa', project: 'proj', run_id: 'run-old', task_id: 'task-a', role: 'general_builder', provider: 'openai', model: 'gpt-5-mini',
  tier_requested: 'flex', tier_served: 'flex', reasoning_effort: 'medium', est_input_tokens: 100, est_output_tokens: 100, projected_usd: 0.5,
  input_tokens: 100, cached_input_tokens: 0, output_tokens: 50, reasoning_tokens: 0, actual_usd: 0.4, status: 'settled', reason: null, request_id: 'req_1',
  created_at: '2025-10-01T00:00:00.000Z', updated_at: '2025-10-01T00:00:00.000Z',
};

test('a version-1 ledger: read-only opens work unmigrated, the first writable open adds batch_id', async () => {
  const repo = tempDir('pipe-ledger-upgrade-');
  try {
    mkdirSync(join(repo, '.pipe'));
    // What a pipe before batches left: migration 001 only, recorded in the migrations table.
    const onlyFirst = {
      getMigrations: async () => ['001_ledger_entries'],
      getMigrationName: (name: string) => name,
      getMigration: async () => m001,
    };
    const old = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: join(repo, '.pipe/ledger.sqlite') },
      useNullAsDefault: true,
      migrations: { migrationSource: onlyFirst, tableName: MIGRATIONS_TABLE },
    });
    try {
      await old.migrate.latest();
      await old('ledger_entries').insert(OLD_ROW);
    } finally {
      await old.destroy();
    }
    const request = { project: 'proj', role: 'general_builder', taskId: 'task-a', batchId: 'b1', limits: { projectUsd: 5, batchUsd: 1 } };

    const readOnly = await openLedger('.pipe/ledger.sqlite', { repo, readOnly: true });
    try {
      const scopes = await readOnly.scopes(request);
      assert.is(scopes.project.spent_usd, 0.4);
      assert.equal(scopes.batch, { limit_usd: 1, spent_usd: 0, reserved_usd: 0, headroom_usd: 1 });
      assert.equal(await readOnly.entries({ batchId: 'b1' }), []);
      assert.equal((await readOnly.entries()).map((e) => [e.id, e.batch_id]), [[OLD_ROW.id, null]]);
    } finally {
      await readOnly.close();
    }

    const ledger = await openLedger('.pipe/ledger.sqlite', { repo });
    try {
      const out = await ledger.reserve({ ...request, runId: 'run-new', provider: 'fake', model: 'gpt-5-mini', tierRequested: 'flex', reasoningEffort: 'low', estInputTokens: 10, estOutputTokens: 10, projectedUsd: 0.3 });
      assert.ok(out.ok);
      assert.is(out.scopes.project.spent_usd, 0.4, 'the old row still counts for the project');
      assert.is(out.scopes.batch.spent_usd, 0, 'but not for a batch');
      assert.equal((await ledger.entries({ batchId: 'b1' })).map((e) => e.run_id), ['run-new']);
    } finally {
      await ledger.close();
    }
  } finally {
    cleanup(repo);
  }
});

test.run();
