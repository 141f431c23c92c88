// Test wiring for the runner: test step types and a minimal run around them.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileExpression } from '../../src/dsl/expressions.js';
import { registerStep } from '../../src/runner/registry.js';
import { executeRun, type RunOptions } from '../../src/runner/runner.js';
import type { StepModule } from '../../src/runner/types.js';
import type { ResolvedPipeline, ResolvedStep } from '../../src/dsl/types.js';
import type { Policy, Task } from '../../src/types/generated/index.js';

export const calls: { type: string; attempt: number; args: Record<string, unknown> }[] = [];

const anyWith = { type: 'object' } as Record<string, unknown>;

function testStep(type: string, run: StepModule['run'], extra: Partial<StepModule> = {}): void {
  registerStep({
    type,
    withSchema: anyWith,
    ...extra,
    run: async (ctx, args) => {
      calls.push({ type, attempt: ctx.attempt, args });
      return run(ctx, args);
    },
  } as StepModule<never>);
}

export function registerTestSteps(): void {
  testStep('t-ok', async (_ctx, args) => ({ status: 'succeeded', output: { echo: args.value ?? null } }));
  // Fails until attempt >= with.pass_on.
  testStep('t-flaky', async (ctx, args) =>
    ctx.attempt >= Number(args.pass_on ?? 99) ? { status: 'succeeded', output: { attempt: ctx.attempt } } : { status: 'failed', code: 'E_VALIDATION', message: `not yet (attempt ${ctx.attempt})` },
  );
  testStep('t-stall', async () => ({ status: 'failed', code: 'E_VALIDATION', message: 'same failures again', stopRetries: true }));
  testStep('t-block', async () => ({ status: 'blocked', code: 'E_BUDGET_BLOCKED', message: 'over budget' }));
  testStep('t-refuse', async () => ({ status: 'refused', code: 'E_PATCH_UNSAFE', message: 'unsafe' }));
  testStep('t-hook', async (ctx) => {
    ctx.beforeRetry(async () => {
      calls.push({ type: 'hook', attempt: ctx.attempt, args: {} });
    });
    return { status: 'succeeded' };
  });
  testStep('t-wait', async (ctx) => {
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) return resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    return { status: 'failed', code: 'E_INTERRUPTED', message: 'stopped' };
  });
  testStep('t-throw', async () => {
    throw new Error('boom');
  });
  testStep('t-provider', async () => ({ status: 'succeeded' }), { callsProvider: true });
}

type StepSpec = Omit<ResolvedStep, 'compiledIf'>;

export function pipeline(steps: StepSpec[], finallySteps: StepSpec[] = []): ResolvedPipeline {
  const compile = (s: StepSpec): ResolvedStep => ({ ...s, compiledIf: s.if ? compileExpression(s.if) : undefined });
  return { name: 'test', file: 'builtin:test', chain: ['test'], inputs: {}, steps: steps.map(compile), finally: finallySteps.map(compile) };
}

export const task: Task = { apiVersion: 'pipe/v1', kind: 'Task', id: 'runner-test', goal: 'test the runner', intent: 'bugfix', allowed_files: ['**'], max_attempts: 3 };
export const policy: Policy = { apiVersion: 'pipe/v1', kind: 'Policy' };

export function run(p: ResolvedPipeline, overrides: Partial<RunOptions> = {}) {
  const repo = overrides.repo ?? mkdtempSync(join(tmpdir(), 'pipe-runner-'));
  return executeRun({
    repo,
    task,
    taskFile: join(repo, 'task.yaml'),
    taskDir: repo,
    pipeline: p,
    policy,
    config: { apiVersion: 'pipe/v1', kind: 'Config' },
    provider: 'fake',
    ...overrides,
  });
}
