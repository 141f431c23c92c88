// Many processes opening a new PostgreSQL ledger at the same moment all start: the
// migration is serialised and knex's lock row cannot be left doubled or stuck.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { ROOT } from '../helpers/repo.js';

const PG_URL = process.env.PIPE_TEST_PG_URL;
const NAME = 'ledger on PostgreSQL: 8 processes opening a new database at once all start';

function openInChild(url: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'test/budget/fixtures/open-worker.mjs'), url], { cwd: ROOT });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
  });
}

if (!PG_URL) {
  console.log(`skipped: ${NAME} — PIPE_TEST_PG_URL not set`);
  test.skip(NAME, () => {});
} else {
  test(NAME, async () => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      for (let round = 0; round < 3; round++) {
        const schema = `pipe_open_race_${process.pid}_${round}`;
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        const url = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=${schema}`;
        const results = await Promise.all(Array.from({ length: 8 }, () => openInChild(url)));
        assert.equal(results.filter((r) => r.code !== 0).map((r) => r.stderr.trim()), [], `round ${round}`);
        const lock = await client.query(`SELECT is_locked FROM "${schema}".pipe_ledger_migrations_lock`);
        assert.equal(lock.rows, [{ is_locked: 0 }]);
        await client.query(`DROP SCHEMA "${schema}" CASCADE`);
      }
    } finally {
      await client.end();
    }
  });
}

test.run();
