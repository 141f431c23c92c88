// Before the first byte changes: which touched files hold the user's uncommitted
// work (git status, limited to the patch's paths so cost follows the patch), and
// the journal of their prior bytes.
import { lstat, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Exec } from '../../exec/run.js';
import { git } from '../../exec/run.js';
import { PipeError } from '../../errors.js';
import type { JournalDoc, JournalEntry } from './journal.js';
import { readJournal, writeJournal } from './journal.js';

async function gitLines(exec: Exec, repo: string, args: string[]): Promise<string[] | null> {
  const r = await git(exec, repo, ['--literal-pathspecs', ...args]);
  return r.failed ? null : r.stdout.split('\0').filter(Boolean);
}

/**
 * Touched paths that are modified, staged, untracked or ignored-but-present. Asks git
 * only about these paths (ls-files and diff with pathspecs, never a whole-tree
 * status), so the cost follows the patch, not the repository.
 */
export async function dirtyFiles(exec: Exec, repo: string, paths: string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  const [tracked, unstaged, staged] = await Promise.all([
    gitLines(exec, repo, ['ls-files', '-z', '--', ...paths]),
    // `git diff` (not diff-index) re-hashes files whose stat changed, e.g. after a rollback rewrote identical bytes.
    gitLines(exec, repo, ['diff', '--no-ext-diff', '--name-only', '-z', '--no-renames', 'HEAD', '--', ...paths]),
    gitLines(exec, repo, ['diff', '--no-ext-diff', '--cached', '--name-only', '-z', '--no-renames', 'HEAD', '--', ...paths]),
  ]);
  if (tracked === null) throw new PipeError('E_APPLY', `git ls-files failed in ${repo}`, { hint: 'is it a git repository?' });
  const dirty = new Set<string>();
  // No HEAD yet (a repo without commits): every present file is uncommitted work.
  if (unstaged === null || staged === null) {
    for (const p of paths) if ((await lstat(join(repo, p)).catch(() => null)) !== null) dirty.add(p);
    return [...dirty];
  }
  for (const p of [...unstaged, ...staged]) dirty.add(p);
  const trackedSet = new Set(tracked);
  for (const p of paths) {
    if (trackedSet.has(p) || dirty.has(p)) continue;
    if ((await lstat(join(repo, p)).catch(() => null)) !== null) dirty.add(p);
  }
  return paths.filter((p) => dirty.has(p));
}

async function capture(repo: string, path: string): Promise<JournalEntry> {
  const full = join(repo, path);
  let st;
  try {
    st = await lstat(full);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return { path, prior: 'absent', mode: null };
    throw err;
  }
  if (st.isSymbolicLink()) return { path, prior: 'symlink', mode: null, link_target: await readlink(full) };
  if (!st.isFile()) throw new PipeError('E_APPLY', `${path} is a ${st.isDirectory() ? 'directory' : 'special file'}, not a file; pipe will not patch it`);
  return { path, prior: 'file', mode: (st.mode & 0o7777).toString(8), bytes_base64: (await readFile(full)).toString('base64') };
}

/** Folders on the way to `path` that do not exist yet, outermost first. */
async function missingDirs(repo: string, path: string): Promise<string[]> {
  const segments = path.split('/').slice(0, -1);
  const out: string[] = [];
  for (let k = 1; k <= segments.length; k++) {
    const dir = segments.slice(0, k).join('/');
    try {
      await lstat(join(repo, dir));
    } catch {
      out.push(dir);
    }
  }
  return out;
}

export interface CheckpointInput {
  repo: string;
  runId: string;
  journalPath: string;
  paths: string[];
  attempt: number;
}

/** Writes (or extends) the run's journal, durably, and leaves it open. Earlier entries keep their pre-run bytes. */
export async function writeCheckpoint(input: CheckpointInput): Promise<JournalDoc> {
  const now = new Date().toISOString();
  const existing = await readJournal(input.journalPath);
  const doc: JournalDoc = existing ?? {
    version: 1,
    run_id: input.runId,
    state: 'open',
    repo: input.repo,
    pid: process.pid,
    created_at: now,
    updated_at: now,
    attempts: [],
    files: [],
    created_dirs: [],
  };
  doc.state = 'open';
  doc.pid = process.pid;
  if (!doc.attempts.includes(input.attempt)) doc.attempts.push(input.attempt);
  const known = new Set(doc.files.map((f) => f.path));
  const dirs = new Set(doc.created_dirs);
  for (const path of input.paths) {
    if (known.has(path)) continue;
    const entry = await capture(input.repo, path);
    doc.files.push(entry);
    known.add(path);
    if (entry.prior === 'absent') for (const d of await missingDirs(input.repo, path)) dirs.add(d);
  }
  doc.created_dirs = [...dirs];
  await writeJournal(input.journalPath, doc);
  return doc;
}
