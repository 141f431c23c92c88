// The parsed form of a model's patch proposal. Paths are repo-relative with forward
// slashes, exactly as the patch names them after prefix stripping and unquoting;
// the gate's checks decide whether they are acceptable.
import type { AnswerFormat, FileChange, Normalisation } from './answer/types.js';

export type FileOperation = 'modify' | 'create' | 'delete' | 'rename' | 'copy' | 'mode';

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** Line (1-based) of the `@@` header in the model's answer. */
  line: number;
  /** Body lines, each starting with ' ', '-', '+' or '\' (no newline marker); '\r' kept. */
  lines: string[];
  /** As the answer wrote it (a model's diff): were numbers stated, and the answer line of each body line. */
  numbered?: boolean;
  answerLines?: number[];
  /** Empty lines after the body: blank context, or only a separator. */
  trailingBlanks?: number;
}

export interface PatchFile {
  /** Path before the change; null when the file is created. */
  oldPath: string | null;
  /** Path after the change; null when the file is deleted. */
  newPath: string | null;
  operation: FileOperation;
  /** Octal mode strings as git writes them ('100644', '100755', '120000'), when stated. */
  oldMode: string | null;
  newMode: string | null;
  binary: boolean;
  hunks: Hunk[];
  linesAdded: number;
  linesRemoved: number;
  /** Line (1-based) in the model's answer where this file's section starts. */
  line: number;
  /** Git extended header lines kept verbatim (index, similarity) for the normalised text. */
  extraHeaders: string[];
  /** `GIT binary patch` payload lines, verbatim. */
  binaryPayload: string[];
}

export interface ParsedPatch {
  /** The format the model answered in. */
  format: AnswerFormat;
  /** As read from the answer (what the path checks judge); after the gate located the edits, the canonical files. */
  files: PatchFile[];
  /** The canonical git diff pipe computed from the located edits; '' until the gate located them. */
  diffText: string;
  /** The answer's edits, per file, with line numbers and anchors as hints. */
  changes: FileChange[];
  /** Prose around the patch (and a JSON patch's summary). */
  note: string;
  /** Everything pipe changed about the answer to read it and to place it. */
  normalisations: Normalisation[];
  /** Size of the proposal as the model sent it, in bytes (UTF-8). */
  bytes: number;
}

export type ParseResult = { ok: true; patch: ParsedPatch } | { ok: false; reason: string; check: 'contract' | 'elision' | 'locate' };

/** New bytes of a file, for writers other than git apply (tests, tools). */
export interface ResolvedContent {
  path: string;
  /** New content, or null to delete. */
  content: Buffer | null;
}

/** Every path a file section touches (both sides of a rename or copy). */
export function touchedPaths(file: PatchFile): string[] {
  const out: string[] = [];
  if (file.oldPath !== null) out.push(file.oldPath);
  if (file.newPath !== null && file.newPath !== file.oldPath) out.push(file.newPath);
  return out;
}

/** Every path the patch touches, de-duplicated, in patch order. */
export function patchPaths(patch: ParsedPatch): string[] {
  return [...new Set(patch.files.flatMap(touchedPaths))];
}

/** What the gate leaves in ctx.work.patch for apply. */
export interface GatedPatch {
  kind: 'gated-patch';
  patch: ParsedPatch;
  /** Every path the patch touches (both sides of renames). */
  paths: string[];
  /** New bytes per file when something other than git apply writes them; null: git apply applies diffText. */
  contents: ResolvedContent[] | null;
  attempt: number;
}

export function isGatedPatch(value: unknown): value is GatedPatch {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'gated-patch';
}
