// One answer of the corpus: what a model sent, and either the files it must leave
// (every other file byte-identical) or the refusal it must get (tree byte-identical).
import type { AnswerFormat } from '../../../src/patch/answer/types.js';

export interface AnswerCase {
  name: string;
  format: AnswerFormat;
  answer: string;
  expect:
    | { files: Record<string, string | null>; normalisations?: string[] }
    | { refused: RegExp; check: 'contract' | 'elision' | 'locate' | string[] };
  /** Policy answers.accept for this case (default: all formats). */
  accept?: AnswerFormat[];
}

export const fence = (lang: string, body: string) => `\`\`\`${lang}\n${body.endsWith('\n') ? body : `${body}\n`}\`\`\`\n`;
