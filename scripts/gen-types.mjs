// Generates src/types/generated/*.ts from schemas/ with json-schema-to-typescript.
// `--check` fails (exit 1) when a generated file is missing or stale, so CI catches drift.
import { readFileSync, writeFileSync, readdirSync, mkdirSync, existsSync } from 'node:fs';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemasDir = join(root, 'schemas');
const outDir = join(root, 'src', 'types', 'generated');
const check = process.argv.includes('--check');

function schemaFiles(dir, prefix = '') {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isDirectory()) out.push(...schemaFiles(join(dir, entry.name), `${prefix}${entry.name}/`));
    else if (entry.name.endsWith('.schema.json')) out.push(`${prefix}${entry.name}`);
  }
  return out;
}

const banner = '/* Generated from schemas/ by scripts/gen-types.mjs — do not edit by hand; run `npm run gen:types`. */';
const stale = [];
mkdirSync(outDir, { recursive: true });
const index = [];
const seen = new Set();
for (const rel of schemaFiles(schemasDir)) {
  const schema = JSON.parse(readFileSync(join(schemasDir, rel), 'utf8'));
  // Keep $id out of the compiler's way so no reference is ever resolved over the network.
  delete schema.$id;
  const ts = await compile(schema, schema.title, {
    bannerComment: banner,
    additionalProperties: false,
    cwd: dirname(join(schemasDir, rel)),
    declareExternallyReferenced: true,
    $refOptions: { resolve: { http: false, external: false } },
    style: { singleQuote: true, printWidth: 110 },
  });
  const name = rel.replace(/\.schema\.json$/, '').replace(/\//g, '-');
  const target = join(outDir, `${name}.ts`);
  // Re-export every declared name once (shared $defs such as FakeScript appear in several files).
  const names = [...ts.matchAll(/^export (?:type|interface) ([A-Za-z0-9_]+)/gm)].map((m) => m[1]).filter((n) => !seen.has(n));
  names.forEach((n) => seen.add(n));
  if (names.length) index.push(`export type { ${names.join(', ')} } from './${name}.js';`);
  if (check) {
    if (!existsSync(target) || readFileSync(target, 'utf8') !== ts) stale.push(target);
  } else {
    writeFileSync(target, ts);
  }
}
const indexText = `${banner}\n${index.join('\n')}\n`;
const indexFile = join(outDir, 'index.ts');
if (check) {
  if (!existsSync(indexFile) || readFileSync(indexFile, 'utf8') !== indexText) stale.push(indexFile);
  if (stale.length) {
    console.error(`Generated types are stale: ${stale.map((f) => basename(f)).join(', ')}. Run \`npm run gen:types\` and commit the result.`);
    process.exit(1);
  }
  console.log('generated types are up to date');
} else {
  writeFileSync(indexFile, indexText);
}
