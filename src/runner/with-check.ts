// Checks a step's `with` after ${{ }} substitution against the step type's schema, with
// the same generated validators and messages as `pipe validate` (a registered step type
// without a generated validator is compiled once). Static values were checked at load
// time; this catches what the expressions produced, and points at the step in its file.
import type { ErrorObject } from 'ajv';
import { PipeError, type Diagnostic } from '../errors.js';
import { compileSchema, hasStepWithSchema, validatorFor } from '../dsl/schemas.js';
import { errorMessage } from '../dsl/validate.js';
import type { SourceRef } from '../dsl/types.js';

export interface CheckedStep {
  id: string;
  uses: string;
  source?: SourceRef;
}

export function checkStepWith(step: CheckedStep, schema: Record<string, unknown>, value: unknown): void {
  const validate = hasStepWithSchema(step.uses) ? validatorFor(`steps/${step.uses}.with`) : compileSchema(schema);
  if (validate(value)) return;
  const errors = (validate.errors ?? []) as ErrorObject[];
  const where = step.source;
  const diagnostics: Diagnostic[] = errors.map((e) => ({
    file: where?.file ?? '(pipeline)',
    line: where?.line ?? 0,
    column: where?.column ?? 0,
    message: `step '${step.id}' (uses: ${step.uses}): with${e.instancePath} ${errorMessage(e)} (after \${{ }} substitution)`,
    pointer: `${where?.pointer ?? ''}/with${e.instancePath}`,
    kind: 'schema',
  }));
  const unique = [...new Map(diagnostics.map((d) => [d.message, d])).values()];
  throw new PipeError('E_SCHEMA', unique.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`).join('\n'), {
    diagnostics: unique,
    hint: `check the step's with against \`pipe schema ${step.uses}\``,
  });
}
