// The one subprocess wrapper: argv arrays, no shell, an executable allowlist, a timeout
// that kills the whole process group, capped output and a scrubbed environment; with a
// sandbox, the command runs inside bubblewrap (src/exec/sandbox/).
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, delimiter, isAbsolute, join, relative, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { PipeError } from '../errors.js';
import { buildChildEnv } from './env.js';
import { bwrapArgs } from './sandbox/bwrap-args.js';
import type { ExecSandbox } from './sandbox/types.js';

export interface ExecRequest {
  /** Command and arguments; argv[0] is looked up on PATH. */
  argv: string[];
  /** Working directory; must lie inside `root` when a root is given. */
  cwd: string;
  /** Directory the cwd must stay inside (the repo root). */
  root?: string;
  /** Kill the process group after this many milliseconds. */
  timeoutMs: number;
  /** Bytes of stdout and of stderr kept; the rest is drained and dropped. Default 1 MiB. */
  maxOutputBytes?: number;
  /** Executables allowed as argv[0] (by basename); undefined means no check (internal git calls). */
  allowedExecutables?: readonly string[];
  /** Extra environment variables (credential-looking names are dropped). */
  env?: Record<string, string>;
  /** Bytes written to stdin, then closed. */
  input?: string | Buffer;
  /** Cancels the command (process group killed). */
  signal?: AbortSignal;
  /** Run inside bubblewrap with these rules (argv[0] is resolved outside, then run inside). */
  sandbox?: ExecSandbox;
  /**
   * Without a sandbox: when the command ends, also kill the processes it left that escaped
   * its process group (`setsid`, a double fork). They are found by a tag in their environment;
   * one started with an emptied environment (`env -i`) is not found. Linux only.
   */
  reapDetached?: boolean;
}

/** One shape for success and failure, as execa does. */
export interface ExecResult {
  argv: string[];
  cwd: string;
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  timedOut: boolean;
  /** True when the command did not exit 0 (including timeouts and spawn errors). */
  failed: boolean;
  /** Set when the command could not start (ENOENT, EACCES…). */
  spawnError?: string;
  durationMs: number;
}

export type Exec = (request: ExecRequest) => Promise<ExecResult>;

const DEFAULT_MAX_OUTPUT = 1024 * 1024;

/** Keeps the first `cap` bytes and drains the rest, so a runaway printer cannot grow memory. */
function collectCapped(stream: Readable | null | undefined, cap: number): Promise<{ text: string; truncated: boolean }> {
  return new Promise((resolvePromise) => {
    if (!stream) return resolvePromise({ text: '', truncated: false });
    const chunks: Buffer[] = [];
    let kept = 0;
    let truncated = false;
    let settled = false;
    stream.on('data', (chunk: Buffer | Uint8Array) => {
      if (kept >= cap) {
        truncated = true;
        return;
      }
      const room = cap - kept;
      const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
      if (piece.length < chunk.length) truncated = true;
      chunks.push(Buffer.from(piece));
      kept += piece.length;
    });
    const done = () => {
      if (settled) return;
      settled = true;
      resolvePromise({ text: Buffer.concat(chunks).toString('utf8'), truncated });
    };
    stream.on('end', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function realOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds a bare command name on PATH, skipping relative entries ('' and '.') and entries
 * inside the repository: validators run in a tree the model wrote, and a patch must not be
 * able to plant its own `python3` there.
 */
export function resolveExecutable(name: string, pathValue: string | undefined, root?: string): string | null {
  const realRoot = root === undefined ? undefined : realOrResolved(root);
  for (const dir of (pathValue ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    if (realRoot !== undefined && isInside(realRoot, realOrResolved(dir))) continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/**
 * The allowlist rule: a bare name must be listed by name; a path must be listed exactly, or
 * be an absolute path outside the repo whose basename is listed. A `./python3` the model
 * wrote never passes.
 */
export function isAllowedExecutable(exe: string, list: readonly string[], root?: string): boolean {
  const outsideRepo = root === undefined || !isInside(realOrResolved(root), realOrResolved(exe));
  return list.includes(exe) || (exe.includes('/') && isAbsolute(exe) && outsideRepo && list.includes(basename(exe)));
}

function checkRequest(request: ExecRequest): void {
  if (!Array.isArray(request.argv) || request.argv.length === 0 || request.argv.some((a) => typeof a !== 'string') || !request.argv[0]) {
    throw new PipeError('E_CONFIG', 'a command needs a non-empty argv array of strings');
  }
  if (!Number.isFinite(request.timeoutMs) || request.timeoutMs <= 0) {
    throw new PipeError('E_CONFIG', `command '${request.argv[0]}' needs a positive timeout (got ${request.timeoutMs} ms)`);
  }
  if (request.allowedExecutables) {
    const exe = request.argv[0];
    if (!isAllowedExecutable(exe, request.allowedExecutables, request.root)) {
      throw new PipeError('E_CONFIG', `executable '${exe}' is not in safety.allowed_executables (${request.allowedExecutables.join(', ') || 'empty'})`, {
        hint: `add '${exe.includes('/') ? exe : basename(exe)}' to safety.allowed_executables in your policy if it is meant to run`,
      });
    }
  }
  if (request.root !== undefined) {
    const root = realOrResolved(request.root);
    const cwd = realOrResolved(request.cwd);
    if (!isInside(root, cwd)) {
      throw new PipeError('E_CONFIG', `working directory '${request.cwd}' is outside the repository '${request.root}'`, {
        hint: 'a validator cwd is relative to the repository root and must stay inside it',
      });
    }
  }
}

// Process groups still running, killed if pipe itself exits first (execa's own cleanup
// does not cover detached children).
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function trackGroup(pid: number): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const group of liveGroups) killGroup(group);
    });
  }
  liveGroups.add(pid);
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

const TAG_NAME = 'PIPE_VALIDATOR_TAG';

/** SIGKILLs every process whose environment holds `tag`, a few passes (a dying daemon may fork); returns how many. */
export function killTagged(tag: string): number {
  const needle = `${TAG_NAME}=${tag}`;
  let killed = 0;
  for (let pass = 0; pass < 5; pass++) {
    let found = 0;
    let pids: string[] = [];
    try {
      pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid);
    } catch {
      return killed;
    }
    for (const pid of pids) {
      try {
        if (!readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(needle)) continue;
        process.kill(Number(pid), 'SIGKILL');
        found += 1;
      } catch {
        /* gone, or not ours to read */
      }
    }
    killed += found;
    if (!found) break;
  }
  return killed;
}

function spawnFailure(request: ExecRequest, message: string, started: number): ExecResult {
  return {
    argv: request.argv,
    cwd: request.cwd,
    exitCode: null,
    signal: null,
    stdout: '',
    stderr: '',
    stdoutTruncated: false,
    stderrTruncated: false,
    timedOut: false,
    failed: true,
    spawnError: message,
    durationMs: Math.round(performance.now() - started),
  };
}

/** Runs one command. Never throws for the command's own failure: that is in the result. */
export const runCommand: Exec = async (request) => {
  checkRequest(request);
  const started = performance.now();
  const cap = Math.max(0, request.maxOutputBytes ?? DEFAULT_MAX_OUTPUT);
  const env = buildChildEnv(process.env, request.env ?? {});
  const tag = request.reapDetached && !request.sandbox && process.platform === 'linux' ? randomBytes(12).toString('hex') : null;
  if (tag) env[TAG_NAME] = tag;
  const [name, ...rest] = request.argv;
  const resolved = name.includes('/') ? resolve(request.cwd, name) : resolveExecutable(name, env.PATH, request.root);
  if (resolved === null) return spawnFailure(request, `command not found on PATH: ${name}`, started);
  if (request.signal?.aborted) return { ...spawnFailure(request, 'cancelled before start', started), signal: 'SIGKILL' };
  // bwrap itself starts with the scrubbed environment too: its own /proc/<pid>/environ is
  // readable from inside, so --clearenv alone would still leak what pipe was given.
  const file = request.sandbox ? request.sandbox.bwrap : resolved;
  const args = request.sandbox ? bwrapArgs(request.sandbox.rules, { argv: [resolved, ...rest], cwd: realOrResolved(request.cwd), env }) : rest;
  const child = execa(file, args, {
    cwd: request.cwd,
    env,
    extendEnv: false,
    shell: false,
    reject: false,
    buffer: false,
    detached: true, // own process group, so a timeout kills grandchildren too
    cleanup: true,
    stdin: request.input === undefined ? 'ignore' : 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    encoding: 'buffer',
    windowsHide: true,
  });
  const pid = child.pid;
  if (pid !== undefined) trackGroup(pid);
  if (request.input !== undefined) {
    child.stdin?.on('error', () => undefined); // the command may exit without reading stdin
    child.stdin?.end(request.input);
  }
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(pid);
  }, request.timeoutMs);
  const onAbort = () => killGroup(pid);
  request.signal?.addEventListener('abort', onAbort, { once: true });
  // When the leader exits, whatever it left running in its group goes too: a background
  // grandchild would otherwise hold the pipes open (and keep running model-written code).
  child.once('exit', () => killGroup(pid));
  const [out, err, result] = await Promise.all([collectCapped(child.stdout, cap), collectCapped(child.stderr, cap), child]);
  clearTimeout(timer);
  request.signal?.removeEventListener('abort', onAbort);
  killGroup(pid);
  if (tag) killTagged(tag);
  if (pid !== undefined) liveGroups.delete(pid);
  const spawnError = result.failed && result.exitCode === undefined && !result.signal ? result.shortMessage : undefined;
  const exitCode = result.exitCode ?? null;
  return {
    argv: request.argv,
    cwd: request.cwd,
    exitCode,
    signal: result.signal ?? null,
    stdout: out.text,
    stderr: err.text,
    stdoutTruncated: out.truncated,
    stderrTruncated: err.truncated,
    timedOut,
    failed: timedOut || exitCode !== 0,
    spawnError,
    durationMs: Math.round(performance.now() - started),
  };
};

/** Runs git in `cwd` with a fixed environment and no allowlist check (git is pipe's own tool). */
export async function git(
  exec: Exec,
  cwd: string,
  args: string[],
  options: { input?: string | Buffer; timeoutMs?: number; maxOutputBytes?: number } = {},
): Promise<ExecResult> {
  return exec({
    argv: ['git', ...args],
    cwd,
    timeoutMs: options.timeoutMs ?? 60_000,
    maxOutputBytes: options.maxOutputBytes ?? 64 * 1024 * 1024,
    input: options.input,
    env: { GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
  });
}
