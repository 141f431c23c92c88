import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeChat } from 'gpt-tokenizer/model/gpt-4o';
import { encode as encodeO200k } from 'gpt-tokenizer/encoding/o200k_base';
import { encode as encodeCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { countMessageTokens, countTextTokens, encodingForModel } from '../../src/budget/tokens.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { decodeRankTable } from '../../src/budget/token-table.js';

const requireCjs = createRequire(import.meta.url);
const tokenizerVersion = (requireCjs('gpt-tokenizer/package.json') as { version: string }).version;
const tableFile = (name: string): string => join(PACKAGE_ROOT, 'dist', 'token-ranks', `${name}-${tokenizerVersion}.bin`);
// The build writes the rank table tokens.ts reads; an unbuilt checkout counts with the package's own module.
const testWithTable = existsSync(tableFile('o200k_base'))
  ? test
  : (name: string, fn: () => void) => {
      process.stdout.write(`skipped: ${name} — ${tableFile('o200k_base')} is not built (npm run build writes it)\n`);
      test.skip(name, fn);
    };

test('encoding by model', () => {
  for (const m of ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-5', 'gpt-5-mini', 'gpt-5-nano', 'gpt-5-codex', 'gpt-5-pro', 'o1', 'o3-mini', 'o4-mini', 'some-new-model']) {
    assert.is(encodingForModel(m), 'o200k_base', m);
  }
  for (const m of ['gpt-4', 'gpt-4-turbo', 'gpt-3.5-turbo', 'text-embedding-3-small']) assert.is(encodingForModel(m), 'cl100k_base', m);
});

test('text counts equal the encoders\' token arrays', () => {
  const text = 'def slugify(s):\n    return "-".join(w.lower() for w in s.split())  # naïve — ünïcode 日本語\n';
  assert.is(countTextTokens('gpt-5', text), encodeO200k(text).length);
  assert.is(countTextTokens('gpt-4', text), encodeCl100k(text).length);
  assert.is.not(encodeO200k(text).length, encodeCl100k(text).length, 'the two encodings really differ on this text');
  assert.is(countTextTokens('gpt-5', ''), 0);
});

testWithTable('the build\'s rank table gives every rank of the installed gpt-tokenizer, and nothing else', () => {
  for (const name of ['o200k_base', 'cl100k_base']) {
    const own = (requireCjs(`gpt-tokenizer/cjs/bpeRanks/${name}`) as { default: (string | number[])[] }).default;
    const table = decodeRankTable(readFileSync(tableFile(name)));
    assert.is(table.rankCount, own.length, name);
    assert.ok(own.some((r) => typeof r !== 'string'), `${name} has byte-array ranks, so the table covers them`);
    let strings = 0;
    own.forEach((r, rank) => {
      if (typeof r === 'string') {
        strings += 1;
        if (table.get(r) !== rank) assert.unreachable(`${name}: rank ${rank} (${JSON.stringify(r)}) reads back as ${table.get(r)}`);
        if (table.byteRanks.has(rank)) assert.unreachable(`${name}: string rank ${rank} also has bytes`);
      } else if (!Buffer.from(r).equals(table.byteRanks.get(rank) ?? Buffer.alloc(0))) assert.unreachable(`${name}: byte rank ${rank} differs`);
    });
    assert.is(table.byteRanks.size, own.length - strings, `${name}: only the non-UTF-8 ranks carry bytes`);
    for (const absent of ['', 'pipe-no-such-token-\u00e9\u00e9\u00e9\u00e9', '\ud800', own[0] + '\0']) assert.is(table.get(absent), undefined, `${name}: ${JSON.stringify(absent)}`);
  }
});

testWithTable('counts with the table equal the package\'s own encoders over source text and mixed scripts', () => {
  const o200k = requireCjs('gpt-tokenizer/cjs/encoding/o200k_base') as { countTokens(t: string, o: object): number };
  const cl100k = requireCjs('gpt-tokenizer/cjs/encoding/cl100k_base') as { countTokens(t: string, o: object): number };
  const plain = { disallowedSpecial: new Set<string>() };
  // Real source (this repository's own) and generated strings mixing scripts, emoji with
  // modifiers, combining marks, lone surrogates, whitespace runs and special-token text.
  const texts = ['budget/tokens.ts', 'budget/token-table.ts', 'patch/parse-diff.ts', 'dsl/load.ts'].map((f) => readFileSync(join(PACKAGE_ROOT, 'src', f), 'utf8'));
  const pools = ['abc XYZ', ' \n\t  ', '日本語中文한국어', 'ñüéçø', '🙂👍🏽‍👩‍💻', '\u0301\u0308', '<|endoftext|>', '\ud800', '\udfff', '0123456789', 'ÆØÅ', 'Ωπβ', 'का', 'ไทย', "'s 'LL"];
  let seed = 7;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n);
  };
  for (let k = 0; k < 1000; k++) {
    let s = '';
    for (let i = 1 + next(60); i > 0; i--) {
      const p = pools[next(pools.length)];
      s += p.slice(next(p.length));
    }
    texts.push(s);
  }
  for (const text of texts) {
    assert.is(countTextTokens('gpt-5', text), o200k.countTokens(text, plain), JSON.stringify(text.slice(0, 80)));
    assert.is(countTextTokens('gpt-4', text), cl100k.countTokens(text, plain), JSON.stringify(text.slice(0, 80)));
  }
});

test('special-token strings in file text count as plain text, not an error', () => {
  const n = countTextTokens('gpt-5', 'a <|endoftext|> b');
  assert.ok(n > 3);
});

test('message counts match gpt-tokenizer encodeChat (3 per message + role + content, +3 priming)', () => {
  const messages = [
    { role: 'system' as const, content: 'You answer with one unified diff.' },
    { role: 'user' as const, content: 'Fix slugify.\n\n<file path="a.py">\nprint(1)\n</file>' },
  ];
  assert.is(countMessageTokens('gpt-4o', messages), encodeChat(messages).length);
  const manual = 3 + messages.reduce((n, m) => n + 3 + encodeO200k(m.role).length + encodeO200k(m.content).length, 0);
  assert.is(countMessageTokens('gpt-5-mini', messages), manual);
});

test.run();
