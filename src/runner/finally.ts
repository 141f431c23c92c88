// The end of a run, whatever happened before: the pipeline's `finally` steps (rollback,
// in the shipped pipelines), then the checkpoint journal closed.
import type { JournalHandle } from '../patch/workspace.js';
import type { ActiveRun } from './active-run.js';
import { runStep } from './dispatch.js';

/**
 * The run ended on its own, so whatever the tree now holds is its outcome: the journal
 * apply left open is closed. Only a journal left open by a crash (kill -9) is for
 * `pipe recover` to restore — which is why this is the runner's, not a step's: no step
 * runs after finally, and a pipeline that forgot one would leave every run "crashed".
 */
async function closeJournal(run: ActiveRun): Promise<void> {
  const journal = run.context.work.journal as JournalHandle | undefined;
  if (!journal?.path) return;
  try {
    await run.services.workspace.close(journal.path);
  } catch (err) {
    run.events.emit('journal.close_failed', { message: String((err as Error)?.message ?? err) });
  }
}

/** finally steps, then the journal closed; a dry run wrote nothing, so has nothing to undo. */
export async function runFinally(run: ActiveRun): Promise<void> {
  if (run.dryRun) return;
  for (const step of run.options.pipeline.finally) await runStep(run, step, true);
  await closeJournal(run);
}
