// rollback: puts every file the run touched back to its checkpoint bytes and mode and
// removes what the run created. Safe to run when nothing was applied, and twice.
import { join } from 'node:path';
import type { JournalHandle } from '../patch/workspace.js';
import type { StepModule } from '../runner/types.js';
import type { RollbackWith } from '../types/generated/index.js';
import { readSchema } from '../dsl/schemas.js';

export const step: StepModule<RollbackWith> = {
  type: 'rollback',
  withSchema: readSchema('steps/rollback.with'),
  async run(ctx) {
    const dir = ctx.services.records.dir;
    if (dir === null) return { status: 'succeeded', output: { restored: [] }, message: 'dry run: nothing was applied' };
    const handle = ctx.work.journal as JournalHandle | undefined;
    const journalPath = handle?.path ?? join(dir, 'journal.json');
    const restored = await ctx.services.workspace.rollback(journalPath);
    if (restored.length) ctx.services.events.emit('rollback', { step: ctx.step.id, attempt: ctx.attempt, restored });
    return { status: 'succeeded', output: { restored }, message: restored.length ? `${restored.length} file${restored.length === 1 ? '' : 's'} restored` : 'nothing to restore' };
  },
};
