// The same suite as ledger-sqlite.test.ts, against PostgreSQL when PIPE_TEST_PG_URL is
// set (e.g. postgres://postgres@127.0.0.1:5432/test); otherwise skipped by name.
import { test } from 'uvu';
import { defineLedgerSuite, postgresTarget } from './ledger-suite.js';

const url = process.env.PIPE_TEST_PG_URL;
if (url) {
  defineLedgerSuite('ledger on PostgreSQL', postgresTarget(url));
} else {
  console.log('skipped: ledger on PostgreSQL — PIPE_TEST_PG_URL not set');
  test.skip('ledger on PostgreSQL — PIPE_TEST_PG_URL not set', () => {});
}
test.run();
