// Ledger throughput (reserve + settle pairs per second) on SQLite with 1 and 8
// processes and on PostgreSQL, and the budget step's added latency per call.
// Run: node --import tsx bench/ledger.mjs   (PIPE_BENCH_PG_URL or PIPE_TEST_PG_URL adds PostgreSQL)
// Prints figures only; never asserts.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openLedger } from '../src/budget/ledger.ts';

const here = fileURLToPath(import.meta.url);
const ROOT = join(dirname(here), '..');
const PAIRS = Number(process.env.PIPE_BENCH_PAIRS ?? 2000);

async function pairs(ledger, n, tag) {
  const base = { project: 'bench', runId: `run-${tag}`, taskId: `task-${tag}`, role: 'general_builder', provider: 'fake', model: 'gpt-5-mini', tierRequested: 'flex', reasoningEffort: 'low', estInputTokens: 1000, estOutputTokens: 4000, projectedUsd: 0.004, limits: { projectUsd: 1e9, roleUsd: 1e9, taskUsd: 1e9 } };
  for (let i = 0; i < n; i++) {
    const r = await ledger.reserve(base);
    await ledger.settle({ entryId: r.entryId, status: 'settled', inputTokens: 1000, cachedInputTokens: 0, outputTokens: 1200, reasoningTokens: 400, actualUsd: 0.0013, tierServed: 'flex', requestId: null });
  }
}

// Child mode: one of the concurrent processes.
if (process.argv[2] === '--worker') {
  const [, , , location, repo, n, startAt] = process.argv;
  const ledger = await openLedger(location, { repo });
  const wait = Number(startAt) - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const t0 = Date.now();
  await pairs(ledger, Number(n), String(process.pid));
  const t1 = Date.now();
  await ledger.close();
  process.stdout.write(`${JSON.stringify({ start: t0, end: t1 })}\n`);
  process.exit(0);
}

async function inProcess(location, repo, n) {
  const ledger = await openLedger(location, { repo });
  await pairs(ledger, 50, 'warm');
  const t0 = performance.now();
  await pairs(ledger, n, 'one');
  const ms = performance.now() - t0;
  await ledger.close();
  return (n / ms) * 1000;
}

async function processes(location, repo, count, n) {
  // Migrate once up front so the figure is about reservations, not schema creation.
  await (await openLedger(location, { repo })).close();
  const startAt = Date.now() + 3000;
  const results = await Promise.all(
    Array.from({ length: count }, () =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', here, '--worker', location, repo, String(n), String(startAt)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim())) : reject(new Error(`worker exited ${code}`))));
      }),
    ),
  );
  const start = Math.min(...results.map((r) => r.start));
  const end = Math.max(...results.map((r) => r.end));
  return ((count * n) / (end - start)) * 1000;
}

async function stepLatency(repo) {
  const { makeHarness, route } = await import('../test/steps/budget-harness.ts');
  const { buildContext } = await import('../src/context/build.ts');
  const { reserveForCall } = await import('../src/budget/reserve.ts');
  const { writeFiles, gitIn } = await import('../test/helpers/repo.ts');
  writeFiles(repo, { 'src/slug.py': 'def slugify(text):\n    return text.lower()\n'.repeat(50), 'tests/test_slug.py': 'def test():\n    assert True\n' });
  gitIn(repo, 'init', '-q');
  gitIn(repo, 'add', '-A');
  gitIn(repo, '-c', 'user.email=b@b', '-c', 'user.name=b', 'commit', '-qm', 'x');
  const h = makeHarness({ repo });
  h.ctx.policy.budget.project_total_budget_usd = 1e9;
  h.ctx.policy.budget.role_budgets_usd.general_builder = 1e9;
  h.ctx.policy.budget.task_budget_usd = 1e9;
  await route(h.ctx);
  const context = await buildContext(h.ctx, h.ctx.work.route);
  await reserveForCall(h.ctx, h.ctx.work.route, context);
  const build = [];
  const reserve = [];
  for (let i = 0; i < 300; i++) {
    let t0 = performance.now();
    await buildContext(h.ctx, h.ctx.work.route);
    build.push(performance.now() - t0);
    t0 = performance.now();
    await reserveForCall(h.ctx, h.ctx.work.route, context);
    reserve.push(performance.now() - t0);
  }
  await h.close();
  const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * p)];
  return { reserveP50: pct(reserve, 0.5), reserveP95: pct(reserve, 0.95), buildP50: pct(build, 0.5) };
}

const fmt = (x) => x.toFixed(0).padStart(7);
const dirs = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'pipe-bench-'));
  dirs.push(d);
  return d;
};
try {
  console.log(`ledger bench: ${PAIRS} reserve+settle pairs per run (on ${tmpdir()})`);
  const s1 = await inProcess('.pipe/ledger.sqlite', fresh(), PAIRS);
  console.log(`SQLite, 1 process:      ${fmt(s1)} pairs/s  (baseline 1.00x)`);
  const s8 = await processes('.pipe/ledger.sqlite', fresh(), 8, Math.ceil(PAIRS / 8));
  console.log(`SQLite, 8 processes:    ${fmt(s8)} pairs/s  (${(s8 / s1).toFixed(2)}x)`);
  const pg = process.env.PIPE_BENCH_PG_URL ?? process.env.PIPE_TEST_PG_URL;
  if (pg) {
    const { default: knex } = await import('knex');
    const schemas = [];
    const loc = () => {
      const schema = `pipe_bench_${process.pid}_${schemas.length}`;
      schemas.push(schema);
      return `${pg}${pg.includes('?') ? '&' : '?'}schema=${schema}`;
    };
    try {
      const p1 = await inProcess(loc(), fresh(), PAIRS);
      console.log(`PostgreSQL, 1 process:  ${fmt(p1)} pairs/s  (${(p1 / s1).toFixed(2)}x SQLite)`);
      const p8 = await processes(loc(), fresh(), 8, Math.ceil(PAIRS / 8));
      console.log(`PostgreSQL, 8 processes:${fmt(p8)} pairs/s  (${(p8 / p1).toFixed(2)}x PostgreSQL 1 process)`);
    } finally {
      const db = knex({ client: 'pg', connection: pg, pool: { min: 0, max: 1 } });
      for (const s of schemas) await db.raw(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
      await db.destroy();
    }
  } else {
    console.log('PostgreSQL: skipped (set PIPE_BENCH_PG_URL or PIPE_TEST_PG_URL)');
  }
  const lat = await stepLatency(fresh());
  console.log(`budget step added latency (SQLite): p50 ${lat.reserveP50.toFixed(2)} ms, p95 ${lat.reserveP95.toFixed(2)} ms; building the context: p50 ${lat.buildP50.toFixed(2)} ms (${(lat.reserveP50 / lat.buildP50).toFixed(2)}x)`);
} finally {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
