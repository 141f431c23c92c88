// Run history from the records folders (.pipe/runs/<id>/): the list for `pipe runs` and
// one run's full record for `pipe show`. Reads only; tolerant of folders a crash left
// half-written (a missing or corrupt state.json, a torn last line in events.jsonl).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PipeError } from '../errors.js';
import type { ConvergenceFile } from '../convergence/record.js';
import type { AttemptView } from '../convergence/attempt-view.js';
import type { RunEvent } from './types.js';
import type { Failure } from '../validation/types.js';
import type { RunRecordFile, RunState, StepRecord } from './types.js';
import { answerOfAttempt, type AnswerView } from './answers.js';
import { readJsonLines } from './jsonl.js';

export interface RunSummary {
  run_id: string;
  task_id: string;
  status: string;
  attempts: number;
  cost_usd: number;
  started_at: string;
  duration_ms: number | null;
  verdict: string | null;
  exit_code: number | null;
  records_dir: string;
  /** The `pipe batch` the run was part of, else null. */
  batch_id: string | null;
}

/** An attempt as `pipe show` lists it: the shared attempt view, plus how its answer was read and its steps. */
export type AttemptDetail = AttemptView & {
  /** Records-dir-relative file with the model's raw answer, when it exists. */
  answer_file: string | null;
  /** How the answer was read: format, note, normalisations, refusal. */
  answer: Omit<AnswerView, 'attempt'> | null;
  steps: { id: string; uses: string; status: string; duration_ms: number; message: string | null }[];
};

export interface RunDetail {
  state: RunState;
  /** run.json (records format 2): starting commit, documents and their digests, spend at start; null for older records. */
  record: RunRecordFile | null;
  events: RunEvent[];
  attempts: AttemptDetail[];
  cost_by_role: Record<string, number>;
  convergence: ConvergenceFile | null;
  escalation: Record<string, unknown> | null;
  diagnosis: string | null;
  /** baseline.json: the validators on the unchanged tree, when the run had a baseline. */
  baseline: Record<string, unknown> | null;
  /** Validator output logs (records-dir-relative), baseline first, then by attempt. */
  validator_logs: string[];
  paths: {
    records_dir: string;
    state: string;
    events: string;
    patches: string[];
    convergence: string | null;
    escalation: string | null;
    diagnosis: string | null;
    journal: string | null;
  };
}

export function runsRoot(repo: string): string {
  return join(repo, '.pipe', 'runs');
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** events.jsonl, skipping lines that do not parse (a crash mid-append) and lines that are not events. */
export function readEvents(dir: string): RunEvent[] {
  return readJsonLines<RunEvent>(join(dir, 'events.jsonl')).filter((e) => e && typeof e === 'object' && typeof e.type === 'string');
}

// The runner rounds run costs to 1e-9 USD; the same here, so runs/show agree with `pipe run` and the ledger.
const round9 = (n: number) => Math.round(n * 1e9) / 1e9;

/** A state for a folder whose state.json is gone or unreadable, rebuilt from its events. */
function stateFromEvents(runId: string, dir: string, events: RunEvent[]): RunState | null {
  const start = events.find((e) => e.type === 'run.start');
  if (!start) return null;
  const end = [...events].reverse().find((e) => e.type === 'run.end');
  const attempts = events.filter((e) => e.type === 'attempt.start').length || 1;
  const startedAt = String(start.ts);
  const finishedAt = end ? String(end.ts) : null;
  return {
    run_id: runId,
    task_id: String(start.task_id ?? 'unknown'),
    task_file: '',
    pipeline: String(start.pipeline ?? ''),
    repo: '',
    records_dir: dir,
    provider: String(start.provider ?? ''),
    dry_run: Boolean(start.dry_run),
    status: (end?.status as RunState['status']) ?? 'running',
    exit_code: typeof end?.exit_code === 'number' ? end.exit_code : null,
    attempts,
    max_attempts: attempts,
    escalation_depth: 0,
    verdict: null,
    cost_usd: typeof end?.cost_usd === 'number' ? end.cost_usd : 0,
    files_changed: [],
    current_step: null,
    started_at: startedAt,
    updated_at: finishedAt ?? startedAt,
    finished_at: finishedAt,
    duration_ms: finishedAt ? Date.parse(finishedAt) - Date.parse(startedAt) : null,
    error: null,
    pid: 0,
    steps: [],
  };
}

function loadState(repo: string, runId: string): { state: RunState; events: RunEvent[] | null } | null {
  const dir = join(runsRoot(repo), runId);
  const state = readJson<RunState>(join(dir, 'state.json'));
  if (state && typeof state === 'object' && typeof state.run_id === 'string') return { state, events: null };
  const events = readEvents(dir);
  const rebuilt = stateFromEvents(runId, dir, events);
  return rebuilt ? { state: rebuilt, events } : null;
}

function runFolders(repo: string): string[] {
  return subfolders(runsRoot(repo));
}

/** The names of the folders directly under `root` (run folders under a runs root); none when it is missing. */
export function subfolders(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root).filter((name) => {
    try {
      return statSync(join(root, name)).isDirectory();
    } catch {
      return false;
    }
  });
}

/** Every run with a readable record, newest first. */
export async function listRuns(repo: string): Promise<RunSummary[]> {
  const out: RunSummary[] = [];
  for (const id of runFolders(repo)) {
    const loaded = loadState(repo, id);
    if (!loaded) continue;
    const s = loaded.state;
    out.push({
      run_id: s.run_id,
      task_id: s.task_id,
      status: s.status,
      attempts: s.attempts,
      cost_usd: round9(s.cost_usd ?? 0),
      started_at: s.started_at,
      duration_ms: s.duration_ms ?? null,
      verdict: s.verdict ?? null,
      exit_code: s.exit_code ?? null,
      records_dir: join(runsRoot(repo), id),
      batch_id: typeof s.batch_id === 'string' ? s.batch_id : null,
    });
  }
  return out.sort((a, b) => (a.started_at < b.started_at ? 1 : a.started_at > b.started_at ? -1 : a.run_id < b.run_id ? 1 : -1));
}

/** A full run id from an id or a unique prefix of one. */
export function resolveRunId(repo: string, idOrPrefix: string): string {
  const folders = runFolders(repo);
  if (folders.includes(idOrPrefix)) return idOrPrefix;
  const matches = idOrPrefix ? folders.filter((f) => f.startsWith(idOrPrefix)) : [];
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) {
    throw new PipeError('E_USAGE', `run id '${idOrPrefix}' is ambiguous: it starts ${matches.length} runs (${matches.sort().slice(0, 5).join(', ')}${matches.length > 5 ? ', …' : ''})`, {
      hint: 'give more characters of the run id',
    });
  }
  throw new PipeError('E_NOT_FOUND', `no run '${idOrPrefix}' in ${runsRoot(repo)}`, { hint: 'list runs with `pipe runs`' });
}

/**
 * USD by role. Prefers `cost_usd` on provider.result events; otherwise pairs each
 * ledger.entry (actual_usd) with the role of the provider.call before it.
 */
export function costByRole(events: readonly RunEvent[]): Record<string, number> {
  const totals: Record<string, number> = {};
  const add = (role: string, usd: number) => {
    if (!Number.isFinite(usd)) return;
    totals[role] = round9((totals[role] ?? 0) + usd);
  };
  const direct = events.filter((e) => e.type === 'provider.result' && typeof e.cost_usd === 'number');
  if (direct.length) {
    for (const e of direct) add(String(e.role ?? 'unknown'), e.cost_usd as number);
    return totals;
  }
  let role = 'unknown';
  for (const e of events) {
    if (e.type === 'provider.call' && typeof e.role === 'string') role = e.role;
    if (e.type === 'ledger.entry' && typeof e.actual_usd === 'number') add(typeof e.role === 'string' ? e.role : role, e.actual_usd);
  }
  return totals;
}

/** USD by attempt, without the reviewer's cost (an escalate step is not part of an attempt's work). */
function costByAttempt(events: readonly RunEvent[], escalateSteps: ReadonlySet<string>): Map<number, number> {
  const totals = new Map<number, number>();
  for (const e of events) {
    if (e.type !== 'ledger.entry' || typeof e.actual_usd !== 'number' || typeof e.attempt !== 'number') continue;
    if (typeof e.step === 'string' && escalateSteps.has(e.step)) continue;
    totals.set(e.attempt, round9((totals.get(e.attempt) ?? 0) + e.actual_usd));
  }
  return totals;
}

function attemptViews(dir: string, state: RunState, events: RunEvent[], convergence: ConvergenceFile | null): AttemptDetail[] {
  const byAttempt = new Map((convergence?.attempts ?? []).map((a) => [a.attempt, a]));
  const steps: StepRecord[] = Array.isArray(state.steps) ? state.steps : [];
  const costs = costByAttempt(events, new Set(steps.filter((s) => s.uses === 'escalate').map((s) => s.id)));
  const count = Math.max(state.attempts ?? 0, ...steps.filter((s) => !s.finally).map((s) => s.attempt), ...byAttempt.keys(), 0);
  const views: AttemptDetail[] = [];
  for (let n = 1; n <= count; n++) {
    // convergence.json holds the attempt view for judged attempts (records from before it
    // did hold only the validation part); the route step, the events and the folder fill
    // in the rest, and the ledger events are what the cost is.
    const conv: Partial<AttemptView> = byAttempt.get(n) ?? {};
    const own = steps.filter((s) => s.attempt === n && !s.finally);
    const route = [...own].reverse().find((s) => s.uses === 'route')?.output ?? null;
    const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
    const patch = `attempt-${n}.patch`;
    const answerFile = `attempt-${n}.answer.txt`;
    const answer = answerOfAttempt(steps, n);
    views.push({
      attempt: n,
      role: conv.role ?? text(route?.role),
      model: conv.model ?? text(route?.model),
      tier: conv.tier ?? text(route?.tier),
      cost_usd: costs.get(n) ?? 0,
      patch_file: existsSync(join(dir, patch)) ? patch : null,
      files_touched: conv.files_touched ?? [],
      diff_bytes: conv.diff_bytes ?? 0,
      lines_added: conv.lines_added ?? 0,
      lines_removed: conv.lines_removed ?? 0,
      refusal: conv.refusal ?? null,
      passed_validators: conv.passed_validators ?? [],
      failed_validators: conv.failed_validators ?? [],
      failures: conv.failures ?? [],
      verdict: conv.verdict ?? null,
      reasons: conv.reasons ?? [],
      evidence: conv.evidence ?? null,
      baseline: conv.baseline ?? null,
      answer_file: existsSync(join(dir, answerFile)) ? answerFile : null,
      answer: answer ? { format: answer.format, note: answer.note, normalisations: answer.normalisations, refusal: answer.refusal } : null,
      steps: own.map((s) => ({ id: s.id, uses: s.uses, status: s.status, duration_ms: s.duration_ms, message: s.message })),
    });
  }
  return views;
}

/** validators/<baseline|attempt-N>/<name>.log, baseline first, then attempts in order. */
function listValidatorLogs(dir: string): string[] {
  const root = join(dir, 'validators');
  if (!existsSync(root)) return [];
  const stages = readdirSync(root).sort((a, b) => (a === 'baseline' ? -1 : b === 'baseline' ? 1 : Number(a.replace(/\D/g, '')) - Number(b.replace(/\D/g, ''))));
  return stages.flatMap((stage) => {
    try {
      return readdirSync(join(root, stage)).filter((f) => f.endsWith('.log')).sort().map((f) => `validators/${stage}/${f}`);
    } catch {
      return [];
    }
  });
}

/** One run's record; `runId` may be a unique prefix. Unknown → E_NOT_FOUND (exit 2). */
export async function readRun(repo: string, runId: string): Promise<RunDetail> {
  const id = resolveRunId(repo, runId);
  const dir = join(runsRoot(repo), id);
  const loaded = loadState(repo, id);
  if (!loaded) throw new PipeError('E_NOT_FOUND', `run '${id}' has no readable state.json or events.jsonl in ${dir}`, { hint: 'the folder may be from an interrupted run; see `pipe recover`' });
  const events = loaded.events ?? readEvents(dir);
  const convergence = readJson<ConvergenceFile>(join(dir, 'convergence.json'));
  const escalation = readJson<Record<string, unknown>>(join(dir, 'escalation.json'));
  let diagnosis: string | null = null;
  try {
    diagnosis = readFileSync(join(dir, 'diagnosis.md'), 'utf8');
  } catch {
    /* no diagnosis */
  }
  const patches = readdirSync(dir)
    .filter((f) => /^attempt-\d+\.patch$/.test(f))
    .sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]))
    .map((f) => join(dir, f));
  const at = (name: string) => (existsSync(join(dir, name)) ? join(dir, name) : null);
  const validatorLogs = listValidatorLogs(dir);
  return {
    state: loaded.state,
    record: readJson<RunRecordFile>(join(dir, 'run.json')),
    events,
    attempts: attemptViews(dir, loaded.state, events, convergence && Array.isArray(convergence.attempts) ? convergence : null),
    cost_by_role: costByRole(events),
    convergence,
    escalation,
    diagnosis,
    baseline: readJson<Record<string, unknown>>(join(dir, 'baseline.json')),
    validator_logs: validatorLogs,
    paths: {
      records_dir: dir,
      state: join(dir, 'state.json'),
      events: join(dir, 'events.jsonl'),
      patches,
      convergence: at('convergence.json'),
      escalation: at('escalation.json'),
      diagnosis: at('diagnosis.md'),
      journal: at('journal.json'),
    },
  };
}

/** The final applied patch: the last attempt-N.patch, raw; null when none was written. */
export function finalPatch(detail: RunDetail): string | null {
  const last = detail.paths.patches[detail.paths.patches.length - 1];
  return last ? readFileSync(last, 'utf8') : null;
}

