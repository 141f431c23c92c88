import { Flags } from '@oclif/core';
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { PipeCommand } from '../cli/base.js';
import { findRepoRoot, flagPath } from '../runner/session.js';
import { loadConfig, loadPolicies } from '../dsl/documents.js';
import { PipeError } from '../errors.js';
import { DEFAULT_LEDGER, openLedger, resolveLedgerLocation } from '../budget/ledger.js';
import { formatUsd } from '../budget/money.js';
import { reconcileLedger, type ReconcileReport } from '../budget/reconcile.js';
import { summarizeBudget } from '../budget/summary.js';
import type { BudgetSummary, SpendFigures } from '../budget/types.js';

export interface BudgetJson extends BudgetSummary {
  project_name: string;
  ledger: string;
  since: string | null;
  reconcile?: ReconcileReport;
}

/** An ISO date/time, or a duration back from now: 30m, 12h, 7d, 2w. */
export function parseSince(value: string, now: Date = new Date()): string {
  const duration = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/i.exec(value.trim());
  if (duration) {
    const unit = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[duration[2].toLowerCase() as 's' | 'm' | 'h' | 'd' | 'w'];
    return new Date(now.getTime() - Number(duration[1]) * unit * 1000).toISOString();
  }
  const date = new Date(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value.trim()) && !Number.isNaN(date.getTime())) return date.toISOString();
  throw new PipeError('E_USAGE', `--since '${value}' is neither an ISO date nor a duration`, { hint: 'use e.g. --since 2025-10-01, --since 2025-10-01T12:00:00Z or --since 7d (s, m, h, d, w)' });
}

function cell(value: number | null): string {
  return value === null ? '-' : formatUsd(value);
}

function renderTable(result: BudgetJson): string {
  const rows: [string, SpendFigures][] = [[`project ${result.project_name}`, result.project]];
  for (const [name, f] of Object.entries(result.roles)) rows.push([`role ${name}`, f]);
  for (const [name, f] of Object.entries(result.tasks)) rows.push([`task ${name}`, f]);
  const table = [['scope', 'limit', 'spent', 'reserved', 'headroom'], ...rows.map(([n, f]) => [n, cell(f.limit_usd), cell(f.spent_usd), cell(f.reserved_usd), cell(f.headroom_usd)])];
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
  const lines = table.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd());
  const head = `budget of project ${result.project_name} (ledger ${result.ledger})${result.since ? `, spend since ${result.since}` : ''}`;
  return [head, ...lines].join('\n');
}

export default class Budget extends PipeCommand {
  static override summary = 'Spend, open reservations and headroom by project, role and task.';
  static override description =
    'Reads the budget ledger (.pipe/ledger.sqlite, or the ledger: of .pipe/config.yaml) and shows settled spend, open reservations and headroom against the policy limits. Headroom always counts all-time spend (budgets do not reset); --since, --task and --role narrow the spent and reserved figures. --reconcile first settles or releases reservations left open by crashed runs.';
  static override examples = ['<%= config.bin %> budget', '<%= config.bin %> budget --since 7d --role general_builder --json', '<%= config.bin %> budget --reconcile'];
  static override flags = {
    repo: Flags.string({ description: 'repository root (default: current folder)' }),
    since: Flags.string({ description: 'only spend since an ISO date/time or a duration back from now (7d, 12h)' }),
    task: Flags.string({ description: 'only this task id' }),
    role: Flags.string({ description: 'only this role' }),
    policy: Flags.string({ description: 'extra policy file merged last (repeatable)', multiple: true }),
    reconcile: Flags.boolean({ description: 'settle or release reservations left open by runs that are no longer alive' }),
  };

  async run(): Promise<BudgetJson> {
    const { flags } = await this.parse(Budget);
    const dir = resolve(flags.repo ?? process.cwd());
    if (!existsSync(dir)) throw new PipeError('E_FILE', `repository folder '${dir}' does not exist`, { hint: 'pass --repo <dir>' });
    const repo = await findRepoRoot(dir).catch(() => dir);
    const since = flags.since ? parseSince(flags.since) : undefined;
    const { config } = await loadConfig(repo);
    const configPolicies = (config.policies ?? []).map((p: string) => (isAbsolute(p) || p.startsWith('@') ? p : join(repo, p)));
    const localPolicy = join(repo, '.pipe', 'policy.yaml');
    if (config.policies === undefined && existsSync(localPolicy)) configPolicies.push(localPolicy);
    const { policy } = await loadPolicies([...configPolicies, ...(flags.policy ?? []).map((p) => flagPath(p, repo))], {
      useDefault: config.use_default_policy ?? true,
      baseDir: repo,
    });
    const project = config.project ?? 'default';
    const location = config.ledger ?? DEFAULT_LEDGER;
    const where = resolveLedgerLocation(location, repo);
    // Only --reconcile writes; a plain look never creates a ledger file.
    const ledger = await openLedger(location, { repo, readOnly: !flags.reconcile });
    try {
      const report = flags.reconcile ? await reconcileLedger(ledger, { repo, project, policy }) : undefined;
      if (report) {
        for (const a of report.actions) this.note(`${a.action.padEnd(9)} ${a.entry_id} (run ${a.run_id}, ${a.role}) ${formatUsd(a.usd)}: ${a.reason}`);
        this.note(`reconcile: ${report.examined} open reservation(s) examined, ${report.actions.filter((a) => a.action !== 'left_open').length} closed`);
      }
      const summary = await summarizeBudget(ledger, policy, { project, since, taskId: flags.task, role: flags.role });
      const result: BudgetJson = {
        ...summary,
        project_name: project,
        ledger: where.kind === 'sqlite' ? where.file : where.display,
        since: since ?? null,
        ...(report ? { reconcile: report } : {}),
      };
      this.say(renderTable(result));
      return result;
    } finally {
      await ledger.close();
    }
  }
}
