// The tokenizer's merge ranks as a binary table for src/budget/tokens.ts (format and reader in
// src/budget/token-table.ts, so this runs after tsc). gpt-tokenizer ships them as a 2.4 MB
// JavaScript array literal and turns them into a ~200,000-entry Map at every start; the table
// is used as read (o200k_base: a first count in ~40 ms instead of ~300 ms, profiled with
// --cpu-prof). Written from the installed gpt-tokenizer, its version in the file name:
// tokens.ts uses a file only when the versions match and otherwise loads the package's own
// encoding module.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const { encodeRankTable } = await import(pathToFileURL(join(root, 'dist', 'budget', 'token-table.js')).href);
const out = join(root, 'dist', 'token-ranks');
const { version } = require('gpt-tokenizer/package.json');
mkdirSync(out, { recursive: true });
for (const f of readdirSync(out)) rmSync(join(out, f));
for (const name of ['o200k_base', 'cl100k_base']) {
  const ranks = require(`gpt-tokenizer/cjs/bpeRanks/${name}`).default;
  writeFileSync(join(out, `${name}-${version}.bin`), encodeRankTable(ranks));
}
