// Running validators with real processes and real tools: parallelism, cheap-first order,
// fail-fast, deterministic output, allowlist and unknown names, real pytest / mypy / tsc.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, existsSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../../src/exec/run.js';
import { runValidators } from '../../src/validation/run.js';
import { resolveValidatorSpecs, maxParallel } from '../../src/validation/specs.js';
import { isPipeError } from '../../src/errors.js';
import type { Policy } from '../../src/types/generated/index.js';
import { makeRepo, tempDir, cleanup, gitIn, ROOT, testWithTool } from '../helpers/repo.js';
import { thrown } from '../helpers/throws.js';
import { isProcessAlive } from '../../src/records/process-alive.js';
import { resetRedaction } from '../../src/records/redact.js';

// Real mypy (Debian's package); skipped by name where it is not installed.
const testWithMypy = testWithTool(test, 'mypy');

const ALLOWED = ['python3', 'mypy', 'tsc', 'node'];

function policy(validators: Policy['validators'], extra: Partial<Policy> = {}): Policy {
  return { apiVersion: 'pipe/v1', kind: 'Policy', safety: { allowed_executables: ALLOWED }, validators, ...extra } as Policy;
}

const sleeper = (seconds: number, log?: string, name?: string) => ({
  argv: ['python3', '-c', `import time, os\n${log ? `open(${JSON.stringify(log)}, 'a').write(${JSON.stringify(name)} + '\\n')\n` : ''}time.sleep(${seconds})`],
  timeout_s: 30,
  parser: 'exit-code' as const,
});

async function run(p: Policy, names: string[], repo: string, opts: { failFast?: boolean; parallel?: number } = {}) {
  return runValidators({
    repo,
    exec: runCommand,
    specs: resolveValidatorSpecs(p, names, repo),
    allowedExecutables: p.safety?.allowed_executables ?? [],
    maxParallel: opts.parallel ?? maxParallel(p),
    failFast: opts.failFast ?? false,
  });
}

/** A validator that marks itself started, then passes only once all `names` have started (a barrier). */
const barrier = (dir: string, name: string, names: string[]) => ({
  argv: [
    'python3',
    '-c',
    [
      'import os, sys, time',
      `d = ${JSON.stringify(dir)}`,
      `open(os.path.join(d, ${JSON.stringify(name)}), 'w').close()`,
      'deadline = time.time() + 60',
      `while not all(os.path.exists(os.path.join(d, n)) for n in ${JSON.stringify(names)}):`,
      '    if time.time() > deadline: sys.exit(1)',
      '    time.sleep(0.02)',
    ].join('\n'),
  ],
  timeout_s: 90,
  parser: 'exit-code' as const,
});

test('three validators run at the same time, results in the given order', async () => {
  // Each one waits until all three have started, so run one after another they would fail:
  // passing proves they overlapped, however slow the machine.
  const repo = makeRepo({ 'a.txt': 'a' });
  const marks = tempDir();
  try {
    const names = ['a', 'b', 'c'];
    const p = policy({ a: barrier(marks, 'a', names), b: barrier(marks, 'b', names), c: barrier(marks, 'c', names) });
    const out = await run(p, ['c', 'a', 'b'], repo, { parallel: 3 });
    assert.equal(out.map((o) => [o.name, o.status]), [['c', 'passed'], ['a', 'passed'], ['b', 'passed']]);
  } finally {
    cleanup(repo, marks);
  }
});

test('cheap validators start first; max_parallel 1 runs one at a time', async () => {
  const repo = makeRepo({ 'a.txt': 'a' });
  const logDir = tempDir();
  const log = join(logDir, 'order.log');
  try {
    const p = policy({
      slow: { ...sleeper(0.1, log, 'slow'), cost: 'expensive' },
      mid: { ...sleeper(0.1, log, 'mid') },
      fast: { ...sleeper(0.1, log, 'fast'), cost: 'cheap' },
    }, { validation: { max_parallel: 1 } });
    assert.is(maxParallel(p), 1);
    const out = await run(p, ['slow', 'mid', 'fast'], repo);
    assert.equal(readFileSync(log, 'utf8').trim().split('\n'), ['fast', 'mid', 'slow']);
    assert.equal(out.map((o) => o.name), ['slow', 'mid', 'fast']);
  } finally {
    cleanup(repo, logDir);
  }
});

test('fail-fast skips what has not started and cancels what is running', async () => {
  const repo = makeRepo({ 'a.txt': 'a' });
  const pidDir = tempDir();
  const pidFile = join(pidDir, 'long.pid');
  try {
    const p = policy({
      bad: { argv: ['python3', '-c', 'import sys; sys.exit(1)'], parser: 'exit-code', cost: 'cheap' },
      long: {
        argv: ['python3', '-c', `import os, time\nopen(${JSON.stringify(pidFile)}, 'w').write(str(os.getpid()))\ntime.sleep(60)`],
        timeout_s: 90,
        parser: 'exit-code' as const,
        cost: 'normal',
      },
      later: { ...sleeper(0), cost: 'expensive' },
    });
    const out = await run(p, ['long', 'later', 'bad'], repo, { failFast: true, parallel: 2 });
    // The long one was started and is gone when the run returns: cancelled, not waited for.
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8'));
      assert.not.ok(isProcessAlive(pid), 'the long validator still runs');
    }
    assert.equal(out.map((o) => [o.name, o.status]), [['long', 'skipped'], ['later', 'skipped'], ['bad', 'failed']]);
    assert.match(out[0].note ?? '', /fail-fast/);
    const noFailFast = await run(p, ['bad', 'later'], repo, { failFast: false, parallel: 1 });
    assert.equal(noFailFast.map((o) => o.status), ['failed', 'passed']);
    assert.equal(noFailFast[0].failures.map((f) => [f.category, f.message]), [['exit-code', 'bad exited with code 1']]);
  } finally {
    cleanup(repo, pidDir);
  }
});

test('unknown names, executables off the allowlist, credential env and escaping cwd are configuration errors', () => {
  const p = policy({ ok: sleeper(0), curl: { argv: ['curl', 'http://x'] }, leaky: { argv: ['python3'], env: { GITHUB_TOKEN: 'x' } }, out: { argv: ['python3'], cwd: '../..' } });
  const expectConfig = (names: string[], re: RegExp) => {
    {
      const err = thrown(() => resolveValidatorSpecs(p, names, '/tmp/repo'), 'should throw');
      assert.ok(isPipeError(err));
      assert.is((err as { code: string }).code, 'E_CONFIG');
      assert.match((err as Error).message, re);
    }
  };
  expectConfig(['ok', 'nope', 'ruff'], /unknown validators 'nope', 'ruff'; the policy defines: curl, leaky, ok, out/);
  expectConfig(['curl'], /executable 'curl' is not in safety.allowed_executables/);
  expectConfig(['leaky'], /GITHUB_TOKEN looks like a credential/);
  expectConfig(['out'], /cwd '..\/..' is outside the repository/);
  assert.equal(resolveValidatorSpecs(p, ['ok', 'patch-safety', 'ok'], '/tmp/repo').map((s) => s.name), ['ok']);
});

test('a timed-out validator is one timeout failure', async () => {
  const repo = makeRepo({ 'a.txt': 'a' });
  try {
    const p = policy({ hang: { argv: ['python3', '-c', 'import time; time.sleep(60)'], timeout_s: 0.5, parser: 'pytest' } });
    const [o] = await run(p, ['hang'], repo);
    assert.is(o.status, 'failed');
    assert.is(o.timedOut, true);
    assert.equal(o.failures.map((f) => f.category), ['timeout']);
  } finally {
    cleanup(repo);
  }
});

test("a secret a validator prints is redacted in its failures and output, which also feed the retry prompt and the reviewer's packet", async () => {
  const repo = makeRepo({ 'a.txt': 'a' });
  process.env.PIPE_TEST_SECRET_TOKEN = 'hunter2-validator-secret';
  resetRedaction();
  try {
    // The value is assembled at run time (as a test reading /proc/<ppid>/environ would get it), not in argv.
    const p = policy({ leaky: { argv: ['python3', '-c', 'import sys; v = "hunter2-" + "validator-secret"; print("got " + v); print("Error: login with " + v, file=sys.stderr); sys.exit(1)'] } });
    const [o] = await run(p, ['leaky'], repo);
    assert.is(o.status, 'failed');
    const text = JSON.stringify(o);
    assert.not.ok(text.includes('hunter2-validator-secret'), text);
    assert.match(o.stdout, /got \[REDACTED\]/);
    assert.match(o.failures[0].message, /\[REDACTED\]/);
  } finally {
    delete process.env.PIPE_TEST_SECRET_TOKEN;
    resetRedaction();
    cleanup(repo);
  }
});

function pythonRepo(): string {
  const repo = makeRepo({});
  cpSync(join(ROOT, 'test', 'fixtures', 'python-project'), repo, { recursive: true });
  gitIn(repo, 'add', '-A');
  gitIn(repo, 'commit', '-q', '-m', 'fixture');
  return repo;
}

const PY_VALIDATORS: Policy['validators'] = {
  pytest: { argv: ['python3', '-m', 'pytest', '-q', '-rfE', '-p', 'no:cacheprovider', '-p', 'no:benchmark'], timeout_s: 120, parser: 'pytest' },
  mypy: { argv: ['mypy', '--no-color-output', '--show-column-numbers', '--show-error-codes', '--no-incremental', '--cache-dir=/dev/null', '.'], timeout_s: 120, parser: 'mypy', cost: 'cheap' },
};

testWithMypy('real pytest and mypy on the Python fixture; the tree stays clean', async () => {
  const repo = pythonRepo();
  try {
    const p = policy(PY_VALIDATORS);
    let out = await run(p, ['mypy', 'pytest'], repo);
    assert.equal(out.map((o) => [o.name, o.status]), [['mypy', 'passed'], ['pytest', 'failed']], JSON.stringify(out));
    assert.equal(out[1].failures.map((f) => [f.category, f.file, f.line]), [['test-failure', 'tests/test_slug.py', 9], ['test-failure', 'tests/test_slug.py', 13]]);
    // Break the types: mypy reports the error with its code, pytest is unchanged.
    appendFileSync(join(repo, 'slug', 'core.py'), '\n\ndef bad(x: int) -> str:\n    return x\n');
    out = await run(p, ['mypy', 'pytest'], repo);
    assert.equal(out[0].failures.map((f) => [f.category, f.file]), [['return-value', 'slug/core.py']]);
    assert.is(existsSync(join(repo, 'slug', '__pycache__')), false);
    assert.is(gitIn(repo, 'status', '--porcelain', '--untracked-files=all'), ' M slug/core.py\n');
  } finally {
    cleanup(repo);
  }
});

test('real tsc on the TypeScript fixture', async () => {
  const repo = makeRepo({});
  try {
    cpSync(join(ROOT, 'test', 'fixtures', 'ts-project'), repo, { recursive: true });
    const tsc = join(ROOT, 'node_modules', '.bin', 'tsc');
    const p = policy({ tsc: { argv: [tsc, '-p', '.', '--noEmit', '--pretty', 'false'], timeout_s: 120, parser: 'tsc' } });
    let [o] = await run(p, ['tsc'], repo);
    assert.is(o.status, 'passed', JSON.stringify(o));
    writeFileSync(join(repo, 'src', 'bad.ts'), "export const n: number = 'x';\n");
    [o] = await run(p, ['tsc'], repo);
    assert.equal(o.failures.map((f) => [f.category, f.file, f.line]), [['TS2322', 'src/bad.ts', 1]]);
  } finally {
    cleanup(repo);
  }
});

test.run();
