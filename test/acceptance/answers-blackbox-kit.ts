// The black-box answer corpus (test/fixtures/answers-qa-cases) run through the built CLI.
// Each case is a model answer as a model would send it, for a task over the stationkit
// fixture repo, with either the exact bytes every changed file must end with or the words
// a refusal must give. Shared by test/acceptance/answers-blackbox.test.ts and
// bench/answers-blackbox.mjs, so both judge a case the same way.
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ROOT, gitIn, runCliAsync, startCliHost, tempDir, type CliResult } from '../helpers/repo.js';

export const FIXTURE_REPO = join(ROOT, 'test/fixtures/answers-qa-repo');
export const CASES_DIR = join(ROOT, 'test/fixtures/answers-qa-cases');

export interface BlackboxCase {
  id: string;
  dir: string;
  title: string;
  format: string;
  drift: string[];
  goal: string;
  allowed_files: string[];
  expect: 'applied' | 'refused';
  /** Case-insensitive regexes the refusal reason must all match. */
  reason: string[];
  note?: string;
  /** For applied cases: repo path → the exact bytes the file must have afterwards. */
  expected: Map<string, Buffer>;
}

/**
 * How a case came out:
 * - `exact`: the tree is byte-identical to the expectation (applied cases, exit 0);
 * - `refused`: non-zero exit other than 2, the tree byte-identical to the start;
 * - `wrong`: the tree changed, but not into the expected tree (or changed on a refusal);
 * - `bad-input`: exit 2 with the tree intact (a configuration error, not a refusal).
 */
export type Outcome = 'exact' | 'refused' | 'wrong' | 'bad-input';

export interface CaseResult {
  id: string;
  expect: 'applied' | 'refused';
  outcome: Outcome;
  exitCode: number;
  status: string | null;
  runId: string | null;
  /** What pipe said when it did not apply (run --json error plus the attempt's reasons from pipe show --json). */
  reasonText: string;
  /** Regexes of the case's reason that the reason text did not match. */
  reasonMisses: string[];
  /** Human-readable differences between the tree and the expectation, empty when there are none. */
  treeProblems: string[];
  porcelain: string;
  stderr: string;
}

function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, prefix)).sort()) {
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(join(dir, rel)).isDirectory()) out.push(...listFiles(dir, rel));
    else out.push(rel);
  }
  return out;
}

export function loadCases(): BlackboxCase[] {
  return readdirSync(CASES_DIR)
    .filter((name) => existsSync(join(CASES_DIR, name, 'case.yaml')))
    .sort()
    .map((id) => {
      const dir = join(CASES_DIR, id);
      const doc = parse(readFileSync(join(dir, 'case.yaml'), 'utf8')) as Omit<BlackboxCase, 'id' | 'dir' | 'expected' | 'title'> & { reason?: string[] };
      const title = /^# (.*)$/m.exec(readFileSync(join(dir, 'case.yaml'), 'utf8'))?.[1] ?? id;
      const expected = new Map<string, Buffer>();
      const expDir = join(dir, 'expected');
      if (existsSync(expDir)) for (const rel of listFiles(expDir)) expected.set(rel, readFileSync(join(expDir, rel)));
      return { ...doc, id, dir, title, reason: doc.reason ?? [], expected };
    });
}

/** Every file's bytes under dir, except .git/ and .pipe/. */
function treeBytes(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      if (rel === '' && (name === '.git' || name === '.pipe')) continue;
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(join(dir, r)).isDirectory()) walk(r);
      else out.set(r, readFileSync(join(dir, r)));
    }
  };
  walk('');
  return out;
}

/** The first line where two texts differ, shown both ways (bytes visible: \r, \t, trailing spaces). */
function firstDifference(want: Buffer, got: Buffer): string {
  const a = want.toString('utf8').split('\n');
  const b = got.toString('utf8').split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}: expected ${JSON.stringify(a[i] ?? '<end of file>')}, found ${JSON.stringify(b[i] ?? '<end of file>')}`;
  }
  return 'same lines, different bytes';
}

function compareTrees(want: Map<string, Buffer>, got: Map<string, Buffer>): string[] {
  const problems: string[] = [];
  for (const [path, bytes] of want) {
    const actual = got.get(path);
    if (!actual) problems.push(`${path}: missing`);
    else if (!actual.equals(bytes)) problems.push(`${path}: ${firstDifference(bytes, actual)}`);
  }
  for (const path of got.keys()) if (!want.has(path)) problems.push(`${path}: not expected to exist`);
  return problems;
}

const REASON_KEY = /reason|message|refus|error|detail|hint|why|excerpt|expected|found|closest/i;

/** Strings under reason-like keys (a key that matches takes everything beneath it). */
function reasonStrings(value: unknown, under = false, out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (under) out.push(value);
  } else if (Array.isArray(value)) {
    for (const v of value) reasonStrings(v, under, out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) reasonStrings(v, under || REASON_KEY.test(k), out);
  }
  return out;
}

let template: string | null = null;

/** The fixture committed once in a git repo; each case copies it (with .git) instead of re-running git init. */
function templateRepo(): string {
  if (template && existsSync(template)) return template;
  const dir = tempDir('pipe-answers-qa-template-');
  const repo = join(dir, 'repo');
  cpSync(FIXTURE_REPO, repo, { recursive: true });
  gitIn(repo, 'init', '-q', '-b', 'main');
  gitIn(repo, 'config', 'core.autocrlf', 'false');
  gitIn(repo, 'config', 'user.email', 'qa@example.com');
  gitIn(repo, 'config', 'user.name', 'qa');
  gitIn(repo, 'add', '-A');
  gitIn(repo, 'commit', '-q', '-m', 'stationkit 0.4.1');
  template = repo;
  return repo;
}

/** Removes the template repo (call once, after the last case). */
export function removeTemplate(): void {
  if (template) rmSync(join(template, '..'), { recursive: true, force: true });
  template = null;
}

function makeRepoFromFixture(root: string): string {
  const repo = join(root, 'repo');
  cpSync(templateRepo(), repo, { recursive: true });
  // A fresh index: the copied one records the template's inode/mtime stat data.
  gitIn(repo, 'update-index', '-q', '--really-refresh');
  return repo;
}

function writeTask(root: string, c: BlackboxCase): string {
  const taskDir = join(root, 'task');
  mkdirSync(taskDir);
  const task = {
    apiVersion: 'pipe/v1',
    kind: 'Task',
    id: c.id.toLowerCase(),
    goal: c.goal,
    intent: 'bugfix',
    pipeline: 'fix',
    allowed_files: c.allowed_files,
    validators: [],
    max_attempts: 1,
    fake: { responses: [{ patch_file: join(c.dir, 'answer.txt') }] },
  };
  const file = join(taskDir, 'task.yaml');
  writeFileSync(file, stringify(task));
  return file;
}

/** Runs one case in a fresh repo: `pipe run <task> --repo <repo> --json`, then `pipe show` when it did not apply. */
export async function runCase(c: BlackboxCase, cli: (args: string[], cwd: string) => Promise<CliResult> = runCliAsync): Promise<CaseResult> {
  const root = tempDir('pipe-answers-qa-');
  try {
    const repo = makeRepoFromFixture(root);
    const task = writeTask(root, c);
    const before = treeBytes(repo);
    const r = await cli(['run', task, '--repo', repo, '--json'], root);
    let out: { run_id?: string; status?: string; error?: unknown } = {};
    try {
      out = JSON.parse(r.stdout) as typeof out;
    } catch {
      // No JSON is itself a finding; the exit code and stderr say what happened.
    }
    const after = treeBytes(repo);
    const porcelain = gitIn(repo, 'status', '--porcelain');
    const runId = out.run_id ?? null;
    const reasons = reasonStrings({ error: out.error });
    if (runId && r.code !== 0) {
      const show = await cli(['show', runId, '--repo', repo, '--json'], root);
      try {
        const record = JSON.parse(show.stdout) as { attempts?: unknown[]; error?: unknown; steps?: unknown[] };
        const last = record.attempts?.at(-1) as { steps?: Array<{ status?: string }> } | undefined;
        const notOk = (steps?: unknown[]) => (steps ?? []).filter((s) => !['succeeded', 'skipped'].includes(String((s as { status?: string }).status)));
        reasonStrings({ error: record.error, attempt: { ...last, steps: notOk(last?.steps) }, steps: notOk(record.steps) }, false, reasons);
      } catch {
        reasons.push(`pipe show printed no JSON: ${show.stdout.slice(0, 200)} ${show.stderr.slice(0, 200)}`);
      }
    }
    const reasonText = [...new Set(reasons)].join('\n');
    const unchanged = compareTrees(before, after).length === 0 && porcelain.trim() === '';
    let outcome: Outcome;
    let treeProblems: string[];
    if (c.expect === 'applied') {
      const want = new Map(before);
      for (const [path, bytes] of c.expected) want.set(path, bytes);
      treeProblems = compareTrees(want, after);
      if (r.code === 0 && treeProblems.length === 0) outcome = 'exact';
      else if (unchanged) outcome = r.code === 2 ? 'bad-input' : 'refused';
      else outcome = 'wrong';
    } else {
      treeProblems = compareTrees(before, after);
      if (porcelain.trim()) treeProblems.push(`git status --porcelain: ${porcelain.trim()}`);
      if (!unchanged || r.code === 0) outcome = 'wrong';
      else outcome = r.code === 2 ? 'bad-input' : 'refused';
    }
    const reasonMisses = c.reason.filter((re) => !new RegExp(re, 'i').test(reasonText));
    return { id: c.id, expect: c.expect, outcome, exitCode: r.code, status: out.status ?? null, runId, reasonText, reasonMisses, treeProblems, porcelain, stderr: r.stderr };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * Runs every case, `jobs` at a time. Each worker drives the real CLI in one long-lived host
 * process (test/helpers/cli-host.mjs) instead of a new Node per command; set
 * PIPE_ANSWERS_QA_FRESH=1 to start a fresh `pipe` process for every command instead.
 */
export async function runCases(cases: BlackboxCase[], jobs: number): Promise<Map<string, CaseResult>> {
  const results = new Map<string, CaseResult>();
  const queue = [...cases];
  const fresh = process.env.PIPE_ANSWERS_QA_FRESH === '1';
  const worker = async () => {
    const host = fresh ? null : await startCliHost();
    try {
      for (let c = queue.shift(); c; c = queue.shift()) results.set(c.id, await runCase(c, host ? host.run : runCliAsync));
    } finally {
      host?.close();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
  } finally {
    removeTemplate();
  }
  return results;
}

export interface Tally {
  correct: number;
  appliedExactly: number;
  bad: number;
  refusedWithReason: number;
  refusedOtherReason: number;
  wronglyApplied: number;
}

export function tally(cases: BlackboxCase[], results: Map<string, CaseResult>): Tally {
  const t: Tally = { correct: 0, appliedExactly: 0, bad: 0, refusedWithReason: 0, refusedOtherReason: 0, wronglyApplied: 0 };
  for (const c of cases) {
    const r = results.get(c.id);
    if (!r) continue;
    if (r.outcome === 'wrong') t.wronglyApplied++;
    if (c.expect === 'applied') {
      t.correct++;
      if (r.outcome === 'exact') t.appliedExactly++;
    } else {
      t.bad++;
      if (r.outcome === 'refused' && r.reasonMisses.length === 0) t.refusedWithReason++;
      else if (r.outcome === 'refused') t.refusedOtherReason++;
    }
  }
  return t;
}

export function summaryLine(t: Tally): string {
  const pct = t.correct ? ((100 * t.appliedExactly) / t.correct).toFixed(1) : '0';
  return `applied exactly ${t.appliedExactly}/${t.correct} correct answers (${pct}%), wrongly applied ${t.wronglyApplied}, refused ${t.refusedWithReason}/${t.bad} bad answers with the expected reason (${t.refusedOtherReason} more refused for another reason)`;
}
