// Which recorded runs to replay (ids or prefixes, the newest N, those since a date) and
// loading each with what a replay needs. A folder without run.json (written before
// records format 2) or still running is kept with the reason it cannot be replayed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PipeError } from '../errors.js';
import { RECORD_FORMAT_VERSION, type CallRecord, type RunRecordFile, type RunState, type ValidatorsRecord } from '../records/types.js';
import type { LoadedRun, UnreplayableRun } from './types.js';
import { readJsonLines } from '../records/jsonl.js';
import { subfolders } from '../records/history.js';
import type { BaselineReport } from '../validation/baseline/types.js';

export interface RunSelection {
  ids?: string[];
  last?: number;
  /** ISO 8601 date or instant: runs started at or after it. */
  since?: string;
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

interface Listed {
  id: string;
  state: RunState | null;
}

function byNewest(a: Listed, b: Listed): number {
  const sa = a.state?.started_at ?? '';
  const sb = b.state?.started_at ?? '';
  if (sa !== sb) return sa < sb ? 1 : -1;
  return a.id < b.id ? 1 : -1;
}

function resolveId(all: string[], idOrPrefix: string, root: string): string {
  if (all.includes(idOrPrefix)) return idOrPrefix;
  const matches = all.filter((f) => f.startsWith(idOrPrefix));
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) {
    throw new PipeError('E_USAGE', `run id '${idOrPrefix}' is ambiguous: it starts ${matches.length} runs (${matches.sort().slice(0, 5).join(', ')}${matches.length > 5 ? ', …' : ''})`, { hint: 'give more characters of the run id' });
  }
  throw new PipeError('E_NOT_FOUND', `no run '${idOrPrefix}' in ${root}`, { hint: 'list runs with `pipe runs`' });
}

function parseSince(since: string): string {
  const ms = Date.parse(since);
  if (!/^\d{4}-\d{2}-\d{2}/.test(since) || Number.isNaN(ms)) {
    throw new PipeError('E_USAGE', `--since '${since}' is not a date`, { hint: 'use an ISO 8601 date or instant, e.g. --since 2026-01-31 or --since 2026-01-31T12:00:00Z' });
  }
  return new Date(ms).toISOString();
}

/** The run folders selected, newest first (ids keep the order given). */
export function selectRuns(root: string, selection: RunSelection): string[] {
  const all = subfolders(root);
  if (selection.ids?.length) return [...new Set(selection.ids.map((id) => resolveId(all, id, root)))];
  let listed: Listed[] = all.map((id) => ({ id, state: readJson<RunState>(join(root, id, 'state.json')) }));
  // Dry runs write no folder; a folder without a start is not a run.
  listed = listed.filter((r) => r.state === null || typeof r.state.started_at === 'string');
  listed.sort(byNewest);
  if (selection.since) {
    const since = parseSince(selection.since);
    listed = listed.filter((r) => (r.state?.started_at ?? '') >= since);
  }
  if (selection.last !== undefined) listed = listed.slice(0, selection.last);
  return listed.map((r) => r.id);
}

/** One run folder, loaded for replay or explained as not replayable. */
export function loadRun(root: string, id: string): LoadedRun | UnreplayableRun {
  const dir = join(root, id);
  const state = readJson<RunState>(join(dir, 'state.json'));
  const record = readJson<RunRecordFile>(join(dir, 'run.json'));
  if (!state || typeof state.run_id !== 'string') {
    return { id, dir, state: null, reason: 'its state.json is missing or unreadable (a run killed before its first step, or a damaged folder)' };
  }
  if (!record) {
    return {
      id,
      dir,
      state,
      reason: `recorded before pipe kept what a replay needs (records format ${RECORD_FORMAT_VERSION}: the starting commit, the documents in force, every prompt and answer, every validator result); it can be shown but not replayed — run the task again to get a replayable record`,
    };
  }
  if (record.format_version !== RECORD_FORMAT_VERSION) {
    return { id, dir, state, reason: `its run.json has records format ${String(record.format_version)}; this pipe replays format ${RECORD_FORMAT_VERSION}` };
  }
  if (state.status === 'running') {
    return { id, dir, state, reason: 'the run has not finished (still running, or killed: see `pipe recover`)' };
  }
  if (!record.started_from?.commit) {
    return { id, dir, state, reason: 'the run started in a repository without commits, so there is no commit to replay it at' };
  }
  return {
    id,
    dir,
    state,
    record,
    calls: readJsonLines<CallRecord>(join(dir, 'calls.jsonl')),
    validators: readJsonLines<ValidatorsRecord>(join(dir, 'validators.jsonl')),
    baseline: recordedBaseline(dir),
  };
}

/** baseline.json as the runner takes it (its output is in the logs, not needed to judge). */
function recordedBaseline(dir: string): BaselineReport | null {
  const report = readJson<BaselineReport>(join(dir, 'baseline.json'));
  if (!report || !Array.isArray(report.validators)) return null;
  return { ...report, validators: report.validators.map((v) => ({ ...v, stdout: v.stdout ?? '', stderr: v.stderr ?? '' })) };
}

export function isLoaded(run: LoadedRun | UnreplayableRun): run is LoadedRun {
  return 'record' in run;
}
