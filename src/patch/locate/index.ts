// From the answer's file changes to the canonical git diff pipe itself computed: each
// file's current bytes are read (only after the gate's path checks passed), its edits
// located and applied in memory, and the result rendered with git's headers. That diff
// is what the gate checks with `git apply --check`, what is recorded and what is applied.
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileChange, LineEdit, Normalisation, Refusal } from '../answer/types.js';
import { renderDiff } from '../render.js';
import type { PatchFile } from '../types.js';
import { editFile, type EditedFile } from './edit-file.js';
import { hunksOf } from './hunks.js';
import { splitText, tokensOf, tokensWithBom } from './text.js';

export type LocateResult = { ok: true; files: PatchFile[]; diffText: string; normalisations: Normalisation[] } | { ok: false; refusal: Refusal };

const refuse = (reason: string): LocateResult => ({ ok: false, refusal: { check: 'locate', reason } });
// ignoreBOM keeps a byte order mark in the text (the default drops it), so the diff git applies has it.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Every edit only adds lines (a new file's text written as a hunk). */
const addsOnly = (change: FileChange) => change.content === null && change.edits.length > 0 && change.edits.every((e) => e.kind === 'lines' && e.lines.every((l) => l.op === '+'));

async function readText(repo: string, path: string): Promise<{ text: string; mode: string } | { problem: string; missing?: boolean }> {
  let st;
  try {
    st = await lstat(join(repo, path));
  } catch {
    return { problem: `${path} does not exist in the working tree; to create it, send it as a new file (--- /dev/null)`, missing: true };
  }
  if (!st.isFile()) return { problem: `${path} is not a regular file` };
  const bytes = await readFile(join(repo, path));
  if (bytes.includes(0)) return { problem: `${path} is a binary file; send text patches for text files only` };
  try {
    return { text: utf8.decode(bytes), mode: st.mode & 0o111 ? '100755' : '100644' };
  } catch {
    return { problem: `${path} is not UTF-8 text, so its lines cannot be matched` };
  }
}

function canonical(read: PatchFile, edited: EditedFile | null, extra: Partial<PatchFile> = {}): PatchFile {
  const hunks = edited ? hunksOf(edited.oldTokens, edited.newTokens, edited.changes) : [];
  const lines = hunks.flatMap((h) => h.lines);
  return {
    ...read,
    hunks,
    linesAdded: lines.filter((l) => l.startsWith('+')).length,
    linesRemoved: lines.filter((l) => l.startsWith('-')).length,
    // The model's index lines carry made-up hashes; only a binary patch needs them.
    extraHeaders: read.extraHeaders.filter((h) => !h.startsWith('index ') || read.binary),
    ...extra,
  };
}

/** Locates every change in the working tree; never writes. Call only after the path checks passed. */
export async function locateChanges(repo: string, changes: FileChange[]): Promise<LocateResult> {
  const files: PatchFile[] = [];
  const notes: Normalisation[] = [];
  for (const change of changes) {
    const read = change.file;
    if (read.binary || (read.operation !== 'create' && read.operation !== 'delete' && change.edits.length === 0 && change.content === null)) {
      // Binary patches, mode changes and pure renames pass through as the answer wrote them.
      files.push({ ...read });
      continue;
    }
    if (read.operation === 'create') {
      const content = change.content ?? '';
      const after = tokensOf(splitText(read.newPath!, content));
      files.push(canonical(read, { oldTokens: [], newTokens: after, changes: after.length ? [{ oldStart: 0, oldLen: 0, newStart: 0, newLen: after.length }] : [], newText: content }));
      continue;
    }
    const path = read.oldPath!;
    const current = await readText(repo, path);
    if ('problem' in current && current.missing && read.operation === 'modify' && addsOnly(change)) {
      // A diff for a file that does not exist yet, written as a modification of it.
      const content = (change.edits as LineEdit[]).flatMap((e) => e.lines.map((l) => l.text)).join('\n') + '\n';
      const after = tokensOf(splitText(path, content));
      notes.push({ kind: 'path', detail: `${path} does not exist; its hunk of added lines read as a new file`, path });
      files.push(canonical({ ...read, operation: 'create', oldPath: null, newMode: '100644' }, { oldTokens: [], newTokens: after, changes: [{ oldStart: 0, oldLen: 0, newStart: 0, newLen: after.length }], newText: content }));
      continue;
    }
    if ('problem' in current) return refuse(current.problem);
    if (read.operation === 'delete') {
      const whole = splitText(path, current.text);
      const before = tokensWithBom(whole.bom, tokensOf(whole));
      files.push(canonical(read, { oldTokens: before, newTokens: [], changes: before.length ? [{ oldStart: 0, oldLen: before.length, newStart: 0, newLen: 0 }] : [], newText: '' }, { oldMode: current.mode }));
      continue;
    }
    const edited = editFile(path, current.text, change, notes);
    if (!edited.ok) return edited;
    if (edited.file.newText === current.text && read.operation === 'modify') {
      notes.push({ kind: 'duplicate', detail: `the edits of ${path} leave it as it is; it is left out of the diff`, path });
      continue;
    }
    files.push(canonical(read, edited.file));
  }
  if (files.length === 0) return refuse('the patch changes nothing: every edit leaves its file as it is');
  return { ok: true, files, diffText: renderDiff(files), normalisations: notes };
}
