// Checks a step's `with` after ${{ }} substitution against the step type's schema.
// Static values were already checked at load time with positions; this catches what
// the expressions produced.
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { PipeError } from '../errors.js';

let ajv: Ajv2020 | null = null;
const compiled = new WeakMap<object, ValidateFunction>();

export function checkStepWith(stepId: string, uses: string, schema: Record<string, unknown>, value: unknown): void {
  ajv ??= new Ajv2020({ allErrors: true, strict: false });
  let validate = compiled.get(schema);
  if (!validate) {
    const { $id: _id, ...rest } = schema;
    validate = ajv.compile(rest);
    compiled.set(schema, validate);
  }
  if (validate(value)) return;
  const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
  throw new PipeError('E_SCHEMA', `step '${stepId}' (uses: ${uses}): with ${problems.join('; ')}`, {
    hint: `check the step's with against \`pipe schema ${uses}\``,
  });
}
