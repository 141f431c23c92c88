// Pure limit arithmetic: which budget limits apply, whether a projected call fits, and
// the message a person sees when it does not (limit, figure, headroom).
import type { ErrorCode } from '../errors.js';
import type { Policy, Task } from '../types/generated/index.js';
import { formatUsd } from './money.js';
import { roundUsd } from './pricing.js';
import type { BudgetLevel, BudgetLimits, ScopeFigures, SpendFigures } from './types.js';


/** Smaller of the defined numbers, or undefined when none is. */
function minDefined(...values: (number | undefined)[]): number | undefined {
  const defined = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return defined.length ? Math.min(...defined) : undefined;
}

/** The USD limits of the three ledger levels for one call. A task's own max_usd may only lower the policy's task budget. */
export function budgetLimitsFor(policy: Policy, task: Pick<Task, 'budget'>, role: string): BudgetLimits {
  const budget = policy.budget ?? {};
  const roles = budget.role_budgets_usd ?? {};
  return {
    projectUsd: budget.project_total_budget_usd,
    roleUsd: Object.prototype.hasOwnProperty.call(roles, role) ? roles[role] : undefined,
    taskUsd: minDefined(budget.task_budget_usd, task.budget?.max_usd),
  };
}

/** The run's wall-clock limit in seconds: the smaller of the task's and the policy's. */
export function runtimeLimitS(policy: Policy, task: Pick<Task, 'budget'>): number | undefined {
  return minDefined(task.budget?.max_runtime_s, policy.budget?.max_runtime_s);
}

export function figures(limit: number | undefined, spent: number, reserved: number): SpendFigures {
  const spentUsd = roundUsd(spent);
  const reservedUsd = roundUsd(reserved);
  return {
    limit_usd: limit ?? null,
    spent_usd: spentUsd,
    reserved_usd: reservedUsd,
    headroom_usd: limit === undefined ? null : roundUsd(limit - spentUsd - reservedUsd),
  };
}

/** The ledger levels in the order they are checked. */
export const BUDGET_LEVELS = ['project', 'role', 'task', 'batch'] as const;

export interface LevelExceeded {
  level: BudgetLevel;
  limitUsd: number;
  /** Spent + reserved at that level before this call. */
  spentUsd: number;
  headroomUsd: number;
}

/** First level (project, then role, then task, then batch) whose spend + open reservations + this projection would exceed its limit. */
export function firstExceededLevel(scopes: ScopeFigures, projectedUsd: number): LevelExceeded | null {
  for (const level of BUDGET_LEVELS) {
    const f = scopes[level];
    if (f.limit_usd === null) continue;
    const used = roundUsd(f.spent_usd + f.reserved_usd);
    // Compared at 1e-9 USD so float sums (100 × $0.01) fit a $1.00 budget exactly.
    if (roundUsd(used + projectedUsd) > roundUsd(f.limit_usd)) {
      return { level, limitUsd: f.limit_usd, spentUsd: used, headroomUsd: roundUsd(f.limit_usd - used) };
    }
  }
  return null;
}

/** "blocked: projected $0.0123 would exceed the role budget for general_builder ($2.00 limit, $1.995 spent or reserved, $0.005 headroom)". */
export function budgetBlockMessage(exceeded: LevelExceeded, projectedUsd: number, names: { project: string; role: string; taskId: string; batchId?: string | null }): string {
  const [what, key] =
    exceeded.level === 'project'
      ? [`the project budget for ${names.project}`, 'budget.project_total_budget_usd']
      : exceeded.level === 'role'
        ? [`the role budget for ${names.role}`, `budget.role_budgets_usd.${names.role}`]
        : exceeded.level === 'task'
          ? [`the task budget for ${names.taskId}`, 'budget.task_budget_usd or the task\'s budget.max_usd']
          : [`the batch budget for ${names.batchId ?? 'this batch'}`, 'batch.max_cost_usd or pipe batch --max-cost'];
  return `blocked: projected ${formatUsd(projectedUsd)} would exceed ${what} (${formatUsd(exceeded.limitUsd)} limit, ${formatUsd(exceeded.spentUsd)} spent or reserved, ${formatUsd(exceeded.headroomUsd)} headroom; ${key})`;
}

export interface CallFacts {
  contextChars: number;
  inputTokens: number;
  maxOutputTokens: number;
  projectedUsd: number;
  /** Seconds since the run started. */
  elapsedS: number;
  /** with.max_call_usd of the budget step, if any. */
  maxCallUsd?: number;
  /** Files the patch may touch that the context had to cut or truncate to fit a per-call limit. */
  patchableCut?: { path: string; limit: string; truncated: boolean }[];
}

export interface CallLimitBlock {
  code: ErrorCode;
  /** Which limit: 'max_runtime_s', 'max_context_chars_per_call', … */
  limit: string;
  message: string;
}

function countBlock(limit: string, what: string, figure: number, max: number, unit: string): CallLimitBlock {
  return {
    code: 'E_LIMIT',
    limit,
    message: `blocked: ${what} of ${figure} ${unit} would exceed limits.${limit} (${max} ${unit} limit per call, ${max} ${unit} headroom, ${figure - max} over)`,
  };
}

/**
 * Per-call limits, checked before the ledger: runtime, context chars, input tokens,
 * output tokens, and the step's own max_call_usd. The output check compares the role's
 * output cap (the whole allowance is projected) with limits.max_output_tokens_per_call.
 */
export function checkCallLimits(policy: Policy, task: Pick<Task, 'budget'>, facts: CallFacts): CallLimitBlock | null {
  const maxRuntime = runtimeLimitS(policy, task);
  if (maxRuntime !== undefined && facts.elapsedS >= maxRuntime) {
    const elapsed = Math.floor(facts.elapsedS);
    return {
      code: 'E_LIMIT',
      limit: 'max_runtime_s',
      message: `blocked: the run has been going ${elapsed} s, reaching its wall-clock limit max_runtime_s (${maxRuntime} s limit, ${elapsed} s used, 0 s headroom)`,
    };
  }
  const limits = policy.limits ?? {};
  const cut = facts.patchableCut ?? [];
  if (cut.length) {
    // Read-only context may be trimmed, but a file the model is asked to patch must be
    // seen whole: a patch against half a file fails the gate after the money is spent.
    // Each limit names its own files (a file is listed once, under the limit that cut it last).
    const byLimit = new Map<'max_context_chars_per_call' | 'max_input_tokens_per_call', string[]>();
    const seen = new Set<string>();
    for (const c of [...cut].reverse()) {
      if (seen.has(c.path)) continue;
      seen.add(c.path);
      const limit = c.limit as 'max_context_chars_per_call' | 'max_input_tokens_per_call';
      byLimit.set(limit, [`${c.path} (${c.truncated ? 'truncated' : 'left out'})`, ...(byLimit.get(limit) ?? [])]);
    }
    const unit = { max_context_chars_per_call: 'chars', max_input_tokens_per_call: 'tokens' } as const;
    const groups = [...byLimit].map(([limit, names]) => `limits.${limit} (${limits[limit]} ${unit[limit]} per call): ${names.join(', ')}`);
    const keys = [...byLimit.keys()];
    return {
      code: 'E_LIMIT',
      limit: keys[0],
      message: `blocked: ${seen.size === 1 ? 'a file' : `${seen.size} files`} the patch may touch would not fit whole — ${groups.join('; ')}; narrow allowed_files and context_files, or raise ${keys.map((k) => `limits.${k}`).join(' and ')}`,
    };
  }
  if (limits.max_context_chars_per_call !== undefined && facts.contextChars > limits.max_context_chars_per_call) {
    return countBlock('max_context_chars_per_call', 'a scoped context', facts.contextChars, limits.max_context_chars_per_call, 'chars');
  }
  if (limits.max_input_tokens_per_call !== undefined && facts.inputTokens > limits.max_input_tokens_per_call) {
    return countBlock('max_input_tokens_per_call', 'an input', facts.inputTokens, limits.max_input_tokens_per_call, 'tokens');
  }
  if (limits.max_output_tokens_per_call !== undefined && facts.maxOutputTokens > limits.max_output_tokens_per_call) {
    return countBlock('max_output_tokens_per_call', 'an output allowance', facts.maxOutputTokens, limits.max_output_tokens_per_call, 'tokens');
  }
  if (facts.maxCallUsd !== undefined && roundUsd(facts.projectedUsd) > roundUsd(facts.maxCallUsd)) {
    return {
      code: 'E_BUDGET_BLOCKED',
      limit: 'max_call_usd',
      message: `blocked: projected ${formatUsd(facts.projectedUsd)} would exceed the budget step's with.max_call_usd (${formatUsd(facts.maxCallUsd)} limit per call, ${formatUsd(facts.maxCallUsd)} headroom)`,
    };
  }
  return null;
}
