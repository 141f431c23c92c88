// The replay's ledger: one private in-memory SQLite ledger (the real ledger code,
// migrated as usual) for the whole replay, emptied before each run and filled with the
// spend recorded at that run's start, so every budget check sees the project, role and
// task totals the recorded run saw. The user's ledger is never opened.
import { openScratchLedger, type ScratchLedger } from '../budget/ledger.js';
import type { Ledger, ReserveRequest } from '../budget/types.js';
import type { SpendAtStart } from '../records/types.js';

// Spend of tasks other than the replayed one is filed under this task id.
const OTHER_TASKS = '(other tasks at the run start)';

export class ReplayLedger {
  private scratch: Promise<ScratchLedger> | null = null;
  private now: () => Date = () => new Date();

  /** The ledger for one run: empty but for the recorded spend at its start; its rows are stamped with `now`. */
  async forRun(spend: SpendAtStart | null, project: string, taskId: string, now: () => Date): Promise<Ledger> {
    this.now = now;
    const scratch = await (this.scratch ??= openScratchLedger(() => this.now()));
    await scratch.reset();
    await seed(scratch.ledger, spend, project, taskId);
    return scratch.ledger;
  }

  async close(): Promise<void> {
    if (this.scratch) await (await this.scratch.catch(() => null))?.close();
  }
}

async function seed(ledger: Ledger, spend: SpendAtStart | null, project: string, taskId: string): Promise<void> {
  for (const [role, s] of Object.entries(spend?.roles ?? {})) {
    for (const [task, spent, reserved] of [
      [taskId, s.task_spent_usd, s.task_reserved_usd],
      [OTHER_TASKS, s.other_spent_usd, s.other_reserved_usd],
    ] as const) {
      const request = (projectedUsd: number): ReserveRequest => ({
        project,
        runId: 'replay-seed',
        taskId: task,
        role,
        provider: 'replay',
        model: 'replay',
        tierRequested: null,
        reasoningEffort: null,
        estInputTokens: 0,
        estOutputTokens: 0,
        projectedUsd,
        limits: {},
      });
      if (spent > 0) {
        const r = await ledger.reserve(request(0));
        await ledger.settle({ entryId: r.entryId, status: 'settled', inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0, actualUsd: spent, tierServed: null, requestId: null });
      }
      // Another run's open reservation at the start counts as spend in progress.
      if (reserved > 0) await ledger.reserve(request(reserved));
    }
  }
}
