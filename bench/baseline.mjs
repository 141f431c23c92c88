// The baseline's cost on a rerun: a cache hit (two git commands and a JSON read) against
// running the validators (real pytest) on a small repository with 200 committed files.
// Prints figures; asserts nothing.
// Run: node --import tsx bench/baseline.mjs
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBaseline } from '../src/validation/baseline/index.ts';

const repo = mkdtempSync(join(tmpdir(), 'pipe-bench-baseline-'));
const git = (...args) => execFileSync('git', args, { cwd: repo, stdio: 'ignore' });
try {
  git('init', '-q', '-b', 'main');
  mkdirSync(join(repo, 'calc'));
  mkdirSync(join(repo, 'tests'));
  writeFileSync(join(repo, 'calc/__init__.py'), '');
  for (let i = 0; i < 200; i++) writeFileSync(join(repo, `calc/m${i}.py`), `def f${i}(x):\n    return x + ${i}\n`);
  writeFileSync(join(repo, 'tests/test_m.py'), 'from calc.m1 import f1\n\n\ndef test_f1():\n    assert f1(1) == 2\n');
  git('add', '-A');
  git('-c', 'user.email=b@b', '-c', 'user.name=b', 'commit', '-qm', 'init');
  const policy = { safety: { allowed_executables: ['python3'] }, validators: { pytest: { argv: ['python3', '-m', 'pytest', '-q', '-p', 'no:cacheprovider'], timeout_s: 120, parser: 'pytest' } } };
  const once = async (mode) => {
    const t0 = performance.now();
    const r = await runBaseline({ repoRoot: repo, validators: ['pytest'], policy, mode });
    if (r.status !== 'ready' || r.cached !== (mode === 'cached')) throw new Error(JSON.stringify(r.problems));
    return performance.now() - t0;
  };
  await once('always'); // warm-up, and fills the cache
  const runs = Number(process.env.BENCH_RUNS ?? 7);
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ran = [];
  const hit = [];
  for (let i = 0; i < runs; i++) {
    ran.push(await once('always'));
    hit.push(await once('cached'));
  }
  console.log(`baseline of one pytest validator, 201 files; median of ${runs}, interleaved`);
  console.log(`run (validation.baseline: always)  ${median(ran).toFixed(1)} ms`);
  console.log(`cache hit (cached)                 ${median(hit).toFixed(1)} ms`);
  console.log(`ratio hit / run                    ${(median(hit) / median(ran)).toFixed(3)}`);
} finally {
  rmSync(repo, { recursive: true, force: true });
}
