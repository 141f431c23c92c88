/* Generated from schemas/ by scripts/gen-types.mjs — do not edit by hand; run `npm run gen:types`. */

/**
 * Reasoning effort.
 */
export type Effort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';
/**
 * OpenAI service tier.
 */
export type Tier = 'auto' | 'default' | 'flex' | 'scale' | 'priority';
/**
 * An answer format: unified_diff (git-style or plain), json_patch (schemas/proposal.schema.json), apply_patch (*** Begin Patch … *** End Patch) or search_replace (path line, <<<<<<< SEARCH / ======= / >>>>>>> REPLACE).
 */
export type AnswerFormat = 'unified_diff' | 'json_patch' | 'apply_patch' | 'search_replace';
/**
 * A capability role.
 */
export type RoleName =
  | 'mechanical_worker'
  | 'classification_worker'
  | 'simple_builder'
  | 'general_builder'
  | 'coding_optimized_builder'
  | 'frontier_reviewer'
  | 'emergency_pro_reviewer';

/**
 * Roles, routing, pricing, budgets, limits, service tiers, safety, validators and convergence. Several policy files merge in order: later wins, maps deep-merge, arrays replace.
 */
export interface Policy {
  /**
   * Document format version; always pipe/v1.
   */
  apiVersion: 'pipe/v1';
  /**
   * Document kind.
   */
  kind: 'Policy';
  /**
   * Policy name, for messages.
   */
  name?: string;
  /**
   * What this policy is for.
   */
  description?: string;
  /**
   * Capability roles by name.
   */
  roles?: {
    [k: string]: Role;
  };
  /**
   * Ordered rules; the first whose when is true picks the role.
   */
  routing?: RoutingRule[];
  pricing?: Pricing;
  budget?: Budget;
  limits?: Limits;
  policy?: TierPolicy;
  safety?: Safety;
  /**
   * Validators by name; tasks list these names.
   */
  validators?: {
    [k: string]: Validator;
  };
  validation?: Validation;
  convergence?: Convergence;
  escalation?: Escalation;
  answers?: Answers;
  batch?: Batch;
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `Policy`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | 'pipe/v1'
    | 'Policy'
    | string
    | {
        [k: string]: Role;
      }
    | RoutingRule[]
    | Pricing
    | Budget
    | Limits
    | TierPolicy
    | Safety
    | {
        [k: string]: Validator;
      }
    | Validation
    | Convergence
    | Escalation
    | Answers
    | Batch
    | undefined;
}
/**
 * A capability role: which model answers, how, and with what caps.
 */
export interface Role {
  /**
   * What the role is for.
   */
  description?: string;
  /**
   * Provider for this role; default: the Config's provider.
   */
  provider?: 'fake' | 'openai';
  /**
   * Model name sent to the provider; must have a price in pricing.
   */
  model?: string;
  /**
   * patch: the answer must be a diff or JSON patch; diagnosis: prose, never a patch; label: one classification label.
   */
  mode?: 'patch' | 'diagnosis' | 'label';
  reasoning_effort?: Effort;
  /**
   * Output-token cap for one call (reasoning tokens included).
   */
  max_output_tokens?: number;
  /**
   * A person must approve each call (TTY prompt or --approve <role>).
   */
  manual_approval?: boolean;
  /**
   * For diagnosis-mode reviewers: also accept a patch.
   */
  allow_patch?: boolean;
  service_tier?: TierPreference;
  answers?: RoleAnswers;
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `Role`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | string
    | 'fake'
    | 'openai'
    | 'patch'
    | 'diagnosis'
    | 'label'
    | Effort
    | number
    | boolean
    | TierPreference
    | RoleAnswers
    | undefined;
}
/**
 * Which service tier to ask for, and what to fall back to when it is unavailable.
 */
export interface TierPreference {
  preferred?: Tier;
  fallback?: Tier;
  /**
   * Only when true may the priority tier be requested.
   */
  allow_priority?: boolean;
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `TierPreference`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | Tier
    | boolean
    | undefined;
}
/**
 * This role's answer formats; unset keys fall back to the policy's answers section.
 */
export interface RoleAnswers {
  /**
   * Formats this role's patches may come in; anything else is a contract failure.
   *
   * @minItems 1
   */
  accept?: [AnswerFormat, ...AnswerFormat[]];
  /**
   * An answer format: unified_diff (git-style or plain), json_patch (schemas/proposal.schema.json), apply_patch (*** Begin Patch … *** End Patch) or search_replace (path line, <<<<<<< SEARCH / ======= / >>>>>>> REPLACE).
   */
  ask?: 'unified_diff' | 'json_patch' | 'apply_patch' | 'search_replace';
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `RoleAnswers`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | [AnswerFormat, ...AnswerFormat[]]
    | 'unified_diff'
    | 'json_patch'
    | 'apply_patch'
    | 'search_replace'
    | undefined;
}
export interface RoutingRule {
  /**
   * Rule name shown by pipe plan and recorded in the route output.
   */
  name?: string;
  /**
   * JSONata over { task, intent, attempt, escalation_depth, last_verdict } yielding true or false.
   */
  when: string;
  role: RoleName;
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `RoutingRule`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | string
    | RoleName
    | undefined;
}
/**
 * Prices per model and service tier. A model or tier with no price is a configuration error before any call.
 */
export interface Pricing {
  /**
   * Date the prices were taken (YYYY-MM-DD).
   */
  as_of?: string;
  /**
   * Where the prices came from.
   */
  source?: string;
  /**
   * Model name → tier → price.
   */
  models?: {
    [k: string]: {
      [k: string]: Price;
    };
  };
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `Pricing`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | string
    | {
        [k: string]: {
          [k: string]: Price;
        };
      }
    | undefined;
}
export interface Price {
  /**
   * USD per 1M input tokens.
   */
  input_usd_per_1m: number;
  /**
   * USD per 1M cached input tokens (default: the input price).
   */
  cached_input_usd_per_1m?: number;
  /**
   * USD per 1M output tokens, reasoning included.
   */
  output_usd_per_1m: number;
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `Price`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | number
    | undefined;
}
/**
 * Spending limits in USD; spend counted = settled actual costs + open reservations.
 */
export interface Budget {
  /**
   * Most the whole project (everything sharing the ledger scope) may spend.
   */
  project_total_budget_usd?: number;
  /**
   * Most each role may spend.
   */
  role_budgets_usd?: {
    [k: string]: number;
  };
  /**
   * Most one task may spend (a task's own budget.max_usd may only lower it).
   */
  task_budget_usd?: number;
  /**
   * Wall-clock limit for one run, seconds.
   */
  max_runtime_s?: number;
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `Budget`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | number
    | {
        [k: string]: number;
      }
    | undefined;
}
/**
 * Per-call and per-patch size limits.
 */
export interface Limits {
  /**
   * Input tokens one call may send.
   */
  max_input_tokens_per_call?: number;
  /**
   * Output tokens one call may ask for (the role's cap is clamped to it).
   */
  max_output_tokens_per_call?: number;
  /**
   * Characters of file context one call may carry.
   */
  max_context_chars_per_call?: number;
  /**
   * Largest patch the gate accepts, bytes.
   */
  max_patch_bytes?: number;
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `Limits`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | number
    | undefined;
}
/**
 * Service-tier and reasoning-effort policy.
 */
export interface TierPolicy {
  builder_service_tier_preference?: TierPreference;
  reviewer_service_tier_preference?: TierPreference;
  /**
   * Reasoning effort defaults; a role's own reasoning_effort wins.
   */
  reasoning_effort?: {
    default?: Effort;
    /**
     * Extension key: ignored by pipe.
     *
     * This interface was referenced by `undefined`'s JSON-Schema definition
     * via the `patternProperty` "^x-".
     */
    [k: string]:
      | {
          [k: string]: unknown;
        }
      | Effort
      | undefined;
  };
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `TierPolicy`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | TierPreference
    | {
        default?: Effort;
        /**
         * Extension key: ignored by pipe.
         *
         * This interface was referenced by `undefined`'s JSON-Schema definition
         * via the `patternProperty` "^x-".
         */
        [k: string]:
          | {
              [k: string]: unknown;
            }
          | Effort
          | undefined;
      }
    | undefined;
}
/**
 * What patches and subprocesses may do.
 */
export interface Safety {
  /**
   * argv[0] of every subprocess must be one of these.
   */
  allowed_executables?: string[];
  /**
   * Globs no patch may touch (.git/** and .pipe/** always).
   */
  forbidden_paths?: string[];
  /**
   * Patches may delete files.
   */
  allow_deletes?: boolean;
  /**
   * Patches may rename or copy files.
   */
  allow_renames?: boolean;
  /**
   * Patches may create files.
   */
  allow_new_files?: boolean;
  /**
   * Patches may change file modes.
   */
  allow_mode_changes?: boolean;
  /**
   * Patches may carry binary changes.
   */
  allow_binary?: boolean;
  /**
   * Patches may create symlinks.
   */
  allow_symlinks?: boolean;
  /**
   * Patches may touch files with uncommitted changes (the checkpoint keeps the user's version).
   */
  allow_dirty_files?: boolean;
  /**
   * Most files one patch may touch.
   */
  max_files_per_patch?: number;
  /**
   * Run validators in a sandbox (bubblewrap on Linux): auto uses one when available and warns once when none is; required refuses to run without one (exit 2, before any model call); off never sandboxes. See docs/safety.md.
   */
  sandbox?: 'auto' | 'required' | 'off';
  /**
   * Paths hidden from sandboxed validators (empty read-only folder, or /dev/null over a file); `~/` is the user's home. Only paths that exist are masked. Listing it replaces the default list.
   */
  sandbox_mask?: string[];
  /**
   * Extra paths every sandboxed validator may write (caches such as ~/.cache/pip); existing paths only. The repository is always writable, except .git and .pipe.
   */
  sandbox_writable?: string[];
  /**
   * Paths every sandboxed validator may read although they are masked or under the private /tmp; existing paths only.
   */
  sandbox_readable?: string[];
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `Safety`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | string[]
    | boolean
    | number
    | 'auto'
    | 'required'
    | 'off'
    | undefined;
}
export interface Validator {
  /**
   * Command and arguments; no shell. argv[0] must be in safety.allowed_executables.
   *
   * @minItems 1
   */
  argv: [string, ...string[]];
  /**
   * Kill the process group after this many seconds.
   */
  timeout_s?: number;
  /**
   * How the output is turned into failures.
   */
  parser?: 'ruff' | 'mypy' | 'pytest' | 'unittest' | 'tsc' | 'eslint' | 'exit-code';
  /**
   * Working directory relative to the repo root; must stay inside it.
   */
  cwd?: string;
  /**
   * Extra environment variables (names that look like credentials are refused).
   */
  env?: {
    [k: string]: string;
  };
  /**
   * Cheap validators start first.
   */
  cost?: 'cheap' | 'normal' | 'expensive';
  /**
   * Cap on captured stdout and stderr each (default 1 MiB).
   */
  max_output_bytes?: number;
  /**
   * How this validator's sandbox differs from the policy's (each override is shown by `pipe plan`).
   */
  sandbox?: {
    /**
     * none: no network at all, the host's loopback included; loopback: share the host network, to reach a local service (a database on 127.0.0.1).
     */
    network?: 'none' | 'loopback';
    /**
     * Extra paths this validator may write (a tool's cache); existing paths only; `~/` is the user's home, relative paths are from the repository root.
     */
    writable?: string[];
    /**
     * Paths this validator may read although the policy masks them; existing paths only.
     */
    readable?: string[];
    /**
     * Extension key: ignored by pipe.
     *
     * This interface was referenced by `undefined`'s JSON-Schema definition
     * via the `patternProperty` "^x-".
     */
    [k: string]:
      | {
          [k: string]: unknown;
        }
      | 'none'
      | 'loopback'
      | string[]
      | undefined;
  };
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `Validator`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | [string, ...string[]]
    | number
    | 'ruff'
    | 'mypy'
    | 'pytest'
    | 'unittest'
    | 'tsc'
    | 'eslint'
    | 'exit-code'
    | string
    | {
        [k: string]: string;
      }
    | 'cheap'
    | 'normal'
    | 'expensive'
    | {
        /**
         * none: no network at all, the host's loopback included; loopback: share the host network, to reach a local service (a database on 127.0.0.1).
         */
        network?: 'none' | 'loopback';
        /**
         * Extra paths this validator may write (a tool's cache); existing paths only; `~/` is the user's home, relative paths are from the repository root.
         */
        writable?: string[];
        /**
         * Paths this validator may read although the policy masks them; existing paths only.
         */
        readable?: string[];
        /**
         * Extension key: ignored by pipe.
         *
         * This interface was referenced by `undefined`'s JSON-Schema definition
         * via the `patternProperty` "^x-".
         */
        [k: string]:
          | {
              [k: string]: unknown;
            }
          | 'none'
          | 'loopback'
          | string[]
          | undefined;
      }
    | undefined;
}
/**
 * How validators run together.
 */
export interface Validation {
  /**
   * Stop the remaining validators after the first failure.
   */
  fail_fast?: boolean;
  /**
   * Validators run at once (default: the core count).
   */
  max_parallel?: number;
  /**
   * Also run the built-in patch-safety validator after apply.
   */
  patch_safety?: boolean;
  /**
   * Run the task's validators on the unchanged tree before the first model call: `cached` reuses the result for the same tree and validator definitions (.pipe/baseline/), `always` runs them every time, `off` skips it (attempts are then judged without a baseline).
   */
  baseline?: 'always' | 'cached' | 'off';
  /**
   * Folders (repo-relative) put first on PYTHONPATH for every validator, so the repository's own code is what gets tested. Default: `src` when it holds a package, and the repo root when it holds one.
   */
  python_path?: string[];
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `Validation`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | boolean
    | number
    | 'always'
    | 'cached'
    | 'off'
    | string[]
    | undefined;
}
/**
 * Thresholds for the progress / stall / divergence verdict between attempts.
 */
export interface Convergence {
  /**
   * The same failure signature this many attempts in a row is a stall.
   */
  stall_repeats?: number;
  /**
   * Fraction of failures that must go away between attempts to count as progress.
   */
  min_improvement?: number;
  /**
   * A diff this many times larger than the previous attempt's is divergence.
   */
  max_diff_growth?: number;
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `Convergence`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | number
    | undefined;
}
/**
 * Escalation to reviewer roles.
 */
export interface Escalation {
  /**
   * How many reviewer levels may be asked (1: frontier_reviewer; 2: then emergency_pro_reviewer).
   */
  max_depth?: number;
  /**
   * Ask a reviewer for a diagnosis when budget allows; false writes only the packet.
   */
  ask_reviewer?: boolean;
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `Escalation`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | number
    | boolean
    | undefined;
}
/**
 * How patch-mode roles answer: the formats pipe reads (all four by default) and the one the prompt asks for (unified_diff by default); roles.<role>.answers overrides accept and ask per role.
 */
export interface Answers {
  /**
   * Formats a patch may come in; an answer in any other format is a contract failure.
   *
   * @minItems 1
   */
  accept?: [AnswerFormat, ...AnswerFormat[]];
  /**
   * An answer format: unified_diff (git-style or plain), json_patch (schemas/proposal.schema.json), apply_patch (*** Begin Patch … *** End Patch) or search_replace (path line, <<<<<<< SEARCH / ======= / >>>>>>> REPLACE).
   */
  ask?: 'unified_diff' | 'json_patch' | 'apply_patch' | 'search_replace';
  /**
   * Model name → whether an OpenAI call whose prompt asks for json_patch sends Structured Outputs (response_format json_schema, strict, generated from proposal.schema.json). A model not listed: on for the families that support it (gpt-4o, gpt-4.1, gpt-5, o1, o3, o4), off otherwise.
   */
  structured_outputs?: {
    /**
     * true: send response_format with the strict JSON Schema; false: never.
     */
    [k: string]: boolean;
  };
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `Answers`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | [AnswerFormat, ...AnswerFormat[]]
    | 'unified_diff'
    | 'json_patch'
    | 'apply_patch'
    | 'search_replace'
    | {
        /**
         * true: send response_format with the strict JSON Schema; false: never.
         */
        [k: string]: boolean;
      }
    | undefined;
}
/**
 * Settings for `pipe batch` (many tasks at once, each in its own git worktree).
 */
export interface Batch {
  /**
   * How many tasks run at once (default: the number of CPU cores). --jobs overrides it.
   */
  jobs?: number;
  /**
   * Most one batch may spend, checked atomically in the ledger with the project, role and task limits. --max-cost overrides it.
   */
  max_cost_usd?: number;
  /**
   * Prefix of the branch a successful task's commit lands on: <prefix><batch-id>/<task-id>.
   */
  branch_prefix?: string;
  /**
   * Extension key: ignored by pipe.
   *
   * This interface was referenced by `Batch`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | number
    | string
    | undefined;
}
