import { test } from 'uvu';
import { defineLedgerSuite, sqliteTarget } from './ledger-suite.js';

defineLedgerSuite('ledger on SQLite', sqliteTarget);
test.run();
