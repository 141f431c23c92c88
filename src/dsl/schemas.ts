// The JSON Schemas in schemas/, compiled with ajv on first use and cached for the
// process: `pipe validate` on one kind never pays for compiling the others.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import type { Ajv2020 as Ajv2020Class, ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { FormatsPlugin } from 'ajv-formats';
import { SCHEMAS_DIR } from '../paths.js';

export type { ValidateFunction };

/** Document kinds and the schema file each is checked against. */
export const KIND_SCHEMAS = {
  Task: 'task',
  Pipeline: 'pipeline',
  Policy: 'policy',
  Config: 'config',
  Proposal: 'proposal',
} as const;

export type DocumentKind = keyof typeof KIND_SCHEMAS;

// ajv ships CommonJS; under NodeNext the default export may arrive wrapped.
const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as typeof Ajv2020Class;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as FormatsPlugin;

let ajv: Ajv2020Class | undefined;
function getAjv(): Ajv2020Class {
  if (!ajv) {
    // verbose: errors carry parentSchema, which "did you mean" reads allowed keys from.
    ajv = new Ajv2020({ allErrors: true, verbose: true, strict: false, validateSchema: false });
    addFormats(ajv);
  }
  return ajv;
}

const fileCache = new Map<string, Record<string, unknown>>();
const compiledByName = new Map<string, ValidateFunction>();
const compiledBySchema = new WeakMap<object, ValidateFunction>();

/** A schema by its path under schemas/ without `.schema.json`: 'pipeline', 'steps/validate.with'. */
export function readSchema(name: string): Record<string, unknown> {
  let schema = fileCache.get(name);
  if (!schema) {
    schema = JSON.parse(readFileSync(join(SCHEMAS_DIR, `${name}.schema.json`), 'utf8')) as Record<string, unknown>;
    fileCache.set(name, schema);
  }
  return schema;
}

export function hasStepWithSchema(type: string): boolean {
  return /^[a-z][a-z0-9_-]*$/.test(type) && existsSync(join(SCHEMAS_DIR, 'steps', `${type}.with.schema.json`));
}

/** The compiled validator of a schema file, compiled once per process. */
export function validatorFor(name: string): ValidateFunction {
  let v = compiledByName.get(name);
  if (!v) {
    v = compileSchema(readSchema(name));
    compiledByName.set(name, v);
  }
  return v;
}

/** Compiles an in-memory schema (a registered step type's `withSchema`), once per object. */
export function compileSchema(schema: Record<string, unknown>): ValidateFunction {
  let v = compiledBySchema.get(schema);
  if (!v) {
    const a = getAjv();
    const id = typeof schema.$id === 'string' ? schema.$id : undefined;
    const existing = id ? a.getSchema(id) : undefined;
    const compiled: ValidateFunction = existing ?? a.compile(schema);
    compiledBySchema.set(schema, compiled);
    return compiled;
  }
  return v;
}
