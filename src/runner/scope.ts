// The expression scope (DSL.md §1): { task, inputs, steps: { <id>: { status, output } },
// attempt, run, policy }. Steps not yet run are explicit nulls, never absent.
import type { Policy, Task } from '../types/generated/index.js';
import type { ResolvedPipeline } from '../dsl/types.js';
import type { RunStatus, StepStatus } from './types.js';

export interface ScopeInput {
  task: Task;
  policy: Policy;
  pipeline: ResolvedPipeline;
  steps: Record<string, { status: StepStatus; output: Record<string, unknown> | null }>;
  attempt: number;
  run: { id: string; status: RunStatus; dryRun: boolean; escalationDepth: number; verdict: string | null; costUsd: number };
}

export function pipelineInputs(pipeline: ResolvedPipeline, task: Task): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(pipeline.inputs ?? {})) inputs[name] = spec.default ?? null;
  return { ...inputs, ...((task.inputs as Record<string, unknown> | undefined) ?? {}) };
}

export function buildScope(input: ScopeInput): Record<string, unknown> {
  const steps: Record<string, { status: string | null; output: Record<string, unknown> | null }> = {};
  for (const step of [...input.pipeline.steps, ...input.pipeline.finally]) steps[step.id] = { status: null, output: null };
  for (const [id, value] of Object.entries(input.steps)) steps[id] = { status: value.status, output: value.output };
  return {
    task: input.task,
    inputs: pipelineInputs(input.pipeline, input.task),
    steps,
    attempt: input.attempt,
    run: {
      id: input.run.id,
      status: input.run.status,
      dry_run: input.run.dryRun,
      escalation_depth: input.run.escalationDepth,
      verdict: input.run.verdict,
      cost_usd: input.run.costUsd,
    },
    policy: input.policy,
  };
}
