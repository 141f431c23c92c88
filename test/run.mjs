#!/usr/bin/env node
// Runs every test/**/*.test.ts file in its own process (uvu + tsx), a few at a time,
// and ends with the one line CI reads: `N passed, N failed, N skipped` (a test that
// cannot run here is a named uvu skip, counted, never an early return counted as a pass).
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const recordTimings = args.includes('--record-timings');
const filter = args.filter((a) => !a.startsWith('--'));
const TIMINGS = join(root, 'test', 'timings.json');

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (name === 'fixtures' || name === 'node_modules') continue;
    if (statSync(full).isDirectory()) out.push(...findTests(full));
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const files = findTests(join(root, 'test')).filter((f) => filter.length === 0 || filter.some((p) => f.includes(p)));
const strip = (s) => s.replace(/\u001b\[[0-9;]*m/g, '');

function runFile(file) {
  return new Promise((resolvePromise) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: root,
      env: { ...process.env, NODE_DISABLE_COLORS: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10 * 60 * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let text = strip(out);
      const total = Number(/Total:\s+(\d+)/.exec(text)?.[1] ?? NaN);
      const passed = Number(/Passed:\s+(\d+)/.exec(text)?.[1] ?? NaN);
      const skipped = Number(/Skipped:\s+(\d+)/.exec(text)?.[1] ?? 0);
      let result;
      if (Number.isNaN(total) || Number.isNaN(passed)) {
        // No uvu summary: the process died before the end. Say how, so a crash seen once
        // under load can be told apart from a failing test (exit code, or the signal).
        result = { passed: 0, failed: 1, skipped: 0, crashed: true };
        text += `\n(no uvu summary: the test process ${signal ? `was killed by ${signal}` : `exited with code ${code}`} after ${Date.now() - started} ms)`;
      }
      // uvu's Total excludes test.skip'd tests, so skips are not subtracted again.
      else result = { passed, failed: total - passed, skipped };
      if (code !== 0 && result.failed === 0) result.failed = 1;
      resolvePromise({ file, code, text, ms: Date.now() - started, ...result });
    });
  });
}

// Test files spend much of their time waiting on subprocesses (git, pytest, bwrap) and on
// fsync, so twice the core count keeps the cores busy (at most 4; PIPE_TEST_JOBS overrides).
const width = Math.max(1, Math.min(Number(process.env.PIPE_TEST_JOBS) || availableParallelism() * 2, 4));

// Longest first (longest-processing-time scheduling): in alphabetical order the slowest
// files (e2e/, replay/) started last and ran alone at the end. test/timings.json holds
// each file's milliseconds from one full run (`node test/run.mjs --record-timings`
// rewrites it); a file not listed there yet goes first, so a new slow file never ends last.
const timings = existsSync(TIMINGS) ? JSON.parse(readFileSync(TIMINGS, 'utf8')) : {};
const expected = (file) => timings[relative(root, file)] ?? Infinity;
const queue = [...files].sort((a, b) => expected(b) - expected(a));
const results = [];
async function worker() {
  while (queue.length) {
    const file = queue.shift();
    const r = await runFile(file);
    results.push(r);
    const name = relative(root, file);
    const mark = r.failed ? 'FAIL' : 'ok  ';
    console.log(`${mark} ${name}  (${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}, ${r.ms} ms)`);
    if (r.failed) console.log(r.text.split('\n').map((l) => `     ${l}`).join('\n'));
  }
}
await Promise.all(Array.from({ length: width }, worker));
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
const skipped = results.reduce((n, r) => n + r.skipped, 0);
if (files.length === 0) console.log('no test files found');
if (recordTimings) {
  const next = filter.length ? { ...timings } : {};
  for (const r of results) next[relative(root, r.file)] = r.ms;
  const sorted = Object.fromEntries(Object.keys(next).sort().map((k) => [k, next[k]]));
  writeFileSync(TIMINGS, `${JSON.stringify(sorted, null, 2)}\n`);
  console.log(`wrote ${relative(root, TIMINGS)} (${results.length} files)`);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || files.length === 0 ? 1 : 0);
