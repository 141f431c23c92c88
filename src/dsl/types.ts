// Loaded documents: where things came from, compiled expressions, resolved pipelines.
import type { Step as PipelineStep } from '../types/generated/index.js';

/** Where a thing came from in a YAML file, for error messages. */
export interface SourceRef {
  file: string;
  line: number;
  column: number;
  pointer: string;
}

/** A JSONata expression compiled once at load time (src/dsl/expressions.ts). */
export interface CompiledExpression {
  source: string;
  where?: SourceRef;
  evaluate(scope: Record<string, unknown>, options?: { timeoutMs?: number }): Promise<unknown>;
}

/** A pipeline step after loading: `extends` resolved, `if` compiled. */
export interface ResolvedStep extends PipelineStep {
  compiledIf?: CompiledExpression;
  source?: SourceRef;
}

export interface ResolvedPipeline {
  name: string;
  /** The file it was loaded from, or `builtin:<name>`. */
  file: string;
  /** The extends chain, child first. */
  chain: string[];
  inputs: Record<string, { description?: string; default?: unknown }>;
  steps: ResolvedStep[];
  finally: ResolvedStep[];
}
