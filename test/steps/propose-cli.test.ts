// Manual approval through the CLI: without a TTY and without --approve the run stops
// before the call (exit 3) and says how to approve; --approve <role> lets it through.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { cleanup, makeRepo, runCli } from '../helpers/repo.js';

const PIPELINE = `apiVersion: pipe/v1
kind: Pipeline
name: ask-pro
steps:
  - id: route
    uses: route
    with: { role: emergency_pro_reviewer }
  - id: budget
    uses: budget
  - id: propose
    uses: propose
    with: { output: diagnosis }
`;
const TASK = `apiVersion: pipe/v1
kind: Task
id: ask-pro
goal: Why does the test fail?
intent: review
pipeline: ./ask-pro.yaml
allowed_files: ["src/*.py"]
fake:
  responses:
    - diagnosis: "x is 1 but the test expects 2."
`;

test('a manual-approval role blocks without approval (exit 3) and runs with --approve', () => {
  const repo = makeRepo({ 'src/a.py': 'x = 1\n', 'tasks/t.yaml': TASK, 'tasks/ask-pro.yaml': PIPELINE });
  try {
    const blocked = runCli(['run', 'tasks/t.yaml', '--json'], { cwd: repo });
    assert.is(blocked.code, 3, blocked.stdout + blocked.stderr);
    const out = JSON.parse(blocked.stdout);
    assert.is(out.status, 'blocked');
    assert.match(JSON.stringify(out), /--approve emergency_pro_reviewer/);
    const db = new Database(join(repo, '.pipe', 'ledger.sqlite'), { readonly: true });
    const rows = db.prepare('select status, reason, actual_usd from ledger_entries').all() as { status: string; reason: string; actual_usd: number }[];
    db.close();
    assert.equal(rows, [{ status: 'failed', reason: 'manual approval required', actual_usd: 0 }]);

    const approved = runCli(['run', 'tasks/t.yaml', '--json', '--approve', 'emergency_pro_reviewer'], { cwd: repo });
    assert.is(approved.code, 0, approved.stdout + approved.stderr);
    const ok = JSON.parse(approved.stdout);
    assert.is(ok.status, 'succeeded');
    assert.ok(ok.cost_usd > 0);
  } finally {
    cleanup(repo);
  }
});

test.run();
