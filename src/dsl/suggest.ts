// "Did you mean" suggestions for misspelled keys, step types, ids and enum values.

/** Optimal-string-alignment distance: Levenshtein plus adjacent transpositions ("valdiate"). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  if (m === 0) return n;
  if (n === 0) return m;
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur: number[] = [i];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur.push(v);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[n];
}

/** The closest candidate when it is close enough to be a likely typo, else undefined. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    if (c === word) continue;
    const d = c.toLowerCase() === lower ? 0 : editDistance(lower, c.toLowerCase());
    // Allow roughly one edit per three characters, at least one, at most three.
    const limit = Math.min(3, Math.max(1, Math.floor(Math.max(word.length, c.length) / 3)));
    // A dropped or added suffix ("project_total_budget" for "..._usd") is a likely slip too.
    const affix = Math.min(word.length, c.length) >= 4 && (c.toLowerCase().startsWith(lower) || lower.startsWith(c.toLowerCase()));
    // So is singular for plural ("policy" for "policies").
    const stem = (x: string): string => x.replace(/ies$/, 'y').replace(/s$/, '');
    const plural = lower.length >= 4 && stem(lower) === stem(c.toLowerCase());
    if ((d <= limit || affix || plural) && d < bestScore) {
      best = c;
      bestScore = d;
    }
  }
  return best;
}

/** " (did you mean 'x'?)" or "". */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = closest(word, candidates);
  return c === undefined ? '' : ` (did you mean '${c}'?)`;
}
