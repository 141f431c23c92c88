// Turns JSON edits into concrete new file bytes by reading the current tree, and
// renders the result as a git-style diff for the attempt record and the line counts.
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { structuredPatch } from 'diff';
import type { Edit } from '../types/generated/index.js';
import type { ParsedPatch, PatchFile, ResolvedContent } from './types.js';
import { renderDiff } from './render.js';

export type ResolveResult = { ok: true; contents: ResolvedContent[]; diffText: string } | { ok: false; reason: string };

async function readText(repo: string, path: string): Promise<string | null> {
  try {
    const st = await lstat(join(repo, path));
    if (!st.isFile()) return null;
    return (await readFile(join(repo, path))).toString('utf8');
  } catch {
    return null;
  }
}

function occurrences(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

function applyEdit(current: string | null, edit: Edit, index: number): string | null | { reason: string } {
  const where = `edit ${index + 1} (${edit.op} ${edit.path})`;
  switch (edit.op) {
    case 'create':
      if (current !== null) return { reason: `${where}: the file already exists; use "overwrite" or "replace"` };
      return edit.content;
    case 'overwrite':
      if (current === null) return { reason: `${where}: the file does not exist; use "create"` };
      return edit.content;
    case 'delete':
      if (current === null) return { reason: `${where}: the file does not exist` };
      return null;
    case 'replace': {
      if (current === null) return { reason: `${where}: the file does not exist` };
      const want = edit.count ?? 1;
      let old = edit.old;
      let replacement = edit.new;
      // Models write LF; a CRLF file still matches when the text is converted.
      if (occurrences(current, old) === 0 && current.includes('\r\n') && !old.includes('\r\n')) {
        old = old.replace(/\n/g, '\r\n');
        replacement = replacement.replace(/\n/g, '\r\n');
      }
      const found = occurrences(current, old);
      if (found !== want) {
        return { reason: `${where}: the old text occurs ${found} time${found === 1 ? '' : 's'}; it must occur exactly ${want === 1 ? 'once' : `${want} times`} — copy it exactly from the file, whitespace included, with enough surrounding lines to be unique` };
      }
      return current.split(old).join(replacement);
    }
  }
}

function diffFile(path: string, before: string | null, after: string | null): PatchFile {
  const sp = structuredPatch(`a/${path}`, `b/${path}`, before ?? '', after ?? '', undefined, undefined, { context: 3 });
  const hunks = sp.hunks.map((h) => ({ oldStart: h.oldStart, oldLines: h.oldLines, newStart: h.newStart, newLines: h.newLines, line: 0, lines: h.lines }));
  const lines = hunks.flatMap((h) => h.lines);
  return {
    oldPath: before === null ? null : path,
    newPath: after === null ? null : path,
    operation: before === null ? 'create' : after === null ? 'delete' : 'modify',
    oldMode: null,
    newMode: before === null ? '100644' : null,
    binary: false,
    hunks,
    linesAdded: lines.filter((l) => l.startsWith('+')).length,
    linesRemoved: lines.filter((l) => l.startsWith('-')).length,
    line: 0,
    extraHeaders: [],
    binaryPayload: [],
  };
}

/** Applies the edits in memory against the tree. Call only after the path checks passed. */
export async function resolveJsonEdits(repo: string, patch: ParsedPatch): Promise<ResolveResult> {
  const before = new Map<string, string | null>();
  const after = new Map<string, string | null>();
  for (const [i, edit] of patch.edits.entries()) {
    if (!before.has(edit.path)) {
      const text = await readText(repo, edit.path);
      if (text !== null && text.includes('\0')) return { ok: false, reason: `edit ${i + 1}: ${edit.path} is a binary file; JSON edits work on text files` };
      before.set(edit.path, text);
      after.set(edit.path, text);
    }
    const next = applyEdit(after.get(edit.path) ?? null, edit, i);
    if (next !== null && typeof next === 'object') return { ok: false, reason: next.reason };
    after.set(edit.path, next);
  }
  const contents: ResolvedContent[] = [];
  const files: PatchFile[] = [];
  for (const [path, old] of before) {
    const now = after.get(path) ?? null;
    if (old === now) continue;
    contents.push({ path, content: now === null ? null : Buffer.from(now, 'utf8') });
    const f = diffFile(path, old, now);
    files.push(f);
    const parsed = patch.files.find((p) => (p.newPath ?? p.oldPath) === path);
    if (parsed) {
      parsed.linesAdded = f.linesAdded;
      parsed.linesRemoved = f.linesRemoved;
    }
  }
  if (contents.length === 0) return { ok: false, reason: 'the JSON patch changes nothing; every edit leaves its file as it was' };
  return { ok: true, contents, diffText: renderDiff(files) };
}
