// Fan-in of src/: for each module, how many other src files import it (static imports,
// `import type`, re-exports and dynamic import() alike; generated files count too).
// A module imported by more than a third of src is a type or helper without an owner
// (errors.ts and paths.ts excepted; src/types/generated/ is the schemas' own output).
// Run: node bench/fan-in.mjs [top]   (top defaults to 10). Prints figures; never asserts.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const top = Number(process.argv[2] ?? 10);

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else if (/\.c?ts$/.test(name)) out.push(full);
  }
  return out;
}

const files = walk(src);
const known = new Set(files);
const importers = new Map();
const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const targets = new Set();
  for (const m of text.matchAll(specifier)) {
    const base = resolve(dirname(file), m[1]);
    const candidates = [base.replace(/\.js$/, '.ts'), base.replace(/\.cjs$/, '.cts'), `${base}.ts`, join(base, 'index.ts')];
    const hit = candidates.find((c) => known.has(c));
    if (hit && hit !== file) targets.add(hit);
  }
  for (const t of targets) {
    if (!importers.has(t)) importers.set(t, new Set());
    importers.get(t).add(file);
  }
}

const total = files.length;
const rows = [...importers]
  .map(([target, from]) => ({ module: relative(root, target), fanIn: from.size }))
  .sort((a, b) => b.fanIn - a.fanIn || a.module.localeCompare(b.module));
const limit = Math.floor(total / 3);
console.log(`src files: ${total}; a third: ${limit}`);
for (const r of rows.slice(0, top)) {
  const over = r.fanIn > limit && !/src\/(errors|paths)\.ts$|\/generated\//.test(r.module) ? '  over a third' : '';
  console.log(`${String(r.fanIn).padStart(4)}  ${(r.fanIn / total * 100).toFixed(0).padStart(3)}%  ${r.module}${over}`);
}
