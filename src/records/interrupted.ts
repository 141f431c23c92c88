// A run whose process died (kill -9, a power cut) leaves state.json saying "running"
// forever. Once `pipe recover` has dealt with it, its record says what happened.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { redactValue } from './redact.js';
import { writeFileAtomic } from './writer.js';
import type { RunState } from './types.js';

/** The status recorded in a run folder's state.json and its pid, or null when unreadable. */
export function runningPid(dir: string): number | null {
  try {
    const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as Partial<RunState>;
    return state.status === 'running' && typeof state.pid === 'number' ? state.pid : null;
  } catch {
    return null;
  }
}

/**
 * Marks a dead run as failed with E_INTERRUPTED (exit 1, like a run rolled back), and
 * appends the run.end event its process never wrote. A run that already ended is left alone.
 */
export function markRunInterrupted(dir: string, restored: readonly string[], now: Date = new Date()): boolean {
  const file = join(dir, 'state.json');
  if (!existsSync(file)) return false;
  let state: RunState;
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as RunState;
  } catch {
    return false;
  }
  if (state.status !== 'running') return false;
  const at = now.toISOString();
  const message = restored.length
    ? `the run's process died before it finished; pipe recover restored ${restored.join(', ')} from journal.json`
    : "the run's process died before it finished; the working tree needed no restore";
  const ended: RunState = {
    ...state,
    status: 'failed',
    exit_code: 1,
    current_step: null,
    updated_at: at,
    finished_at: at,
    duration_ms: Number.isFinite(Date.parse(state.started_at)) ? Math.max(0, now.getTime() - Date.parse(state.started_at)) : null,
    error: { code: 'E_INTERRUPTED', message },
  };
  writeFileAtomic(file, `${JSON.stringify(redactValue(ended), null, 2)}\n`);
  const event = { ts: at, type: 'run.end', status: 'failed', exit_code: 1, cost_usd: state.cost_usd ?? 0, attempts: state.attempts, recovered: true, restored };
  appendFileSync(join(dir, 'events.jsonl'), `${JSON.stringify(redactValue(event))}\n`);
  return true;
}
