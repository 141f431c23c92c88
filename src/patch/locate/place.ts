// Placing one line edit in a file. Candidates are every place the old lines match while
// forgiving whitespace only (trailing whitespace, an empty line for a blank one, runs of
// inner spaces, one uniform indentation shift); each is tagged with the strictest rule
// that holds there. One candidate: placed. Several — including twins that differ only in
// whitespace, since a model that lost whitespace may mean either — are told apart only by
// the stated line number pointing exactly at one, by apply_patch anchors, by '*** End of
// File', or by trailing blank lines the answer sent; otherwise the edit is refused as
// ambiguous, naming the lines. Content is never fuzzed.
import { placeholderKind } from '../answer/elision.js';
import type { LineEdit, Refusal } from '../answer/types.js';
import { closestPlace } from './closest.js';
import { findCandidates, type Match, type Rule } from './match.js';
import type { FileText } from './text.js';

export interface Placed {
  start: number;
  /** Old lines the edit spans (context and removals). */
  length: number;
  match: Match;
  /** How the place was chosen when several matched. */
  chosenBy: 'unique' | 'line number' | 'anchors' | 'end of file' | 'trailing blank lines';
  /** The edit's ops with trailing blanks added as context when they decided the place. */
  lines: LineEdit['lines'];
}

const indentOf = (s: string) => /^\s*/.exec(s)![0].replace(/\t/g, '    ').length;

/** Lines an anchor at `a` covers: up to the next line indented no deeper (a closing bracket line included). */
function scopeOf(ft: FileText, a: number): [number, number] {
  const base = indentOf(ft.lines[a]);
  for (let k = a + 1; k < ft.lines.length; k++) {
    const l = ft.lines[k];
    if (l.trim() === '' || indentOf(l) > base) continue;
    return [a, /^\s*[}\])]/.test(l) ? k + 1 : k];
  }
  return [a, ft.lines.length];
}

/** Ranges the anchors (outermost first) narrow the file to; null when an anchor is not found. */
function anchorRanges(ft: FileText, anchors: string[]): [number, number][] | null {
  let ranges: [number, number][] = [[0, ft.lines.length]];
  for (const anchor of anchors) {
    const want = anchor.trim();
    const next: [number, number][] = [];
    for (const [from, to] of ranges) {
      for (let k = from; k < to; k++) if (ft.lines[k].trim() === want) next.push(scopeOf(ft, k));
    }
    if (next.length === 0) return null;
    ranges = next;
  }
  return ranges;
}

function choose(ft: FileText, edit: LineEdit, matches: Match[], length: number): { match: Match; by: Placed['chosenBy'] } | null {
  if (edit.line !== null) {
    const at = matches.filter((m) => m.start + 1 === edit.line);
    if (at.length === 1) return { match: at[0], by: 'line number' };
  }
  if (edit.anchors.length) {
    const ranges = anchorRanges(ft, edit.anchors);
    if (ranges) {
      const inside = matches.filter((m) => ranges.some(([from, to]) => m.start >= from && m.start + length <= to));
      if (inside.length === 1) return { match: inside[0], by: 'anchors' };
    }
  }
  if (edit.eof) {
    const last = matches.filter((m) => m.start + length === ft.lines.length);
    if (last.length === 1) return { match: last[0], by: 'end of file' };
  }
  return null;
}

const listLines = (starts: number[]) => {
  const shown = starts.slice(0, 6).map((s) => String(s + 1));
  const text = shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}` : shown[0];
  return starts.length > 6 ? `${text} and ${starts.length - 6} more` : text;
};

export function placeEdit(ft: FileText, edit: LineEdit): { ok: true; placed: Placed } | { ok: false; refusal: Refusal } {
  const old = edit.lines.filter((l) => l.op !== '+').map((l) => l.text);
  const added = edit.lines.filter((l) => l.op === '+').map((l) => l.text);
  const where = `${ft.path}: ${edit.label}`;
  const matches = findCandidates(ft, old, added);
  const placed = (match: Match, chosenBy: Placed['chosenBy'], lines = edit.lines, length = old.length) => ({ ok: true as const, placed: { start: match.start, length, match, chosenBy, lines } });
  if (matches.length === 1) return placed(matches[0], 'unique');
  if (matches.length > 1) {
    const chosen = choose(ft, edit, matches, old.length);
    if (chosen) return placed(chosen.match, chosen.by);
    if (edit.trailingBlanks > 0) {
      const blanks = Array.from({ length: edit.trailingBlanks }, () => '');
      const longer = findCandidates(ft, [...old, ...blanks], added);
      if (longer.length === 1) return placed(longer[0], 'trailing blank lines', [...edit.lines, ...blanks.map((text) => ({ op: ' ' as const, text, at: 0 }))], old.length + blanks.length);
    }
    const stated = edit.line !== null ? ` (the stated line ${edit.line} points at none of them)` : '';
    const loose = matches.some((m) => m.rule !== matches[0].rule) ? ' (some differing only in whitespace)' : '';
    return {
      ok: false,
      refusal: { check: 'locate', reason: `${where} matches ${matches.length} places${loose}, at lines ${listLines(matches.map((m) => m.start))}${stated}; add unchanged lines around the change until it matches exactly one place` },
    };
  }
  const placeholder = edit.lines.find((l) => l.op !== '+' && placeholderKind(l.text) !== null && !ft.lines.some((f) => f.trim() === l.text.trim()));
  if (placeholder) {
    return {
      ok: false,
      refusal: { check: 'elision', reason: `lazy elision: ${where}: answer line ${placeholder.at} ('${placeholder.text.trim().slice(0, 50)}') stands for lines of ${ft.path} the answer leaves out; send the old lines exactly as they are in the file, with no placeholders` },
    };
  }
  return { ok: false, refusal: { check: 'locate', reason: `${where} does not match the file: ${closestPlace(ft, old)}; copy the unchanged and removed lines exactly from the current file` } };
}

export function ruleName(rule: Rule): string {
  return { exact: 'exactly', trailing_whitespace: 'ignoring trailing whitespace', inner_spaces: 'with runs of spaces collapsed', indentation: 'with the indentation shifted' }[rule];
}
