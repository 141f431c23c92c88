// PostgreSQL in tests: PIPE_TEST_PG_URL names the server (.ci/run sets it when one is up);
// without it a test is a named skip, never an early return that counts as a pass. Each
// test works in a schema of its own, made for the run and dropped after it, so rows left
// by an earlier run (or another process) can never be counted.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_URL = process.env.PIPE_TEST_PG_URL;

/** Registers `t(name, fn)` when PIPE_TEST_PG_URL is set; otherwise a skip that says why. */
export function testWithPostgres<F>(t: { (name: string, fn: F): void; skip: (name: string, fn: F) => void }): (name: string, fn: F) => void {
  return (name, fn) => {
    if (PG_URL) return t(name, fn);
    process.stdout.write(`skipped: ${name} — PIPE_TEST_PG_URL not set (e.g. postgres://postgres@127.0.0.1:5432/test)\n`);
    t.skip(name, fn);
  };
}

export interface PgSchema {
  /** The Config `ledger:` value: the server URL with ?schema=<fresh name>. */
  location: string;
  schema: string;
  query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

/** A schema of its own on PIPE_TEST_PG_URL (the ledger creates its tables there on first use). */
export async function freshPgSchema(prefix: string): Promise<PgSchema> {
  if (!PG_URL) throw new Error('PIPE_TEST_PG_URL is not set');
  const schema = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  return {
    location: `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=${schema}`,
    schema,
    query: async (sql, params = []) => (await client.query(sql.replaceAll('{schema}', `"${schema}"`), params)).rows,
    drop: async () => {
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
