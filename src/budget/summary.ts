// Spend, open reservations and headroom by project, role and task (pipe budget).
// Budgets never reset, so headroom is always measured against all-time spend; the
// --since/--task/--role filters narrow the spent and reserved figures shown.
import { figures } from './limits.js';
import { roundUsd } from './pricing.js';
import type { BudgetSummary, Ledger, SpendRow } from './types.js';
import type { Policy } from '../types/generated/index.js';

export interface SummaryFilter {
  project: string;
  /** ISO 8601 instant. */
  since?: string;
  taskId?: string;
  role?: string;
}

function sum(rows: SpendRow[], pick: (r: SpendRow) => boolean): { spent: number; reserved: number } {
  let spent = 0;
  let reserved = 0;
  for (const r of rows) {
    if (!pick(r)) continue;
    spent += r.spent_usd;
    reserved += r.reserved_usd;
  }
  return { spent: roundUsd(spent), reserved: roundUsd(reserved) };
}

export async function summarizeBudget(ledger: Ledger, policy: Policy, filter: SummaryFilter): Promise<BudgetSummary> {
  const budget = policy.budget ?? {};
  const roleLimits = budget.role_budgets_usd ?? {};
  const all = await ledger.spendByRoleAndTask({ project: filter.project });
  const filtered = filter.since || filter.taskId || filter.role ? await ledger.spendByRoleAndTask(filter) : all;

  /** Figures whose spent/reserved come from the filtered rows and headroom from all-time rows. */
  const level = (limit: number | undefined, pick: (r: SpendRow) => boolean) => {
    const shown = sum(filtered, pick);
    const total = sum(all, pick);
    const f = figures(limit, shown.spent, shown.reserved);
    if (limit !== undefined) f.headroom_usd = roundUsd(limit - total.spent - total.reserved);
    return f;
  };

  const roleNames = new Set<string>(filtered.map((r) => r.role));
  if (!filter.taskId) for (const name of Object.keys(roleLimits)) if (!filter.role || filter.role === name) roleNames.add(name);
  const roles: BudgetSummary['roles'] = {};
  for (const name of [...roleNames].sort()) {
    roles[name] = level(Object.prototype.hasOwnProperty.call(roleLimits, name) ? roleLimits[name] : undefined, (r) => r.role === name);
  }
  // The limit a run enforced for its task (its own max_usd may be lower than the policy's), else the policy's.
  const enforced = await ledger.taskLimits({ project: filter.project });
  const tasks: BudgetSummary['tasks'] = {};
  for (const id of [...new Set(filtered.map((r) => r.task_id))].sort()) {
    tasks[id] = level(enforced[id] ?? budget.task_budget_usd, (r) => r.task_id === id);
  }
  return { project: level(budget.project_total_budget_usd, () => true), roles, tasks };
}
