// Is the answer the kind the role owes? Patch mode: a unified diff or a JSON patch (the
// gate parses it again and checks everything else). Diagnosis mode: prose, and a
// patch only where the policy lets the reviewer patch. Label mode: a first line.
import { parseProposal } from '../patch/parse.js';
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

export function checkAnswer(mode: RoleMode, text: string, allowPatch: boolean): AnswerCheck {
  if (mode === 'patch') {
    const parsed = parseProposal(text);
    return parsed.ok ? { ok: true, kind: 'patch' } : { ok: false, reason: `the answer is not a unified diff or a JSON patch: ${parsed.reason}` };
  }
  if (text.trim() === '') return { ok: false, reason: `the answer is empty; a ${mode} was expected` };
  if (mode === 'diagnosis') {
    const isPatch = parseProposal(text).ok;
    if (isPatch && !allowPatch) {
      return { ok: false, reason: 'the reviewer answered with a patch, but this role is diagnosis-only (set allow_patch: true on the role to accept patches)' };
    }
    return { ok: true, kind: isPatch ? 'patch' : 'diagnosis' };
  }
  const label = labelOf(text);
  if (!label) return { ok: false, reason: 'the answer has no label on its first line' };
  if (parseProposal(text).ok) return { ok: false, reason: 'a label was expected, but the answer is a patch' };
  return { ok: true, kind: 'label', label };
}
