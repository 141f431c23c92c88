// Loading a pipeline: find it, check it, resolve its `extends` chain, apply the child's
// step edits, run the semantic checks on the result, compile `if`s.
import { dirname, resolve } from 'node:path';
import { PipeError, isPipeError, type Diagnostic } from '../errors.js';
import type { ResolvedPipeline, ResolvedStep } from './types.js';
import type { Pipeline, Step } from '../types/generated/index.js';
import { composeSteps, type StepOrigin } from './compose.js';
import { compileExpression } from './expressions.js';
import { loadYamlFile, sortDiagnostics, type LoadedYaml } from './load.js';
import { displayPath, resolveReference, type ResolveOptions } from './resolve.js';
import { checkPipelineSteps, expressionRef } from './semantic.js';
import { checkKind, schemaDiagnostics } from './validate.js';
import { validatorFor } from './schemas.js';
import { didYouMean } from './suggest.js';

export interface LoadPipelineOptions {
  /** Folder relative references start from (a task's folder, or the cwd). */
  fromDir: string;
  repo?: string;
  /** Config.pipelines_dir, searched for bare names before the built-ins. */
  pipelinesDir?: string;
}

interface Composed {
  name: string;
  description?: string;
  /** Files of the extends chain, child first (absolute). */
  chain: string[];
  chainNames: string[];
  inputs: Record<string, { description?: string; default?: unknown }>;
  steps: StepOrigin[];
  finally: StepOrigin[];
  loaded: LoadedYaml;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Steps shaped enough to check further (a map with string id and uses); holes keep indexes stable. */
function wellFormedSteps(list: unknown): (Step | undefined)[] | undefined {
  if (!Array.isArray(list)) return undefined;
  return list.map((s) => (isMap(s) && typeof s.id === 'string' && typeof s.uses === 'string' ? (s as Step) : undefined));
}

function origins(loaded: LoadedYaml, list: (Step | undefined)[] | undefined, key: 'steps' | 'finally'): StepOrigin[] {
  const out: StepOrigin[] = [];
  (list ?? []).forEach((step, i) => {
    if (step) out.push({ step, loaded, pointer: `/${key}/${i}` });
  });
  return out;
}

function duplicateIds(list: StepOrigin[]): Diagnostic[] {
  const seen = new Map<string, number>();
  const out: Diagnostic[] = [];
  for (const s of list) {
    const line = seen.get(s.step.id);
    if (line !== undefined) out.push(s.loaded.diagnostic(`${s.pointer}/id`, `duplicate step id '${s.step.id}' (first used at line ${line}); step ids must be unique across steps and finally`, 'duplicate-id'));
    else seen.set(s.step.id, s.loaded.locate(s.pointer).line);
  }
  return out;
}

/** Loads one pipeline file and, recursively, its parents. Problems come back as diagnostics. */
function cycleDiagnostic(loaded: LoadedYaml, chain: string[]): Diagnostic {
  return loaded.diagnostic('/extends', `extends cycle: ${chain.map(displayPath).join(' → ')}`, 'extends-cycle');
}

interface ComposeResult {
  composed?: Composed;
  diagnostics: Diagnostic[];
  /** Set when an extends loop was found below the file the user asked about. */
  cycle?: string[];
}

async function composeFile(path: string, builtin: string | undefined, options: LoadPipelineOptions, stack: string[]): Promise<ComposeResult> {
  let loaded: LoadedYaml;
  try {
    loaded = await loadYamlFile(path, displayPath(path));
  } catch (err) {
    if (isPipeError(err) && err.diagnostics.length) return { diagnostics: err.diagnostics };
    throw err;
  }
  const kindProblems = checkKind(loaded, 'Pipeline');
  if (kindProblems.length) return { diagnostics: kindProblems };
  // Schema problems do not stop the checks below: every problem of a file is reported at
  // once, so the rest of this function tolerates malformed parts (they are skipped).
  const diagnostics: Diagnostic[] = schemaDiagnostics(loaded, validatorFor('pipeline'));
  const raw = loaded.data as Record<string, unknown>;
  const doc = {
    ...raw,
    name: typeof raw.name === 'string' ? raw.name : '',
    extends: typeof raw.extends === 'string' ? raw.extends : undefined,
    inputs: isMap(raw.inputs) ? raw.inputs : undefined,
    remove: Array.isArray(raw.remove) ? raw.remove.filter((x): x is string => typeof x === 'string') : undefined,
    steps: wellFormedSteps(raw.steps),
    finally: wellFormedSteps(raw.finally),
  } as Pipeline;
  const own = { steps: origins(loaded, doc.steps, 'steps'), finally: origins(loaded, doc.finally, 'finally') };
  const inputs = { ...(doc.inputs ?? {}) } as Composed['inputs'];
  const base: Composed = { name: doc.name, description: doc.description, chain: [path], chainNames: [builtin ? `builtin:${builtin}` : path], inputs, steps: own.steps, finally: own.finally, loaded };

  if (doc.extends === undefined) {
    for (const s of [...own.steps, ...own.finally]) {
      for (const key of ['insert_before', 'insert_after'] as const) {
        if (s.step[key] !== undefined) diagnostics.push(loaded.diagnostic(`${s.pointer}/${key}`, `${key} only applies in a pipeline that extends another`, 'compose', { atKey: true }));
      }
    }
    if (doc.remove?.length) diagnostics.push(loaded.diagnostic('/remove', 'remove only applies in a pipeline that extends another', 'compose', { atKey: true }));
    return { composed: base, diagnostics };
  }

  diagnostics.push(...duplicateIds([...own.steps, ...own.finally]));
  let parentRef;
  try {
    parentRef = resolveReference(doc.extends, 'pipeline', { fromDir: dirname(path), repo: options.repo, pipelinesDir: options.pipelinesDir } satisfies ResolveOptions);
  } catch (err) {
    if (!isPipeError(err)) throw err;
    return { diagnostics: [...diagnostics, loaded.diagnostic('/extends', `extends: ${err.message}${err.hint ? ` (${err.hint})` : ''}`, 'extends')] };
  }
  if (stack.includes(parentRef.path) || parentRef.path === path) {
    // Reported once, at the file the user asked about, naming the whole loop.
    const chain = [...stack, path, parentRef.path];
    if (stack.length === 0) return { diagnostics: [...diagnostics, cycleDiagnostic(loaded, chain)] };
    return { diagnostics, cycle: chain };
  }
  const parent = await composeFile(parentRef.path, parentRef.builtin, options, [...stack, path]);
  if (parent.cycle) {
    if (stack.length === 0) return { diagnostics: [...diagnostics, cycleDiagnostic(loaded, parent.cycle)] };
    return { diagnostics, cycle: parent.cycle };
  }
  if (parent.diagnostics.length) diagnostics.push(loaded.diagnostic('/extends', `parent pipeline ${displayPath(parentRef.path)} has errors`, 'extends'));
  if (!parent.composed) return { diagnostics: [...diagnostics, ...parent.diagnostics] };
  const p = parent.composed;
  const removed = new Set(doc.remove ?? []);
  const inherited = [...p.steps, ...p.finally].map((s) => s.step.id);
  (doc.remove ?? []).forEach((id, i) => {
    if (!inherited.includes(id)) diagnostics.push(loaded.diagnostic(`/remove/${i}`, `remove: no inherited step '${id}'${didYouMean(id, inherited)}`, 'compose'));
  });
  const steps = composeSteps({ parent: p.steps, child: own.steps, remove: removed, otherIds: new Set(p.finally.map((s) => s.step.id)), listName: 'steps' });
  const fin = composeSteps({ parent: p.finally, child: own.finally, remove: removed, otherIds: new Set(p.steps.map((s) => s.step.id)), listName: 'finally' });
  diagnostics.push(...parent.diagnostics, ...steps.diagnostics, ...fin.diagnostics);
  const mergedInputs: Composed['inputs'] = { ...p.inputs };
  for (const [k, v] of Object.entries(inputs)) mergedInputs[k] = { ...(p.inputs[k] ?? {}), ...v };
  return {
    composed: {
      ...base,
      description: doc.description ?? p.description,
      chain: [path, ...p.chain],
      chainNames: [base.chainNames[0], ...p.chainNames],
      inputs: mergedInputs,
      steps: steps.steps,
      finally: fin.steps,
    },
    diagnostics,
  };
}

function toResolvedStep(o: StepOrigin): ResolvedStep {
  // The parsed step is shared and frozen (see loadYamlFile); the runner gets its own copy.
  const { insert_before: _b, insert_after: _a, ...step } = structuredClone(o.step);
  const pos = o.loaded.locate(o.pointer);
  const resolved: ResolvedStep = { ...step, source: { file: o.loaded.file, line: pos.line, column: pos.column, pointer: o.pointer } };
  if (typeof step.if === 'string') resolved.compiledIf = compileExpression(step.if, expressionRef(o.loaded, `${o.pointer}/if`, step.if));
  return resolved;
}

/** Loads a pipeline file fully; all problems as diagnostics, the pipeline when there are none. */
export async function inspectPipelineFile(path: string, builtin: string | undefined, options: LoadPipelineOptions): Promise<{ pipeline?: ResolvedPipeline; diagnostics: Diagnostic[] }> {
  const { composed, diagnostics } = await composeFile(resolve(path), builtin, options, []);
  if (!composed) return { diagnostics: sortDiagnostics(diagnostics) };
  diagnostics.push(...(await checkPipelineSteps(composed.steps, composed.finally)));
  if (diagnostics.length) return { diagnostics: sortDiagnostics(diagnostics) };
  return {
    diagnostics: [],
    pipeline: {
      name: composed.name,
      file: composed.chainNames[0],
      chain: composed.chainNames,
      inputs: structuredClone(composed.inputs),
      steps: composed.steps.map(toResolvedStep),
      finally: composed.finally.map(toResolvedStep),
    },
  };
}

/**
 * Loads a pipeline by reference: a built-in name (fix, implement, diagnose, classify),
 * a path (relative to fromDir), a repo-local name (<repo>/pipelines/<name>.yaml,
 * <repo>/.pipe/pipelines/<name>.yaml, tried before built-ins), or a package specifier.
 */
export async function loadPipeline(ref: string, options: LoadPipelineOptions): Promise<ResolvedPipeline> {
  const found = resolveReference(ref, 'pipeline', options);
  const { pipeline, diagnostics } = await inspectPipelineFile(found.path, found.builtin, options);
  if (!pipeline) {
    const files = [...new Set(diagnostics.map((d) => d.file))].join(', ');
    throw new PipeError(diagnostics.every((d) => d.kind === 'yaml') ? 'E_YAML' : 'E_SCHEMA', `pipeline '${ref}' is invalid: ${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'} in ${files}`, {
      diagnostics,
      hint: 'run `pipe validate` on the file for the full list',
    });
  }
  return pipeline;
}
