// Reading and writing batch journals under .pipe/batches/<batch-id>/batch.json.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PipeError } from '../errors.js';
import { redactValue } from '../records/redact.js';
import { writeFileAtomic } from '../records/writer.js';
import type { BatchJournal } from './types.js';

export const BATCH_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function batchesDir(repo: string): string {
  return join(repo, '.pipe', 'batches');
}

export function batchDir(repo: string, batchId: string): string {
  return join(batchesDir(repo), batchId);
}

export function worktreesDir(repo: string, batchId: string): string {
  return join(repo, '.pipe', 'worktrees', batchId);
}

/** batch-20251202T073000Z-a1b2c3: sortable by start, distinct from run ids. */
export function newBatchId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `batch-${stamp}-${randomBytes(3).toString('hex')}`;
}

export function writeBatch(journal: BatchJournal): void {
  journal.updated_at = new Date().toISOString();
  writeFileAtomic(join(batchDir(journal.repo, journal.batch_id), 'batch.json'), `${JSON.stringify(redactValue(journal), null, 2)}\n`);
}

export function readBatchFile(file: string): BatchJournal | null {
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as BatchJournal;
    return doc && doc.version === 1 && typeof doc.batch_id === 'string' && Array.isArray(doc.tasks) ? doc : null;
  } catch {
    return null;
  }
}

/** One batch's journal; unknown → E_NOT_FOUND (exit 2). */
export function readBatch(repo: string, batchId: string): BatchJournal {
  const file = join(batchDir(repo, batchId), 'batch.json');
  const doc = existsSync(file) ? readBatchFile(file) : null;
  if (!doc) {
    throw new PipeError('E_NOT_FOUND', `no batch '${batchId}' in ${batchesDir(repo)}`, { hint: 'batch ids look like batch-20251202T073000Z-a1b2c3; list them with `pipe runs` (column BATCH) or ls .pipe/batches' });
  }
  return doc;
}

export function isBatchId(repo: string, id: string): boolean {
  return BATCH_ID_PATTERN.test(id) && existsSync(join(batchDir(repo, id), 'batch.json'));
}

/** Every readable batch journal, oldest first. */
export function listBatches(repo: string): BatchJournal[] {
  const root = batchesDir(repo);
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort()
    .map((name) => readBatchFile(join(root, name, 'batch.json')))
    .filter((d): d is BatchJournal => d !== null);
}

export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
