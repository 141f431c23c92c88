// The subprocess wrapper against real processes: no shell, allowlist, cwd pinning,
// process-group kill at the timeout, capped output, scrubbed environment.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand, git, resolveExecutable } from '../../src/exec/run.js';
import { isPipeError } from '../../src/errors.js';
import { makeRepo, tempDir, cleanup } from '../helpers/repo.js';
import { rejection } from '../helpers/throws.js';

/** True while `pid` is a live (non-zombie) process. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

async function waitGone(pid: number, ms = 2000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return !alive(pid);
}

async function rejects(promise: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  const err = await rejection(() => promise, 'the command');
  assert.ok(isPipeError(err), `expected PipeError, got ${String(err)}`);
  assert.is((err as { code: string }).code, code);
  assert.match((err as Error).message, pattern);
}

test('argv is passed verbatim, never through a shell', async () => {
  const r = await runCommand({ argv: ['node', '-e', 'console.log(process.argv[1])', '$(echo pwned); ls *'], cwd: process.cwd(), timeoutMs: 10_000 });
  assert.is(r.exitCode, 0);
  assert.is(r.stdout.trim(), '$(echo pwned); ls *');
  assert.is(r.failed, false);
});

test('argv[0] must be on the allowlist; a planted ./python3 never passes', async () => {
  const repo = makeRepo({ 'python3': '#!/bin/sh\necho planted\n' });
  try {
    chmodSync(join(repo, 'python3'), 0o755);
    await rejects(runCommand({ argv: ['python3', '-V'], cwd: repo, root: repo, timeoutMs: 5000, allowedExecutables: ['node'] }), 'E_CONFIG', /'python3' is not in safety.allowed_executables \(node\)/);
    await rejects(runCommand({ argv: ['./python3'], cwd: repo, root: repo, timeoutMs: 5000, allowedExecutables: ['python3'] }), 'E_CONFIG', /not in safety.allowed_executables/);
    await rejects(runCommand({ argv: [join(repo, 'python3')], cwd: repo, root: repo, timeoutMs: 5000, allowedExecutables: ['python3'] }), 'E_CONFIG', /not in safety.allowed_executables/);
    const ok = await runCommand({ argv: ['python3', '-c', 'print("real")'], cwd: repo, root: repo, timeoutMs: 10_000, allowedExecutables: ['python3'] });
    assert.is(ok.stdout.trim(), 'real');
  } finally {
    cleanup(repo);
  }
});

test('PATH entries inside the repo (or relative) are skipped when resolving argv[0]', async () => {
  const repo = makeRepo({ 'bin/python3': '#!/bin/sh\necho planted\n', 'x.txt': 'x' });
  try {
    chmodSync(join(repo, 'bin', 'python3'), 0o755);
    const path = `${join(repo, 'bin')}:.:${process.env.PATH}`;
    assert.is(resolveExecutable('python3', path, repo)?.startsWith(repo), false);
    assert.is(resolveExecutable('python3', path), join(repo, 'bin', 'python3'));
    const r = await runCommand({ argv: ['python3', '-c', 'print("real")'], cwd: repo, root: repo, timeoutMs: 10_000, env: { PATH: path }, allowedExecutables: ['python3'] });
    assert.is(r.stdout.trim(), 'real');
    const missing = await runCommand({ argv: ['no-such-tool-xyz'], cwd: repo, timeoutMs: 5000 });
    assert.is(missing.failed, true);
    assert.match(missing.spawnError ?? '', /not found/);
  } finally {
    cleanup(repo);
  }
});

test('cwd must stay inside the repo, symlinks included', async () => {
  const repo = makeRepo({ 'a.txt': 'a' });
  const outside = tempDir();
  try {
    symlinkSync(outside, join(repo, 'escape'));
    await rejects(runCommand({ argv: ['node', '-v'], cwd: outside, root: repo, timeoutMs: 5000 }), 'E_CONFIG', /outside the repository/);
    await rejects(runCommand({ argv: ['node', '-v'], cwd: join(repo, 'escape'), root: repo, timeoutMs: 5000 }), 'E_CONFIG', /outside the repository/);
    await rejects(runCommand({ argv: ['node', '-v'], cwd: join(repo, '..'), root: repo, timeoutMs: 5000 }), 'E_CONFIG', /outside the repository/);
    mkdirSync(join(repo, 'sub'));
    const r = await runCommand({ argv: ['node', '-p', 'process.cwd()'], cwd: join(repo, 'sub'), root: repo, timeoutMs: 10_000 });
    assert.match(r.stdout.trim(), /sub$/);
  } finally {
    cleanup(repo, outside);
  }
});

test('a sleeper and its child are killed at the timeout', async () => {
  // sh, not python3: it starts in milliseconds, so even a loaded machine prints the
  // grandchild's pid before the timeout (python3's start-up once took longer and the test flaked).
  const r = await runCommand({ argv: ['sh', '-c', 'sleep 1000 & echo $!; sleep 1000'], cwd: process.cwd(), timeoutMs: 1500 });
  assert.is(r.timedOut, true);
  assert.is(r.failed, true);
  assert.is(r.signal, 'SIGKILL');
  const childPid = Number(r.stdout.trim());
  assert.ok(childPid > 0, `child pid printed: ${r.stdout}`);
  assert.ok(await waitGone(childPid), `grandchild ${childPid} still alive`);
});

test('a background child left behind by a finished command dies with it, without waiting for the timeout', async () => {
  const script = "import subprocess\np = subprocess.Popen(['sleep', '1000'])\nprint(p.pid, flush=True)";
  const r = await runCommand({ argv: ['python3', '-c', script], cwd: process.cwd(), timeoutMs: 20_000 });
  assert.is(r.exitCode, 0);
  assert.is(r.timedOut, false, 'it did not wait for the timeout');
  assert.ok(await waitGone(Number(r.stdout.trim())));
});

test('unsandboxed, a setsid daemon escapes the process group; with reapDetached it is found by its tag and killed', async () => {
  // A new session (and process group) and a double fork: the daemon is reparented away from the command.
  const script = "import subprocess\np = subprocess.Popen(['sleep', '1001'], start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\nprint(p.pid, flush=True)";
  const escaped = await runCommand({ argv: ['python3', '-c', script], cwd: process.cwd(), timeoutMs: 20_000 });
  const survivor = Number(escaped.stdout.trim());
  try {
    assert.ok(survivor > 0 && !(await waitGone(survivor, 500)), 'without reapDetached the daemon outlives the command: the probe is real');
  } finally {
    if (alive(survivor)) process.kill(survivor, 'SIGKILL');
  }
  const reaped = await runCommand({ argv: ['python3', '-c', script], cwd: process.cwd(), timeoutMs: 20_000, reapDetached: true });
  assert.is(reaped.exitCode, 0, reaped.stderr);
  const pid = Number(reaped.stdout.trim());
  assert.ok(pid > 0 && (await waitGone(pid)), `daemon ${pid} outlived a command run with reapDetached`);
});

test('a command printing 1 GiB is capped and memory stays bounded', async () => {
  const script = "import sys\nb = b'x' * (1 << 20)\nfor _ in range(1024): sys.stdout.buffer.write(b)\nsys.stderr.write('done')";
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const cap = 256 * 1024;
  const r = await runCommand({ argv: ['python3', '-c', script], cwd: process.cwd(), timeoutMs: 60_000, maxOutputBytes: cap });
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  assert.is(r.exitCode, 0);
  assert.is(r.stdout.length, cap);
  assert.is(r.stdoutTruncated, true);
  assert.is(r.stderr, 'done');
  assert.is(r.stderrTruncated, false);
  const growthMb = (peak - before) / (1 << 20);
  assert.ok(growthMb < 128, `rss grew by ${growthMb.toFixed(1)} MiB for 1 GiB of output`);
});

test('an endless printer is capped and killed at its timeout', async () => {
  // `yes` starts at once (python3's start-up under load once outlasted the 1 s timeout).
  const r = await runCommand({ argv: ['yes', 'y'], cwd: process.cwd(), timeoutMs: 1000, maxOutputBytes: 1000 });
  assert.is(r.timedOut, true);
  assert.is(r.stdout.length, 1000);
  assert.is(r.stdoutTruncated, true);
});

test('the environment carries no credentials and tells Python not to write bytecode', async () => {
  const names = ['OPENAI_API_KEY', 'GITHUB_TOKEN', 'MY_SERVICE_SECRET', 'AWS_SECRET_ACCESS_KEY', 'NPM_TOKEN', 'DB_PASSWORD'];
  for (const n of names) process.env[n] = `value-of-${n}-1234567890`;
  try {
    const r = await runCommand({
      argv: ['python3', '-c', 'import os, json; print(json.dumps(dict(os.environ)))'],
      cwd: process.cwd(),
      timeoutMs: 10_000,
      env: { EXTRA_TOKEN: 'nope', MY_SETTING: 'yes' },
    });
    const env = JSON.parse(r.stdout) as Record<string, string>;
    for (const n of [...names, 'EXTRA_TOKEN']) assert.is(env[n], undefined, `${n} leaked`);
    assert.not.match(r.stdout, /value-of-/);
    assert.is(env.PYTHONDONTWRITEBYTECODE, '1');
    assert.is(env.MY_SETTING, 'yes');
    assert.ok(env.PATH);
  } finally {
    for (const n of names) delete process.env[n];
  }
});

test('Python run through the wrapper leaves no __pycache__ in the repo', async () => {
  const repo = makeRepo({ 'mod.py': 'X = 1\n', 'pkg/__init__.py': '', 'pkg/inner.py': 'Y = 2\n' });
  try {
    const r = await runCommand({ argv: ['python3', '-c', 'import mod, pkg.inner; print(mod.X + pkg.inner.Y)'], cwd: repo, root: repo, timeoutMs: 10_000 });
    assert.is(r.stdout.trim(), '3');
    assert.is(existsSync(join(repo, '__pycache__')), false);
    assert.is(existsSync(join(repo, 'pkg', '__pycache__')), false);
  } finally {
    cleanup(repo);
  }
});

test('stdin input, non-zero exits and cancellation', async () => {
  const echo = await runCommand({ argv: ['python3', '-c', 'import sys; d = sys.stdin.read(); print(d.upper()); sys.exit(3)'], cwd: process.cwd(), timeoutMs: 10_000, input: 'abc' });
  assert.is(echo.stdout.trim(), 'ABC');
  assert.is(echo.exitCode, 3);
  assert.is(echo.failed, true);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 300);
  const r = await runCommand({ argv: ['python3', '-c', 'import time; time.sleep(100)'], cwd: process.cwd(), timeoutMs: 30_000, signal: controller.signal });
  assert.is(r.failed, true);
  assert.is(r.timedOut, false, 'stopped by the abort, not by the 30 s timeout');
  await rejects(runCommand({ argv: [], cwd: process.cwd(), timeoutMs: 10 }), 'E_CONFIG', /non-empty argv/);
  await rejects(runCommand({ argv: ['node'], cwd: process.cwd(), timeoutMs: 0 }), 'E_CONFIG', /positive timeout/);
});

test('git() runs git with a fixed environment', async () => {
  const repo = makeRepo({ 'a.txt': 'hello\n' });
  try {
    writeFileSync(join(repo, 'a.txt'), 'changed\n');
    const r = await git(runCommand, repo, ['status', '--porcelain']);
    assert.is(r.exitCode, 0);
    assert.is(r.stdout, ' M a.txt\n');
  } finally {
    cleanup(repo);
  }
});

test.run();
