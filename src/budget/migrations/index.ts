// The ledger's migrations, listed in code rather than read from a folder, so the same
// list works from src/ (tsx) and dist/ (compiled) and inside bundles.
import type { Knex } from 'knex';
import * as m001 from './001_ledger_entries.js';
import * as m002 from './002_task_limit.js';
import * as m003 from './003_batch_id.js';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

const MIGRATIONS: [string, Migration][] = [
  ['001_ledger_entries', m001],
  ['002_task_limit', m002],
  ['003_batch_id', m003],
];

/** Schema version = number of migrations; recorded in table pipe_ledger_migrations. */
export const LEDGER_SCHEMA_VERSION = MIGRATIONS.length;
export const MIGRATIONS_TABLE = 'pipe_ledger_migrations';

export const migrationSource: Knex.MigrationSource<string> = {
  async getMigrations() {
    return MIGRATIONS.map(([name]) => name);
  },
  getMigrationName(name) {
    return name;
  },
  async getMigration(name) {
    const found = MIGRATIONS.find(([n]) => n === name);
    if (!found) throw new Error(`unknown ledger migration ${name}`);
    return found[1];
  },
};
