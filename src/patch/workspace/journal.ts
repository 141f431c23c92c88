// The checkpoint journal (.pipe/runs/<run-id>/journal.json): every file a patch will
// touch, with its prior bytes (or "absent") and mode, written durably before the first
// byte of the tree changes. An open journal whose process is gone means a crash.
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, basename } from 'node:path';
import { PipeError } from '../../errors.js';

export type JournalState = 'open' | 'closed';

export interface JournalEntry {
  /** Repo-relative path. */
  path: string;
  /** What was there before the run. */
  prior: 'absent' | 'file' | 'symlink';
  /** Permission bits as octal text ('644', '755'), for files. */
  mode: string | null;
  /** The prior bytes, base64 (files only). */
  bytes_base64?: string;
  /** The prior link target (symlinks only). */
  link_target?: string;
}

export interface JournalDoc {
  version: 1;
  run_id: string;
  state: JournalState;
  /** Absolute repository root the paths are relative to. */
  repo: string;
  /** The process that wrote it; recover treats an open journal of a dead pid as a crash. */
  pid: number;
  created_at: string;
  updated_at: string;
  /** Attempts that applied a patch under this journal. */
  attempts: number[];
  files: JournalEntry[];
  /** Folders the run created (absent before); removed with everything in them on rollback. */
  created_dirs: string[];
}

/** What apply leaves in ctx.work.journal. */
export interface JournalHandle {
  path: string;
  runId: string;
  repo: string;
}

export async function fsyncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    /* some file systems cannot fsync a directory; the rename is still atomic */
  } finally {
    await fh?.close();
  }
}

/** Write to a temp file, fsync it, rename over the target, fsync the folder (unless the caller batches that). */
export async function writeFileDurable(path: string, data: string | Buffer, options: { syncDir?: boolean } = {}): Promise<void> {
  const tmp = `${dirname(path)}/.${basename(path)}.tmp-${process.pid}`;
  const fh = await open(tmp, 'w', 0o644);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  if (options.syncDir !== false) await fsyncDir(dirname(path));
}

export async function writeJournal(path: string, doc: JournalDoc): Promise<void> {
  doc.updated_at = new Date().toISOString();
  await mkdir(dirname(path), { recursive: true });
  await writeFileDurable(path, JSON.stringify(doc, null, 2) + '\n');
}

export async function readJournal(path: string): Promise<JournalDoc | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let doc: JournalDoc;
  try {
    doc = JSON.parse(text) as JournalDoc;
  } catch (err) {
    throw new PipeError('E_RECOVER', `checkpoint journal ${path} is not valid JSON`, { cause: err, hint: 'restore the files by hand from git, then delete the journal' });
  }
  if (doc.version !== 1 || !Array.isArray(doc.files) || (doc.state !== 'open' && doc.state !== 'closed')) {
    throw new PipeError('E_RECOVER', `checkpoint journal ${path} has an unknown format`, { hint: 'restore the files by hand from git, then delete the journal' });
  }
  return doc;
}
