// Where a run of old lines occurs in a file, under one matching rule. The rules only
// ever forgive whitespace, in order of leniency: exact; trailing whitespace (which also
// lets an empty line match a blank one); runs of inner spaces; one uniform indentation
// shift for the whole run. Content is never fuzzed.
import { normalisedLines, occurrenceCount, positions, type FileText } from './text.js';

export type Rule = 'exact' | 'trailing_whitespace' | 'inner_spaces' | 'indentation';
export const RULES: Rule[] = ['exact', 'trailing_whitespace', 'inner_spaces', 'indentation'];

const leading = (s: string) => /^[ \t]*/.exec(s)![0];
// Most lines have no run of spaces and no tab: skip the regex for them.
const hasRuns = (s: string) => s.includes('  ') || s.includes('\t');
const collapse = (s: string) => {
  const lead = leading(s);
  const rest = s.slice(lead.length);
  return lead + (hasRuns(rest) ? rest.replace(/[ \t]+/g, ' ') : rest).trimEnd();
};

export const NORMS: Record<Rule, (s: string) => string> = {
  exact: (s) => s,
  trailing_whitespace: (s) => s.trimEnd(),
  inner_spaces: collapse,
  indentation: (s) => {
    const t = s.trim();
    return hasRuns(t) ? t.replace(/[ \t]+/g, ' ') : t;
  },
};

/** How the answer's indentation relates to the file's, and how to re-indent new lines. */
export interface Shift {
  /** '+4 spaces', '-1 tab', 'tabs for 4 spaces'. */
  describe: string;
  apply(line: string): string | null;
}

function width(ws: string, tab: number): number {
  let w = 0;
  for (const ch of ws) w = ch === '\t' ? w + tab - (w % tab) : w + 1;
  return w;
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
const wsName = (ws: string) => (/^ +$/.test(ws) ? plural(ws.length, 'space') : /^\t+$/.test(ws) ? plural(ws.length, 'tab') : JSON.stringify(ws));

/** The one uniform shift that maps every answer indentation onto the file's, or null. */
export function findShift(pairs: { answer: string; file: string }[]): Shift | null {
  // Only blank lines: nothing to shift.
  if (pairs.length === 0) return { describe: 'none', apply: (l) => l };
  const [first] = pairs;
  // The answer lost a common prefix of indentation…
  if (first.file.endsWith(first.answer)) {
    const d = first.file.slice(0, first.file.length - first.answer.length);
    if (d && pairs.every((p) => p.file === d + p.answer)) return { describe: `+${wsName(d)}`, apply: (l) => (l.trim() === '' ? l : d + l) };
  }
  // …or added one.
  if (first.answer.endsWith(first.file)) {
    const d = first.answer.slice(0, first.answer.length - first.file.length);
    if (d && pairs.every((p) => p.answer === d + p.file)) return { describe: `-${wsName(d)}`, apply: (l) => (l.trim() === '' ? '' : l.startsWith(d) ? l.slice(d.length) : null) };
  }
  // Tabs in one, spaces in the other: the same shift measured in columns.
  const tabs = pairs.some((p) => p.file.includes('\t'));
  for (const tab of [4, 8, 2]) {
    const delta = width(first.file, tab) - width(first.answer, tab);
    if (!pairs.every((p) => width(p.file, tab) - width(p.answer, tab) === delta)) continue;
    const render = (w: number) => (tabs ? '\t'.repeat(Math.floor(w / tab)) + ' '.repeat(w % tab) : ' '.repeat(w));
    return {
      describe: `${delta >= 0 ? '+' : ''}${delta} columns, ${tabs ? `tabs of ${tab}` : 'spaces'} as the file has them`,
      apply: (l) => {
        if (l.trim() === '') return '';
        const w = width(leading(l), tab) + delta;
        return w < 0 ? null : render(w) + l.slice(leading(l).length);
      },
    };
  }
  return null;
}

export interface Match {
  start: number;
  /** The strictest rule under which the old lines match here. */
  rule: Rule;
  /** For the indentation rule only: how new lines are re-indented. */
  shift: Shift | null;
}

/** The strictest rule under which `old` matches at `start` (given it matches under the indentation rule). */
export function strictestRule(ft: FileText, old: string[], start: number): Rule {
  for (const rule of RULES.slice(0, -1)) {
    const norm = NORMS[rule];
    if (old.every((l, i) => norm(ft.lines[start + i]) === norm(l))) return rule;
  }
  return 'indentation';
}

/**
 * Every position where `old` matches under the loosest rule (one uniform indentation
 * shift, inner spaces and trailing whitespace forgiven), each tagged with the strictest
 * rule that holds there. `added` lines must re-indent under the shift.
 */
export function findCandidates(ft: FileText, old: string[], added: string[]): Match[] {
  return findMatches(ft, old, 'indentation', added).map((m) => {
    const rule = strictestRule(ft, old, m.start);
    return { start: m.start, rule, shift: rule === 'indentation' ? m.shift : null };
  });
}

/** Every position where `old` matches under `rule` (with the shift, for the indentation rule). `added` lines must re-indent. */
export function findMatches(ft: FileText, old: string[], rule: Rule, added: string[]): Match[] {
  const norm = NORMS[rule];
  const keys = old.map(norm);
  const file = normalisedLines(ft, rule, norm);
  const n = ft.lines.length;
  const out: Match[] = [];
  const starts: number[] = [];
  // Anchor on the old line that occurs least often in the file.
  let anchor = -1;
  let fewest = Infinity;
  keys.forEach((k, i) => {
    if (k === '') return;
    const count = occurrenceCount(ft, rule, norm, k);
    if (count < fewest) {
      fewest = count;
      anchor = i;
    }
  });
  if (anchor < 0) {
    for (let p = 0; p + old.length <= n; p++) starts.push(p);
  } else {
    for (const q of positions(ft, rule, norm, keys[anchor])) {
      const p = q - anchor;
      if (p >= 0 && p + old.length <= n) starts.push(p);
    }
  }
  for (const p of starts) {
    let ok = true;
    for (let i = 0; i < old.length && ok; i++) ok = file[p + i] === keys[i];
    if (!ok) continue;
    if (rule !== 'indentation') {
      out.push({ start: p, rule, shift: null });
      continue;
    }
    const pairs = old.map((a, i) => ({ answer: leading(a), file: leading(ft.lines[p + i]), blank: a.trim() === '' })).filter((x) => !x.blank);
    const shift = findShift(pairs);
    if (shift && added.every((l) => shift.apply(l) !== null)) out.push({ start: p, rule, shift });
  }
  return out;
}
