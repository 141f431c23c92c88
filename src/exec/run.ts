// The one subprocess wrapper: argv arrays, no shell, an executable allowlist, a timeout
// that kills the whole process group, capped output and a scrubbed environment.
import { execa } from 'execa';
import { basename, isAbsolute, relative, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { PipeError } from '../errors.js';
import { buildChildEnv } from './env.js';

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

function collectCapped(stream: Readable | null | undefined, cap: number): Promise<{ text: string; truncated: boolean }> {
  return new Promise((resolvePromise) => {
    if (!stream) return resolvePromise({ text: '', truncated: false });
    const chunks: Buffer[] = [];
    let kept = 0;
    let truncated = false;
    stream.on('data', (chunk: Buffer) => {
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
    const done = () => resolvePromise({ text: Buffer.concat(chunks).toString('utf8'), truncated });
    stream.on('end', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}

function checkRequest(request: ExecRequest): void {
  if (!Array.isArray(request.argv) || request.argv.length === 0 || typeof request.argv[0] !== 'string' || !request.argv[0]) {
    throw new PipeError('E_CONFIG', 'a command needs a non-empty argv array');
  }
  if (request.allowedExecutables) {
    const exe = request.argv[0];
    if (!request.allowedExecutables.includes(exe) && !request.allowedExecutables.includes(basename(exe))) {
      throw new PipeError('E_CONFIG', `executable '${exe}' is not in safety.allowed_executables (${request.allowedExecutables.join(', ') || 'empty'})`, {
        hint: `add '${basename(exe)}' to safety.allowed_executables in your policy if it is meant to run`,
      });
    }
  }
  if (request.root !== undefined) {
    const rel = relative(resolve(request.root), resolve(request.cwd));
    if (rel.startsWith('..') || isAbsolute(rel)) {
      throw new PipeError('E_CONFIG', `working directory '${request.cwd}' is outside the repository '${request.root}'`);
    }
  }
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

/** Runs one command. Never throws for the command's own failure: that is in the result. */
export const runCommand: Exec = async (request) => {
  checkRequest(request);
  const cap = request.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  const started = performance.now();
  const [file, ...args] = request.argv;
  const child = execa(file, args, {
    cwd: request.cwd,
    env: buildChildEnv(process.env, request.env ?? {}),
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
  if (request.input !== undefined) child.stdin?.end(request.input);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid);
  }, request.timeoutMs);
  const onAbort = () => killGroup(child.pid);
  request.signal?.addEventListener('abort', onAbort, { once: true });
  const [out, err, result] = await Promise.all([
    collectCapped(child.stdout, cap),
    collectCapped(child.stderr, cap),
    child,
  ]);
  clearTimeout(timer);
  request.signal?.removeEventListener('abort', onAbort);
  // Anything the command left behind in its group goes with it.
  if (timedOut || request.signal?.aborted) killGroup(child.pid);
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
