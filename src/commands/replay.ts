import { Args, Flags } from '@oclif/core';
import { resolve } from 'node:path';
import { PipeCommand } from '../cli/base.js';
import { findRepoRoot, flagPath } from '../runner/session.js';
import { replayDocumentsResolver } from '../cli/replay-documents.js';
import { PipeError } from '../errors.js';
import { runsRoot } from '../records/history.js';
import { replayRuns } from '../replay/index.js';
import { renderMarkdown, renderTable } from '../replay/render.js';
import type { ReplayReport } from '../replay/types.js';

export type ReplayResultJson = ReplayReport & { exit_code: number };

export default class Replay extends PipeCommand {
  static override summary = 'Replay recorded runs under the documents on disk (or a changed policy, pipeline, config or task): no model call, the working tree untouched.';
  static override description =
    'Re-runs every deterministic decision of recorded runs against their recorded answers: routing, budget checks (against the ledger as it was when each run started), the gate, pricing, convergence verdicts and the number of attempts. Prints old and new side by side with only the changed fields marked, and a totals line. Exit 0 when it ran, whatever changed; --fail-on-change exits 1 when any run changes.';
  static override examples = [
    '<%= config.bin %> replay --last 20',
    '<%= config.bin %> replay --last 50 --policy policies/cheaper.yaml',
    '<%= config.bin %> replay 20260101T120000Z-ab12cd --validate',
    '<%= config.bin %> replay --since 2026-01-01 --format markdown >> "$GITHUB_STEP_SUMMARY"',
    '<%= config.bin %> replay --last 50 --fail-on-change --json',
  ];
  static override strict = false;
  static override args = {
    run_ids: Args.string({ description: 'run ids (or unique prefixes) to replay; or use --last / --since' }),
  };
  static override flags = {
    repo: Flags.string({ description: 'repository root (default: current folder)' }),
    records: Flags.string({ description: 'folder holding the run records (default: <repo>/.pipe/runs)' }),
    last: Flags.integer({ description: 'replay the newest N runs', min: 1 }),
    since: Flags.string({ description: 'replay runs started at or after this date (ISO 8601)' }),
    policy: Flags.string({ description: 'extra policy file merged last (repeatable), as `pipe plan --policy` does', multiple: true }),
    pipeline: Flags.string({ description: "pipeline name or file to use instead of each task's" }),
    config: Flags.string({ description: 'Config file to use instead of .pipe/config.yaml' }),
    task: Flags.string({ description: 'task file to use for the runs of the same task id (repeatable)', multiple: true }),
    validate: Flags.boolean({ description: 're-run the validators, each run in a temporary git worktree at its recorded commit, removed after' }),
    format: Flags.string({ description: 'output for people', options: ['table', 'markdown'], default: 'table' }),
    'fail-on-change': Flags.boolean({ description: 'exit 1 when any run changes (or cannot be determined)' }),
  };

  async run(): Promise<ReplayResultJson> {
    const { argv, flags } = await this.parse(Replay);
    const ids = (argv as string[]).filter(Boolean);
    if (!ids.length && flags.last === undefined && flags.since === undefined) {
      throw new PipeError('E_USAGE', 'say which runs to replay', { hint: 'give run ids, or --last N, or --since DATE (see `pipe runs`)' });
    }
    if (ids.length && (flags.last !== undefined || flags.since !== undefined)) {
      throw new PipeError('E_USAGE', 'give run ids or --last/--since, not both', { hint: 'pipe replay <run-id…> | --last N | --since DATE' });
    }
    const repo = await findRepoRoot(resolve(flags.repo ?? process.cwd()));
    const recordsRoot = flags.records ? flagPath(flags.records, repo) : runsRoot(repo);
    const policy = flags.policy ?? [];
    const task = flags.task ?? [];
    const documentsFor = await replayDocumentsResolver(repo, { policy, pipeline: flags.pipeline, config: flags.config, task, validate: flags.validate });
    const json = this.jsonEnabled();
    const progress = !json && Boolean(process.stderr.isTTY);
    const report = await replayRuns({
      repo,
      recordsRoot,
      selection: { ids, last: flags.last, since: flags.since },
      validate: flags.validate,
      documentsFor,
      describe: { policy, pipeline: flags.pipeline ?? null, config: flags.config ?? null, task },
      onRun: progress ? (r, i, n) => process.stderr.write(`\r  replayed ${i + 1}/${n}${i + 1 === n ? '\n' : ''}`) : undefined,
    });
    const failing = report.totals.changed + report.totals.undetermined > 0;
    const exitCode = flags['fail-on-change'] && failing ? 1 : 0;
    process.exitCode = exitCode;
    if (!json) {
      process.stdout.write(flags.format === 'markdown' ? renderMarkdown(report) : renderTable(report, { color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR }));
    }
    return { ...report, exit_code: exitCode };
  }
}
