// Three independent validators that each sleep ~1 s: serial (max_parallel 1) against
// parallel (max_parallel 3) and the default (the core count), through the real runner
// of validators and the real subprocess wrapper. Prints figures; asserts nothing.
// Run: node --import tsx bench/validators.mjs
import { availableParallelism } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../src/exec/run.ts';
import { runValidators } from '../src/validation/run.ts';
import { resolveValidatorSpecs, maxParallel } from '../src/validation/specs.ts';

const repo = mkdtempSync(join(tmpdir(), 'pipe-bench-validators-'));
const sleeper = { argv: ['python3', '-c', 'import time; time.sleep(1)'], timeout_s: 30, parser: 'exit-code' };
const policy = { safety: { allowed_executables: ['python3'] }, validators: { a: sleeper, b: sleeper, c: sleeper } };
const specs = resolveValidatorSpecs(policy, ['a', 'b', 'c'], repo);

async function time(parallel) {
  const t0 = performance.now();
  const out = await runValidators({ repo, exec: runCommand, specs, allowedExecutables: ['python3'], maxParallel: parallel, failFast: false });
  const ms = performance.now() - t0;
  if (out.some((o) => o.status !== 'passed')) throw new Error(JSON.stringify(out));
  return ms;
}

try {
  await time(3); // warm-up (python start-up, file cache)
  const rows = [];
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  for (const [label, parallel] of [['serial (max_parallel 1)', 1], [`default (core count = ${maxParallel({})})`, maxParallel({})], ['max_parallel 3', 3]]) {
    const times = [];
    for (let i = 0; i < runs; i++) times.push(await time(parallel));
    rows.push([label, Math.min(...times), times.sort((x, y) => x - y)[Math.floor(times.length / 2)]]);
  }
  const serial = rows[0][2];
  console.log(`three validators sleeping 1 s each; ${availableParallelism()} cores; median of ${runs}`);
  for (const [label, best, median] of rows) {
    console.log(`${label.padEnd(34)} median ${(median / 1000).toFixed(2)} s  best ${(best / 1000).toFixed(2)} s  speed-up ${(serial / median).toFixed(2)}x`);
  }
} finally {
  rmSync(repo, { recursive: true, force: true });
}
