// Is the answer the kind the role owes? Patch mode: one patch in an accepted format (the
// gate reads it again and checks everything else). Diagnosis mode: prose, and a bare
// patch only where the policy lets the reviewer patch. Label mode: a first line.
import type { AnswerFormat } from '../patch/answer/types.js';
import { isBarePatch, parseProposal } from '../patch/parse.js';
import type { RoleMode } from '../routing/types.js';

export type AnswerCheck =
  | { ok: true; kind: RoleMode; label?: string }
  | { ok: false; reason: string };

/** The label on the first non-empty line, without quotes, Markdown emphasis or trailing punctuation. */
export function labelOf(text: string): string {
  const first = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return first
    .trim()
    .replace(/^(label\s*:\s*)/i, '')
    .replace(/^[`*"'_\s]+|[`*"'_.!\s]+$/g, '')
    .trim();
}

export function checkAnswer(mode: RoleMode, text: string, allowPatch: boolean, accept?: readonly AnswerFormat[]): AnswerCheck {
  if (mode === 'patch') {
    const parsed = parseProposal(text, { accept });
    return parsed.ok ? { ok: true, kind: 'patch' } : { ok: false, reason: `the answer is not a usable patch: ${parsed.reason}` };
  }
  if (text.trim() === '') return { ok: false, reason: `the answer is empty; a ${mode} was expected` };
  if (mode === 'diagnosis') {
    const isPatch = isBarePatch(text);
    if (isPatch && !allowPatch) {
      return { ok: false, reason: 'the reviewer answered with a patch, but this role is diagnosis-only (set allow_patch: true on the role to accept patches)' };
    }
    return { ok: true, kind: isPatch ? 'patch' : 'diagnosis' };
  }
  const label = labelOf(text);
  if (!label) return { ok: false, reason: 'the answer has no label on its first line' };
  if (isBarePatch(text)) return { ok: false, reason: 'a label was expected, but the answer is a patch' };
  return { ok: true, kind: 'label', label };
}
