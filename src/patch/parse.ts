// The proposal contract: a model's answer is data. It is read (src/patch/answer/) into
// file changes in one of four formats, with the prose around it kept as a note, or
// refused with a reason precise enough to send back on the retry. Where the changes go
// in the tree is the gate's business (src/patch/locate/), after the path checks.
import { readAnswer, type ReadOptions } from './answer/index.js';
import type { ParseResult, PatchFile } from './types.js';

export type { ParsedPatch, ParseResult, PatchFile, Hunk, FileOperation } from './types.js';

/** Reads a model's answer into a patch, or says precisely why it is not one. Never throws. */
export function parseProposal(text: string, options: ReadOptions = {}): ParseResult {
  const r = readAnswer(text, options);
  if (!r.ok) return { ok: false, reason: r.refusal.reason, check: r.refusal.check };
  const a = r.answer;
  const files: PatchFile[] = a.changes.map((c) => c.file);
  return { ok: true, patch: { format: a.format, files, diffText: '', changes: a.changes, note: a.note, normalisations: a.normalisations, bytes: a.bytes } };
}

/** A whole answer that is nothing but a patch (no prose): how diagnosis and label roles tell a patch from an answer quoting one. */
export function isBarePatch(text: string): boolean {
  const r = parseProposal(text);
  return r.ok && r.patch.note === '';
}
