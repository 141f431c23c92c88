// Property: for random small files (repeated lines, indentation, trailing whitespace,
// blank lines) and random edits, the clean diff and the same diff rendered with wrong
// line numbers, wrong counts, no numbers, stripped trailing whitespace, a uniform
// outdent, or its hunks reordered, either applies to exactly the clean diff's result or
// is refused — never anywhere else. Seeded; the seed and the case are printed on failure.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readAnswer } from '../../src/patch/answer/index.js';
import { editFile } from '../../src/patch/locate/edit-file.js';

const SEED = Number(process.env.PIPE_PROPERTY_SEED ?? 1207);
const COUNT = Number(process.env.PIPE_PROPERTY_COUNT ?? 3000);

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// A small vocabulary so blocks repeat and ambiguity is real.
const WORDS = ['total = 0', 'for item in items:', 'total += item', 'return total', 'if x:', 'pass', 'x = compute(a,  b)', 'log("done")', '}', '{'];

interface Edit {
  /** 0-based first old line replaced, lines removed, lines added. */
  at: number;
  del: number;
  ins: string[];
}

interface Mutation {
  name: string;
  numbers: 'right' | 'wrong' | 'none';
  counts: 'right' | 'wrong';
  strip: boolean;
  outdent: boolean;
  reorder: boolean;
}

const MUTATIONS: Mutation[] = [
  { name: 'clean', numbers: 'right', counts: 'right', strip: false, outdent: false, reorder: false },
  { name: 'wrong numbers', numbers: 'wrong', counts: 'right', strip: false, outdent: false, reorder: false },
  { name: 'no numbers', numbers: 'none', counts: 'right', strip: false, outdent: false, reorder: false },
  { name: 'wrong counts', numbers: 'right', counts: 'wrong', strip: false, outdent: false, reorder: false },
  { name: 'stripped trailing whitespace', numbers: 'right', counts: 'right', strip: true, outdent: false, reorder: false },
  { name: 'uniform outdent', numbers: 'right', counts: 'right', strip: false, outdent: true, reorder: false },
  { name: 'reordered hunks', numbers: 'right', counts: 'right', strip: false, outdent: false, reorder: true },
  { name: 'everything at once', numbers: 'wrong', counts: 'wrong', strip: true, outdent: true, reorder: true },
];

function randomFile(rnd: () => number): string[] {
  const n = 4 + Math.floor(rnd() * 30);
  // Half the files draw from three words at one indentation: nearly every block repeats.
  const tiny = rnd() < 0.5;
  const words = tiny ? WORDS.slice(0, 3) : WORDS;
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = rnd();
    if (r < 0.12) lines.push(rnd() < 0.5 ? '' : '   ');
    else {
      const indent = ' '.repeat(4 * Math.floor(rnd() * (tiny ? 1 : 3)) + (tiny ? 4 : 0));
      lines.push(indent + words[Math.floor(rnd() * words.length)] + (rnd() < 0.15 ? '  ' : ''));
    }
  }
  return lines;
}

function randomEdits(rnd: () => number, n: number): Edit[] {
  const edits: Edit[] = [];
  let from = 0;
  const count = 1 + Math.floor(rnd() * 3);
  for (let k = 0; k < count && from < n; k++) {
    const at = from + Math.floor(rnd() * Math.min(8, n - from));
    const del = Math.min(n - at, Math.floor(rnd() * 3));
    const ins = Array.from({ length: Math.floor(rnd() * 3) + (del === 0 ? 1 : 0) }, (_, j) => `${' '.repeat(4 * Math.floor(rnd() * 3))}new_${k}_${j}(${Math.floor(rnd() * 100)})`);
    edits.push({ at, del, ins });
    from = at + del + 7; // keep hunks apart so each is its own hunk
  }
  return edits;
}

function applyClean(lines: string[], edits: Edit[]): string[] {
  const out: string[] = [];
  let cursor = 0;
  for (const e of edits) {
    out.push(...lines.slice(cursor, e.at), ...e.ins);
    cursor = e.at + e.del;
  }
  return [...out, ...lines.slice(cursor)];
}

/** One hunk per edit with up to 3 lines of context, rendered independently of pipe's own renderer. */
function renderDiff(lines: string[], edits: Edit[], m: Mutation, rnd: () => number): string | null {
  const hunks: string[][] = [];
  let shift = 0;
  for (const e of edits) {
    const from = Math.max(0, e.at - 3);
    const to = Math.min(lines.length, e.at + e.del + 3);
    const body: [string, string][] = [];
    for (let i = from; i < e.at; i++) body.push([' ', lines[i]]);
    for (let i = e.at; i < e.at + e.del; i++) body.push(['-', lines[i]]);
    for (const l of e.ins) body.push(['+', l]);
    for (let i = e.at + e.del; i < to; i++) body.push([' ', lines[i]]);
    if (!body.some(([op]) => op !== '+')) return null; // nothing to find: not a property of interest
    let rows = body;
    if (m.strip) rows = rows.map(([op, t]) => [op, t.trimEnd()]);
    if (m.outdent) {
      const widths = rows.filter(([, t]) => t.trim() !== '').map(([, t]) => /^ */.exec(t)![0].length);
      const cut = Math.min(...widths);
      rows = rows.map(([op, t]) => [op, t.trim() === '' ? t : t.slice(cut)]);
    }
    const olds = rows.filter(([op]) => op !== '+').length;
    const news = rows.filter(([op]) => op !== '-').length;
    let oldStart = from + 1;
    if (m.numbers === 'wrong') oldStart = Math.max(1, oldStart + (rnd() < 0.5 ? -1 : 1) * (1 + Math.floor(rnd() * 6)));
    const countOld = m.counts === 'wrong' ? olds + 1 + Math.floor(rnd() * 3) : olds;
    const countNew = m.counts === 'wrong' ? Math.max(0, news - 1) : news;
    const header = m.numbers === 'none' ? '@@ ... @@' : `@@ -${oldStart},${countOld} +${oldStart + shift},${countNew} @@`;
    shift += e.ins.length - e.del;
    hunks.push([header, ...rows.map(([op, t]) => op + t)]);
  }
  if (m.reorder) hunks.reverse();
  return `--- a/f.py\n+++ b/f.py\n${hunks.map((h) => h.join('\n')).join('\n')}\n`;
}

/** Where else the wrong number could legitimately point: the stated line starts another equal block. */
function pointsAtAnotherMatch(diff: string, lines: string[]): boolean {
  for (const block of diff.split(/^@@ /m).slice(1)) {
    const m = /^-(\d+)/.exec(block);
    if (!m) continue;
    const old = block.split('\n').slice(1).filter((l) => l.startsWith(' ') || l.startsWith('-')).map((l) => l.slice(1).trimEnd().trimStart());
    const start = Number(m[1]) - 1;
    const here = old.every((t, i) => (lines[start + i] ?? '\u0000').trim() === t);
    if (here) return true;
  }
  return false;
}

test(`property: ${COUNT} random files × edits × renderings apply exactly as the clean diff or are refused (seed ${SEED})`, () => {
  const rnd = mulberry32(SEED);
  const tally: Record<string, { applied: number; refused: number }> = {};
  for (let i = 0; i < COUNT; i++) {
    const lines = randomFile(rnd);
    const edits = randomEdits(rnd, lines.length);
    const original = `${lines.join('\n')}\n`;
    const expected = `${applyClean(lines, edits).join('\n')}\n`;
    const m = MUTATIONS[i % MUTATIONS.length];
    const diff = renderDiff(lines, edits, m, rnd);
    if (diff === null) continue;
    const t = (tally[m.name] ??= { applied: 0, refused: 0 });
    const read = readAnswer(diff);
    if (!read.ok) {
      t.refused++;
      continue;
    }
    const result = editFile('f.py', original, read.answer.changes[0], []);
    if (!result.ok) {
      t.refused++;
      if (process.env.PIPE_PROPERTY_DEBUG && (m.name === 'clean' || m.name.startsWith('stripped'))) console.log(m.name, result.refusal.reason, '\n', original, '\n', diff);
      continue;
    }
    // A wrong number that happens to point exactly at another equal block is a different, valid answer.
    if (result.file.newText !== expected && m.numbers === 'wrong' && pointsAtAnotherMatch(diff, lines)) continue;
    if (result.file.newText !== expected) {
      assert.unreachable(`seed ${SEED}, case ${i} (${m.name}) applied somewhere else.\n--- file\n${original}--- diff\n${diff}--- expected\n${expected}--- got\n${result.file.newText}`);
    }
    t.applied++;
  }
  console.log(`property tally (seed ${SEED}): ${JSON.stringify(tally)}`);
  // The property proves something only if every rendering mostly applies.
  for (const [name, t] of Object.entries(tally)) assert.ok(t.applied > t.refused, `${name}: ${JSON.stringify(t)}`);
});

test.run();
