// The end of a batch: the table people read (task, outcome, attempts, spend, branch)
// and the one JSON document `pipe batch --json` prints.
import { formatUsd } from '../budget/money.js';
import type { BatchJournal, BatchStatus, BatchTaskRecord } from './types.js';
import { TASK_EXIT } from './types.js';

export interface BatchResultJson {
  batch_id: string;
  status: BatchStatus;
  exit_code: number;
  repo: string;
  commit: string;
  jobs: number;
  max_cost_usd: number | null;
  cost_usd: number;
  counts: Record<string, number>;
  records_dir: string;
  started_at: string;
  finished_at: string | null;
  tasks: (BatchTaskRecord & { outcome: string })[];
}

/** The batch's exit code: 0 when every task succeeded, else the largest task exit code. */
export function batchExitCode(tasks: readonly BatchTaskRecord[]): number {
  return tasks.reduce((max, t) => Math.max(max, t.exit_code ?? TASK_EXIT[t.status] ?? 1), 0);
}

export function batchCost(tasks: readonly BatchTaskRecord[]): number {
  return Math.round(tasks.reduce((n, t) => n + (t.cost_usd ?? 0), 0) * 1e9) / 1e9;
}

export function batchResultJson(journal: BatchJournal, recordsDir: string): BatchResultJson {
  const counts: Record<string, number> = {};
  for (const t of journal.tasks) counts[t.status] = (counts[t.status] ?? 0) + 1;
  return {
    batch_id: journal.batch_id,
    status: journal.status,
    exit_code: batchExitCode(journal.tasks),
    repo: journal.repo,
    commit: journal.commit,
    jobs: journal.settings.jobs,
    max_cost_usd: journal.settings.max_cost_usd,
    cost_usd: batchCost(journal.tasks),
    counts,
    records_dir: recordsDir,
    started_at: journal.started_at,
    finished_at: journal.finished_at,
    tasks: journal.tasks.map((t) => ({ ...t, outcome: t.status })),
  };
}

export function renderBatchTable(tasks: readonly BatchTaskRecord[]): string {
  const rows = [['TASK', 'OUTCOME', 'EXIT', 'ATTEMPTS', 'SPEND', 'BRANCH']];
  for (const t of tasks) {
    rows.push([t.task_id, t.status.replace('_', ' '), t.exit_code === null ? '-' : String(t.exit_code), String(t.attempts), formatUsd(t.cost_usd), t.branch ?? t.patch_file ?? '-']);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

export function renderBatchSummary(result: BatchResultJson): string {
  const counts = Object.entries(result.counts).map(([k, n]) => `${n} ${k.replace('_', ' ')}`).join(', ');
  const lines = [
    '',
    `batch ${result.batch_id}: ${result.status} (exit ${result.exit_code}) — ${counts}; spent ${formatUsd(result.cost_usd)}${result.max_cost_usd !== null ? ` of ${formatUsd(result.max_cost_usd)}` : ''}`,
    '',
    renderBatchTable(result.tasks),
    '',
  ];
  if (result.tasks.some((t) => t.branch)) lines.push('Each success is a commit on its branch; your working tree and branch are as you left them. Review with `git log -p <branch>`.');
  if (result.status === 'interrupted' || result.tasks.some((t) => t.status === 'not_run')) lines.push(`Run what did not finish with \`pipe batch --resume ${result.batch_id}\`.`);
  lines.push(`Records: pipe show ${result.batch_id}; pipe runs --batch ${result.batch_id}`, '');
  return lines.join('\n');
}
