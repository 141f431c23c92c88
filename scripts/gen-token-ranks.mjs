// The tokenizer's merge ranks as JSON, for src/budget/tokens.ts: gpt-tokenizer ships them as a
// 2.4 MB JavaScript array literal, which V8 compiles far more slowly than JSON.parse reads the
// same data (o200k_base: about 40% less time to a first count, profiled with --cpu-prof).
// Written from the installed gpt-tokenizer, its version in the file name: tokens.ts uses a file
// only when the versions match and otherwise loads the package's own encoding module.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const out = join(root, 'dist', 'token-ranks');
const { version } = require('gpt-tokenizer/package.json');
mkdirSync(out, { recursive: true });
for (const f of readdirSync(out)) rmSync(join(out, f));
for (const name of ['o200k_base', 'cl100k_base']) {
  const ranks = require(`gpt-tokenizer/cjs/bpeRanks/${name}`).default;
  writeFileSync(join(out, `${name}-${version}.json`), JSON.stringify(ranks));
}
