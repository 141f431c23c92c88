// Exact token counts with gpt-tokenizer, so budgets are checked against what the API
// will bill, not a character estimate. Encodings load on first use (each is a few MB
// of merge ranks), so commands that never count tokens stay fast to start.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../paths.js';
import type { ChatMessage } from '../providers/contract.js';

export type EncodingName = 'o200k_base' | 'cl100k_base';

interface Encoding {
  countTokens(text: string, options?: { disallowedSpecial?: Set<string> }): number;
}

const requireCjs = createRequire(import.meta.url);
const loaded = new Map<EncodingName, Encoding>();

/**
 * Special-token strings such as `<|endoftext|>` inside file text are ordinary text to
 * the API; counting them as text (instead of throwing) matches what it bills.
 */
const AS_PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/**
 * Chat overhead, as in OpenAI's cookbook ("How to count tokens with tiktoken") and as
 * gpt-tokenizer's encodeChat produces for gpt-4o and later: each message costs
 * `<|im_start|>` + role + `<|im_sep|>` … `<|im_end|>` = 3 tokens + role + content, and
 * every reply is primed with `<|im_start|>assistant<|im_sep|>` = 3 tokens.
 */
export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_REPLY_PRIMING = 3;

/** o200k_base for gpt-4o, gpt-4.1, gpt-4.5, gpt-5*, o-series, codex and unknown (new) models; cl100k_base for older GPT-4/3.5 and embeddings. */
export function encodingForModel(model: string): EncodingName {
  const m = model.toLowerCase().replace(/^openai\//, '');
  if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|chatgpt-4o|o\d|codex|gpt-oss|gpt-realtime|gpt-audio)/.test(m)) return 'o200k_base';
  if (/^(gpt-4|gpt-3\.5|gpt-35|text-embedding-3|text-embedding-ada)/.test(m)) return 'cl100k_base';
  return 'o200k_base';
}

interface GptEncodingClass {
  getEncodingApi(name: EncodingName, getMergeableRanks: () => unknown): Encoding;
}

/**
 * The encoding, built once per process. The build writes the package's merge ranks as JSON
 * (scripts/gen-token-ranks.mjs), which loads much faster than the package's JavaScript table;
 * the same ranks go into the same constructor the package's encoding module calls. Without
 * that file (an unbuilt checkout, another gpt-tokenizer version), the package's module.
 */
function encoding(name: EncodingName): Encoding {
  let enc = loaded.get(name);
  if (!enc) {
    // CommonJS build through createRequire: a synchronous, lazy load keeps the counting API synchronous.
    const { version } = requireCjs('gpt-tokenizer/package.json') as { version: string };
    const ranksFile = join(PACKAGE_ROOT, 'dist', 'token-ranks', `${name}-${version}.json`);
    if (existsSync(ranksFile)) {
      const { GptEncoding } = requireCjs('gpt-tokenizer/cjs/GptEncoding') as { GptEncoding: GptEncodingClass };
      enc = GptEncoding.getEncodingApi(name, () => JSON.parse(readFileSync(ranksFile, 'utf8')) as unknown);
    } else {
      enc = requireCjs(`gpt-tokenizer/cjs/encoding/${name}`) as Encoding;
    }
    loaded.set(name, enc);
  }
  return enc;
}

// The same long texts (a prompt's context, a recorded answer) are counted again on every
// attempt and, in a replay, on every run: remember the last few hundred counts.
const COUNT_CACHE_MIN_CHARS = 512;
const COUNT_CACHE_SIZE = 256;
const counts = new Map<string, number>();

/** Exact token count of a text for a model (no chat framing). */
export function countTextTokens(model: string, text: string): number {
  if (text.length === 0) return 0;
  const name = encodingForModel(model);
  if (text.length < COUNT_CACHE_MIN_CHARS) return encoding(name).countTokens(text, AS_PLAIN_TEXT);
  const key = `${name}\0${text}`;
  let n = counts.get(key);
  if (n === undefined) {
    n = encoding(name).countTokens(text, AS_PLAIN_TEXT);
    if (counts.size >= COUNT_CACHE_SIZE) counts.delete(counts.keys().next().value as string);
    counts.set(key, n);
  }
  return n;
}

/**
 * Exact prompt tokens of a chat request: Σ (3 + tokens(role) + tokens(content)) + 3.
 * This is the figure Chat Completions reports as `prompt_tokens` for plain text messages.
 */
export function countMessageTokens(model: string, messages: ChatMessage[]): number {
  let total = TOKENS_REPLY_PRIMING;
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE + countTextTokens(model, message.role) + countTextTokens(model, message.content);
  }
  return total;
}
