// Rollback from a journal: every entry back to its prior bytes and mode (or removed
// when it was absent), every folder the run created removed with whatever a validator
// left in it, then the journal is closed. Files already right are not rewritten, so
// a second rollback is a no-op.
import { chmod, lstat, mkdir, readFile, readlink, rename, rm, symlink, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PipeError } from '../../errors.js';
import { symlinkOnPath } from '../checks/symlinks.js';
import type { JournalDoc, JournalEntry } from './journal.js';
import { fsyncDir, readJournal, writeFileDurable, writeJournal } from './journal.js';

type Current = { kind: 'absent' } | { kind: 'file'; mode: string; bytes: Buffer } | { kind: 'symlink'; target: string } | { kind: 'other' };

async function current(full: string): Promise<Current> {
  try {
    const st = await lstat(full);
    if (st.isSymbolicLink()) return { kind: 'symlink', target: await readlink(full) };
    if (st.isFile()) return { kind: 'file', mode: (st.mode & 0o7777).toString(8), bytes: await readFile(full) };
    return { kind: 'other' };
  } catch {
    return { kind: 'absent' };
  }
}

function matches(now: Current, entry: JournalEntry): boolean {
  if (entry.prior === 'absent') return now.kind === 'absent';
  if (entry.prior === 'symlink') return now.kind === 'symlink' && now.target === entry.link_target;
  return now.kind === 'file' && now.mode === entry.mode && now.bytes.equals(Buffer.from(entry.bytes_base64 ?? '', 'base64'));
}

/** Restores one entry; returns true when something had to change. */
async function restoreEntry(repo: string, entry: JournalEntry, createdDirs: Set<string>): Promise<boolean> {
  // Never write through a symlink that appeared during the run.
  const link = await symlinkOnPath(repo, entry.path, new Map(), false);
  if (link) {
    if (![...createdDirs].some((d) => link === d || link.startsWith(`${d}/`))) {
      throw new PipeError('E_RECOVER', `cannot restore ${entry.path}: ${link} is now a symlink`, { hint: `remove ${link} by hand and run pipe recover again` });
    }
    await unlink(join(repo, link));
  }
  const full = join(repo, entry.path);
  const now = await current(full);
  if (matches(now, entry)) return false;
  if (now.kind === 'other') await rm(full, { recursive: true, force: true });
  if (entry.prior === 'absent') {
    if (now.kind !== 'absent') await rm(full, { recursive: true, force: true });
    return true;
  }
  await mkdir(dirname(full), { recursive: true });
  if (entry.prior === 'symlink') {
    if (now.kind !== 'absent') await rm(full, { force: true });
    await symlink(entry.link_target ?? '', full);
    return true;
  }
  // Same folder temp + rename: a crash mid-restore leaves either version, never half.
  const tmp = join(dirname(full), `.pipe-restore-${process.pid}-${Math.random().toString(36).slice(2)}`);
  // Data is fsynced per file; folders once at the end, before the journal closes.
  await writeFileDurable(tmp, Buffer.from(entry.bytes_base64 ?? '', 'base64'), { syncDir: false });
  await chmod(tmp, parseInt(entry.mode ?? '644', 8));
  await rename(tmp, full);
  return true;
}

/** Restores the tree from a journal document and closes it. Returns the paths that had to change. */
export async function restoreFromJournal(doc: JournalDoc, journalPath: string, repo = doc.repo): Promise<string[]> {
  const restored: string[] = [];
  const createdDirs = new Set(doc.created_dirs);
  for (const entry of doc.files) {
    if (await restoreEntry(repo, entry, createdDirs)) restored.push(entry.path);
  }
  // Deepest first; everything inside a folder the run created belongs to the run.
  const dirs = [...createdDirs].sort((a, b) => b.split('/').length - a.split('/').length);
  for (const dir of dirs) {
    const full = join(repo, dir);
    const now = await current(full);
    if (now.kind === 'absent' || (await symlinkOnPath(repo, dir, new Map(), false))) continue;
    await rm(full, { recursive: true, force: true });
  }
  for (const dir of new Set(restored.map((p) => dirname(join(repo, p))))) await fsyncDir(dir);
  doc.state = 'closed';
  await writeJournal(journalPath, doc);
  return restored;
}

/** Rolls back an open journal at `journalPath`; closed or missing journals restore nothing. */
export async function rollbackJournal(journalPath: string): Promise<string[]> {
  const doc = await readJournal(journalPath);
  if (!doc || doc.state !== 'open') return [];
  return restoreFromJournal(doc, journalPath);
}

/**
 * Closes an open journal without touching the tree: the run ended on its own (its
 * finally steps ran), so what it left is deliberate and `pipe recover` must not undo it.
 */
export async function closeJournal(journalPath: string): Promise<void> {
  const doc = await readJournal(journalPath);
  if (!doc || doc.state !== 'open') return;
  doc.state = 'closed';
  await writeJournal(journalPath, doc);
}
