// One run at a time changes a working tree: `.pipe/run.lock` holds the live run's pid.
// A lock whose process is gone (a crash, kill -9) is stale and taken over.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PipeError } from '../errors.js';
import { isProcessAlive } from './process-alive.js';

interface LockBody {
  pid: number;
  run_id: string;
  started_at: string;
}

export function lockFile(repo: string): string {
  return join(repo, '.pipe', 'run.lock');
}

/** Takes the repository's run lock or refuses (exit 5) while another live run holds it. Returns the release function. */
export function acquireRunLock(repo: string, runId: string, now: Date = new Date()): () => void {
  const file = lockFile(repo);
  mkdirSync(join(repo, '.pipe'), { recursive: true });
  const body: LockBody = { pid: process.pid, run_id: runId, started_at: now.toISOString() };
  for (let tries = 0; tries < 3; tries++) {
    try {
      writeFileSync(file, `${JSON.stringify(body)}\n`, { flag: 'wx' });
      return () => {
        try {
          const held = JSON.parse(readFileSync(file, 'utf8')) as LockBody;
          if (held.pid === process.pid && held.run_id === runId) rmSync(file, { force: true });
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let held: LockBody | null = null;
      try {
        held = JSON.parse(readFileSync(file, 'utf8')) as LockBody;
      } catch {
        held = null; // half-written or corrupt: treat as stale
      }
      if (held && held.pid !== process.pid && isProcessAlive(held.pid)) {
        throw new PipeError('E_REPO_BUSY', `another pipe run (${held.run_id}, pid ${held.pid}, started ${held.started_at}) is changing this repository`, {
          hint: 'wait for it to finish; if that process is gone, remove .pipe/run.lock and run `pipe recover`',
        });
      }
      rmSync(file, { force: true });
    }
  }
  throw new PipeError('E_REPO_BUSY', 'could not take .pipe/run.lock', { hint: 'remove .pipe/run.lock if no pipe run is active' });
}
