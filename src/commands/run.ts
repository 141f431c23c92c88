import { Flags } from '@oclif/core';
import { taskArgs, taskFlags } from '../cli/task-flags.js';
import { PipeCommand } from '../cli/base.js';
import type { PipeError } from '../errors.js';
import { openSession, runOptionsFor } from '../runner/session.js';
import { createCliServices } from '../cli/run-services.js';
import { baselineFlag, prepareBaseline } from '../cli/baseline.js';
import { renderRunSummary, runResultJson, type RunResultJson } from '../cli/summary.js';
import { recoverRuns } from '../patch/workspace.js';
import { runCommand } from '../exec/run.js';
import { executeRun, newRunId } from '../runner/runner.js';
import { acquireRunLock } from '../records/lock.js';
import type { Session } from '../runner/session.js';
import { checkBeforeCall } from '../cli/before-call.js';

/** True when the fake provider would have nothing to answer with. */
function unscriptedFake(session: Session): boolean {
  return session.provider === 'fake' && !(session.task.fake ?? session.config.fake)?.responses?.length;
}

const UNSCRIPTED_NOTE =
  'the fake provider has no scripted answers for this task, so this is a dry run (it stops before the call). For a real model: set `provider: openai` in .pipe/config.yaml and OPENAI_API_KEY in the environment (or pass --provider openai); to replay answers, add fake.responses to the task (docs/providers.md).';

interface RunFlags {
  'dry-run': boolean;
  baseline?: boolean;
  approve?: string[];
  quiet: boolean;
  verbose: boolean;
}

export default class Run extends PipeCommand {
  static override summary = "Run a task's pipeline: route, budget, propose, gate, apply, validate, retry, roll back or escalate.";
  static override description =
    'Runs the task in the repository (default: the current folder). pipe never commits, pushes or stages: on success the change stays in the working tree for you to review (`pipe show <run-id> --diff`).';
  static override examples = [
    '<%= config.bin %> run tasks/fix-slug.yaml',
    '<%= config.bin %> run tasks/fix-slug.yaml --repo ../project --json',
    '<%= config.bin %> run tasks/fix-slug.yaml --dry-run',
    '<%= config.bin %> run tasks/review.yaml --approve emergency_pro_reviewer',
  ];
  static override args = taskArgs;
  static override flags = {
    ...taskFlags,
    ...baselineFlag,
    'dry-run': Flags.boolean({ description: 'everything up to the provider call: no call, no writes to the repo' }),
    approve: Flags.string({ description: 'approve calls to a role that needs manual approval (repeatable)', multiple: true }),
    quiet: Flags.boolean({ char: 'q', description: 'no progress lines, only the result' }),
    verbose: Flags.boolean({ char: 'v', description: 'more detail in progress lines' }),
  };

  /**
   * A run stopped before any call (a budget or limit, exit 3; the user's work in the way,
   * exit 5) still answers with a run status, beside the error, so scripts read one field.
   */
  protected override errorFields(pe: PipeError): Record<string, unknown> {
    const status = pe.exitCode === 3 ? 'blocked' : pe.exitCode === 5 ? 'refused' : null;
    return { ...(status ? { status } : {}), exit_code: pe.exitCode };
  }

  async run(): Promise<RunResultJson> {
    const { args, flags } = await this.parse(Run);
    const session = await openSession({ task: args.task, repo: flags.repo, pipeline: flags.pipeline, policy: flags.policy, provider: flags.provider });
    const json = this.jsonEnabled();
    const runId = newRunId(new Date());
    // Right after `pipe init` there is no script and no model: do what can be done without one.
    const unscripted = !flags['dry-run'] && unscriptedFake(session);
    if (unscripted) this.note(`note: ${UNSCRIPTED_NOTE}`);
    const runFlags = { ...flags, 'dry-run': flags['dry-run'] || unscripted };
    // A dry run writes nothing, so it needs no lock.
    const release = runFlags['dry-run'] ? () => {} : acquireRunLock(session.repo, runId);
    try {
      const result = await this.runLocked(session, runId, runFlags, json, !flags['dry-run']);
      return unscripted ? { ...result, note: UNSCRIPTED_NOTE } : result;
    } finally {
      release();
    }
  }

  private async runLocked(session: Session, runId: string, flags: RunFlags, json: boolean, strict: boolean): Promise<RunResultJson> {
    if (!flags['dry-run']) {
      // A run killed with SIGKILL left its journal open: restore the tree before starting.
      for (const r of await recoverRuns(session.repo, runCommand)) {
        if (r.restored.length) this.note(`recovered interrupted run ${r.run_id}: restored ${r.restored.length} file(s)`);
      }
    }
    // After recovery (an interrupted run's leftovers are not the user's work), before any call.
    const userWork = await checkBeforeCall(session, runCommand, { strict });
    if (userWork.protected.length) this.note(`left out of what the model may change (your uncommitted work): ${userWork.protected.join(', ')}`);
    // Before any model call: the validators on the unchanged tree (exit 2 when they cannot test).
    const baseline = await prepareBaseline(session, { enabled: flags.baseline, readOnly: flags['dry-run'], note: (l) => (json || flags.quiet ? undefined : process.stderr.write(`${l}\n`)) });
    const cli = createCliServices(session, { json, quiet: flags.quiet, verbose: flags.verbose });
    let outcome;
    try {
      outcome = await executeRun({
        ...runOptionsFor(session),
        dryRun: flags['dry-run'],
        approvedRoles: flags.approve ?? [],
        runId,
        userWork: userWork.protected,
        handleSignals: true,
        services: cli.services,
        baseline: baseline ?? undefined,
      });
    } finally {
      await cli.close();
    }
    const result = runResultJson(outcome);
    process.exitCode = outcome.exitCode;
    if (!json && !flags.quiet) process.stdout.write(renderRunSummary(outcome, { color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR }));
    else if (!json) process.stdout.write(`${result.status} ${result.run_id}\n`);
    return result;
  }
}
