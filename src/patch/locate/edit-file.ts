// One file's new text from its located edits. Every edit is placed in the original text
// (never in partly edited text); the edits become replacements sorted by position, and
// overlapping ones are refused. New lines take the file's line ending (CRLF files stay
// CRLF); the final newline stays as the file has it unless the answer's markers say
// otherwise in a way consistent with the file.
import { diffArrays } from 'diff';
import { textElision } from '../answer/elision.js';
import { lineOps, textLines } from '../answer/line-ops.js';
import type { FileChange, LineEdit, Normalisation, Refusal, TextEdit } from '../answer/types.js';
import { contextWithPrefixRestored } from './lost-prefix.js';
import { placeEdit, ruleName, type Placed } from './place.js';
import { joinTokens, splitText, tokensOf, tokensWithBom, type FileText } from './text.js';

/** A run of old lines replaced by new lines, in old-file and new-file coordinates. */
export interface Change {
  oldStart: number;
  oldLen: number;
  newStart: number;
  newLen: number;
}

export interface EditedFile {
  oldTokens: string[];
  newTokens: string[];
  changes: Change[];
  newText: string;
}

interface Replacement {
  at: number;
  del: number;
  ins: string[];
  label: string;
}

type Result = { ok: true; file: EditedFile } | { ok: false; refusal: Refusal };
const locateRefusal = (reason: string): Result => ({ ok: false, refusal: { check: 'locate', reason } });

function replacementsOf(placed: Placed, label: string): Replacement[] {
  const out: Replacement[] = [];
  const shift = placed.match.shift;
  let pos = placed.start;
  let run: Replacement | null = null;
  for (const l of placed.lines) {
    if (l.op === ' ') {
      if (run) out.push(run);
      run = null;
      pos++;
      continue;
    }
    run ??= { at: pos, del: 0, ins: [], label };
    if (l.op === '-') {
      run.del++;
      pos++;
    } else run.ins.push(shift ? shift.apply(l.text)! : l.text);
  }
  if (run) out.push(run);
  return out;
}

/** Equal stretches between changes whose tokens still differ (a last line's terminator) become changes too. */
function refine(oldTokens: string[], newTokens: string[], changes: Change[]): Change[] {
  const out: Change[] = [];
  let o = 0;
  let n = 0;
  const equalRun = (until: number) => {
    for (; o < until; o++, n++) {
      if (oldTokens[o] !== newTokens[n]) out.push({ oldStart: o, oldLen: 1, newStart: n, newLen: 1 });
    }
  };
  for (const c of changes) {
    equalRun(c.oldStart);
    out.push(c);
    o = c.oldStart + c.oldLen;
    n = c.newStart + c.newLen;
  }
  equalRun(oldTokens.length);
  // Adjacent changes merge, so a hunk shows one block of '-' then '+'.
  const merged: Change[] = [];
  for (const c of out) {
    const last = merged[merged.length - 1];
    if (last && last.oldStart + last.oldLen === c.oldStart && last.newStart + last.newLen === c.newStart) {
      last.oldLen += c.oldLen;
      last.newLen += c.newLen;
    } else merged.push({ ...c });
  }
  return merged.filter((c) => c.oldLen + c.newLen > 0);
}

/** Alignment of two token lists by a line diff (for whole-text edits). */
export function alignTokens(oldTokens: string[], newTokens: string[]): Change[] {
  let head = 0;
  while (head < oldTokens.length && head < newTokens.length && oldTokens[head] === newTokens[head]) head++;
  let tail = 0;
  while (tail < oldTokens.length - head && tail < newTokens.length - head && oldTokens[oldTokens.length - 1 - tail] === newTokens[newTokens.length - 1 - tail]) tail++;
  const midOld = oldTokens.slice(head, oldTokens.length - tail);
  const midNew = newTokens.slice(head, newTokens.length - tail);
  if (!midOld.length || !midNew.length) return midOld.length + midNew.length ? [{ oldStart: head, oldLen: midOld.length, newStart: head, newLen: midNew.length }] : [];
  const changes: Change[] = [];
  let o = head;
  let n = head;
  for (const part of diffArrays(midOld, midNew)) {
    const len = part.value.length;
    if (part.added) changes.push({ oldStart: o, oldLen: 0, newStart: n, newLen: len }), (n += len);
    else if (part.removed) changes.push({ oldStart: o, oldLen: len, newStart: n, newLen: 0 }), (o += len);
    else (o += len), (n += len);
  }
  return refine(oldTokens, newTokens, changes);
}

/** The edit with blank context lines that sit between added lines read as added; null when there are none. */
function blanksAsAdded(edit: LineEdit): LineEdit | null {
  const lines = edit.lines.map((l) => ({ ...l }));
  let changed = false;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].op !== ' ' || lines[i].text.trim() !== '') continue;
    let j = i;
    while (j < lines.length && lines[j].op === ' ' && lines[j].text.trim() === '') j++;
    if (i > 0 && lines[i - 1].op === '+' && j < lines.length && lines[j].op === '+') {
      for (let k = i; k < j; k++) lines[k] = { ...lines[k], op: '+', text: '' };
      changed = true;
    }
    i = j - 1;
  }
  return changed ? { ...edit, lines } : null;
}

function placeAll(ft: FileText, edits: LineEdit[], notes: Normalisation[]): { ok: true; reps: Replacement[]; placed: Placed[] } | { ok: false; refusal: Refusal } {
  const reps: Replacement[] = [];
  const placed: Placed[] = [];
  for (const asSent of edits) {
    let edit = asSent;
    let p = placeEdit(ft, edit);
    if (!p.ok && p.refusal.check === 'locate') {
      // A blank line between added lines may be an added blank line that lost its '+'.
      const alternative = blanksAsAdded(edit);
      const again = alternative ? placeEdit(ft, alternative) : null;
      if (alternative && again?.ok) {
        edit = alternative;
        p = again;
        notes.push({ kind: 'blank_lines', detail: `${ft.path} ${edit.label}: blank lines between added lines read as added blank lines`, path: ft.path });
      }
    }
    if (!p.ok && p.refusal.check === 'locate' && / does not match the file: /.test(p.refusal.reason)) {
      // Indented context lines that lost their ' ' prefix: tried only when the edit matches nowhere as sent.
      const restored = contextWithPrefixRestored(edit);
      const again = restored ? placeEdit(ft, restored) : null;
      if (restored && again?.ok) {
        edit = restored;
        p = again;
        notes.push({ kind: 'missing_prefix', detail: `${ft.path} ${edit.label}: indented unchanged lines read with the leading ' ' they lost`, path: ft.path });
      }
    }
    if (!p.ok) return p;
    placed.push(p.placed);
    const where = `${ft.path} ${edit.label}`;
    if (p.placed.match.rule !== 'exact') {
      const kind = p.placed.match.rule === 'indentation' ? 'indentation' : p.placed.match.rule;
      const shift = p.placed.match.shift ? `; new lines re-indented ${p.placed.match.shift.describe}` : '';
      notes.push({ kind, detail: `${where} matched ${ruleName(p.placed.match.rule)}${shift}`, path: ft.path });
    }
    if (p.placed.chosenBy !== 'unique') notes.push({ kind: 'line_numbers', detail: `${where} matched several places; the ${p.placed.chosenBy} chose line ${p.placed.start + 1}`, path: ft.path });
    else if (edit.line !== null && edit.line !== p.placed.start + 1 && p.placed.length > 0) notes.push({ kind: 'line_numbers', detail: `${where} states line ${edit.line}, found at line ${p.placed.start + 1}`, path: ft.path });
    reps.push(...replacementsOf(p.placed, edit.label));
  }
  return { ok: true, reps, placed };
}

/** Sorts replacements, drops exact duplicates, refuses overlaps. */
function orderReplacements(path: string, reps: Replacement[], notes: Normalisation[]): Replacement[] | Refusal {
  const sorted = [...reps].sort((a, b) => a.at - b.at || a.del - b.del);
  const out: Replacement[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && last.at === r.at && last.del === r.del && last.ins.join('\n') === r.ins.join('\n')) {
      notes.push({ kind: 'duplicate', detail: `${path} ${r.label} repeats the change of ${last.label}; applied once`, path });
      continue;
    }
    if (last && (last.at + last.del > r.at || (last.at === r.at && last.del === 0 && r.del === 0))) {
      return { check: 'locate', reason: `${path}: ${last.label} and ${r.label} change the same lines (around line ${r.at + 1}); send each change once, in one hunk` };
    }
    out.push(r);
  }
  return out;
}

function editByLines(ft: FileText, change: FileChange, notes: Normalisation[]): Result {
  const edits = change.edits as LineEdit[];
  const n = ft.lines.length;
  const findable = edits.filter((e) => e.lines.some((l) => l.op !== '+'));
  const bare = edits.filter((e) => !findable.includes(e));
  // Nothing to find: only an apply_patch append, or the first text of an empty file, has a place.
  const lost = bare.find((e) => n > 0 && !e.appendWhenBare);
  if (lost) return locateRefusal(`${ft.path}: ${lost.label} has no unchanged or removed lines, so it cannot be placed by content; include the unchanged lines around the change`);
  const placedAll = placeAll(ft, findable, notes);
  if (!placedAll.ok) return placedAll;
  const reps = placedAll.reps;
  for (const e of bare) {
    reps.push({ at: n, del: 0, ins: e.lines.map((l) => l.text), label: e.label });
    if (n > 0) notes.push({ kind: 'line_numbers', detail: `${ft.path} ${e.label} has only new lines; appended at the end of the file`, path: ft.path });
  }
  const starts = placedAll.placed.map((p) => p.start);
  if (starts.some((s, i) => i > 0 && s < starts[i - 1])) notes.push({ kind: 'order', detail: `the edits of ${ft.path} came out of order; applied by position`, path: ft.path });
  const ordered = orderReplacements(ft.path, reps, notes);
  if (!Array.isArray(ordered)) return { ok: false, refusal: ordered };

  // The final newline: kept as the file has it, unless an edit reaching the end says otherwise consistently.
  let finalNewline = ft.finalNewline || n === 0;
  placedAll.placed.forEach((p, i) => {
    const edit = findable[i];
    const reachesEnd = p.start + p.length === n;
    if (!edit.oldNoNewline && !edit.newNoNewline && (!reachesEnd || ft.finalNewline)) return;
    if (!reachesEnd) {
      notes.push({ kind: 'eof_newline', detail: `${ft.path} ${edit.label}: a '\\ No newline at end of file' marker away from the end of the file ignored`, path: ft.path });
    } else if (edit.oldNoNewline === !ft.finalNewline) {
      finalNewline = !edit.newNoNewline;
    } else {
      notes.push({ kind: 'eof_newline', detail: `${ft.path} ${edit.label}: the '\\ No newline at end of file' marker ${edit.oldNoNewline ? 'is extra' : 'is missing'}; the end of the file kept as it is`, path: ft.path });
    }
  });
  for (const e of bare) if (e.newNoNewline) finalNewline = false;

  const oldTokens = tokensOf(ft);
  const newTokens: string[] = [];
  const changes: Change[] = [];
  let cursor = 0;
  for (const r of ordered) {
    for (; cursor < r.at; cursor++) newTokens.push(oldTokens[cursor]);
    changes.push({ oldStart: r.at, oldLen: r.del, newStart: newTokens.length, newLen: r.ins.length });
    for (const text of r.ins) newTokens.push(text + ft.eol);
    cursor = r.at + r.del;
  }
  for (; cursor < n; cursor++) newTokens.push(oldTokens[cursor]);
  for (let k = 0; k < newTokens.length; k++) {
    const t = newTokens[k];
    const last = k === newTokens.length - 1;
    if (!last && !t.endsWith('\n')) newTokens[k] = t + ft.eol;
    else if (last && finalNewline && !t.endsWith('\n')) newTokens[k] = t + ft.eol;
    else if (last && !finalNewline && t.endsWith('\n')) newTokens[k] = t.replace(/\r?\n$/, '');
  }
  if (ft.eol === '\r\n' && ordered.some((r) => r.ins.length)) notes.push({ kind: 'crlf', detail: `${ft.path} has CRLF line endings; new lines written with CRLF`, path: ft.path });
  return { ok: true, file: { oldTokens, newTokens, changes: refine(oldTokens, newTokens, changes), newText: joinTokens(ft.bom, newTokens) } };
}

/** Char ranges of every occurrence of `needle`. */
function occurrences(text: string, needle: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) out.push(i);
  return out;
}

const lineAt = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/** A JSON replace: exact text first (CRLF-converted for a CRLF file), then as whole lines under the matching rules. */
function textReplacement(ft: FileText, body: string, edit: TextEdit, notes: Normalisation[]): { from: number; to: number; text: string }[] | Refusal {
  const want = edit.count ?? 1;
  let old = edit.old;
  let replacement = edit.new;
  let found = occurrences(body, old);
  if (found.length === 0 && ft.eol === '\r\n' && !old.includes('\r\n') && old.includes('\n')) {
    old = old.replace(/\n/g, '\r\n');
    replacement = replacement.replace(/\r?\n/g, '\r\n');
    found = occurrences(body, old);
    if (found.length) notes.push({ kind: 'crlf', detail: `${ft.path} ${edit.label}: matched as CRLF text; new text written with CRLF`, path: ft.path });
  }
  if (found.length === want) return found.map((from) => ({ from, to: from + old.length, text: replacement }));
  const where = `${edit.label}`;
  if (found.length > 0) {
    return { check: 'locate', reason: `${where}: the old text occurs ${found.length} times (lines ${found.slice(0, 6).map((f) => lineAt(body, f)).join(', ')}); it must occur exactly ${want === 1 ? 'once' : `${want} times`} — include enough surrounding text to be unique` };
  }
  if (want !== 1) return { check: 'locate', reason: `${where}: the old text occurs 0 times; it must occur exactly ${want} times — copy it exactly from the file, whitespace included` };
  // Whole lines, forgiving whitespace as a diff hunk would be.
  const oldLines = textLines(edit.old.replace(/\r/g, ''));
  const newLines = textLines(edit.new.replace(/\r/g, ''));
  const ats = (k: number) => Array.from({ length: k }, () => edit.at);
  const lineEdit: LineEdit = { kind: 'lines', lines: lineOps(oldLines, newLines, ats(oldLines.length), ats(newLines.length)), line: null, anchors: [], eof: false, appendWhenBare: false, oldNoNewline: false, newNoNewline: false, trailingBlanks: 0, label: edit.label, prefixed: false };
  const placed = oldLines.length ? placeEdit(ft, lineEdit) : null;
  if (!placed || !placed.ok) {
    const detail = placed && !placed.ok ? placed.refusal.reason.replace(`${ft.path}: ${edit.label} `, '') : 'it is empty';
    return { check: placed && !placed.ok ? placed.refusal.check : 'locate', reason: `${where}: the old text occurs 0 times and ${detail}` };
  }
  const p = placed.placed;
  notes.push({ kind: p.match.rule === 'indentation' ? 'indentation' : p.match.rule === 'exact' ? 'trailing_whitespace' : p.match.rule, detail: `${ft.path} ${edit.label}: the old text matched as whole lines ${ruleName(p.match.rule)}${p.match.shift ? `; new lines re-indented ${p.match.shift.describe}` : ''}`, path: ft.path });
  const offsets: number[] = [0];
  for (let k = 0; k < ft.lines.length; k++) offsets.push(offsets[k] + ft.lines[k].length + ft.eols[k].length);
  const endsWithNewline = /\n$/.test(edit.old);
  const from = offsets[p.start];
  const lastLine = p.start + p.length - 1;
  const to = endsWithNewline ? offsets[lastLine + 1] : offsets[lastLine] + ft.lines[lastLine].length;
  const out: string[] = [];
  let k = p.start;
  for (const l of p.lines) {
    if (l.op === ' ') out.push(ft.lines[k++]);
    else if (l.op === '-') k++;
    else out.push(p.match.shift ? p.match.shift.apply(l.text)! : l.text);
  }
  const text = out.join(ft.eol) + (endsWithNewline && out.length ? ft.eol : '');
  return [{ from, to, text }];
}

function editByText(ft: FileText, original: string, change: FileChange, notes: Normalisation[]): Result {
  const body = original.slice(ft.bom.length);
  let newBody: string;
  if (change.content !== null) {
    const elision = textElision(ft.path, change.content, change.file.line, body);
    if (elision) return { ok: false, refusal: elision };
    newBody = change.content;
    if (ft.eol === '\r\n' && !newBody.includes('\r\n')) {
      newBody = newBody.replace(/\n/g, '\r\n');
      notes.push({ kind: 'crlf', detail: `${ft.path} has CRLF line endings; the new text written with CRLF`, path: ft.path });
    }
  } else {
    const ranges: { from: number; to: number; text: string; label: string }[] = [];
    for (const edit of change.edits as TextEdit[]) {
      const r = textReplacement(ft, body, edit, notes);
      if (!Array.isArray(r)) return { ok: false, refusal: r };
      ranges.push(...r.map((x) => ({ ...x, label: edit.label })));
    }
    ranges.sort((a, b) => a.from - b.from);
    for (let k = 1; k < ranges.length; k++) {
      if (ranges[k].from < ranges[k - 1].to) return locateRefusal(`${ft.path}: ${ranges[k - 1].label} and ${ranges[k].label} change the same text (line ${lineAt(body, ranges[k].from)}); send each change once`);
    }
    newBody = '';
    let cursor = 0;
    for (const r of ranges) {
      newBody += body.slice(cursor, r.from) + r.text;
      cursor = r.to;
    }
    newBody += body.slice(cursor);
  }
  const oldTokens = tokensOf(ft);
  const after = splitText(ft.path, ft.bom + newBody);
  const newTokens = tokensOf(after);
  return { ok: true, file: { oldTokens, newTokens, changes: alignTokens(oldTokens, newTokens), newText: ft.bom + newBody } };
}

/** The new text of an existing file: `original` is its current text. */
export function editFile(path: string, original: string, change: FileChange, notes: Normalisation[]): Result {
  const ft = splitText(path, original);
  const r = change.content !== null || change.edits.some((e) => e.kind === 'text') ? editByText(ft, original, change, notes) : editByLines(ft, change, notes);
  // Lines are matched without the byte order mark; the canonical diff git applies keeps it on line 1.
  if (!r.ok || !ft.bom) return r;
  const oldTokens = tokensWithBom(ft.bom, r.file.oldTokens);
  const newTokens = tokensWithBom(ft.bom, r.file.newTokens);
  // A line added or removed before the first one moves the mark to another line: as git
  // sees it, the old first line changes too, so the changes are aligned again.
  const atTop = r.file.changes.some((c) => (c.oldStart === 0 || c.newStart === 0) && c.oldLen !== c.newLen);
  return { ok: true, file: { ...r.file, oldTokens, newTokens, changes: atTop ? alignTokens(oldTokens, newTokens) : r.file.changes } };
}
