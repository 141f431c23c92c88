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

const requireCjs = createRequire(import.meta.url);
const tokenizerVersion = (requireCjs('gpt-tokenizer/package.json') as { version: string }).version;
const ranksFile = (name: string): string => join(PACKAGE_ROOT, 'dist', 'token-ranks', `${name}-${tokenizerVersion}.json`);
// The build writes the ranks tokens.ts reads; an unbuilt checkout counts with the package's own module.
const testWithRanks = existsSync(ranksFile('o200k_base')) ? test : test.skip;

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

testWithRanks('the build\'s JSON merge ranks are exactly the installed gpt-tokenizer\'s', () => {
  for (const name of ['o200k_base', 'cl100k_base']) {
    const own = (requireCjs(`gpt-tokenizer/cjs/bpeRanks/${name}`) as { default: unknown[] }).default;
    const written = JSON.parse(readFileSync(ranksFile(name), 'utf8')) as unknown[];
    assert.is(written.length, own.length, name);
    assert.ok(own.some((r) => typeof r !== 'string'), `${name} has byte-array ranks, so the round trip covers them`);
    assert.equal(written, own, name);
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
