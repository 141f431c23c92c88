import { Flags } from '@oclif/core';
import { resolve } from 'node:path';
import { PipeCommand } from '../cli/base.js';
import { findRepoRoot } from '../runner/session.js';
import { listRuns, type RunSummary } from '../records/history.js';
import { formatUsd } from '../budget/money.js';
import { readBatch } from '../batch/journal.js';

export interface RunsResult {
  runs: RunSummary[];
}

function duration(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} m ${Math.round((ms % 60_000) / 1000)} s`;
}

export function runsTable(runs: RunSummary[]): string {
  const rows = [['RUN', 'TASK', 'STATUS', 'ATTEMPTS', 'VERDICT', 'COST', 'STARTED', 'DURATION']];
  for (const r of runs) {
    rows.push([r.run_id, r.task_id, r.status, String(r.attempts), r.verdict ?? '-', formatUsd(r.cost_usd), r.started_at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'), duration(r.duration_ms)]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

export default class Runs extends PipeCommand {
  static override summary = 'List runs (newest first): id, task, status, attempts, cost, duration.';
  static override examples = ['<%= config.bin %> runs', '<%= config.bin %> runs --limit 5 --json', '<%= config.bin %> runs --batch batch-20251202T073000Z-a1b2c3'];
  static override flags = {
    repo: Flags.string({ description: 'repository root (default: current folder)' }),
    limit: Flags.integer({ description: 'show at most this many runs', min: 1 }),
    batch: Flags.string({ description: 'only the runs of this batch (pipe batch)' }),
  };

  async run(): Promise<RunsResult> {
    const { flags } = await this.parse(Runs);
    const repo = await findRepoRoot(resolve(flags.repo ?? process.cwd()));
    if (flags.batch !== undefined) readBatch(repo, flags.batch); // an unknown batch is an error, not an empty list
    const all = (await listRuns(repo)).filter((r) => flags.batch === undefined || r.batch_id === flags.batch);
    const runs = flags.limit ? all.slice(0, flags.limit) : all;
    if (runs.length === 0) this.say(flags.batch ? `batch ${flags.batch} has no runs yet` : 'no runs yet: start one with `pipe run <task.yaml>`');
    else this.say(runsTable(runs));
    return { runs };
  }
}
