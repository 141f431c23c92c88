// Checks a schema cannot express: step types exist, ids are unique, retries go back,
// `with` fits the step type, expressions parse, tasks name validators the policy has.
import type { Diagnostic } from '../errors.js';
import { isPipeError } from '../errors.js';
import { knownStepTypes, loadStep } from '../runner/registry.js';
import type { ResolvedPipeline, SourceRef } from './types.js';
import type { Policy, Task } from '../types/generated/index.js';
import type { StepOrigin } from './compose.js';
import { compileExpression, embeddedExpressions, isExpressionString } from './expressions.js';
import { escapePointerToken, type LoadedYaml } from './load.js';
import { compileSchema, hasStepWithSchema, validatorFor, type ValidateFunction } from './schemas.js';
import { didYouMean } from './suggest.js';
import { schemaDiagnostics } from './validate.js';

/** A SourceRef for an expression string at `pointer`, pointing at its first character (inside quotes). */
export function expressionRef(loaded: LoadedYaml, pointer: string, expression: string, offsetInString = 0): SourceRef {
  const pos = loaded.locate(pointer);
  const line = loaded.sourceLine(pos.line);
  const found = line.indexOf(expression, pos.column - 1);
  const column = found >= 0 ? found + 1 : pos.column + offsetInString;
  return { file: loaded.file, line: pos.line, column, pointer };
}

/** Compiles an expression, turning a parse failure into a diagnostic with the source line. */
export function checkExpression(loaded: LoadedYaml, pointer: string, source: string, offsetInString = 0): Diagnostic[] {
  const ref = expressionRef(loaded, pointer, source, offsetInString);
  try {
    compileExpression(source, ref);
    return [];
  } catch (err) {
    if (!isPipeError(err)) throw err;
    return err.diagnostics.map((d) => ({ ...d, sourceLine: loaded.sourceLine(d.line), length: 1 }));
  }
}

/** Every `${{ }}` inside a value (deeply), compiled. */
function checkEmbedded(loaded: LoadedYaml, pointer: string, value: unknown): Diagnostic[] {
  if (typeof value === 'string') {
    if (!value.includes('${{')) return [];
    return embeddedExpressions(value).flatMap((e) => checkExpression(loaded, pointer, e.source, e.offset));
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => checkEmbedded(loaded, `${pointer}/${i}`, v));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => checkEmbedded(loaded, `${pointer}/${escapePointerToken(k)}`, v));
  }
  return [];
}

function valueAt(root: unknown, instancePath: string): unknown {
  let cur = root;
  for (const token of instancePath.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[token.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

async function withValidator(type: string): Promise<ValidateFunction | undefined> {
  if (hasStepWithSchema(type)) return validatorFor(`steps/${type}.with`);
  const module = await loadStep(type);
  return module?.withSchema ? compileSchema(module.withSchema) : undefined;
}

/** Semantic checks of a composed pipeline's steps and finally steps. */
export async function checkPipelineSteps(steps: StepOrigin[], finallySteps: StepOrigin[]): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  const known = knownStepTypes();
  const firstSeen = new Map<string, StepOrigin>();
  const all = [...steps.map((s) => ({ s, inFinally: false })), ...finallySteps.map((s) => ({ s, inFinally: true }))];
  for (const { s } of all) {
    const prior = firstSeen.get(s.step.id);
    if (prior) {
      const where = prior.loaded.file === s.loaded.file ? `line ${prior.loaded.locate(prior.pointer).line}` : `${prior.loaded.file}:${prior.loaded.locate(prior.pointer).line}`;
      out.push(s.loaded.diagnostic(`${s.pointer}/id`, `duplicate step id '${s.step.id}' (first used at ${where}); step ids must be unique across steps and finally`, 'duplicate-id'));
    } else firstSeen.set(s.step.id, s);
  }
  for (const [index, { s, inFinally }] of all.entries()) {
    const { step, loaded, pointer } = s;
    if (typeof step.uses === 'string' && !known.includes(step.uses)) {
      out.push(loaded.diagnostic(`${pointer}/uses`, `unknown step type '${step.uses}'${didYouMean(step.uses, known)}; known types: ${known.join(', ')}`, 'unknown-step'));
    } else if (typeof step.uses === 'string') {
      const validate = step.with === undefined || (typeof step.with === 'object' && step.with !== null && !Array.isArray(step.with)) ? await withValidator(step.uses) : undefined;
      if (validate) {
        const data = step.with ?? {};
        out.push(
          ...schemaDiagnostics(loaded, validate, {
            data,
            basePointer: `${pointer}/with`,
            skip: (instancePath) => isExpressionString(valueAt(data, instancePath)),
          }),
        );
      }
    }
    const onFail = step.on_fail;
    if (onFail && typeof onFail === 'object' && !Array.isArray(onFail) && typeof onFail.retry === 'string') {
      const target = onFail.retry;
      const retryPointer = `${pointer}/on_fail/retry`;
      if (inFinally) {
        out.push(loaded.diagnostic(retryPointer, `a finally step cannot retry (finally steps run once); use on_fail: continue or stop`, 'retry'));
      } else {
        const earlier = steps.slice(0, index).map((x) => x.step.id);
        const later = steps.slice(index).map((x) => x.step.id);
        if (!earlier.includes(target)) {
          const why = target === step.id
            ? `'${target}' is this step itself`
            : later.includes(target)
              ? `'${target}' comes after it`
              : `there is no step '${target}'${didYouMean(target, earlier)}`;
          out.push(loaded.diagnostic(retryPointer, `on_fail.retry must name an earlier step: ${why}${earlier.length ? ` (earlier steps: ${earlier.join(', ')})` : ''}`, 'retry'));
        }
      }
    }
    if (typeof step.if === 'string') out.push(...checkExpression(loaded, `${pointer}/if`, step.if));
    if (step.with !== undefined) out.push(...checkEmbedded(loaded, `${pointer}/with`, step.with));
  }
  return out;
}

/** Routing `when` expressions of one policy file compile. */
export function checkPolicyExpressions(loaded: LoadedYaml, policy: Policy): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (!Array.isArray(policy.routing)) return out;
  policy.routing.forEach((rule, i) => {
    if (rule && typeof rule.when === 'string') out.push(...checkExpression(loaded, `/routing/${i}/when`, rule.when));
  });
  return out;
}

/** A task's validators must exist in the merged policy; diagnostics point into the task file. */
export function checkTaskAgainstPolicy(task: Task, source: LoadedYaml | string, policy: Policy): Diagnostic[] {
  const defined = Object.keys(policy.validators ?? {});
  const out: Diagnostic[] = [];
  if (!Array.isArray(task.validators)) return out;
  task.validators.forEach((name, i) => {
    if (typeof name !== 'string' || defined.includes(name)) return;
    const message = `unknown validator '${name}'${didYouMean(name, defined)}; the policy defines: ${defined.join(', ') || '(none)'}`;
    const pointer = `/validators/${i}`;
    if (typeof source === 'string') out.push({ file: source, line: 1, column: 1, message, pointer, kind: 'unknown-validator' });
    else out.push(source.diagnostic(pointer, message, 'unknown-validator'));
  });
  return out;
}

/** A task's inputs must be ones its pipeline declares: a misspelt input would silently fall back to the default. */
export function checkTaskInputs(task: Task, source: LoadedYaml | string, pipeline: Pick<ResolvedPipeline, 'name' | 'inputs'>): Diagnostic[] {
  const given = task.inputs && typeof task.inputs === 'object' ? Object.keys(task.inputs) : [];
  const declared = Object.keys(pipeline.inputs ?? {});
  return given
    .filter((name) => !declared.includes(name))
    .map((name) => {
      const message = `unknown input '${name}'${didYouMean(name, declared)}; pipeline '${pipeline.name}' declares: ${declared.join(', ') || '(no inputs)'}`;
      const pointer = `/inputs/${escapePointerToken(name)}`;
      return typeof source === 'string'
        ? { file: source, line: 1, column: 1, message, pointer, kind: 'unknown-input' }
        : source.diagnostic(pointer, message, 'unknown-input');
    });
}
