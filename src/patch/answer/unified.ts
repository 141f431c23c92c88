// A unified diff's file sections → file changes: hunks become line edits whose numbers
// are hints; sections for the same file merge into one change.
import { DiffSyntaxError, newPatchFile } from '../parse-diff.js';
import type { Hunk, PatchFile } from '../types.js';
import type { EditLine, FileChange, LineEdit, Normalisation } from './types.js';

export function hunkToEdit(h: Hunk, index: number): LineEdit {
  const lines: EditLine[] = [];
  let oldNoNewline = false;
  let newNoNewline = false;
  h.lines.forEach((raw, k) => {
    const at = h.answerLines?.[k] ?? h.line;
    if (raw[0] === '\\') {
      const prev = lines[lines.length - 1];
      if (prev?.op !== '+') oldNoNewline = true;
      if (prev?.op !== '-') newNoNewline = true;
      return;
    }
    lines.push({ op: raw[0] as EditLine['op'], text: raw.slice(1), at });
  });
  return {
    kind: 'lines',
    lines,
    line: h.numbered && h.oldStart > 0 ? h.oldStart : null,
    anchors: [],
    eof: false,
    appendWhenBare: false,
    prefixed: true,
    oldNoNewline,
    newNoNewline,
    trailingBlanks: h.trailingBlanks ?? 0,
    label: `hunk ${index + 1} (answer line ${h.line})`,
  };
}

/** A new file's text from its hunks: every line must be an addition (an empty line is an added blank line). */
function createdText(file: PatchFile, notes: Normalisation[]): string {
  const name = file.newPath ?? '?';
  const out: string[] = [];
  let noNewline = false;
  for (const h of file.hunks) {
    h.lines.forEach((raw, k) => {
      if (raw[0] === '\\') {
        noNewline = true;
        return;
      }
      if (raw === ' ') {
        notes.push({ kind: 'blank_lines', detail: `an empty line in the new file's hunk (answer line ${h.answerLines?.[k] ?? h.line}) read as an added blank line`, path: name });
        out.push('');
        return;
      }
      if (raw[0] !== '+') throw new DiffSyntaxError(`line ${h.answerLines?.[k] ?? h.line}: ${name} is a new file, so its hunk may only add lines ('+'), found '${raw.slice(0, 40)}'`);
      out.push(raw.slice(1));
    });
  }
  if (out.length === 0) return '';
  return out.join('\n') + (noNewline ? '' : '\n');
}

const key = (f: PatchFile) => `${f.oldPath ?? ''}\u0000${f.newPath ?? ''}`;

export function diffChanges(files: PatchFile[], notes: Normalisation[]): FileChange[] {
  const changes: FileChange[] = [];
  const byKey = new Map<string, FileChange>();
  const seenPath = new Map<string, PatchFile>();
  for (const file of files) {
    const name = file.newPath ?? file.oldPath ?? '?';
    const prior = byKey.get(key(file));
    if (prior && prior.file.operation === 'modify' && file.operation === 'modify' && !file.binary && !prior.file.binary) {
      const offset = prior.edits.length;
      prior.edits.push(...file.hunks.map((h, i) => hunkToEdit(h, offset + i)));
      prior.file.hunks.push(...file.hunks);
      prior.file.linesAdded += file.linesAdded;
      prior.file.linesRemoved += file.linesRemoved;
      notes.push({ kind: 'merged_sections', detail: `the sections for ${name} at answer lines ${prior.file.line} and ${file.line} merged into one`, path: name });
      continue;
    }
    for (const p of new Set([file.oldPath, file.newPath])) {
      if (p === null) continue;
      const other = seenPath.get(p);
      if (other) {
        throw new DiffSyntaxError(`the answer contains 2 diffs for ${p} (lines ${other.line} and ${file.line}) that do different things (${other.operation} and ${file.operation}); send one section per file`);
      }
      seenPath.set(p, file);
    }
    const change: FileChange = { file, edits: [], content: null, createOnly: false };
    if (file.operation === 'create' && !file.binary) {
      change.content = createdText(file, notes);
    } else if (file.operation !== 'delete' && !file.binary) {
      change.edits = file.hunks.map((h, i) => hunkToEdit(h, i));
    }
    byKey.set(key(file), change);
    changes.push(change);
  }
  return changes;
}

/** A PatchFile for formats without git headers. */
export function plainFile(path: string, operation: PatchFile['operation'], line: number, newPath?: string): PatchFile {
  const f = newPatchFile(line);
  f.operation = operation;
  f.oldPath = operation === 'create' ? null : path;
  f.newPath = operation === 'delete' ? null : (newPath ?? path);
  if (operation === 'create') f.newMode = '100644';
  return f;
}
