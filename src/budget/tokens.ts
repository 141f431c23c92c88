// Exact token counts with gpt-tokenizer, so budgets are checked against what the API
// will bill, not a character estimate. Encodings load on first use (each is a few MB
// of merge ranks), so commands that never count tokens stay fast to start.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../paths.js';
import type { ChatMessage } from '../providers/contract.js';
import { decodeRankTable } from './token-table.js';

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

/** The rank list gpt-tokenizer's encoder is built from: only its forEach and Object.keys are read. */
interface RankList {
  forEach(visit: (value: string | Uint8Array, rank: number) => void): void;
}
interface BytePairEncodingCoreClass {
  new (params: { bytePairRankDecoder: RankList; specialTokensEncoder: Map<string, number>; tokenSplitRegex: RegExp }): BytePairEncoder;
}
interface BytePairEncoder {
  bytePairStringRankEncoder: { get(key: string): number | undefined };
  countNative(text: string, allowedSpecial: Set<string> | undefined): number;
}
type EncodingParams = (ranks: RankList) => { bytePairRankDecoder: RankList; specialTokensEncoder: Map<string, number>; tokenSplitRegex: RegExp };

// Literal requires (one per encoding), so the build can bundle them (scripts/bundle-cli.mjs).
const ENCODING_PARAMS: Record<EncodingName, () => EncodingParams> = {
  o200k_base: () => (requireCjs('gpt-tokenizer/cjs/encodingParams/o200k_base') as { O200KBase: EncodingParams }).O200KBase,
  cl100k_base: () => (requireCjs('gpt-tokenizer/cjs/encodingParams/cl100k_base') as { Cl100KBase: EncodingParams }).Cl100KBase,
};

/**
 * The encoding, built once per process. The build writes the package's merge ranks as a
 * binary table (scripts/gen-token-ranks.mjs, src/budget/token-table.ts) that is used as read,
 * instead of the ~200,000-entry Map the package builds at every start; the package's own
 * byte-pair encoder and split pattern count with it. Without that file (an unbuilt checkout,
 * another gpt-tokenizer version), the package's encoding module.
 */
function encoding(name: EncodingName): Encoding {
  let enc = loaded.get(name);
  if (!enc) {
    // CommonJS build through createRequire: a synchronous, lazy load keeps the counting API synchronous.
    const { version } = requireCjs('gpt-tokenizer/package.json') as { version: string };
    const tableFile = join(PACKAGE_ROOT, 'dist', 'token-ranks', `${name}-${version}.bin`);
    enc = existsSync(tableFile) ? encodingFromTable(name, readFileSync(tableFile)) : (requireCjs(`gpt-tokenizer/cjs/encoding/${name}`) as Encoding);
    loaded.set(name, enc);
  }
  return enc;
}

/**
 * gpt-tokenizer's BytePairEncodingCore with the table as its string → rank lookup (the one
 * field its counting reads ranks of text from). Its constructor gets only the non-UTF-8 ranks,
 * which it sorts for its byte lookup, as a list with a forEach (a 200,000-long array with
 * holes costs more to walk than the rest of the set-up). `countNative(text, undefined)` is
 * what the package's countTokens runs with `disallowedSpecial: new Set()` (special-token
 * strings counted as text).
 */
function encodingFromTable(name: EncodingName, bytes: Uint8Array): Encoding {
  const table = decodeRankTable(bytes);
  const { BytePairEncodingCore } = requireCjs('gpt-tokenizer/cjs/BytePairEncodingCore') as { BytePairEncodingCore: BytePairEncodingCoreClass };
  const byteRanks: RankList = { forEach: (visit) => table.byteRanks.forEach((value, rank) => visit(value, rank)) };
  const core = new BytePairEncodingCore(ENCODING_PARAMS[name]()(byteRanks));
  core.bytePairStringRankEncoder = table;
  return { countTokens: (text) => core.countNative(text, undefined) };
}

/**
 * Loads the model's encoding now (a few ms, once per process) so a caller can do it while it
 * waits on something else, e.g. git listing the files the count will cover.
 */
export function loadTokenizer(model: string): void {
  encoding(encodingForModel(model));
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
