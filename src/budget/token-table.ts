// The tokenizer's merge ranks as one binary file that is ready to use as read: a hash table
// over the ranks' strings, in typed arrays laid over the file's bytes. gpt-tokenizer builds a
// Map of ~200,000 strings from its rank list at every start (with JSON.parse before it, most
// of `pipe plan`'s time to a first count); reading this file and making the views costs a few
// milliseconds. The build writes it (scripts/gen-token-ranks.mjs) from the installed package's
// ranks; tokens.ts hands the lookup to the package's own byte-pair encoder, so counts are the
// package's (test/providers/tokens.test.ts compares every rank and a corpus of counts).
//
// Layout, little-endian, every section 4-byte aligned:
//   header     u32 × 8: MAGIC, VERSION, rankCount, slotCount (a power of 2), charCount,
//              byteRankCount, byteCount, 0
//   starts     u32 × (rankCount + 1): where rank r's string begins in `chars` (its length is
//              starts[r+1] - starts[r]; 0 for a rank whose bytes are not valid UTF-8)
//   slots      u32 × slotCount: open addressing with linear probing on fnv1a(string); rank + 1,
//              or 0 for an empty slot
//   chars      u16 × charCount (+ padding): every string rank's UTF-16 code units, by rank
//   byteRanks  u32 × byteRankCount: the ranks whose bytes are not valid UTF-8, ascending
//   byteStarts u32 × (byteRankCount + 1), then bytes u8 × byteCount: those ranks' bytes

const MAGIC = 0x31525450; // "PTR1"
const VERSION = 1;
const HEADER_WORDS = 8;

/** A rank list as gpt-tokenizer ships it: index = rank, a string or the bytes of a token that is not valid UTF-8. */
export type RankList = readonly (string | readonly number[] | undefined)[];

/** What the byte-pair encoder needs to count: string → rank, and the non-UTF-8 ranks as a sparse rank list. */
export interface RankTable {
  /** The rank of a token's text, as gpt-tokenizer's string Map would give it. */
  get(key: string): number | undefined;
  /** The ranks whose bytes are not valid UTF-8, with their bytes, ascending by rank. */
  byteRanks: Map<number, Uint8Array>;
  rankCount: number;
}

/** FNV-1a over UTF-16 code units (the same function writes and reads the table). */
function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const align4 = (n: number): number => (n + 3) & ~3;

/** The table's bytes for a rank list (build time). */
export function encodeRankTable(ranks: RankList): Buffer {
  const rankCount = ranks.length;
  let slotCount = 1;
  while (slotCount < rankCount * 2) slotCount *= 2;
  let charCount = 0;
  let byteRankCount = 0;
  let byteCount = 0;
  for (const r of ranks) {
    if (typeof r === 'string') charCount += r.length;
    else if (r) {
      byteRankCount += 1;
      byteCount += r.length;
    }
  }
  const { startsAt, slotsAt, charsAt, byteRanksAt, byteStartsAt, bytesAt } = sectionsAt(rankCount, slotCount, charCount, byteRankCount);
  const buf = Buffer.alloc(align4(bytesAt + byteCount));
  const header = new Uint32Array(buf.buffer, buf.byteOffset, HEADER_WORDS);
  header.set([MAGIC, VERSION, rankCount, slotCount, charCount, byteRankCount, byteCount, 0]);
  const starts = new Uint32Array(buf.buffer, buf.byteOffset + startsAt, rankCount + 1);
  const slots = new Uint32Array(buf.buffer, buf.byteOffset + slotsAt, slotCount);
  const chars = new Uint16Array(buf.buffer, buf.byteOffset + charsAt, charCount);
  const byteRanks = new Uint32Array(buf.buffer, buf.byteOffset + byteRanksAt, byteRankCount);
  const byteStarts = new Uint32Array(buf.buffer, buf.byteOffset + byteStartsAt, byteRankCount + 1);
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset + bytesAt, byteCount);
  const mask = slotCount - 1;
  let c = 0;
  let b = 0;
  let k = 0;
  for (let rank = 0; rank < rankCount; rank++) {
    starts[rank] = c;
    const r = ranks[rank];
    if (typeof r === 'string') {
      if (r.length === 0) throw new Error(`rank ${rank} is an empty string`);
      for (let i = 0; i < r.length; i++) chars[c++] = r.charCodeAt(i);
      let s = hashKey(r) & mask;
      while (slots[s] !== 0) {
        const other = slots[s] - 1;
        if (ranks[other] === r) throw new Error(`rank ${rank} repeats rank ${other}'s string`);
        s = (s + 1) & mask;
      }
      slots[s] = rank + 1;
    } else if (r) {
      byteRanks[k] = rank;
      byteStarts[k] = b;
      for (const x of r) bytes[b++] = x;
      k += 1;
    }
  }
  starts[rankCount] = c;
  byteStarts[byteRankCount] = b;
  return buf;
}

/** Where each section of the file starts (the writer and the reader share the layout). */
function sectionsAt(rankCount: number, slotCount: number, charCount: number, byteRankCount: number) {
  const startsAt = HEADER_WORDS * 4;
  const slotsAt = startsAt + (rankCount + 1) * 4;
  const charsAt = slotsAt + slotCount * 4;
  const byteRanksAt = align4(charsAt + charCount * 2);
  const byteStartsAt = byteRanksAt + byteRankCount * 4;
  const bytesAt = byteStartsAt + (byteRankCount + 1) * 4;
  return { startsAt, slotsAt, charsAt, byteRanksAt, byteStartsAt, bytesAt };
}

/** The table over a file's bytes (no copy unless the bytes are not 4-byte aligned). */
export function decodeRankTable(data: Uint8Array): RankTable {
  const buf = data.byteOffset % 4 === 0 ? data : Uint8Array.from(data);
  const u32 = (at: number, n: number): Uint32Array => new Uint32Array(buf.buffer, buf.byteOffset + at, n);
  if (buf.byteLength < HEADER_WORDS * 4) throw new Error('token rank table: file too short');
  const [magic, version, rankCount, slotCount, charCount, byteRankCount, byteCount] = u32(0, HEADER_WORDS);
  if (magic !== MAGIC || version !== VERSION) throw new Error('token rank table: not a version-1 table');
  const { startsAt, slotsAt, charsAt, byteRanksAt, byteStartsAt, bytesAt } = sectionsAt(rankCount, slotCount, charCount, byteRankCount);
  if (buf.byteLength < bytesAt + byteCount) throw new Error('token rank table: file truncated');
  const starts = u32(startsAt, rankCount + 1);
  const slots = u32(slotsAt, slotCount);
  const chars = new Uint16Array(buf.buffer, buf.byteOffset + charsAt, charCount);
  const byteRankList = u32(byteRanksAt, byteRankCount);
  const byteStarts = u32(byteStartsAt, byteRankCount + 1);
  const byteRanks = new Map<number, Uint8Array>();
  for (let k = 0; k < byteRankCount; k++) {
    byteRanks.set(byteRankList[k], new Uint8Array(buf.buffer, buf.byteOffset + bytesAt + byteStarts[k], byteStarts[k + 1] - byteStarts[k]));
  }
  const mask = slotCount - 1;
  return {
    rankCount,
    byteRanks,
    get(key: string): number | undefined {
      const n = key.length;
      for (let s = hashKey(key) & mask; ; s = (s + 1) & mask) {
        const slot = slots[s];
        if (slot === 0) return undefined;
        const rank = slot - 1;
        const at = starts[rank];
        if (starts[rank + 1] - at !== n) continue;
        let i = 0;
        while (i < n && chars[at + i] === key.charCodeAt(i)) i++;
        if (i === n) return rank;
      }
    },
  };
}
