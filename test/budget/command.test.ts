// `pipe budget` and a budget block through `pipe run`, driven as a user would: the built
// CLI in a real git repo (needs `npx tsc -p tsconfig.json` first; npm test builds).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openLedger } from '../../src/budget/ledger.js';
import { cleanup, makeRepo, runCli } from '../helpers/repo.js';

const TASK = `apiVersion: pipe/v1
kind: Task
id: fix-slug
goal: make slugify lower-case its input
intent: bugfix
allowed_files: ["src/*.py"]
# A scripted answer makes it a real run (an unscripted fake run is a dry run); the budget blocks before it is used.
fake:
  responses:
    - text: "unused"
`;

function repoWithTask(extra: Record<string, string> = {}): string {
  return makeRepo({ 'src/slug.py': 'def slugify(t):\n    return t\n', 'tasks/fix.yaml': TASK, ...extra });
}

async function seed(repo: string, location = '.pipe/ledger.sqlite', project = 'default') {
  const ledger = await openLedger(location, { repo });
  try {
    const base = { project, provider: 'fake', model: 'gpt-5-mini', tierRequested: 'flex', reasoningEffort: 'low', estInputTokens: 10, estOutputTokens: 10, limits: {} };
    const a = await ledger.reserve({ ...base, runId: 'r-old', taskId: 'fix-slug', role: 'general_builder', projectedUsd: 0.5 });
    const b = await ledger.reserve({ ...base, runId: 'r-dead', taskId: 'other-task', role: 'frontier_reviewer', projectedUsd: 0.25 });
    if (!a.ok || !b.ok) throw new Error('seed');
    await ledger.settle({ entryId: a.entryId, status: 'settled', inputTokens: 10, cachedInputTokens: 0, outputTokens: 10, reasoningTokens: 0, actualUsd: 0.125, tierServed: 'flex', requestId: null });
    return { open: b.entryId };
  } finally {
    await ledger.close();
  }
}

test('pipe budget --json: spend, reservations and headroom by project, role and task', async () => {
  const repo = repoWithTask();
  try {
    await seed(repo);
    const r = runCli(['budget', '--json', '--repo', repo]);
    assert.is(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.project, { limit_usd: 5, spent_usd: 0.125, reserved_usd: 0.25, headroom_usd: 4.625 });
    assert.equal(out.roles.general_builder, { limit_usd: 2, spent_usd: 0.125, reserved_usd: 0, headroom_usd: 1.875 });
    assert.equal(out.roles.frontier_reviewer, { limit_usd: 1, spent_usd: 0, reserved_usd: 0.25, headroom_usd: 0.75 });
    assert.equal(out.tasks['fix-slug'], { limit_usd: 1, spent_usd: 0.125, reserved_usd: 0, headroom_usd: 0.875 });
    assert.equal(out.tasks['other-task'], { limit_usd: 1, spent_usd: 0, reserved_usd: 0.25, headroom_usd: 0.75 });

    const byTask = JSON.parse(runCli(['budget', '--json', '--repo', repo, '--task', 'other-task']).stdout);
    assert.equal(Object.keys(byTask.tasks), ['other-task']);
    assert.is(byTask.project.spent_usd, 0);
    assert.is(byTask.project.reserved_usd, 0.25);
    const byRole = JSON.parse(runCli(['budget', '--json', '--repo', repo, '--role', 'general_builder', '--since', '7d']).stdout);
    assert.equal(Object.keys(byRole.roles), ['general_builder']);
    assert.is(byRole.project.spent_usd, 0.125);

    const table = runCli(['budget', '--repo', repo]);
    assert.is(table.code, 0);
    assert.match(table.stdout, /project default\s+\$5\.00\s+\$0\.125\s+\$0\.25\s+\$4\.625/);
    assert.match(table.stdout, /task other-task\s+\$1\.00\s+\$0\.00\s+\$0\.25\s+\$0\.75/);
  } finally {
    cleanup(repo);
  }
});

test('pipe budget on a repo with no ledger prints limits and creates nothing', () => {
  const repo = repoWithTask();
  try {
    const r = runCli(['budget', '--json', '--repo', repo]);
    assert.is(r.code, 0, r.stderr);
    assert.is(JSON.parse(r.stdout).project.headroom_usd, 5);
    assert.is(existsSync(join(repo, '.pipe')), false);
    const bad = runCli(['budget', '--json', '--repo', repo, '--since', 'last tuesday']);
    assert.is(bad.code, 2);
    assert.is(JSON.parse(bad.stdout).error.code, 'E_USAGE');
  } finally {
    cleanup(repo);
  }
});

test('pipe budget --reconcile releases a dead run\'s reservation that never reached a provider', async () => {
  const repo = repoWithTask();
  try {
    const { open } = await seed(repo);
    const dir = join(repo, '.pipe', 'runs', 'r-dead');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ run_id: 'r-dead', pid: 2 ** 22 + 99, status: 'running' }));
    writeFileSync(join(dir, 'events.jsonl'), `${JSON.stringify({ type: 'ledger.entry', entry_id: open, status: 'reserved' })}\n`);
    const r = runCli(['budget', '--json', '--reconcile', '--repo', repo]);
    assert.is(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.reconcile.actions.map((a: { entry_id: string; action: string }) => [a.entry_id, a.action]), [[open, 'released']]);
    assert.is(out.project.reserved_usd, 0);
    assert.is(out.project.headroom_usd, 4.875);
  } finally {
    cleanup(repo);
  }
});

test('pipe run over the project budget: exit 3, status blocked, one blocked row, nothing sent', async () => {
  const repo = repoWithTask({
    'tight.yaml': 'apiVersion: pipe/v1\nkind: Policy\nbudget:\n  project_total_budget_usd: 0.001\n',
  });
  try {
    const r = runCli(['run', 'tasks/fix.yaml', '--json', '--repo', repo, '--policy', join(repo, 'tight.yaml')], { cwd: repo });
    assert.is(r.code, 3, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout);
    assert.is(out.status, 'blocked');
    const ledger = await openLedger('.pipe/ledger.sqlite', { repo });
    try {
      const rows = await ledger.entries();
      assert.equal(rows.map((row) => row.status), ['blocked']);
      assert.match(rows[0].reason ?? '', /^blocked: projected \$0\.\d+ would exceed the project budget for default \(\$0\.001 limit, \$0\.00 spent or reserved, \$0\.001 headroom/);
    } finally {
      await ledger.close();
    }
  } finally {
    cleanup(repo);
  }
});

const pg = process.env.PIPE_TEST_PG_URL;
if (pg) {
  test('pipe budget reads a PostgreSQL ledger named by ledger: in .pipe/config.yaml', async () => {
    const schema = `pipe_cmd_${process.pid}`;
    const location = `${pg}${pg.includes('?') ? '&' : '?'}schema=${schema}`;
    const repo = repoWithTask({ '.pipe/config.yaml': `apiVersion: pipe/v1\nkind: Config\nledger: ${location}\nproject: team-a\n` });
    try {
      await seed(repo, location, 'team-a');
      const out = JSON.parse(runCli(['budget', '--json', '--repo', repo]).stdout);
      assert.equal(out.project, { limit_usd: 5, spent_usd: 0.125, reserved_usd: 0.25, headroom_usd: 4.625 });
      assert.is(out.project_name, 'team-a');
      assert.not.match(out.ledger, 'schema=');
    } finally {
      const knex = (await import('knex')).default({ client: 'pg', connection: pg, pool: { min: 0, max: 1 } });
      await knex.raw(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => knex.destroy());
      cleanup(repo);
    }
  });
} else {
  console.log('skipped: pipe budget on PostgreSQL — PIPE_TEST_PG_URL not set');
  test.skip('pipe budget on PostgreSQL — PIPE_TEST_PG_URL not set', () => {});
}

test.run();
