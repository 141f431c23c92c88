// Exact token counting of 128,000 characters of source text, against the 50 ms target.
// Run: node --import tsx bench/tokens.mjs
// The corpus is real TypeScript (the openai SDK's sources shipped in node_modules);
// every run counts a different 128,000-character window, so caches cannot repeat work.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { countMessageTokens, countTextTokens } from '../src/budget/tokens.ts';

const SIZE = 128_000;
const RUNS = 15;
const root = new URL('../node_modules/openai/src/', import.meta.url).pathname;

function collect(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) collect(full, out);
    else if (name.endsWith('.ts')) out.push(readFileSync(full, 'utf8'));
  }
  return out;
}
const corpus = collect(root, []).join('\n');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// First call: loads the o200k_base encoding (lazy) and counts.
let t = performance.now();
const firstCount = countTextTokens('gpt-5-mini', corpus.slice(0, SIZE));
const first = performance.now() - t;

const clear = createRequire(import.meta.url)('gpt-tokenizer/cjs/encoding/o200k_base').clearMergeCache;
const cold = [];
const warm = [];
const msgs = [];
const step = Math.max(1, Math.floor((corpus.length - SIZE) / (RUNS + 1)));
for (let i = 1; i <= RUNS; i++) {
  const text = corpus.slice(i * step, i * step + SIZE);
  clear();
  t = performance.now();
  countTextTokens('gpt-5-mini', text);
  cold.push(performance.now() - t);
  t = performance.now();
  countTextTokens('gpt-5-mini', text);
  warm.push(performance.now() - t);
  clear();
  t = performance.now();
  countMessageTokens('gpt-5-mini', [{ role: 'system', content: 'Answer with one unified diff.' }, { role: 'user', content: text }]);
  msgs.push(performance.now() - t);
}
console.log(`corpus: ${corpus.length} chars of TypeScript; window ${SIZE} chars ≈ ${firstCount} tokens (o200k_base)`);
console.log(`first call (loads the encoding): ${first.toFixed(1)} ms`);
console.log(`countTextTokens, empty merge cache (median of ${RUNS}): ${median(cold).toFixed(1)} ms  (target < 50 ms)`);
console.log(`countTextTokens, same text again (median of ${RUNS}): ${median(warm).toFixed(1)} ms`);
console.log(`countMessageTokens of a 2-message chat carrying it (median of ${RUNS}): ${median(msgs).toFixed(1)} ms`);
