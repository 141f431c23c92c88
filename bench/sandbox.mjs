// What the validator sandbox costs: the python example's pytest validator through the real
// runner of validators and subprocess wrapper, with and without bubblewrap, interleaved;
// and a bare `true` with and without it (the sandbox's own start-up). Prints the added
// milliseconds per validator run (target < 50 ms); asserts nothing.
// Run: node --import tsx bench/sandbox.mjs   (BENCH_RUNS=n, default 11)
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { runCommand } from '../src/exec/run.ts';
import { chooseSandbox } from '../src/exec/sandbox/index.ts';
import { loadPolicies } from '../src/dsl/documents.ts';
import { runValidators } from '../src/validation/run.ts';
import { planValidatorSandbox } from '../src/validation/sandbox.ts';
import { resolveValidatorSpecs } from '../src/validation/specs.ts';

const choice = await chooseSandbox('auto', { exec: runCommand, platform: process.platform, pathValue: process.env.PATH });
if (choice.kind !== 'bwrap') {
  console.log(`no sandbox here (${choice.reason}); nothing to compare`);
  process.exit(0);
}
const repo = mkdtempSync(join(tmpdir(), 'pipe-bench-sandbox-'));
cpSync(new URL('../examples/python-slugify', import.meta.url).pathname, repo, { recursive: true });
const git = (...a) => execFileSync('git', a, { cwd: repo, stdio: 'ignore' });
git('init', '-q');
git('add', '-A');
git('-c', 'user.name=b', '-c', 'user.email=b@e', 'commit', '-qm', 'init');
const { policy } = await loadPolicies([], { useDefault: true, baseDir: repo });
const specs = resolveValidatorSpecs(policy, ['pytest'], repo);
const allowed = policy.safety.allowed_executables;

async function pytestRun(sandboxed) {
  const t0 = performance.now();
  const [out] = await runValidators({
    repo, exec: runCommand, specs, allowedExecutables: allowed, maxParallel: 1, failFast: false,
    sandboxFor: sandboxed ? (spec) => planValidatorSandbox(choice, spec, repo, policy, process.env.HOME) : undefined,
  });
  const ms = performance.now() - t0;
  // The example's tests fail before the fix (2 failures) — the same either way.
  if (out.failures.length !== 2 || out.sandbox.kind !== (sandboxed ? 'bwrap' : 'none')) throw new Error(JSON.stringify(out));
  return ms;
}

async function trueRun(sandboxed) {
  const rules = planValidatorSandbox(choice, { sandbox: {} }, repo, policy, process.env.HOME).exec;
  const t0 = performance.now();
  const r = await runCommand({ argv: ['/bin/true'], cwd: repo, root: repo, timeoutMs: 10_000, sandbox: sandboxed ? rules : undefined });
  if (r.failed) throw new Error(r.stderr);
  return performance.now() - t0;
}

/** CPU seconds of waited-for children (utime+stime of the whole tree), from /proc/self/stat; null off Linux. */
function childCpuMs() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100; // cutime + cstime, USER_HZ = 100
  } catch {
    return null;
  }
}

console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${(await import('node:os')).availableParallelism()} cores`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${ms.toFixed(1)} ms`;
try {
  const runs = Number(process.env.BENCH_RUNS ?? 11);
  await pytestRun(false);
  await pytestRun(true); // warm-up: python start-up, file cache
  for (const [label, fn] of [['pytest validator (examples/python-slugify)', pytestRun], ['bare /bin/true', trueRun]]) {
    const plain = [];
    const boxed = [];
    const cpu = { plain: 0, boxed: 0 };
    for (let i = 0; i < runs; i++) {
      let c = childCpuMs();
      plain.push(await fn(false));
      cpu.plain += childCpuMs() - c;
      c = childCpuMs();
      boxed.push(await fn(true));
      cpu.boxed += childCpuMs() - c;
    }
    const added = median(boxed) - median(plain);
    console.log(`${label}: median ${fmt(median(plain))} unsandboxed, ${fmt(median(boxed))} in bwrap; added ${fmt(added)} per run (best ${fmt(Math.min(...plain))} vs ${fmt(Math.min(...boxed))}, ${runs} runs each, interleaved)`);
    // bwrap's inner init reaps the command without passing its times up, so CPU is only comparable for the bare start-up.
    if (fn === trueRun) console.log(`  CPU time of the subprocess tree per run: ${fmt(cpu.plain / runs)} unsandboxed, ${fmt(cpu.boxed / runs)} in bwrap; added ${fmt((cpu.boxed - cpu.plain) / runs)}`);
  }
} finally {
  rmSync(repo, { recursive: true, force: true });
}
