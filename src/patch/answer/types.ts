// The one intermediate form every answer format is read into: per file an operation
// and a list of edits whose line numbers and anchors are hints only. The locator
// (src/patch/locate/) places the edits in the working tree's bytes.
import type { PatchFile } from '../types.js';

export const ANSWER_FORMATS = ['unified_diff', 'json_patch', 'apply_patch', 'search_replace'] as const;
export type AnswerFormat = (typeof ANSWER_FORMATS)[number];

export const FORMAT_NAMES: Record<AnswerFormat, string> = {
  unified_diff: 'unified diff',
  json_patch: 'JSON patch',
  apply_patch: 'apply_patch patch',
  search_replace: 'SEARCH/REPLACE blocks',
};

/** Something pipe changed about the answer to read it; every one is listed in the attempt record. */
export type NormalisationKind =
  | 'note'
  | 'format'
  | 'line_numbers'
  | 'counts'
  | 'no_numbers'
  | 'blank_lines'
  | 'missing_prefix'
  | 'trailing_whitespace'
  | 'inner_spaces'
  | 'indentation'
  | 'crlf'
  | 'eof_newline'
  | 'merged_sections'
  | 'order'
  | 'duplicate'
  | 'path'
  | 'envelope';

export interface Normalisation {
  kind: NormalisationKind;
  /** What was done, for a person: "src/app.py hunk 2: matched 4 lines further down (stated -10, found -14)". */
  detail: string;
  path?: string;
}

export type EditOp = ' ' | '-' | '+';

export interface EditLine {
  op: EditOp;
  /** The line's text as the answer wrote it, without its line terminator or '\r'. */
  text: string;
  /** Line of the answer it came from (1-based), for messages. */
  at: number;
}

/** Lines to find (context and removals) and what replaces them, from a diff hunk, an apply_patch chunk or a SEARCH/REPLACE block. */
export interface LineEdit {
  kind: 'lines';
  lines: EditLine[];
  /** 1-based line of the first old line as the answer states it, or null: a hint, used only to choose between equal matches. */
  line: number | null;
  /** apply_patch `@@ <anchor>` lines, outermost first: hints that choose between equal matches. */
  anchors: string[];
  /** apply_patch `*** End of File`: the chunk ends at the end of the file. */
  eof: boolean;
  /** An edit with only new lines is appended at the end of the file (apply_patch's rule); otherwise it cannot be placed. */
  appendWhenBare: boolean;
  /** The answer marks its last old line / last new line with `\ No newline at end of file`. */
  oldNoNewline: boolean;
  newNoNewline: boolean;
  /** Empty lines after a diff hunk's body: blank context or a separator; used only when they make the match unique. */
  trailingBlanks: number;
  /** "hunk 2 (answer line 14)": how messages name this edit. */
  label: string;
  /** Its lines came with ' ', '-', '+' prefixes (a diff hunk, an apply_patch chunk), so a context line may have lost its ' '. */
  prefixed: boolean;
}

/** A JSON `replace`: exact text, located as text first and as whole lines after. */
export interface TextEdit {
  kind: 'text';
  old: string;
  new: string;
  /** How many occurrences must exist (all are replaced); null means exactly one. */
  count: number | null;
  label: string;
  at: number;
}

export type AnswerEdit = LineEdit | TextEdit;

export interface FileChange {
  /** Paths, operation, modes and binary payload, as the gate's path checks read them. */
  file: PatchFile;
  edits: AnswerEdit[];
  /** The whole new text (a new file, a JSON overwrite); null when the edits say what changes. */
  content: string | null;
  /** SEARCH/REPLACE with an empty SEARCH: the file must not exist yet. */
  createOnly: boolean;
}

export interface ReadAnswer {
  format: AnswerFormat;
  changes: FileChange[];
  /** Prose around the patch (and a JSON patch's summary), kept for the record. */
  note: string;
  normalisations: Normalisation[];
  /** Size of the answer as the model sent it, in bytes (UTF-8). */
  bytes: number;
}

/** What the reader and locator refuse with: `check` names the rule for the gate's output. */
export interface Refusal {
  check: 'contract' | 'elision' | 'locate';
  reason: string;
}

export type ReadResult = { ok: true; answer: ReadAnswer } | { ok: false; refusal: Refusal };
