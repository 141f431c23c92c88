// `pipe recover` and the start of `pipe run`: an open journal whose process is dead
// means the run crashed (kill -9 during apply or validation); restore its tree.
import { readdir, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Exec } from '../../exec/run.js';
import { git } from '../../exec/run.js';
import { markRunInterrupted, runningPid } from '../../records/interrupted.js';
import { existsSync } from 'node:fs';
import { readJournal, writeJournal, type JournalDoc } from './journal.js';
import { restoreFromJournal } from './restore.js';
import { isProcessAlive } from '../../records/process-alive.js';

export interface RecoveredRun {
  run_id: string;
  restored: string[];
}

async function repoRoot(repo: string, exec: Exec): Promise<string> {
  const r = await git(exec, resolve(repo), ['rev-parse', '--show-toplevel']);
  return r.failed ? resolve(repo) : r.stdout.trim();
}

function journalTree(journalRepo: string | undefined, root: string): string | null {
  const worktrees = join(root, '.pipe', 'worktrees');
  if (!journalRepo || !resolve(journalRepo).startsWith(`${worktrees}/`)) return root;
  return existsSync(journalRepo) ? resolve(journalRepo) : null;
}

/** The batch worktree the journal belongs to is gone, and with it every change the run made. */
async function closeOrphanJournal(doc: JournalDoc, journalPath: string): Promise<string[]> {
  doc.state = 'closed';
  await writeJournal(journalPath, doc);
  return [];
}

/** Restores every run whose journal is open and whose process is gone (any open one with `force`). Idempotent. */
export async function recoverRuns(repo: string, exec: Exec, options: { force?: boolean } = {}): Promise<RecoveredRun[]> {
  const root = await repoRoot(repo, exec);
  const runsDir = join(root, '.pipe', 'runs');
  let names: string[];
  try {
    names = (await readdir(runsDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch {
    return [];
  }
  const out: RecoveredRun[] = [];
  for (const name of names) {
    const dir = join(runsDir, name);
    // A temp journal never renamed into place means the crash came before any file changed.
    for (const leftover of (await readdir(dir)).filter((n) => n.startsWith('.journal.json.tmp-'))) await unlink(join(dir, leftover)).catch(() => undefined);
    const journalPath = join(dir, 'journal.json');
    const doc = await readJournal(journalPath);
    if (!doc || doc.state !== 'open') {
      // Killed before apply (no journal): nothing to restore, but its record must not say "running" forever.
      const pid = runningPid(dir);
      if (pid !== null && pid !== process.pid && !isProcessAlive(pid)) markRunInterrupted(dir, []);
      continue;
    }
    if (!options.force && (doc.pid === process.pid || isProcessAlive(doc.pid))) continue;
    // A batch task's journal names its own worktree (under .pipe/worktrees/); every other one this repository.
    const tree = journalTree(doc.repo, root);
    const restored = tree ? await restoreFromJournal(doc, journalPath, tree) : await closeOrphanJournal(doc, journalPath);
    markRunInterrupted(dir, restored);
    out.push({ run_id: doc.run_id || name, restored });
  }
  return out;
}
