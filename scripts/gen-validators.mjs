// Precompiles the schemas in schemas/ into standalone ajv modules, one per schema
// (src/dsl/generated/<name>.cts, e.g. pipeline.cts, steps.route.with.cts), plus an
// index (src/dsl/generated/validators.ts) naming each module and the hash of the schema
// text it came from. src/dsl/schemas.ts requires a module only when its schema is first
// used, so a command parses only the validators it needs, and falls back to compiling
// at run time when a schema changed since generation. The modules are .cts (CommonJS)
// because validatorFor is synchronous; the index's type-only imports make tsc emit them.
// `--check` exits 1 when a generated file is stale.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, readdirSync, mkdirSync, existsSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import standaloneCode from 'ajv/dist/standalone/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemasDir = join(root, 'schemas');
const outDir = join(root, 'src', 'dsl', 'generated');

// Must match the options in src/dsl/schemas.ts.
const ajv = new Ajv2020.default({ allErrors: true, verbose: true, strict: false, validateSchema: false, code: { source: true, esm: true } });
addFormats.default(ajv);

const names = ['task', 'pipeline', 'policy', 'config', 'proposal'];
for (const f of readdirSync(join(schemasDir, 'steps')).sort()) if (f.endsWith('.schema.json')) names.push(`steps/${f.replace(/\.schema\.json$/, '')}`);
const ids = {};
const hashes = {};
for (const name of names) {
  const text = readFileSync(join(schemasDir, `${name}.schema.json`), 'utf8');
  const schema = JSON.parse(text);
  ajv.addSchema(schema);
  ids[name] = schema.$id;
  hashes[name] = createHash('sha256').update(text).digest('hex').slice(0, 16);
}
const moduleOf = (name) => name.replace(/\//g, '.');
const banner = '/* Generated from schemas/ by scripts/gen-validators.mjs — do not edit by hand. */\n// @ts-nocheck\n';
/** Output files: path → text. */
const files = new Map();
for (const name of names) {
  // ESM-style exports in a .cts file: tsc turns them into CommonJS; `require` (used by
  // the standalone code for ajv's runtime helpers) is CommonJS's own.
  const code = standaloneCode.default(ajv, { validate: ids[name] }).replace(/^"use strict";/, '');
  files.set(join(outDir, `${moduleOf(name)}.cts`), `${banner}${code}\n`);
}
const modules = Object.fromEntries(names.map((n) => [n, moduleOf(n)]));
const typeImports = names.map((n, i) => `import type * as _m${i} from './${moduleOf(n)}.cjs';`).join('\n');
files.set(
  join(outDir, 'validators.ts'),
  `${banner}// Type-only imports: they put the modules in the TypeScript program (so tsc emits them) and load nothing.\n${typeImports}\nexport type Modules = [${names.map((_, i) => `typeof _m${i}`).join(', ')}];\n/** Schema name → module under ./ (loaded with require('./<module>.cjs')). */\nexport const names: Record<string, string> = ${JSON.stringify(modules)};\nexport const hashes: Record<string, string> = ${JSON.stringify(hashes)};\n`,
);

const stale = existsSync(outDir) ? readdirSync(outDir).filter((f) => f.endsWith('.cts') && !files.has(join(outDir, f))) : [];
if (process.argv.includes('--check')) {
  const changed = [...files].filter(([path, text]) => !existsSync(path) || readFileSync(path, 'utf8') !== text);
  if (changed.length || stale.length) {
    console.error('src/dsl/generated/ is stale: run `node scripts/gen-validators.mjs`');
    process.exit(1);
  }
} else {
  mkdirSync(outDir, { recursive: true });
  for (const f of stale) rmSync(join(outDir, f));
  let bytes = 0;
  for (const [path, text] of files) {
    writeFileSync(path, text);
    bytes += text.length;
  }
  console.log(`wrote ${outDir} (${names.length} schemas, ${files.size} files, ${bytes} bytes)`);
}
