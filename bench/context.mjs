// Context build time against `git ls-files` on a 20,000-file repo, for a task whose
// globs match 200 files. Run: node --import tsx bench/context.mjs
// Prints figures only; the target is a ratio under 2x. Both are measured through pipe's
// subprocess wrapper, interleaved, on a warm file cache; medians and minimums shown.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { buildContext } from '../src/context/build.ts';
import { decideRoute } from '../src/routing/route.ts';
import { git, runCommand } from '../src/exec/run.ts';

const DIRS = 200;
const PER_DIR = 100;
const RUNS = 31;

const repo = mkdtempSync(join(tmpdir(), 'pipe-bench-ctx-'));
const gitq = (...args) => execFileSync('git', args, { cwd: repo, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@x' } });

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

try {
  gitq('init', '-q', '-b', 'main');
  for (let d = 0; d < DIRS; d++) {
    const dir = join(repo, `pkg${String(d).padStart(3, '0')}`);
    mkdirSync(dir);
    for (let f = 0; f < PER_DIR; f++) {
      writeFileSync(join(dir, `mod${f}.py`), `"""module ${d}/${f}"""\n\ndef f_${f}(x: int) -> int:\n    total = 0\n    for i in range(x):\n        total += i * ${f}\n    return total + ${d}\n`);
    }
  }
  writeFileSync(join(repo, '.gitignore'), '*.log\n');
  gitq('add', '-A');
  gitq('commit', '-q', '-m', 'bench');

  const policy = parse(readFileSync(new URL('../policies/default.yaml', import.meta.url), 'utf8'));
  const task = { apiVersion: 'pipe/v1', kind: 'Task', id: 'bench', goal: 'Make f_1 faster.', intent: 'bugfix', allowed_files: ['pkg007/**/*.py', 'pkg123/*.py'] };
  const route = decideRoute(policy, { role: 'general_builder', rule: 'default', ruleIndex: 0, reason: 'bench' }, { provider: 'fake', escalationDepth: 0 });
  const ctx = {
    task,
    policy,
    repo,
    attempt: 1,
    maxAttempts: 3,
    work: { filesChanged: [], attempts: [], escalationDepth: 0, lastVerdict: null, extra: {} },
    services: { exec: runCommand, records: { dir: null } },
  };

  // Warm-up: loads the tokenizer and fills the OS file cache for both sides.
  const warm = await buildContext(ctx, route);
  await git(runCommand, repo, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']);

  const lsTimes = [];
  const buildTimes = [];
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now();
    await git(runCommand, repo, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
    lsTimes.push(performance.now() - t);
    t = performance.now();
    await buildContext(ctx, route);
    buildTimes.push(performance.now() - t);
  }
  const ls = median(lsTimes);
  const build = median(buildTimes);
  console.log(`repo: ${DIRS * PER_DIR} files; task globs match ${warm.files.length} files (${warm.contextChars} chars, ${warm.inputTokens} input tokens, ${warm.cut.length} cut)`);
  console.log(`git ls-files (median of ${RUNS}): ${ls.toFixed(1)} ms`);
  console.log(`buildContext  (median of ${RUNS}): ${build.toFixed(1)} ms`);
  console.log(`ratio: ${(build / ls).toFixed(2)}x (target < 2x); best-of-${RUNS}: ${Math.min(...buildTimes).toFixed(1)} / ${Math.min(...lsTimes).toFixed(1)} ms = ${(Math.min(...buildTimes) / Math.min(...lsTimes)).toFixed(2)}x`);
} finally {
  rmSync(repo, { recursive: true, force: true });
}
