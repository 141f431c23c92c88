// A real StepContext for gate/apply/rollback tests: a temp git repo, the real subprocess
// wrapper, real run records under .pipe/runs/<id>/, the default policy, and the
// beforeRetry hooks kept so a test can run them the way the runner does.
import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runCommand } from '../../src/exec/run.js';
import { treeWorkspace } from '../../src/patch/workspace.js';
import { runValidators } from '../../src/validation/run.js';
import { FolderRecords, NoRecords, ensurePipeIgnored } from '../../src/records/writer.js';
import { createRunContext, type RunContext } from '../../src/runner/context.js';
import type { StepContext, StepResult } from '../../src/runner/types.js';
import type { RunEvent } from '../../src/records/types.js';
import { step as gateStep } from '../../src/steps/gate.js';
import { step as applyStep } from '../../src/steps/apply.js';
import { step as rollbackStep } from '../../src/steps/rollback.js';
import type { Config, Policy, Safety, Task } from '../../src/types/generated/index.js';
import { ROOT, gitIn } from '../helpers/repo.js';

export function defaultPolicy(safety: Partial<Safety> = {}, maxPatchBytes?: number): Policy {
  const policy = parse(readFileSync(join(ROOT, 'policies', 'default.yaml'), 'utf8')) as Policy;
  policy.safety = { ...policy.safety, ...safety };
  if (maxPatchBytes !== undefined) policy.limits = { ...policy.limits, max_patch_bytes: maxPatchBytes };
  return policy;
}

export function makeTask(allowed: string[]): Task {
  return { apiVersion: 'pipe/v1', kind: 'Task', id: 'patch-test', goal: 'test', intent: 'bugfix', allowed_files: allowed };
}


export interface PatchHarness {
  /** The context the next step gets (from the runner's own factory). */
  readonly ctx: StepContext;
  run: RunContext;
  events: RunEvent[];
  /** Sets the model's answer for the current attempt. */
  propose(text: string): void;
  gate(): Promise<StepResult>;
  apply(args?: { allow_dirty_files?: boolean }): Promise<StepResult>;
  rollback(): Promise<StepResult>;
  /** What the runner does before a retry: run the hooks, start the next attempt. */
  retry(): Promise<void>;
}

export function makePatchHarness(options: { repo: string; allowed: string[]; policy?: Policy; dryRun?: boolean; runId?: string }): PatchHarness {
  const runId = options.runId ?? `run-${Math.random().toString(36).slice(2, 10)}`;
  const events: RunEvent[] = [];
  if (!options.dryRun) ensurePipeIgnored(options.repo);
  const run = createRunContext({
    run: { id: runId, taskFile: join(options.repo, 'task.yaml'), dryRun: options.dryRun ?? false, startedAt: new Date(), provider: 'fake', approvedRoles: [], project: 'test', ledger: '.pipe/ledger.sqlite' },
    task: makeTask(options.allowed),
    taskDir: options.repo,
    policy: options.policy ?? defaultPolicy(),
    config: { apiVersion: 'pipe/v1', kind: 'Config' } as Config,
    repo: options.repo,
    maxAttempts: 3,
    services: {
      exec: runCommand,
      clock: { now: () => new Date(), monotonicMs: () => performance.now() },
      events: { emit: (type, data) => events.push({ ts: new Date().toISOString(), type, ...(data ?? {}) }) },
      records: options.dryRun ? new NoRecords() : new FolderRecords(join(options.repo, '.pipe', 'runs', runId)),
      progress: { stepStart() {}, stepEnd() {}, note() {} },
      approve: async () => false,
      ledger: async () => {
        throw new Error('patch steps never use the ledger');
      },
      provider: () => {
        throw new Error('patch steps never call a provider');
      },
      workspace: treeWorkspace(options.repo, runCommand),
      validators: runValidators,
    },
  });
  const work = run.work;
  const usage = { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0 };
  const at = (id: string) => run.stepContext({ id, uses: id });
  return {
    get ctx() {
      return at('gate');
    },
    run,
    events,
    propose(text) {
      work.proposal = { kind: 'patch', text, finishReason: 'stop', tierServed: 'default', requestId: null, usage, costUsd: 0 };
    },
    gate: () => gateStep.run(at('gate'), {}),
    apply: (args = {}) => applyStep.run(at('apply'), args),
    rollback: () => rollbackStep.run(at('rollback'), {}),
    retry: () => run.startNextAttempt(),
  };
}

/** Every entry under dir except .git and .pipe, by lstat: files with mode and bytes, symlinks with targets, folders. */
export function snapshotExact(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const name of readdirSync(d).sort()) {
      if (prefix === '' && (name === '.git' || name === '.pipe')) continue;
      const full = join(d, name);
      const st = lstatSync(full);
      const key = `${prefix}${name}`;
      if (st.isSymbolicLink()) out[key] = `link:${readlinkSync(full)}`;
      else if (st.isDirectory()) {
        out[`${key}/`] = 'dir';
        walk(full, `${key}/`);
      } else out[key] = `${(st.mode & 0o777).toString(8)}:${readFileSync(full).toString('base64')}`;
    }
  };
  walk(dir, '');
  return out;
}

export function porcelain(repo: string): string {
  return gitIn(repo, 'status', '--porcelain', '--untracked-files=all');
}
