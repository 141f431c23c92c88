// A real StepContext for tests of routing, context and propose: the default policy from
// policies/default.yaml, real exec (git), a records folder in a temp dir, an event list.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { runCommand } from '../../src/exec/run.js';
import type { Ledger } from '../../src/budget/types.js';
import type { RoleProvider } from '../../src/providers/contract.js';
import type { Approver, StepContext } from '../../src/runner/types.js';
import type { AttemptRecord } from '../../src/convergence/types.js';
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
  const attempts: AttemptRecord[] = [];
  for (let n = 1; n <= attempt; n++) attempts.push({ attempt: n, costUsd: 0, filesTouched: [], diffBytes: 0, linesAdded: 0, linesRemoved: 0, failures: [], passedValidators: [], failedValidators: [] });
  const recordsDir = options.recordsDir ?? null;
  if (recordsDir) mkdirSync(recordsDir, { recursive: true });
  const spent = { usd: 0 };
  const ctx: TestCtx = {
    events,
    recordsDir,
    spent,
    run: { id: 'run-test', taskFile: 'task.yaml', status: 'running', dryRun: false, startedAt: new Date(), provider: options.runProvider ?? 'fake', approvedRoles: options.approvedRoles ?? [], project: 'default', ledger: join(options.repo, '.pipe', 'ledger.sqlite') },
    task: options.task ?? makeTask(),
    taskDir: options.taskDir ?? options.repo,
    policy: options.policy ?? defaultPolicy(),
    config: options.config ?? { apiVersion: 'pipe/v1', kind: 'Config' },
    repo: options.repo,
    attempt,
    maxAttempts: 3,
    step: { id: 'propose', uses: 'propose' },
    steps: {},
    work: { filesChanged: [], attempts, escalationDepth: 0, lastVerdict: null, extra: {} },
    services: {
      exec: runCommand,
      clock: { now: () => new Date(), monotonicMs: () => performance.now() },
      events: { emit: (type, data) => events.push({ ts: new Date().toISOString(), type, ...(data ?? {}) }) },
      records: {
        dir: recordsDir,
        async writeText(name, text) {
          if (!recordsDir) return;
          mkdirSync(dirname(join(recordsDir, name)), { recursive: true }); // names may have folders (validators/attempt-1/x.log), as in FolderRecords
          writeFileSync(join(recordsDir, name), text);
        },
        async writeJson(name, value) {
          if (recordsDir) writeFileSync(join(recordsDir, name), JSON.stringify(value, null, 2));
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
    },
    signal: new AbortController().signal,
    currentAttempt: () => attempts[attempts.length - 1],
    beforeRetry() {},
    spentUsd: () => spent.usd,
    addSpend: (usd) => {
      spent.usd += usd;
    },
  };
  return ctx;
}
