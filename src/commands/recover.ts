import { Flags } from '@oclif/core';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { PipeCommand } from '../cli/base.js';
import { findRepoRoot } from '../runner/session.js';
import { runCommand } from '../exec/run.js';
import { recoverRuns } from '../patch/workspace.js';
import type { RecoveredRun } from '../patch/workspace.js';
import { recoverBatches, type RecoveredBatch } from '../batch/recover.js';
import { DEFAULT_LEDGER, openLedger, resolveLedgerLocation } from '../budget/ledger.js';
import { reconcileLedger, type ReconcileAction } from '../budget/reconcile.js';
import { configPolicyFiles, loadConfig, loadPolicies } from '../dsl/documents.js';
import { isPipeError } from '../errors.js';

export interface RecoverResult {
  repo: string;
  recovered: RecoveredRun[];
  /** Batches whose process died: tasks marked interrupted, worktrees unlocked and removed. */
  batches: RecoveredBatch[];
  /** Reservations of dead runs settled or released (as `pipe budget --reconcile` does). */
  reservations: ReconcileAction[];
}

export default class Recover extends PipeCommand {
  static override summary = "Restore the working tree from an interrupted run's checkpoint journal; clean up after a killed batch.";
  static override description =
    'Finds runs under .pipe/runs/ whose journal.json is still open while their process is gone (killed during apply or validation), puts every file they touched back to its checkpoint bytes and mode, removes files they created, and closes the journal. For a `pipe batch` whose process is gone it marks the tasks that were running as interrupted and unlocks and removes their worktrees (`pipe batch --resume <id>` runs them again). Then it settles or releases ledger reservations left open by dead runs. Safe to run any number of times.';
  static override examples = ['<%= config.bin %> recover', '<%= config.bin %> recover --repo ../project --json'];
  static override flags = {
    repo: Flags.string({ description: 'repository root (default: current folder)' }),
    force: Flags.boolean({ description: 'also restore open journals whose process still seems alive (after a pid was reused)' }),
  };

  async run(): Promise<RecoverResult> {
    const { flags } = await this.parse(Recover);
    const repo = await findRepoRoot(resolve(flags.repo ?? process.cwd()));
    const recovered = await recoverRuns(repo, runCommand, { force: flags.force });
    const batches = await recoverBatches(runCommand, repo);
    const reservations = await this.releaseReservations(repo);
    if (recovered.length === 0 && batches.length === 0) this.say('nothing to recover: no interrupted run left an open journal');
    for (const r of recovered) {
      this.say(`run ${r.run_id}: ${r.restored.length ? `restored ${r.restored.join(', ')}` : 'the tree already matched the checkpoint'}; journal closed`);
    }
    for (const b of batches) {
      this.say(`batch ${b.batch_id}: ${b.interrupted_tasks.length} task(s) interrupted (${b.interrupted_tasks.join(', ') || 'none'}), ${b.removed_worktrees.length} worktree(s) removed; resume with \`pipe batch --resume ${b.batch_id}\``);
    }
    for (const a of reservations) if (a.action !== 'left_open') this.say(`reservation ${a.entry_id} (run ${a.run_id}): ${a.action} — ${a.reason}`);
    return { repo, recovered, batches, reservations };
  }

  /** Reconciles the ledger when there is one; a ledger or policy that cannot be read is a note, not a failure. */
  private async releaseReservations(repo: string): Promise<ReconcileAction[]> {
    try {
      const { config } = await loadConfig(repo);
      const location = config.ledger ?? DEFAULT_LEDGER;
      const where = resolveLedgerLocation(location, repo);
      if (where.kind === 'sqlite' && !existsSync(where.file)) return [];
      const { policy } = await loadPolicies(configPolicyFiles(config, repo), { useDefault: config.use_default_policy ?? true, baseDir: repo });
      const ledger = await openLedger(location, { repo });
      try {
        return (await reconcileLedger(ledger, { repo, project: config.project ?? 'default', policy })).actions;
      } finally {
        await ledger.close();
      }
    } catch (err) {
      this.note(`open reservations were not reconciled: ${isPipeError(err) ? err.message : String(err)} (try \`pipe budget --reconcile\`)`);
      return [];
    }
  }
}
