// The JSON Schemas in schemas/, as validators. Shipped schemas come precompiled
// (src/dsl/generated/<name>.cts, from scripts/gen-validators.mjs), one module per
// schema loaded on first use, so a CLI start pays for no schema compilation and parses
// only the validators it runs; a schema edited since generation, or a schema a test or
// extension registers, is compiled with ajv on first use and cached.
import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Ajv2020 as Ajv2020Class, ValidateFunction } from 'ajv/dist/2020.js';
import type { FormatsPlugin } from 'ajv-formats';
import { SCHEMAS_DIR } from '../paths.js';
import { hashes as precompiledHashes, names as precompiledModules } from './generated/validators.js';

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

const require = createRequire(import.meta.url);

let ajv: Ajv2020Class | undefined;
/** ajv itself loads only when something must be compiled at run time. */
function getAjv(): Ajv2020Class {
  if (!ajv) {
    const mod = require('ajv/dist/2020.js') as { default: typeof Ajv2020Class };
    const formats = require('ajv-formats') as { default: FormatsPlugin };
    // verbose: errors carry parentSchema, which "did you mean" reads allowed keys from.
    // Keep these options in step with scripts/gen-validators.mjs.
    ajv = new mod.default({ allErrors: true, verbose: true, strict: false, validateSchema: false });
    formats.default(ajv);
  }
  return ajv;
}

const textCache = new Map<string, string>();
const fileCache = new Map<string, Record<string, unknown>>();
const compiledByName = new Map<string, ValidateFunction>();
const compiledBySchema = new WeakMap<object, ValidateFunction>();

function schemaText(name: string): string {
  let text = textCache.get(name);
  if (text === undefined) {
    text = readFileSync(join(SCHEMAS_DIR, `${name}.schema.json`), 'utf8');
    textCache.set(name, text);
  }
  return text;
}

/** A schema by its path under schemas/ without `.schema.json`: 'pipeline', 'steps/validate.with'. */
export function readSchema(name: string): Record<string, unknown> {
  let schema = fileCache.get(name);
  if (!schema) {
    schema = JSON.parse(schemaText(name)) as Record<string, unknown>;
    fileCache.set(name, schema);
  }
  return schema;
}

export function hasStepWithSchema(type: string): boolean {
  return /^[a-z][a-z0-9_-]*$/.test(type) && existsSync(join(SCHEMAS_DIR, 'steps', `${type}.with.schema.json`));
}

/** The precompiled validator when it was generated from the schema text on disk now. */
function precompiledFor(name: string): ValidateFunction | undefined {
  const file = Object.hasOwn(precompiledModules, name) ? precompiledModules[name] : undefined;
  if (!file) return undefined;
  const hash = createHash('sha256').update(schemaText(name)).digest('hex').slice(0, 16);
  return hash === precompiledHashes[name] ? (require(`./generated/${file}.cjs`) as { validate: ValidateFunction }).validate : undefined;
}

/** The validator of a schema file, compiled (or taken precompiled) once per process. */
export function validatorFor(name: string): ValidateFunction {
  let v = compiledByName.get(name);
  if (!v) {
    v = precompiledFor(name) ?? compileSchema(readSchema(name));
    compiledByName.set(name, v);
  }
  return v;
}

/** Compiles an in-memory schema (a registered step type's `withSchema`), once per object. */
export function compileSchema(schema: Record<string, unknown>): ValidateFunction {
  const cached = compiledBySchema.get(schema);
  if (cached) return cached;
  const a = getAjv();
  const id = typeof schema.$id === 'string' ? schema.$id : undefined;
  const compiled: ValidateFunction = (id ? a.getSchema(id) : undefined) ?? a.compile(schema);
  compiledBySchema.set(schema, compiled);
  return compiled;
}
