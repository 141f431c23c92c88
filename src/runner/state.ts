// state.json: the run as it stands, rewritten atomically after every step and at the end
// (what `pipe runs`, `pipe show` and a crashed run's recovery read).
import { join } from 'node:path';
import { redactValue } from '../records/redact.js';
import { writeFileAtomic } from '../records/writer.js';
import type { RunState } from '../records/types.js';
import type { ActiveRun } from './active-run.js';

export function runState(run: ActiveRun): RunState {
  const { options, context, clock } = run;
  const work = context.work;
  const now = clock.now();
  const finished = run.status !== 'running';
  // A run that did not succeed and whose rollback restored files leaves nothing changed.
  const rolledBack = run.stepRecords.some((s) => s.uses === 'rollback' && s.status === 'succeeded' && (s.output as { restored?: unknown[] } | null)?.restored?.length);
  return redactValue({
    run_id: run.id,
    task_id: options.task.id,
    task_file: options.taskFile,
    pipeline: options.pipeline.name,
    repo: options.repo,
    records_dir: run.recordsDir ?? '',
    provider: options.provider,
    dry_run: run.dryRun,
    status: run.status,
    exit_code: run.exitCode,
    attempts: context.attempt,
    max_attempts: run.maxAttempts,
    escalation_depth: work.escalationDepth,
    verdict: work.attempts[work.attempts.length - 1]?.verdict?.verdict ?? work.lastVerdict,
    cost_usd: Math.round(context.spentUsd() * 1e9) / 1e9,
    files_changed: rolledBack && run.status !== 'succeeded' ? [] : [...work.filesChanged].sort(),
    current_step: run.currentStep,
    started_at: run.started.toISOString(),
    updated_at: now.toISOString(),
    finished_at: finished ? now.toISOString() : null,
    duration_ms: finished ? Math.round(clock.monotonicMs() - run.startedMs) : null,
    error: run.error,
    pid: process.pid,
    ...(options.batch ? { batch_id: options.batch.id } : {}),
    steps: run.stepRecords,
  });
}

/** Rewrites state.json (nothing in a dry run). */
export function saveRunState(run: ActiveRun): void {
  if (run.recordsDir) writeFileAtomic(join(run.recordsDir, 'state.json'), `${JSON.stringify(runState(run), null, 2)}\n`, { durable: run.durable });
}
