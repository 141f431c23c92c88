import { Flags } from '@oclif/core';
import { resolve } from 'node:path';
import { PipeCommand } from '../cli/base.js';
import { findRepoRoot } from '../cli/session.js';
import { runCommand } from '../exec/run.js';
import { recoverRuns } from '../patch/workspace.js';
import type { RecoveredRun } from '../patch/workspace.js';

export interface RecoverResult {
  repo: string;
  recovered: RecoveredRun[];
}

export default class Recover extends PipeCommand {
  static override summary = "Restore the working tree from an interrupted run's checkpoint journal.";
  static override description =
    'Finds runs under .pipe/runs/ whose journal.json is still open while their process is gone (killed during apply or validation), puts every file they touched back to its checkpoint bytes and mode, removes files they created, and closes the journal. Safe to run any number of times.';
  static override examples = ['<%= config.bin %> recover', '<%= config.bin %> recover --repo ../project --json'];
  static override flags = {
    repo: Flags.string({ description: 'repository root (default: current folder)' }),
    force: Flags.boolean({ description: 'also restore open journals whose process still seems alive (after a pid was reused)' }),
  };

  async run(): Promise<RecoverResult> {
    const { flags } = await this.parse(Recover);
    const repo = await findRepoRoot(resolve(flags.repo ?? process.cwd()));
    const recovered = await recoverRuns(repo, runCommand, { force: flags.force });
    if (recovered.length === 0) this.say('nothing to recover: no interrupted run left an open journal');
    for (const r of recovered) {
      this.say(`run ${r.run_id}: ${r.restored.length ? `restored ${r.restored.join(', ')}` : 'the tree already matched the checkpoint'}; journal closed`);
    }
    return { repo, recovered };
  }
}
