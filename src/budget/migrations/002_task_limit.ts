// Version 2: each row keeps the task limit its run enforced (the smaller of the policy's
// task_budget_usd and the task's own budget.max_usd), so `pipe budget` shows that limit
// rather than the policy's alone.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('ledger_entries', (t) => {
    t.double('task_limit_usd').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('ledger_entries', (t) => {
    t.dropColumn('task_limit_usd');
  });
}
