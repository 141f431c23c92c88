// Before the first byte changes: which touched files hold the user's uncommitted
// work (HEAD's tree entries for the patch's paths, so cost follows the patch), and
// the journal of their prior bytes.
import { lstat, readFile, readlink } from 'node:fs/promises';
import { createHash } from 'node:crypto';
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

/** The blob id git would give these bytes (sha1, or sha256 in sha256 repositories). */
function blobId(bytes: Buffer, algorithm: 'sha1' | 'sha256'): string {
  return createHash(algorithm).update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** Whether the working-tree file still holds HEAD's bytes and mode, judged without the index. */
async function matchesHead(repo: string, path: string, head: { mode: string; id: string }): Promise<boolean> {
  const st = await lstat(join(repo, path)).catch(() => null);
  if (!st) return false;
  const algorithm = head.id.length === 64 ? 'sha256' : 'sha1';
  if (head.mode === '120000') return st.isSymbolicLink() && blobId(Buffer.from(await readlink(join(repo, path))), algorithm) === head.id;
  if (!st.isFile()) return false;
  const executable = (st.mode & 0o100) !== 0;
  if (executable !== (head.mode === '100755')) return false;
  return blobId(await readFile(join(repo, path)), algorithm) === head.id;
}

/**
 * Touched paths that hold uncommitted work: modified, deleted, untracked or
 * ignored-but-present. It reads only HEAD's tree entries for these paths (git ls-tree)
 * and hashes the files itself, so the cost follows the patch, not the repository (the
 * index of a large repo is never read on the common path). Bytes that differ from HEAD
 * are confirmed with `git diff` so clean files under eol or filter attributes are not
 * refused. A change that is only staged, with the working file back at HEAD, is not in
 * the way: apply and rollback write the working tree and never touch the index.
 */
export async function dirtyFiles(exec: Exec, repo: string, paths: string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  const tree = await gitLines(exec, repo, ['ls-tree', '-z', 'HEAD', '--', ...paths]);
  const dirty = new Set<string>();
  // No HEAD yet (a repo without commits): every present file is uncommitted work.
  if (tree === null) {
    for (const p of paths) if ((await lstat(join(repo, p)).catch(() => null)) !== null) dirty.add(p);
    return paths.filter((p) => dirty.has(p));
  }
  const head = new Map<string, { mode: string; id: string }>();
  for (const line of tree) {
    const m = /^(\d+) (\w+) ([0-9a-f]+)\t(.*)$/s.exec(line);
    if (m && m[2] !== 'tree') head.set(m[4], { mode: m[1], id: m[3] });
  }
  const differing: string[] = [];
  for (const p of paths) {
    const entry = head.get(p);
    const present = (await lstat(join(repo, p)).catch(() => null)) !== null;
    if (!entry) {
      if (present) dirty.add(p);
    } else if (!(await matchesHead(repo, p, entry))) {
      differing.push(p);
    }
  }
  if (differing.length) {
    // `git diff` (not diff-index) re-hashes through eol conversion and clean filters.
    const confirmed = await gitLines(exec, repo, ['diff', '--no-ext-diff', '--name-only', '-z', '--no-renames', 'HEAD', '--', ...differing]);
    for (const p of confirmed ?? differing) dirty.add(p);
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
