import { Flags } from '@oclif/core';
import { taskArgs, taskFlags } from '../cli/task-flags.js';
import { stringify } from 'yaml';
import { PipeCommand } from '../cli/base.js';
import { openSession, runOptionsFor } from '../runner/session.js';
import { createCliServices } from '../cli/run-services.js';
import { baselineFlag, prepareBaseline } from '../cli/baseline.js';
import { renderPlan, type PlanJson, planJson } from '../cli/plan-view.js';
import { executeRun } from '../runner/runner.js';
import { runCommand } from '../exec/run.js';
import { allAllowedDirty, allDirtyError, checkBeforeCall, noCommitError } from '../cli/before-call.js';

export default class Plan extends PipeCommand {
  static override summary = 'Show what a run would do, without calling a model or writing to the repo.';
  static override description =
    'The dry run, printed: the merged pipeline, the route (role, model, tier, effort and the rule that matched), the context files, the token and cost projection and the budget headroom, the sandbox validators run in (its rules and each validator\'s overrides), and the baseline: the task\'s validators on the unchanged tree (run now, or cached for this tree).';
  static override examples = ['<%= config.bin %> plan tasks/fix-slug.yaml', '<%= config.bin %> plan tasks/fix-slug.yaml --show-policy --json'];
  static override args = taskArgs;
  static override flags = {
    ...taskFlags,
    ...baselineFlag,
    'show-policy': Flags.boolean({ description: 'also print the merged policy' }),
  };

  async run(): Promise<PlanJson> {
    const { args, flags } = await this.parse(Plan);
    const session = await openSession({ task: args.task, repo: flags.repo, pipeline: flags.pipeline, policy: flags.policy, provider: flags.provider });
    const userWork = await checkBeforeCall(session, runCommand, { strict: false });
    const stop = !userWork.hasCommit ? noCommitError(session.repo) : allAllowedDirty(userWork) ? allDirtyError(userWork) : null;
    // A run that would stop before the call (no commit, every allowed file dirty) would not reach the baseline either.
    const baseline = await prepareBaseline(session, { enabled: flags.baseline && stop === null, readOnly: true, note: () => undefined });
    const cli = createCliServices(session, { json: true, quiet: true, verbose: false });
    let outcome;
    try {
      outcome = await executeRun({
        ...runOptionsFor(session),
        dryRun: true,
        userWork: userWork.protected,
        services: cli.services,
        baseline: baseline ?? undefined,
      });
    } finally {
      await cli.close();
    }
    const result = planJson(session, outcome, flags['show-policy'], userWork, stop, baseline);
    if (outcome.exitCode !== 0) process.exitCode = outcome.exitCode;
    // Every allowed file is the user's work: the run would stop, and so does the plan's exit code.
    else if (stop?.code === 'E_DIRTY_FILES') process.exitCode = stop.exitCode;
    if (!this.jsonEnabled()) {
      process.stdout.write(renderPlan(result));
      if (flags['show-policy']) process.stdout.write(`\nmerged policy (${session.policyFiles.join(' → ')}):\n${stringify(session.policy)}`);
    }
    return result;
  }
}
