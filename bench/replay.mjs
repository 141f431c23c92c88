// pipe replay without --validate over 100 recorded runs: two real runs of the
// python-slugify example (a fix in three attempts; a stall escalated to a
// reviewer: 2 attempts + a reviewer call) recorded in-process with the fake provider and
// real pytest, each record folder copied 50 times, then all 100 replayed under the
// documents on disk (median of BENCH_REPEAT, default 3). Baseline, same process: reading
// the 100 records. Target: under 2 s for the 100. Prints; asserts nothing.
// Run: node --import tsx bench/replay.mjs
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openSession, runOptionsFor } from '../src/runner/session.ts';
import { createCliServices } from '../src/cli/run-services.ts';
import { prepareBaseline } from '../src/cli/baseline.ts';
import { replayDocumentsResolver } from '../src/cli/replay-documents.ts';
import { executeRun, newRunId } from '../src/runner/runner.ts';
import { replayRuns } from '../src/replay/index.ts';
import { loadRun, selectRuns } from '../src/replay/load.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const copies = Number(process.env.BENCH_COPIES ?? 50);
const repeat = Number(process.env.BENCH_REPEAT ?? 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const repo = mkdtempSync(join(tmpdir(), 'pipe-bench-replay-'));
cpSync(join(root, 'examples', 'python-slugify'), repo, { recursive: true });
const git = (...a) => execFileSync('git', a, { cwd: repo, env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@x' } });
git('init', '-q', '-b', 'main');
git('add', '-A');
git('commit', '-q', '-m', 'example');

async function record(task, at) {
  const session = await openSession({ task: join(repo, task), repo });
  const t0 = performance.now();
  const baseline = await prepareBaseline(session, { note: () => {} });
  const cli = createCliServices(session, { json: true, quiet: true, verbose: false });
  try {
    const outcome = await executeRun({ ...runOptionsFor(session), runId: newRunId(at), services: cli.services, ...(baseline ? { baseline } : {}) });
    return { id: outcome.state.run_id, ms: performance.now() - t0 };
  } finally {
    await cli.close();
    git('checkout', '-q', '--', '.');
  }
}

const made = [await record('tasks/fix-slugify.yaml', new Date('2026-01-01T10:00:00Z')), await record('tasks/never-converges.yaml', new Date('2026-01-01T11:00:00Z'))];
const runs = join(repo, '.pipe', 'runs');
for (const { id } of made) {
  for (let i = 1; i < copies; i++) cpSync(join(runs, id), join(runs, `${id}-copy${String(i).padStart(3, '0')}`), { recursive: true });
}
const total = made.length * copies;

const readTimes = [];
for (let k = 0; k < repeat; k++) {
  const t0 = performance.now();
  for (const id of selectRuns(runs, { last: total })) loadRun(runs, id);
  readTimes.push(performance.now() - t0);
}

const replayTimes = [];
const replayCpu = [];
let report;
for (let k = 0; k < repeat; k++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  report = await replayRuns({
    repo,
    recordsRoot: runs,
    selection: { last: total },
    validate: false,
    documentsFor: await replayDocumentsResolver(repo, { policy: [], task: [], validate: false }),
    describe: { policy: [], pipeline: null, config: null, task: [] },
  });
  replayTimes.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  replayCpu.push((c.user + c.system) / 1000);
}
rmSync(repo, { recursive: true, force: true });

const replayMs = median(replayTimes);
const readMs = median(readTimes);
const recordMs = made.reduce((n, m) => n + m.ms, 0) / made.length;
console.log(`replayed ${report.totals.replayed} runs (${report.totals.same} unchanged, ${report.totals.changed} changed, ${report.totals.undetermined} undetermined)`);
console.log(`replay of ${total} runs, no --validate: ${(replayMs / 1000).toFixed(2)} s median of ${repeat} (target < 2 s) — ${(replayMs / total).toFixed(1)} ms a run; first (cold) ${(replayTimes[0] / 1000).toFixed(2)} s`);
console.log(`  CPU time of this process (unaffected by other processes' load): ${(median(replayCpu) / 1000).toFixed(2)} s median, ${(replayCpu[0] / 1000).toFixed(2)} s cold; load average ${(await import('node:os')).loadavg()[0].toFixed(1)} on ${(await import('node:os')).availableParallelism()} cores`);
console.log(`baseline, reading the ${total} records: ${readMs.toFixed(0)} ms — replay costs ${(replayMs / readMs).toFixed(1)}x the read`);
console.log(`making one of these runs (fake provider, real pytest): ${recordMs.toFixed(0)} ms — a replay is ${(recordMs / (replayMs / total)).toFixed(0)}x faster`);
