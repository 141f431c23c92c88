// Version 1 of the ledger schema: table ledger_entries (DSL.md §5). People query it
// directly, so column names are part of the contract; add columns in new migrations.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('ledger_entries', (t) => {
    t.string('id', 64).primary();
    t.string('project', 200).notNullable();
    t.string('run_id', 200).notNullable();
    t.string('task_id', 200).notNullable();
    t.string('role', 100).notNullable();
    t.string('provider', 50).notNullable();
    t.string('model', 200).notNullable();
    t.string('tier_requested', 50).nullable();
    t.string('tier_served', 50).nullable();
    t.string('reasoning_effort', 20).nullable();
    t.integer('est_input_tokens').notNullable().defaultTo(0);
    t.integer('est_output_tokens').notNullable().defaultTo(0);
    // double: SQLite REAL / PostgreSQL double precision, both read back as JS numbers.
    t.double('projected_usd').notNullable().defaultTo(0);
    t.integer('input_tokens').nullable();
    t.integer('cached_input_tokens').nullable();
    t.integer('output_tokens').nullable();
    t.integer('reasoning_tokens').nullable();
    t.double('actual_usd').nullable();
    t.string('status', 16).notNullable();
    t.text('reason').nullable();
    t.string('request_id', 200).nullable();
    // ISO 8601 UTC strings (fixed width, so they sort and compare as text).
    t.string('created_at', 32).notNullable();
    t.string('updated_at', 32).notNullable();
    t.index(['project', 'status'], 'ledger_entries_project_status');
    t.index(['project', 'role'], 'ledger_entries_project_role');
    t.index(['project', 'task_id'], 'ledger_entries_project_task');
    t.index(['run_id'], 'ledger_entries_run');
    t.index(['created_at'], 'ledger_entries_created');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('ledger_entries');
}
