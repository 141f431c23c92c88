// The proposal contract: a model's answer is data, and only two shapes are accepted —
// one unified diff (git-style or plain, optionally inside one fenced block) or one JSON
// patch. Everything else gets a reason precise enough to send back on the retry.
import { DiffSyntaxError, readUnifiedDiff } from './parse-diff.js';
import { parseJsonProposal } from './parse-json.js';
import { renderDiff } from './render.js';
import type { ParseResult, PatchFile } from './types.js';

export type { ParsedPatch, ParseResult, PatchFile, Hunk, FileOperation } from './types.js';

const FENCE = /^\s{0,3}(`{3,}|~{3,})(.*)$/;

function clip(text: string, max = 60): string {
  const t = text.trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/** Finds the one fenced block, if the answer uses fences. Returns the body and its first line number. */
function unfence(lines: string[]): { body: string[]; firstLine: number } | { reason: string } | null {
  const fences: number[] = [];
  let open: string | null = null;
  lines.forEach((line, i) => {
    const m = FENCE.exec(line.replace(/\r$/, ''));
    if (!m) return;
    if (open === null) {
      open = m[1][0];
      fences.push(i);
    } else if (m[1][0] === open && m[2].trim() === '') {
      open = null;
      fences.push(i);
    }
  });
  if (fences.length === 0) return null;
  if (fences.length % 2 === 1) return { reason: `line ${fences[fences.length - 1] + 1}: the fenced code block is never closed; send exactly one unified diff` };
  if (fences.length > 2) return { reason: `the answer contains ${fences.length / 2} fenced code blocks (lines ${fences.filter((_, k) => k % 2 === 0).map((i) => i + 1).join(', ')}); send exactly one unified diff, in at most one block` };
  const [start, end] = fences;
  const outside = lines.findIndex((l, i) => (i < start || i > end) && l.trim() !== '');
  if (outside >= 0) {
    return { reason: `line ${outside + 1}: text outside the fenced block ('${clip(lines[outside])}'); send only the diff, with no explanations around it` };
  }
  return { body: lines.slice(start + 1, end), firstLine: start + 2 };
}

/** The same file patched in two sections is two diffs for it: ambiguous, so refused. */
function duplicateReason(files: PatchFile[]): string | null {
  const seen = new Map<string, number>();
  for (const f of files) {
    for (const p of new Set([f.oldPath, f.newPath])) {
      if (p === null) continue;
      const prior = seen.get(p);
      if (prior !== undefined) {
        const sections = files.filter((g) => g.oldPath === p || g.newPath === p).length;
        return `the answer contains ${sections} diffs for ${p} (lines ${prior} and ${f.line}); send exactly one unified diff, with all of a file's hunks in one section`;
      }
      seen.set(p, f.line);
    }
  }
  return null;
}

/** Parses a model's answer into a patch, or says precisely why it is not one. Never throws. */
export function parseProposal(text: string): ParseResult {
  try {
    return parseUnsafe(text);
  } catch (err) {
    if (err instanceof DiffSyntaxError) return { ok: false, reason: err.message };
    return { ok: false, reason: `the answer could not be read as a patch (${(err as Error).message}); send exactly one unified diff` };
  }
}

function parseUnsafe(text: string): ParseResult {
  const source = text.replace(/^\uFEFF/, '');
  if (source.trim() === '') return { ok: false, reason: 'the answer is empty; send exactly one unified diff or one JSON patch' };
  const lines = source.split('\n');
  const fenced = unfence(lines);
  if (fenced && 'reason' in fenced) return { ok: false, reason: fenced.reason };
  const body = fenced ? fenced.body : lines;
  const firstLine = fenced ? fenced.firstLine : 1;
  const bodyText = body.join('\n');
  if (bodyText.trim() === '') return { ok: false, reason: `line ${firstLine - 1}: the fenced block is empty; send exactly one unified diff` };
  const lead = body.findIndex((l) => l.trim() !== '');
  if (/^\s*[[{]/.test(body[lead])) {
    const parsed = parseJsonProposal(bodyText, firstLine + lead);
    if (parsed.ok) parsed.patch.bytes = Buffer.byteLength(text);
    return parsed;
  }
  const files = readUnifiedDiff(bodyText, firstLine);
  if (files.length === 0) return { ok: false, reason: 'the answer contains no diff; send exactly one unified diff' };
  const dup = duplicateReason(files);
  if (dup) return { ok: false, reason: dup };
  return { ok: true, patch: { format: 'diff', files, diffText: renderDiff(files), edits: [], bytes: Buffer.byteLength(text) } };
}
