// Version 3: which `pipe batch` a row belongs to (null outside a batch), so a batch's
// own limit (policy batch.max_cost_usd, --max-cost) is checked in the same reserve
// transaction as the project, role and task limits, on every machine sharing the ledger.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('ledger_entries', (t) => {
    t.string('batch_id', 200).nullable();
    t.index(['project', 'batch_id'], 'ledger_entries_project_batch');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('ledger_entries', (t) => {
    t.dropIndex(['project', 'batch_id'], 'ledger_entries_project_batch');
    t.dropColumn('batch_id');
  });
}
