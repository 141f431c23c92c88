// How each attempt's answer was read, from the run's step records: its format, the prose
// kept as its note, every normalisation pipe made, and the refusal when it was refused.
// `pipe show`, `pipe show --json` and `pipe run --json` all list it from here.
import type { StepRecord } from './types.js';

export interface AnswerView {
  attempt: number;
  /** 'unified_diff' | 'json_patch' | 'apply_patch' | 'search_replace', or null when the answer could not be read. */
  format: string | null;
  note: string;
  normalisations: { kind: string; detail: string; path?: string }[];
  /** The contract or safety refusal that ended the attempt, if any. */
  refusal: { code: string; message: string } | null;
}

const REFUSALS = new Set(['E_CONTRACT', 'E_PATCH_UNSAFE']);

export function answerOfAttempt(steps: readonly StepRecord[], attempt: number): AnswerView | null {
  const own = steps.filter((s) => s.attempt === attempt && !s.finally);
  const gate = [...own].reverse().find((s) => s.uses === 'gate');
  const refused = [...own].reverse().find((s) => (s.uses === 'gate' || s.uses === 'propose') && s.code !== null && REFUSALS.has(s.code));
  const answer = (gate?.output?.answer ?? null) as { format?: unknown; note?: unknown; normalisations?: unknown } | null;
  if (!answer && !refused) return null;
  return {
    attempt,
    format: typeof answer?.format === 'string' ? answer.format : null,
    note: typeof answer?.note === 'string' ? answer.note : '',
    normalisations: Array.isArray(answer?.normalisations) ? (answer.normalisations as AnswerView['normalisations']) : [],
    refusal: refused ? { code: refused.code!, message: refused.message ?? '' } : null,
  };
}

/** Every attempt's answer view, in attempt order. */
export function answersOfRun(steps: readonly StepRecord[]): AnswerView[] {
  const attempts = [...new Set(steps.filter((s) => !s.finally).map((s) => s.attempt))].sort((a, b) => a - b);
  return attempts.map((n) => answerOfAttempt(steps, n)).filter((a): a is AnswerView => a !== null);
}
