// Generates the strict variant of schemas/proposal.schema.json that OpenAI Structured
// Outputs needs (response_format json_schema, strict: true) into
// src/providers/generated/proposal-strict.ts. Strict mode wants every property listed
// in `required` (optional ones become nullable), additionalProperties false on every
// object, anyOf instead of oneOf, and none of the keywords it does not support.
// The JSON reader drops the nulls again before checking the answer against the real schema.
// `--check` exits 1 when the generated file is stale.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'schemas', 'proposal.schema.json');
const target = join(root, 'src', 'providers', 'generated', 'proposal-strict.ts');

const DROP = new Set(['$schema', '$id', 'title', 'default', 'minLength', 'maxLength', 'minItems', 'maxItems', 'minimum', 'maximum', 'pattern', 'format', 'uniqueItems', 'patternProperties', 'examples']);

function nullable(schema) {
  if (typeof schema.type === 'string') return { ...schema, type: [schema.type, 'null'] };
  return { anyOf: [schema, { type: 'null' }] };
}

function strict(node) {
  if (Array.isArray(node)) return node.map(strict);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROP.has(key) || key.startsWith('x-')) continue;
    if (key === 'oneOf') out.anyOf = strict(value);
    else if (key === 'const') {
      out.type = typeof value;
      out.enum = [value];
    }
    else out[key] = strict(value);
  }
  if (out.type === 'object' || out.properties) {
    const required = new Set(node.required ?? []);
    const props = {};
    for (const [name, prop] of Object.entries(out.properties ?? {})) props[name] = required.has(name) ? prop : nullable(prop);
    out.properties = props;
    out.required = Object.keys(props);
    out.additionalProperties = false;
  }
  return out;
}

const schema = strict(JSON.parse(readFileSync(source, 'utf8')));
const text = `/* Generated from schemas/proposal.schema.json by scripts/gen-strict-schemas.mjs — do not edit by hand. */
// The JSON patch schema in the strict form OpenAI Structured Outputs accepts.
export const PROPOSAL_STRICT_SCHEMA: Record<string, unknown> = ${JSON.stringify(schema, null, 2)};
`;
if (process.argv.includes('--check')) {
  if (!existsSync(target) || readFileSync(target, 'utf8') !== text) {
    console.error('src/providers/generated/proposal-strict.ts is stale: run `node scripts/gen-strict-schemas.mjs`');
    process.exit(1);
  }
} else {
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
