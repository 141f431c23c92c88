// Black-box: a wrong-then-right run through the built CLI, then every record DSL.md §5
// names, the ledger's contract columns, and runs/show/budget --json agreeing with it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { cleanup, gitIn, runCli } from '../helpers/repo.js';
import { RIGHT, WRONG, calcRepo, events, ledgerRows, readJson, runJson, writeTask } from './run-kit.js';

const COLUMNS = ['id', 'run_id', 'task_id', 'role', 'provider', 'model', 'tier_requested', 'tier_served', 'reasoning_effort', 'est_input_tokens', 'est_output_tokens', 'projected_usd', 'input_tokens', 'cached_input_tokens', 'output_tokens', 'reasoning_tokens', 'actual_usd', 'status', 'reason', 'request_id', 'created_at', 'updated_at'];
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

test('wrong then right: records, ledger columns, and runs/show/budget agree on cost', () => {
  const repo = calcRepo();
  try {
    const task = writeTask(repo, [{ patch: WRONG }, { patch: RIGHT }]);
    const { code, out, stderr } = runJson(repo, [task]);
    assert.is(code, 0, stderr);
    assert.is(out.status, 'succeeded');
    assert.is(out.exit_code, 0);
    assert.is(out.attempts, 2);
    assert.is(out.task_id, 'fix-add');
    assert.equal(out.files_changed, ['calc/ops.py']);
    assert.is(out.records_dir, join(repo, '.pipe', 'runs', out.run_id));
    // the user's own work is untouched; only the patched file changed
    assert.is(readFileSync(join(repo, 'notes.txt'), 'utf8'), 'committed notes\nedited by the user\n');
    assert.is(readFileSync(join(repo, 'scratch.txt'), 'utf8'), 'untracked user file\n');
    assert.match(readFileSync(join(repo, 'calc/ops.py'), 'utf8'), /return a \+ b/);
    assert.not.match(gitIn(repo, 'status', '--porcelain'), /\.pipe/, '.pipe/ is git-ignored');

    for (const f of ['state.json', 'events.jsonl', 'attempt-1.patch', 'attempt-2.patch', 'convergence.json', 'journal.json']) assert.ok(existsSync(join(out.records_dir, f)), f);
    const state = readJson<Record<string, unknown>>(join(out.records_dir, 'state.json'));
    assert.is(state.status, 'succeeded');
    assert.is(state.run_id, out.run_id);
    const types = new Set(events(out.records_dir).map((e) => e.type));
    for (const t of ['step.start', 'step.end', 'provider.call', 'ledger.entry', 'validator.result', 'verdict']) assert.ok(types.has(t), `events.jsonl has ${t}`);

    const ledgerFile = join(repo, '.pipe/ledger.sqlite');
    const db = new Database(ledgerFile, { readonly: true });
    const cols = (db.prepare('PRAGMA table_info(ledger_entries)').all() as Array<{ name: string }>).map((c) => c.name);
    db.close();
    for (const c of COLUMNS) assert.ok(cols.includes(c), `ledger_entries.${c}`);
    const rows = ledgerRows(ledgerFile);
    assert.is(rows.length, 2);
    for (const r of rows) {
      assert.is(r.status, 'settled');
      assert.is(r.run_id, out.run_id);
      assert.ok(ISO.test(String(r.created_at)) && ISO.test(String(r.updated_at)));
      assert.type(r.actual_usd, 'number');
    }
    const spent = rows.reduce((s, r) => s + Number(r.actual_usd), 0);
    assert.ok(Math.abs(out.cost_usd - spent) < 1e-9, `run cost ${out.cost_usd} vs ledger ${spent}`);

    const runs = JSON.parse(runCli(['runs', '--json'], { cwd: repo }).stdout) as { runs: Array<Record<string, unknown>> };
    assert.is(runs.runs[0].run_id, out.run_id);
    assert.is(runs.runs[0].cost_usd, out.cost_usd, 'pipe runs reports the same cost as pipe run');
    assert.is(runs.runs[0].status, 'succeeded');
    assert.type(runs.runs[0].duration_ms, 'number');

    const show = JSON.parse(runCli(['show', out.run_id, '--json'], { cwd: repo }).stdout) as Record<string, unknown> & { attempts: Array<{ verdict: string; failures: unknown[] }>; cost_by_role: Record<string, number>; steps: unknown[] };
    assert.is(show.status, 'succeeded');
    assert.is(show.cost_usd, out.cost_usd);
    assert.equal(show.attempts.map((a) => [a.verdict, a.failures.length]), [['first', 1], ['success', 0]]);
    assert.ok(Math.abs(show.cost_by_role.general_builder - spent) < 1e-9);
    assert.ok(show.steps.length >= 12);

    const budget = JSON.parse(runCli(['budget', '--json'], { cwd: repo }).stdout) as { project: Record<string, number>; roles: Record<string, Record<string, number>>; tasks: Record<string, Record<string, number>> };
    assert.is(budget.project.limit_usd, 5);
    assert.ok(Math.abs(budget.project.spent_usd - spent) < 1e-9);
    assert.is(budget.project.reserved_usd, 0);
    assert.ok(Math.abs(budget.project.headroom_usd - (5 - spent)) < 1e-9);
    assert.ok(Math.abs(budget.roles.general_builder.spent_usd - spent) < 1e-9);
    assert.ok(Math.abs(budget.tasks['fix-add'].spent_usd - spent) < 1e-9);
  } finally {
    cleanup(repo);
  }
});

test.run();
