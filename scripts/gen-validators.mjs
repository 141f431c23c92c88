// Precompiles the schemas in schemas/ into one standalone ajv module
// (src/dsl/generated/validators.ts), so `pipe validate` starts without compiling
// schemas. Each validator carries the hash of its schema text; src/dsl/schemas.ts
// falls back to compiling at run time when a schema changed since generation.
// `--check` exits 1 when the generated file is stale.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, readdirSync, mkdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import standaloneCode from 'ajv/dist/standalone/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemasDir = join(root, 'schemas');
const out = join(root, 'src', 'dsl', 'generated', 'validators.ts');

// Must match the options in src/dsl/schemas.ts.
const ajv = new Ajv2020.default({ allErrors: true, verbose: true, strict: false, validateSchema: false, code: { source: true, esm: true } });
addFormats.default(ajv);

const names = ['task', 'pipeline', 'policy', 'config', 'proposal'];
for (const f of readdirSync(join(schemasDir, 'steps')).sort()) if (f.endsWith('.schema.json')) names.push(`steps/${f.replace(/\.schema\.json$/, '')}`);
const refs = {};
const hashes = {};
names.forEach((name, i) => {
  const text = readFileSync(join(schemasDir, `${name}.schema.json`), 'utf8');
  const schema = JSON.parse(text);
  ajv.addSchema(schema);
  refs[`v${i}`] = schema.$id;
  hashes[name] = createHash('sha256').update(text).digest('hex').slice(0, 16);
});
let code = standaloneCode.default(ajv, refs).replace(/^"use strict";/, '');
const banner = '/* Generated from schemas/ by scripts/gen-validators.mjs — do not edit by hand. */\n// @ts-nocheck\n';
const text = `${banner}import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n${code}\nexport const names = ${JSON.stringify(Object.fromEntries(names.map((n, i) => [n, `v${i}`])))};\nexport const hashes = ${JSON.stringify(hashes)};\n`;

if (process.argv.includes('--check')) {
  const current = existsSync(out) ? readFileSync(out, 'utf8') : '';
  if (current !== text) {
    console.error('src/dsl/generated/validators.ts is stale: run `node scripts/gen-validators.mjs`');
    process.exit(1);
  }
} else {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  console.log(`wrote ${out} (${names.length} schemas, ${text.length} bytes)`);
}
