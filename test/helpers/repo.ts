// Real git repositories in temp folders, and the built CLI as a real subprocess.
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'run.js');

export function tempDir(prefix = 'pipe-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeFiles(dir: string, files: Record<string, string | Buffer>): void {
  for (const [name, content] of Object.entries(files)) {
    const full = join(dir, name);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
}

export function gitIn(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
  });
}

/** A temp git repo with `files` committed. Remove it with `rmSync(dir, {recursive: true, force: true})` or `cleanup`. */
export function makeRepo(files: Record<string, string | Buffer> = {}): string {
  const dir = tempDir('pipe-repo-');
  gitIn(dir, 'init', '-q', '-b', 'main');
  gitIn(dir, 'config', 'user.email', 't@example.com');
  gitIn(dir, 'config', 'user.name', 't');
  gitIn(dir, 'config', 'core.autocrlf', 'false');
  writeFiles(dir, files);
  if (Object.keys(files).length) {
    gitIn(dir, 'add', '-A');
    gitIn(dir, 'commit', '-q', '-m', 'init');
  }
  return dir;
}

export function cleanup(...dirs: string[]): void {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `pipe` binary (npm test builds first). */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string | undefined>; input?: string; timeoutMs?: number } = {}): CliResult {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...options.env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: env as NodeJS.ProcessEnv,
    input: options.input,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The built CLI as an async child, so the test process can serve a loopback API meanwhile. */
export function runCliAsync(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Every file's bytes under dir (excluding .git and .pipe), for byte-identical comparisons. */
export function snapshotTree(dir: string, skip = ['.git', '.pipe']): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const name of readdirSync(d).sort()) {
      if (prefix === '' && skip.includes(name)) continue;
      const full = join(d, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full, `${prefix}${name}/`);
      else out[`${prefix}${name}`] = `${(st.mode & 0o777).toString(8)}:${readFileSync(full).toString('base64')}`;
    }
  };
  walk(dir, '');
  return out;
}

/** Whether an executable is on PATH (tests of optional real tools skip, by name, without it). */
export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Registers a uvu test that needs `tool`: without it the test is skipped, and a line says
 * which and why. CI installs the tool (.ci/run); elsewhere the suite still passes.
 */
export function testWithTool<F>(t: { (name: string, fn: F): void; skip: (name: string, fn: F) => void }, tool: string): (name: string, fn: F) => void {
  return (name, fn) => {
    if (hasTool(tool)) return t(name, fn);
    process.stdout.write(`skipped: ${name} — ${tool} is not installed (apt-get install -y ${tool})\n`);
    t.skip(name, fn);
  };
}

/**
 * A long-lived child that runs many `pipe` invocations through the real oclif entry, one at a
 * time (test/helpers/cli-host.mjs). For corpora of many CLI runs, where starting Node for each
 * would cost more than the runs themselves; `close()` when done.
 */
export interface CliHost {
  run(args: string[], cwd: string): Promise<CliResult>;
  close(): void;
}

export function startCliHost(env: Record<string, string> = {}): Promise<CliHost> {
  const child = spawn(process.execPath, [join(ROOT, 'test', 'helpers', 'cli-host.mjs')], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, (r: CliResult) => void>();
  let next = 1;
  return new Promise((resolveHost, rejectHost) => {
    child.once('error', rejectHost);
    child.on('exit', (code) => {
      for (const done of pending.values()) done({ code: code ?? -1, stdout: '', stderr: `the CLI host exited (${code})` });
      pending.clear();
    });
    child.on('message', (msg: { ready?: boolean; id?: number } & CliResult) => {
      if (msg.ready) {
        resolveHost({
          run: (args, cwd) =>
            new Promise((done) => {
              const id = next++;
              pending.set(id, done);
              child.send({ id, args, cwd });
            }),
          close: () => child.disconnect(),
        });
        return;
      }
      const done = pending.get(msg.id!);
      pending.delete(msg.id!);
      done?.({ code: msg.code, stdout: msg.stdout, stderr: msg.stderr });
    });
  });
}
