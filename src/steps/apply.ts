// apply: refuses to touch the user's uncommitted work, writes the checkpoint journal
// durably, and only then changes the tree. A retry first rolls this attempt back.
import { join } from 'node:path';
import { isPipeError } from '../errors.js';
import { isGatedPatch } from '../patch/types.js';
import type { JournalHandle } from '../patch/workspace.js';
import { listPaths } from '../patch/checks/index.js';
import type { StepModule } from '../runner/types.js';
import type { ApplyWith } from '../types/generated/index.js';
import { readSchema } from '../dsl/schemas.js';

export const step: StepModule<ApplyWith> = {
  type: 'apply',
  withSchema: readSchema('steps/apply.with'),
  async run(ctx, args) {
    const gated = ctx.work.patch;
    if (!isGatedPatch(gated)) {
      return { status: 'failed', code: 'E_APPLY', message: 'there is no gated patch to apply; a gate step must pass before apply' };
    }
    const recordsDir = ctx.services.records.dir;
    if (ctx.run.dryRun || recordsDir === null) return { status: 'skipped', message: 'dry run: nothing is written to the repository' };
    const attempt = ctx.currentAttempt();
    const { repo } = ctx;
    const workspace = ctx.services.workspace;
    // The step may only narrow the policy, never widen it.
    const allowDirty = (ctx.policy.safety?.allow_dirty_files ?? false) && args.allow_dirty_files !== false;
    const dirty = await workspace.dirtyFiles(gated.paths);
    if (dirty.length && !allowDirty) {
      const message = `the patch touches ${dirty.length === 1 ? 'a file' : 'files'} with uncommitted changes: ${listPaths(dirty)}; commit or stash them first, or set safety.allow_dirty_files: true`;
      attempt.refusal = { code: 'E_DIRTY_FILES', message };
      return { status: 'refused', code: 'E_DIRTY_FILES', message, output: { files_changed: [], journal: null, dirty_files: dirty } };
    }
    const journalPath = join(recordsDir, 'journal.json');
    try {
      await workspace.checkpoint({ runId: ctx.run.id, journalPath, paths: gated.paths, attempt: ctx.attempt });
    } catch (err) {
      // Nothing was applied yet: the tree is as it was.
      const message = `could not write the checkpoint, so nothing was applied: ${(err as Error).message}`;
      attempt.refusal = { code: 'E_APPLY', message };
      return { status: 'failed', code: 'E_APPLY', message, output: { files_changed: [], journal: null } };
    }
    const handle: JournalHandle = { path: journalPath, runId: ctx.run.id, repo };
    ctx.work.journal = handle;
    const touched = gated.paths;
    const attemptNo = ctx.attempt;
    ctx.beforeRetry(async () => {
      await workspace.rollback(journalPath);
      ctx.services.progress.note(`rolled back attempt ${attemptNo}'s patch (${touched.join(', ')}) from its checkpoint; the next attempt starts from your tree`);
      ctx.work.filesChanged = ctx.work.filesChanged.filter((p) => !touched.includes(p));
    });
    try {
      await workspace.apply({ patch: gated.patch, contents: gated.contents });
    } catch (err) {
      await workspace.rollback(journalPath);
      const message = isPipeError(err) ? err.message : `applying the patch failed: ${(err as Error).message}`;
      attempt.refusal = { code: 'E_APPLY', message };
      return { status: 'failed', code: 'E_APPLY', message: `${message} (the tree was restored from the checkpoint)`, output: { files_changed: [], journal: journalPath } };
    }
    ctx.work.filesChanged = [...new Set([...ctx.work.filesChanged, ...touched])];
    ctx.services.events.emit('patch.applied', { step: ctx.step.id, attempt: ctx.attempt, files: touched, dirty_files: dirty, journal: journalPath });
    return {
      status: 'succeeded',
      message: `${touched.length} file${touched.length === 1 ? '' : 's'} changed${dirty.length ? ` (${dirty.length} had uncommitted changes; the checkpoint keeps them)` : ''}`,
      output: { files_changed: touched, journal: journalPath },
    };
  },
};
