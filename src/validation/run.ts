// Runs a set of validators: cheap ones start first, up to max_parallel at once, optional
// fail-fast; results come back in the order the names were given, whatever finished first.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Exec } from '../exec/run.js';
import { denialAdvice, recogniseDenials, type SandboxRecord } from '../exec/sandbox/index.js';
import { failureId, getParser, passedTests, sortFailures, tapTestLine } from '../exec/validators/index.js';
import type { Failure } from './types.js';
import { costRank, type ValidatorSpec } from './specs.js';
import type { ValidatorSandboxPlan } from './sandbox.js';
import { redact } from '../records/redact.js';

export type ValidatorStatus = 'passed' | 'failed' | 'skipped';

export interface ValidatorOutcome {
  name: string;
  status: ValidatorStatus;
  failures: Failure[];
  parser: string;
  argv: string[];
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  outputTruncated: boolean;
  /** Why it did not run (fail-fast), or why it failed without parsed failures. */
  note: string | null;
  /** Tests the output names as passed (pytest -rA/-v, TAP), or null when passes are not visible. */
  passedTests: string[] | null;
  /** The captured output (each capped at max_output_bytes), kept in the run records. */
  stdout: string;
  stderr: string;
  /** Set when the command could not start (command not found…). */
  spawnError: string | null;
  /** The sandbox it ran in and its rules. */
  sandbox: SandboxRecord;
  /** Sandbox denials seen in the output of a failed run ("network is off in the sandbox"). */
  denials: string[];
}

const IN_PROCESS: SandboxRecord = { kind: 'in-process', rules: [], reason: 'built into pipe; runs no model-written code' };
const NOT_RUN: SandboxRecord = { kind: 'none', rules: [], reason: 'not run' };

/** A validator implemented in pipe itself (patch-safety). */
export interface BuiltinValidator {
  name: string;
  cost: ValidatorSpec['cost'];
  /** Failures (empty: passed), or `{ skipped }` with the reason it could not run. */
  run(signal: AbortSignal): Promise<Failure[] | { skipped: string }>;
}

export interface RunValidatorsOptions {
  repo: string;
  exec: Exec;
  specs: ValidatorSpec[];
  builtins?: BuiltinValidator[];
  allowedExecutables: readonly string[];
  maxParallel: number;
  failFast: boolean;
  signal?: AbortSignal;
  /** Called as each validator finishes (for events and progress). */
  onResult?: (outcome: ValidatorOutcome) => void;
  /** The sandbox each command validator runs in; without it, none. */
  sandboxFor?: (spec: ValidatorSpec) => ValidatorSandboxPlan;
}

type Job = { name: string; cost: ValidatorSpec['cost']; order: number; run: (signal: AbortSignal) => Promise<ValidatorOutcome> };

const ANSI = /\u001b\[[0-9;?]*[ -\/]*[@-~]/g;

/** Tools that colour their output anyway (pytest with FORCE_COLOR, eslint formatters) parse the same. */
function stripAnsi(text: string): string {
  return text.includes('\u001b') ? text.replace(ANSI, '') : text;
}

function lastLines(text: string, n: number): string {
  return text.split(/\r?\n/).map((l) => l.trimEnd()).filter(Boolean).slice(-n).join('\n');
}

/**
 * TAP output (`node --test`, tap, ava --tap): the failing tests' names and error lines say
 * more than the summary at the end of the output, which is all the last lines would show.
 */
function tapFailures(text: string, max: number): string {
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  let tests = 0;
  for (let i = 0; i < lines.length && tests < max; i++) {
    if (!/^\s*not ok \d+/.test(lines[i])) continue;
    tests += 1;
    out.push(lines[i].trim());
    for (let j = i + 1; j < lines.length && !/^\s*(not )?ok \d+|^\s*\.\.\.\s*$/.test(lines[j]); j++) {
      const m = /^\s*error:\s*(.*)$/.exec(lines[j]);
      if (!m) continue;
      if (!/^[|>]/.test(m[1])) {
        out.push(`  ${m[1].trim().replace(/^'(.*)'$/, '$1')}`);
        break;
      }
      // `error: |-` starts a block (lines indented deeper than the key): its first three non-empty lines.
      const indent = lines[j].length - lines[j].trimStart().length;
      const block: string[] = [];
      for (let k = j + 1; k < lines.length && block.length < 3; k++) {
        if (!lines[k].trim()) continue;
        if (lines[k].length - lines[k].trimStart().length <= indent) break;
        block.push(`  ${lines[k].trim()}`);
      }
      out.push(...block);
      break;
    }
  }
  return out.join('\n');
}

/**
 * vitest names a test by its file relative to where it ran (`test/a.test.ts > suite > test`).
 * From a validator's folder (a monorepo package) that file is made repo-relative, so two
 * packages' tests differ and a target names the file as the repository does.
 */
function repoRelativeTestName(name: string, repo: string, cwd: string): string {
  const head = name.split(' > ')[0];
  return cwd && head !== name && existsSync(join(repo, cwd, head)) ? `${cwd}/${name}` : name;
}

/**
 * A failed command whose output is TAP gives one failure per failing test, identified by
 * the test's name, so attempts can be compared test by test (fewer failing tests is
 * progress) instead of as one opaque exit code.
 */
function tapTestFailures(spec: ValidatorSpec, stdout: string, repo: string): Failure[] {
  const failures: Failure[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const tap = /^\s*not ok \d+/.test(line) ? tapTestLine(line) : null;
    if (!tap) continue;
    const name = repoRelativeTestName(tap.name || line.trim(), repo, spec.cwd);
    if (failures.some((f) => f.message.startsWith(`${name}:`) || f.message === name)) continue;
    const detail = tapFailures(stdout.slice(stdout.indexOf(line)), 1).split('\n').slice(1).map((l) => l.trim()).join(' ');
    failures.push({ validator: spec.name, id: failureId(spec.name, 'test-failure', null, name), category: 'test-failure', file: null, line: null, message: detail ? `${name}: ${detail}` : name, test: name });
  }
  return failures;
}

/**
 * The first line that reports an error (`error`, `Error:`, `ERR!`, `✖`, `✗`, `FAIL`), not a
 * warning: what a person would look for first in a failed command's output.
 */
export function firstErrorLine(text: string): string | null {
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || /\bwarn(ing)?\b/i.test(line)) continue;
    if (/\berror\b|\bERR!|[✖✗×]|^FAIL\b|\bnot found\b|^E\s{2,}/i.test(line)) return line.slice(0, 400);
  }
  return null;
}

/** One failure for a command that failed without anything the parser understood. */
function genericFailure(spec: ValidatorSpec, r: { exitCode: number | null; timedOut: boolean; spawnError?: string; stdout: string; stderr: string; truncated: boolean }): Failure {
  let category: string;
  let stable: string;
  if (r.timedOut) {
    category = 'timeout';
    stable = `timed out after ${Math.round(spec.timeoutMs / 1000)} s`;
  } else if (r.spawnError) {
    category = 'spawn-error';
    stable = `could not start: ${r.spawnError}`;
  } else {
    category = 'exit-code';
    stable = `exited with code ${r.exitCode ?? 'null'}`;
  }
  const errorLine = firstErrorLine(`${r.stderr}\n${r.stdout}`);
  const tail = lastLines(r.stderr || r.stdout, 5);
  const detail = tapFailures(r.stdout, 5) || (errorLine && !tail.includes(errorLine) ? `${errorLine}\n…\n${tail}` : tail);
  const message = `${spec.name} ${stable}${r.truncated ? ' (output truncated)' : ''}${detail ? `: ${detail}` : ''}`;
  return { validator: spec.name, id: failureId(spec.name, category, null, stable), category, file: null, line: null, message };
}

function commandJob(options: RunValidatorsOptions, spec: ValidatorSpec, order: number): Job {
  return {
    name: spec.name,
    cost: spec.cost,
    order,
    run: async (signal) => {
      const box = options.sandboxFor?.(spec) ?? { exec: undefined, rules: null, record: { kind: 'none', rules: [], reason: 'no sandbox configured' } };
      const r = await options.exec({
        argv: spec.argv,
        cwd: spec.cwd ? join(options.repo, spec.cwd) : options.repo,
        root: options.repo,
        timeoutMs: spec.timeoutMs,
        maxOutputBytes: spec.maxOutputBytes,
        allowedExecutables: options.allowedExecutables,
        env: spec.env,
        signal,
        sandbox: box.exec,
        // In bwrap its PID namespace ends everything; without one, what escaped the process group is found and killed.
        reapDetached: true,
      });
      const truncated = r.stdoutTruncated || r.stderrTruncated;
      const stdout = stripAnsi(r.stdout);
      const stderr = stripAnsi(r.stderr);
      let failures = r.timedOut
        ? []
        : getParser(spec.parser)({ validator: spec.name, exitCode: r.exitCode, timedOut: r.timedOut, stdout, stderr, repo: options.repo, cwd: spec.cwd });
      if (r.failed && failures.length === 0 && !r.timedOut && !r.spawnError) failures = tapTestFailures(spec, stdout, options.repo);
      if (r.failed && failures.length === 0) failures = [genericFailure(spec, { ...r, stdout, stderr, truncated })];
      // A failure the sandbox caused is named as such, with the way to allow it.
      const denials = r.failed && box.rules ? recogniseDenials(`${stderr}\n${stdout}`, box.rules) : [];
      for (const d of denials) {
        failures.push({ validator: spec.name, id: failureId(spec.name, 'sandbox-denied', null, d.message), category: 'sandbox-denied', file: null, line: null, message: `${spec.name}: ${d.message} (${d.evidence}); ${denialAdvice(d)}` });
      }
      // Redacted here, not only when written: failures and output also go into the retry prompt
      // and the reviewer's packet, sent to the provider. Ids were computed before, so they stay stable.
      failures = sortFailures(failures).map((f) => ({ ...f, message: redact(f.message), ...(f.test === undefined ? {} : { test: redact(f.test) }) }));
      return {
        name: spec.name,
        status: failures.length ? 'failed' : 'passed',
        failures,
        parser: spec.parser,
        argv: spec.argv,
        exitCode: r.exitCode,
        timedOut: r.timedOut,
        durationMs: r.durationMs,
        outputTruncated: truncated,
        note: r.timedOut ? 'timed out' : r.spawnError ? `could not start: ${r.spawnError}` : denials.length ? denials.map((d) => d.message).join('; ') : null,
        sandbox: box.record,
        denials: denials.map((d) => d.message),
        passedTests: passedTests(stdout)?.map((t) => repoRelativeTestName(t, options.repo, spec.cwd)).sort() ?? null,
        stdout: redact(stdout),
        stderr: redact(stderr),
        spawnError: r.spawnError ?? null,
      };
    },
  };
}

function builtinJob(builtin: BuiltinValidator, order: number): Job {
  return {
    name: builtin.name,
    cost: builtin.cost,
    order,
    run: async (signal) => {
      const started = performance.now();
      const answer = await builtin.run(signal);
      if (!Array.isArray(answer)) return { ...skipped(builtin, answer.skipped), parser: 'builtin', sandbox: IN_PROCESS };
      const failures = sortFailures(answer);
      return {
        name: builtin.name,
        status: failures.length ? 'failed' : 'passed',
        failures,
        parser: 'builtin',
        argv: [],
        exitCode: null,
        timedOut: false,
        durationMs: Math.round(performance.now() - started),
        outputTruncated: false,
        note: null,
        passedTests: null,
        stdout: '',
        stderr: '',
        spawnError: null,
        sandbox: IN_PROCESS,
        denials: [],
      };
    },
  };
}

function skipped(job: Pick<Job, 'name'>, note: string): ValidatorOutcome {
  return { name: job.name, status: 'skipped', failures: [], parser: '', argv: [], exitCode: null, timedOut: false, durationMs: 0, outputTruncated: false, note, passedTests: null, stdout: '', stderr: '', spawnError: null, sandbox: NOT_RUN, denials: [] };
}

export async function runValidators(options: RunValidatorsOptions): Promise<ValidatorOutcome[]> {
  const commandJobs = options.specs.map((s, i) => commandJob(options, s, i));
  const builtinJobs = (options.builtins ?? []).map((b, i) => builtinJob(b, options.specs.length + i));
  const jobs: Job[] = [...commandJobs, ...builtinJobs];
  // Cheap first; equal cost keeps the given order.
  const queue = [...commandJobs].sort((a, b) => costRank(a.cost) - costRank(b.cost) || a.order - b.order);
  const results = new Map<string, ValidatorOutcome>();
  const stop = new AbortController();
  const outer = options.signal;
  const onOuterAbort = () => stop.abort();
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  if (outer?.aborted) stop.abort();
  let failed = false;

  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      if (stop.signal.aborted) {
        results.set(job.name, skipped(job, failed ? 'skipped: fail-fast after an earlier failure' : 'skipped: cancelled'));
        continue;
      }
      let outcome: ValidatorOutcome;
      try {
        outcome = await job.run(stop.signal);
      } catch (err) {
        // A validator that cannot even be started (allowlist, cwd) is a configuration error.
        stop.abort();
        throw err;
      }
      // A run cut short by fail-fast says nothing about the code: it is skipped, not failed.
      if (stop.signal.aborted && outcome.status === 'failed' && outcome.exitCode === null && !outcome.timedOut && outcome.parser !== 'builtin') {
        outcome = skipped(job, failed ? 'cancelled: fail-fast after an earlier failure' : 'cancelled');
      }
      results.set(job.name, outcome);
      options.onResult?.(outcome);
      if (outcome.status === 'failed') {
        failed = true;
        if (options.failFast) stop.abort();
      }
    }
  };
  try {
    const width = Math.max(1, Math.min(options.maxParallel, jobs.length));
    await Promise.all(Array.from({ length: width }, worker));
    // The built-in checks read the tree, so they start after every command validator has
    // finished: what a validator wrote into the tree (a forbidden file in an allowed glob) is seen too.
    queue.push(...builtinJobs);
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.maxParallel, builtinJobs.length)) }, worker));
  } finally {
    outer?.removeEventListener('abort', onOuterAbort);
  }
  return jobs.map((j) => results.get(j.name) ?? skipped(j, 'not run'));
}
