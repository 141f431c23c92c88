// Opens the budget ledger: a SQLite file (default .pipe/ledger.sqlite; several repos
// may share one file) or a PostgreSQL database (postgres:// URL; teams, many machines).
// Migrations run on open; reserve() is atomic across processes on both.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type BetterSqlite3 from 'better-sqlite3';
import { PipeError, isPipeError } from '../errors.js';
import { KnexLedger, TABLE, rawRows, type LockedTransaction, type TxQuery } from './ledger-core.js';
import { MIGRATIONS_TABLE, migrationSource } from './migrations/index.js';
import type { Ledger } from './types.js';

export const DEFAULT_LEDGER = '.pipe/ledger.sqlite';
export const MEMORY_LEDGER = ':memory:';

export interface OpenLedgerOptions {
  /** Repository root: a relative SQLite path resolves from it. */
  repo: string;
  /** Dry runs: no migrations, no writes; a SQLite file that does not exist reads as empty. */
  readOnly?: boolean;
  /** Timestamps for created_at / updated_at (tests pin it). */
  now?: () => Date;
  /** How long a reservation waits for another process's lock (SQLite busy_timeout), ms. */
  busyTimeoutMs?: number;
}

export type LedgerLocation =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string; schema: string | null; display: string };

/** Parses a Config `ledger:` value. A `?schema=name` query on a PostgreSQL URL selects (and creates) a schema. */
export function resolveLedgerLocation(location: string | undefined, repo: string): LedgerLocation {
  const value = (location ?? '').trim() || DEFAULT_LEDGER;
  // SQLite's own name for a private in-memory database (pipe replay's scratch ledger).
  if (value === MEMORY_LEDGER) return { kind: 'sqlite', file: MEMORY_LEDGER };
  if (/^postgres(ql)?:\/\//i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new PipeError('E_CONFIG', `ledger: is not a valid PostgreSQL URL`, { hint: 'use postgres://user@host:5432/database' });
    }
    const schema = url.searchParams.get('schema');
    if (schema !== null && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
      throw new PipeError('E_CONFIG', `ledger: schema '${schema}' is not a plain SQL identifier`, { hint: 'use letters, digits and underscores' });
    }
    url.searchParams.delete('schema');
    const display = new URL(url.toString());
    if (display.password) display.password = '***';
    return { kind: 'postgres', url: url.toString(), schema, display: display.toString() };
  }
  return { kind: 'sqlite', file: isAbsolute(value) ? value : resolve(repo, value) };
}

function describe(location: LedgerLocation): string {
  return location.kind === 'sqlite' ? location.file : location.display;
}

/** Opens (and migrates) the ledger at `location`. Close it when done: open pools keep a process alive. */
export async function openLedger(location: string, options: OpenLedgerOptions): Promise<Ledger> {
  const where = resolveLedgerLocation(location, options.repo);
  const now = options.now ?? (() => new Date());
  const readOnly = options.readOnly ?? false;
  try {
    return where.kind === 'sqlite' ? await openSqlite(where.file, readOnly, now, options.busyTimeoutMs ?? 30_000) : await openPostgres(where, readOnly, now);
  } catch (err) {
    if (isPipeError(err)) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new PipeError('E_LEDGER', `cannot open the ledger at ${describe(where)}: ${message}`, {
      cause: err,
      hint: where.kind === 'postgres' ? 'check that the server is up and the URL in ledger: (Config) is right' : 'check the ledger: path in .pipe/config.yaml and its folder permissions',
    });
  }
}

async function openSqlite(file: string, readOnly: boolean, now: () => Date, busyTimeoutMs: number): Promise<Ledger> {
  return (await openSqliteDb(file, readOnly, now, busyTimeoutMs)).ledger;
}

/** A private in-memory ledger that can be emptied and used again (pipe replay: one per replay, reset per run). */
export interface ScratchLedger {
  ledger: Ledger;
  /** Deletes every row. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function openScratchLedger(now: () => Date): Promise<ScratchLedger> {
  const { db, ledger } = await openSqliteDb(MEMORY_LEDGER, false, now, 0);
  return {
    // Callers close runs' ledgers when done; the scratch one lives until close() below.
    ledger: Object.assign(Object.create(ledger) as Ledger, { close: async () => {} }),
    reset: async () => {
      await db(TABLE).delete();
    },
    close: () => ledger.close(),
  };
}

async function openSqliteDb(file: string, readOnly: boolean, now: () => Date, busyTimeoutMs: number): Promise<{ db: Knex; ledger: KnexLedger }> {
  const memory = file === MEMORY_LEDGER;
  const missing = memory || !existsSync(file);
  if (!readOnly && !memory) mkdirSync(dirname(file), { recursive: true });
  const db = knexFactory({
    client: 'better-sqlite3',
    // A read-only ledger with no file yet reads as empty: an in-memory stand-in keeps one code path.
    connection: { filename: (readOnly && missing) || memory ? MEMORY_LEDGER : file, options: { readonly: readOnly && !missing } },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: BetterSqlite3.Database, done: (err: Error | null, conn: unknown) => void) {
        try {
          // Another process holding the write lock makes us wait, not fail.
          conn.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
          if (!readOnly) conn.pragma('journal_mode = WAL');
          done(null, conn);
        } catch (err) {
          done(err as Error, conn);
        }
      },
    },
    migrations: { migrationSource, tableName: MIGRATIONS_TABLE },
  });
  try {
    if (!readOnly) await migrateLatest(db, null);
    const hasTable = readOnly ? !missing && (await db.schema.hasTable(TABLE)) : true;
    const hasBatchId = readOnly ? hasTable && (await db.schema.hasColumn(TABLE, 'batch_id')) : true;
    return { db, ledger: new KnexLedger(db, { kind: 'sqlite', readOnly, hasTable, hasBatchId, now, lockedTransaction: sqliteLockedTransaction(db) }) };
  } catch (err) {
    await db.destroy();
    throw err;
  }
}

/** BEGIN IMMEDIATE takes SQLite's write lock up front, so the spend check and the insert see no other writer in between. */
function sqliteLockedTransaction(db: Knex): LockedTransaction {
  return async (_project, work) => {
    const conn = (await db.client.acquireConnection()) as BetterSqlite3.Database;
    try {
      conn.exec('BEGIN IMMEDIATE');
      try {
        const tx: TxQuery = {
          all: async (sql, bindings) => conn.prepare(sql).all(...bindings) as Record<string, unknown>[],
          run: async (sql, bindings) => {
            conn.prepare(sql).run(...bindings);
          },
        };
        const result = await work(tx);
        conn.exec('COMMIT');
        return result;
      } catch (err) {
        if (conn.inTransaction) conn.exec('ROLLBACK');
        throw err;
      }
    } catch (err) {
      if (isPipeError(err)) throw err;
      throw new PipeError('E_LEDGER', `ledger reservation failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    } finally {
      await db.client.releaseConnection(conn);
    }
  };
}

async function openPostgres(where: Extract<LedgerLocation, { kind: 'postgres' }>, readOnly: boolean, now: () => Date): Promise<Ledger> {
  const db = knexFactory({
    client: 'pg',
    connection: { connectionString: where.url },
    ...(where.schema ? { searchPath: [where.schema] } : {}),
    // min 0: no idle connection outlives its use; close() ends the rest.
    pool: { min: 0, max: 4 },
    migrations: { migrationSource, tableName: MIGRATIONS_TABLE, ...(where.schema ? { schemaName: where.schema } : {}) },
  });
  try {
    if (!readOnly) await migrateLatest(db, where.schema);
    const hasTable = readOnly ? await db.schema.hasTable(TABLE) : true;
    const hasBatchId = readOnly ? hasTable && (await db.schema.hasColumn(TABLE, 'batch_id')) : true;
    return new KnexLedger(db, { kind: 'postgres', readOnly, hasTable, hasBatchId, now, lockedTransaction: postgresLockedTransaction(db, where.schema) });
  } catch (err) {
    await db.destroy();
    throw err;
  }
}

/** A 64-bit advisory-lock key for one budget scope (schema + project). */
export function scopeLockKey(schema: string | null, project: string): string {
  return createHash('sha256').update(`pipe-ledger\0${schema ?? ''}\0${project}`).digest().readBigInt64BE(0).toString();
}

/** A transaction holding pg_advisory_xact_lock on the project's scope: every reserve for that project queues behind it, on every machine. */
function postgresLockedTransaction(db: Knex, schema: string | null): LockedTransaction {
  return async (project, work) => {
    try {
      return await db.transaction(async (trx) => {
        await trx.raw('SELECT pg_advisory_xact_lock(?::bigint)', [scopeLockKey(schema, project)]);
        const tx: TxQuery = {
          all: async (sql, bindings) => rawRows(await trx.raw(sql, bindings as Knex.RawBinding[])),
          run: async (sql, bindings) => {
            await trx.raw(sql, bindings as Knex.RawBinding[]);
          },
        };
        return work(tx);
      });
    } catch (err) {
      if (isPipeError(err)) throw err;
      throw new PipeError('E_LEDGER', `ledger reservation failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  };
}

const TRANSIENT = /already locked|already exists|duplicate key|unique constraint|SQLITE_BUSY|database is locked|deadlock/i;

/**
 * Brings the schema up to date. Many processes may open a new ledger at once; knex's
 * migration lock makes all but one fail, so they wait and retry until the schema is current.
 * On PostgreSQL the whole migration also runs under a session advisory lock: knex creates
 * its lock table with a check-then-insert, and processes racing on a new database could
 * leave two lock rows, which knex then reads as "locked" forever.
 */
async function migrateLatest(db: Knex, schema: string | null): Promise<void> {
  const deadline = Date.now() + 30_000;
  const postgres = db.client.config.client === 'pg';
  for (;;) {
    try {
      if (schema) await db.raw(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      const run = async () => {
        if (postgres) await repairMigrationLock(db, schema);
        const [, pending] = (await db.migrate.list()) as [unknown[], unknown[]];
        if (pending.length === 0) return;
        await db.migrate.latest();
      };
      await (postgres ? withSessionLock(db, scopeLockKey(schema, '\0migrate'), run) : run());
      return;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!TRANSIENT.test(message) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
    }
  }
}

/** Runs `work` while one pooled connection holds pg_advisory_lock(key); the work uses the pool's other connections. */
async function withSessionLock(db: Knex, key: string, work: () => Promise<void>): Promise<void> {
  const conn = (await db.client.acquireConnection()) as { query(sql: string, values: unknown[]): Promise<unknown> };
  try {
    await conn.query('SELECT pg_advisory_lock($1::bigint)', [key]);
    try {
      await work();
    } finally {
      await conn.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
    }
  } finally {
    await db.client.releaseConnection(conn);
  }
}

/**
 * Under the migration advisory lock nobody else is migrating, so knex's lock table must
 * hold exactly one row, unlocked: a racing first start (two rows) or a process killed
 * mid-migration (stuck at 1) would otherwise block every later start.
 */
async function repairMigrationLock(db: Knex, schema: string | null): Promise<void> {
  const lockTable = `${MIGRATIONS_TABLE}_lock`;
  const qualified = schema ? `"${schema}"."${lockTable}"` : `"${lockTable}"`;
  const exists = schema ? await db.schema.withSchema(schema).hasTable(lockTable) : await db.schema.hasTable(lockTable);
  if (!exists) return;
  await db.raw(`DELETE FROM ${qualified} WHERE "index" <> (SELECT min("index") FROM ${qualified})`);
  await db.raw(`UPDATE ${qualified} SET is_locked = 0 WHERE is_locked <> 0`);
}
