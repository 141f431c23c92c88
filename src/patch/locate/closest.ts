// For an edit that matches nowhere: the place in the file that agrees with most of its
// old lines, as a short expected-vs-found excerpt. This is what the retry prompt sends
// back, so the model sees exactly which line it got wrong.
import { NORMS } from './match.js';
import { positions, type FileText } from './text.js';

const MAX_SHOWN = 3;
// Above this many line comparisons the word-overlap search is skipped (a huge file and hunk).
const MAX_SIMILARITY_WORK = 2_000_000;

const words = (l: string) => l.trim().split(/[^A-Za-z0-9_]+/).filter(Boolean);

/** Where the old lines are most alike the file's, by shared words (when no line matches at all). */
function mostAlike(ft: FileText, old: string[]): number | null {
  const n = ft.lines.length;
  if (n === 0 || n * old.length > MAX_SIMILARITY_WORK) return null;
  const oldWords = old.map((l) => new Set(words(l)));
  const fileWords = ft.lines.map(words);
  let best: number | null = null;
  let bestScore = 0;
  for (let p = 0; p + old.length <= n; p++) {
    let score = 0;
    for (let i = 0; i < old.length; i++) {
      const a = oldWords[i];
      const b = fileWords[p + i];
      if (a.size === 0 || b.length === 0) continue;
      let shared = 0;
      for (const w of new Set(b)) if (a.has(w)) shared++;
      score += shared / Math.max(a.size, new Set(b).size);
    }
    if (score > bestScore) {
      bestScore = score;
      best = p;
    }
  }
  return bestScore >= 0.3 * old.filter((l) => l.trim()).length ? best : null;
}
const quote = (s: string) => `'${s.length > 70 ? `${s.slice(0, 70)}…` : s}'`;

export function closestPlace(ft: FileText, old: string[]): string {
  if (old.length === 0) return 'it has no unchanged or removed lines to find';
  const norm = NORMS.indentation;
  // Every old line votes for the start its occurrences imply; the best-voted start wins.
  const votes = new Map<number, number>();
  old.forEach((line, i) => {
    const key = norm(line);
    if (key === '') return;
    const at = positions(ft, 'indentation', norm, key);
    if (at.length > 50) return; // too common to say anything
    for (const q of at) votes.set(q - i, (votes.get(q - i) ?? 0) + 1);
  });
  let best: number | null = null;
  let bestVotes = 0;
  for (const [start, v] of votes) {
    if (v > bestVotes || (v === bestVotes && best !== null && start < best)) {
      best = start;
      bestVotes = v;
    }
  }
  if (best === null) best = mostAlike(ft, old);
  if (best === null) return `none of its ${old.length} old lines occurs in ${ft.path}`;
  const diffs: string[] = [];
  let agree = 0;
  for (let i = 0; i < old.length; i++) {
    const f = ft.lines[best + i];
    if (f !== undefined && norm(f) === norm(old[i]) && (old[i].trim() !== '' || f.trim() === '')) {
      agree++;
      continue;
    }
    if (diffs.length < MAX_SHOWN) {
      if (f !== undefined) diffs.push(`line ${best + i + 1}: expected ${quote(old[i])}, found ${quote(f)}`);
      else diffs.push(`expected ${quote(old[i])} ${best + i < 0 ? 'before the first line' : 'after the last line'}`);
    }
  }
  const from = Math.max(best, 0) + 1;
  const to = Math.min(best + old.length, ft.lines.length);
  const where = `the closest place is ${from === to ? `line ${from}` : `lines ${from}-${to}`} of ${ft.path}`;
  if (agree === old.length) return `${where}, where all ${old.length} lines agree except in indentation — ${indentationDiffs(ft, old, best)}`;
  const more = old.length - agree - diffs.length;
  return `${where}, where ${agree} of ${old.length} lines agree — ${diffs.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}

const indentOf = (s: string) => /^[ \t]*/.exec(s)![0];
const describeIndent = (s: string) => {
  const i = indentOf(s);
  if (i === '') return 'no indentation';
  const tabs = i.split('\t').length - 1;
  const spaces = i.length - tabs;
  return [tabs && `${tabs} tab${tabs > 1 ? 's' : ''}`, spaces && `${spaces} space${spaces > 1 ? 's' : ''}`].filter(Boolean).join(' and ');
};

/**
 * Every line agrees once indentation is ignored, yet the edit did not match: its
 * indentation is off by different amounts on different lines (no one shift fits), or
 * its new lines cannot take the shift its old lines have. Says which.
 */
function indentationDiffs(ft: FileText, old: string[], best: number): string {
  const shown: string[] = [];
  let count = 0;
  for (let i = 0; i < old.length; i++) {
    const f = ft.lines[best + i];
    if (NORMS.inner_spaces(f) === NORMS.inner_spaces(old[i])) continue;
    count++;
    if (shown.length < MAX_SHOWN) shown.push(`line ${best + i + 1}: expected ${quote(old[i])} (${describeIndent(old[i])}), found ${quote(f)} (${describeIndent(f)})`);
  }
  if (count === 0) return 'the new lines cannot be re-indented by the shift the old lines have';
  return `${shown.join('; ')}${count > shown.length ? `; and ${count - shown.length} more` : ''}; the indentation is not off by one amount for the whole change, so it cannot be corrected`;
}
