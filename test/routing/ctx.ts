// A real StepContext for tests of routing, context and propose: the default policy from
// policies/default.yaml, real exec (git), a records folder in a temp dir, an event list.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { runCommand } from '../../src/exec/run.js';
import { treeWorkspace } from '../../src/patch/workspace.js';
import { runValidators } from '../../src/validation/run.js';
import type { Ledger } from '../../src/budget/types.js';
import type { RoleProvider } from '../../src/providers/contract.js';
import type { Approver, StepContext } from '../../src/runner/types.js';
import { createRunContext, newAttempt } from '../../src/runner/context.js';
import type { ProviderName } from '../../src/providers/contract.js';
import type { RunEvent } from '../../src/records/types.js';
import type { Config, Policy, Task } from '../../src/types/generated/index.js';
import { ROOT } from '../helpers/repo.js';

export function defaultPolicy(): Policy {
  return parse(readFileSync(join(ROOT, 'policies', 'default.yaml'), 'utf8')) as Policy;
}

export function makeTask(over: Partial<Task> = {}): Task {
  return { apiVersion: 'pipe/v1', kind: 'Task', id: 't1', goal: 'Fix the bug.', intent: 'bugfix', allowed_files: ['src/**'], ...over } as Task;
}

export interface TestCtx extends StepContext {
  events: RunEvent[];
  recordsDir: string | null;
  spent: { usd: number };
}

export function makeCtx(options: {
  repo: string;
  task?: Task;
  policy?: Policy;
  config?: Config;
  attempt?: number;
  recordsDir?: string | null;
  provider?: (name: ProviderName) => RoleProvider;
  ledger?: () => Promise<Ledger>;
  approve?: Approver;
  approvedRoles?: string[];
  runProvider?: ProviderName;
  taskDir?: string;
}): TestCtx {
  const events: RunEvent[] = [];
  const attempt = options.attempt ?? 1;
  const recordsDir = options.recordsDir ?? null;
  if (recordsDir) mkdirSync(recordsDir, { recursive: true });
  // The runner's own factory: spend, attempts and retry hooks behave as in a real run.
  const run = createRunContext({
    run: { id: 'run-test', taskFile: 'task.yaml', dryRun: false, startedAt: new Date(), provider: options.runProvider ?? 'fake', approvedRoles: options.approvedRoles ?? [], project: 'default', ledger: join(options.repo, '.pipe', 'ledger.sqlite') },
    task: options.task ?? makeTask(),
    taskDir: options.taskDir ?? options.repo,
    policy: options.policy ?? defaultPolicy(),
    config: options.config ?? { apiVersion: 'pipe/v1', kind: 'Config' },
    repo: options.repo,
    maxAttempts: 3,
    services: {
      exec: runCommand,
      clock: { now: () => new Date(), monotonicMs: () => performance.now() },
      events: { emit: (type, data) => events.push({ ts: new Date().toISOString(), type, ...(data ?? {}) }) },
      records: {
        dir: recordsDir,
        async writeText(name, text) {
          if (!recordsDir) return;
          mkdirSync(dirname(join(recordsDir, name)), { recursive: true });
          writeFileSync(join(recordsDir, name), text);
        },
        async writeJson(name, value) {
          if (recordsDir) writeFileSync(join(recordsDir, name), JSON.stringify(value, null, 2));
        },
        async appendJsonLine(name, value) {
          if (recordsDir) appendFileSync(join(recordsDir, name), `${JSON.stringify(value)}\n`);
        },
      },
      progress: { stepStart() {}, stepEnd() {}, note() {} },
      approve: options.approve ?? (async () => false),
      ledger: options.ledger ?? (async () => {
        throw new Error('no ledger in this test');
      }),
      provider: options.provider ?? (() => {
        throw new Error('no provider in this test');
      }),
      workspace: treeWorkspace(options.repo, runCommand),
      validators: runValidators,
    },
  });
  for (let n = 1; n < attempt; n++) run.work.attempts.push(newAttempt(n + 1));
  run.attempt = attempt;
  return Object.assign(run.stepContext({ id: 'propose', uses: 'propose' }), { events, recordsDir, spent: { get usd() { return run.spentUsd(); } } });
}
