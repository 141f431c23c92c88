// The run's shared state and the factory of step contexts. The runner makes one RunContext
// per run and asks it for each step's context; tests of single steps make theirs the
// same way, so a step sees exactly what the runner would give it (how spend is counted,
// which attempt record is current, what a retry hook does).
import type { AttemptRecord } from '../convergence/types.js';
import type { Config, Policy, Task } from '../types/generated/index.js';
import type { RunInfo, RunServices, RunStatus, RunWork, StepContext } from './types.js';

export function newAttempt(attempt: number): AttemptRecord {
  return { attempt, costUsd: 0, filesTouched: [], diffBytes: 0, linesAdded: 0, linesRemoved: 0, refusal: null, failures: [], passedValidators: [], failedValidators: [] };
}

export interface RunContextOptions {
  run: Omit<RunInfo, 'status'>;
  task: Task;
  taskDir: string;
  policy: Policy;
  config: Config;
  repo: string;
  maxAttempts: number;
  services: RunServices;
}

export class RunContext {
  readonly work: RunWork = { filesChanged: [], attempts: [newAttempt(1)], escalationDepth: 0, lastVerdict: null, extra: {} };
  readonly steps: StepContext['steps'] = {};
  attempt = 1;
  status: RunStatus = 'running';
  private spent = 0;
  private retryHooks: (() => Promise<void>)[] = [];

  constructor(readonly options: RunContextOptions) {}

  spentUsd(): number {
    return this.spent;
  }

  /** How many retry hooks wait for the next retry. */
  get pendingRetryHooks(): number {
    return this.retryHooks.length;
  }

  /** The one place a call's cost is added: to the run and to the attempt it belongs to. */
  addSpend(usd: number): void {
    this.spent += usd;
    this.work.attempts[this.work.attempts.length - 1].costUsd += usd;
  }

  /** Runs the hooks steps registered for a retry (a rollback of the attempt's patch), then starts the next attempt. */
  async startNextAttempt(): Promise<void> {
    const hooks = this.retryHooks;
    this.retryHooks = [];
    for (const hook of hooks) await hook();
    this.attempt += 1;
    this.work.attempts.push(newAttempt(this.attempt));
  }

  /** The context one step runs with. */
  stepContext(step: { id: string; uses: string }, signal: AbortSignal = new AbortController().signal): StepContext {
    const o = this.options;
    return {
      run: { ...o.run, status: this.status },
      task: o.task,
      taskDir: o.taskDir,
      policy: o.policy,
      config: o.config,
      repo: o.repo,
      attempt: this.attempt,
      maxAttempts: o.maxAttempts,
      step: { id: step.id, uses: step.uses },
      steps: this.steps,
      work: this.work,
      services: o.services,
      signal,
      currentAttempt: () => this.work.attempts[this.work.attempts.length - 1],
      beforeRetry: (hook) => this.retryHooks.push(hook),
      spentUsd: () => this.spent,
      addSpend: (usd) => this.addSpend(usd),
    };
  }
}

export function createRunContext(options: RunContextOptions): RunContext {
  return new RunContext(options);
}
