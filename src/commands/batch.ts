import { Args, Flags } from '@oclif/core';
import { PROVIDER_NAMES } from '../providers/index.js';
import { PipeCommand } from '../cli/base.js';
import { PipeError } from '../errors.js';
import { runCommand } from '../exec/run.js';
import { baselineFlag } from '../cli/baseline.js';
import { recoverRuns } from '../patch/workspace.js';
import { runBatch } from '../batch/batch.js';
import { batchDir } from '../batch/journal.js';
import { createBatchProgress, silentBatchProgress } from '../batch/progress.js';
import { recoverBatches } from '../batch/recover.js';
import { prepareBatch } from '../batch/start.js';
import { batchResultJson, renderBatchSummary, type BatchResultJson } from '../batch/summary.js';

export default class Batch extends PipeCommand {
  static override summary = 'Run many tasks at once, each in its own git worktree, under one budget; successes land as branches.';
  static override description =
    'Each task runs the real pipeline in a worktree at the current commit (under .pipe/worktrees/, removed after unless --keep), up to --jobs at once, all against the same ledger, so project, role and batch budgets hold across the batch. A success is a commit on branch <prefix><batch-id>/<task-id> (or a patch file with --patches-only); your working tree, index and branch are never touched. Exit code: 0 when every task succeeded, else the largest task exit code (3 for tasks not run because the batch budget was spent).';
  static override examples = [
    '<%= config.bin %> batch tasks/',
    '<%= config.bin %> batch "tasks/**/*.yaml" --jobs 4 --max-cost 2.50',
    '<%= config.bin %> batch tasks/a.yaml tasks/b.yaml --patches-only --json',
    '<%= config.bin %> batch --resume batch-20251202T073000Z-a1b2c3',
  ];
  static override strict = false;
  static override args = {
    tasks: Args.string({ description: 'task files, folders of task files, or quoted globs' }),
  };
  static override flags = {
    repo: Flags.string({ description: 'repository root (default: current folder)' }),
    pipeline: Flags.string({ description: "pipeline name or file for every task (overrides each task's)" }),
    policy: Flags.string({ description: 'extra policy file merged last (repeatable)', multiple: true }),
    provider: Flags.string({ description: 'provider answering model calls (default: the one in .pipe/config.yaml, else fake)', options: [...PROVIDER_NAMES] }),
    jobs: Flags.integer({ char: 'j', description: 'tasks at once (default: policy batch.jobs, else the number of CPU cores)', min: 1, max: 256 }),
    'max-cost': Flags.string({ description: 'most the batch may spend, USD (default: policy batch.max_cost_usd; none)' }),
    keep: Flags.boolean({ description: 'keep each task\'s worktree under .pipe/worktrees/ after it ends' }),
    'patches-only': Flags.boolean({ description: 'write each success as .pipe/batches/<id>/patches/<task>.patch instead of a commit on a branch' }),
    'branch-prefix': Flags.string({ description: 'prefix of result branches (default: policy batch.branch_prefix, else pipe/)' }),
    resume: Flags.string({ description: 'run what the named batch did not finish (after a crash, an interrupt or a spent budget)' }),
    'batch-id': Flags.string({ description: 'name the batch (default: batch-<time>-<random>); several machines passing one id share its max-cost in one ledger' }),
    ...baselineFlag,
    quiet: Flags.boolean({ char: 'q', description: 'no progress lines, only the summary' }),
    verbose: Flags.boolean({ char: 'v', description: 'a line for every step of every task (not on a TTY)' }),
  };

  async run(): Promise<BatchResultJson> {
    const { argv, flags } = await this.parse(Batch);
    const json = this.jsonEnabled();
    const maxCost = parseMaxCost(flags['max-cost']);
    const prepared = await prepareBatch(runCommand, {
      tasks: argv as string[],
      repo: flags.repo,
      pipeline: flags.pipeline,
      policy: flags.policy,
      provider: flags.provider,
      jobs: flags.jobs,
      maxCost,
      keep: flags.keep,
      patchesOnly: flags['patches-only'],
      branchPrefix: flags['branch-prefix'],
      resume: flags.resume,
      batchId: flags['batch-id'],
      baseline: flags.baseline,
    });
    const { journal } = prepared;
    // Runs and batches killed with SIGKILL: restore their trees and remove their worktrees first.
    await recoverRuns(journal.repo, runCommand);
    await recoverBatches(runCommand, journal.repo);

    const progress = json || flags.quiet
      ? silentBatchProgress()
      : createBatchProgress({ batchId: journal.batch_id, total: prepared.sessions.size, limitUsd: journal.settings.max_cost_usd, verbose: flags.verbose });
    const controller = new AbortController();
    const onSignal = (sig: NodeJS.Signals) => {
      if (controller.signal.aborted) return;
      progress.note(`${sig}: no new tasks start; running tasks stop after their current step and run their finally steps`);
      controller.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      if (!json && !flags.quiet) this.note(`batch ${journal.batch_id}: ${prepared.sessions.size} task(s), ${journal.settings.jobs} at once, from commit ${journal.commit.slice(0, 12)}`);
      await runBatch({ exec: runCommand, journal, sessions: prepared.sessions, progress, signal: controller.signal, resume: prepared.resume });
    } finally {
      progress.close();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    const result = batchResultJson(journal, batchDir(journal.repo, journal.batch_id));
    process.exitCode = result.exit_code;
    if (!json) process.stdout.write(renderBatchSummary(result));
    return result;
  }
}

function parseMaxCost(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.replace(/^\$/, ''));
  if (!Number.isFinite(n) || n < 0 || value.trim() === '') {
    throw new PipeError('E_USAGE', `--max-cost '${value}' is not an amount in USD`, { hint: 'e.g. --max-cost 2.50' });
  }
  return n;
}
