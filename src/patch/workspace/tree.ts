// The workspace a run changes, as one narrow service (ctx.services.workspace): which
// touched files hold the user's uncommitted work, the checkpoint, apply, rollback and
// closing the journal. `treeWorkspace` is the real one over a working tree; `pipe
// replay` hands the runner one that never touches the user's tree.
import type { Exec } from '../../exec/run.js';
import type { ParsedPatch, ResolvedContent } from '../types.js';
import { applyToTree } from './apply.js';
import { dirtyFiles, writeCheckpoint } from './checkpoint.js';
import { closeJournal, rollbackJournal } from './restore.js';

export interface CheckpointRequest {
  runId: string;
  /** Where the journal lives (the run's records folder). */
  journalPath: string;
  paths: string[];
  attempt: number;
}

export interface Workspace {
  /** Which of `paths` hold uncommitted work (modified, deleted, untracked). */
  dirtyFiles(paths: string[]): Promise<string[]>;
  /** Writes (or extends) the checkpoint journal durably, before any byte changes. */
  checkpoint(request: CheckpointRequest): Promise<void>;
  /** Applies a gated patch. Throws E_APPLY when it does not apply. */
  apply(request: { patch: ParsedPatch; contents: ResolvedContent[] | null }): Promise<void>;
  /** Restores every file of an open journal; returns the paths that had to change. */
  rollback(journalPath: string): Promise<string[]>;
  /** The run ended on its own: close the journal without touching the tree. */
  close(journalPath: string): Promise<void>;
}

/** The real workspace: the working tree at `repo`. */
export function treeWorkspace(repo: string, exec: Exec): Workspace {
  return {
    dirtyFiles: (paths) => dirtyFiles(exec, repo, paths),
    checkpoint: async (r) => {
      await writeCheckpoint({ repo, runId: r.runId, journalPath: r.journalPath, paths: r.paths, attempt: r.attempt });
    },
    apply: (r) => applyToTree({ repo, exec, patch: r.patch, contents: r.contents }),
    rollback: (journalPath) => rollbackJournal(journalPath),
    close: (journalPath) => closeJournal(journalPath),
  };
}
