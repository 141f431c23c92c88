// What every output parser shares: the input it gets, the stable failure id, and the
// normalisation that keeps ids equal across attempts (line numbers shift, messages don't).
import { createHash } from 'node:crypto';
import { isAbsolute, posix, relative, sep } from 'node:path';
import type { Failure } from '../../validation/types.js';
import type { Validator } from '../../types/generated/index.js';

/** A parser's name: the enum of the policy schema's `parser:` (the PARSERS table in ./index.ts must cover it). */
export type ParserName = NonNullable<Validator['parser']>;

export interface ParseInput {
  /** The validator's name in the policy; stamped on every failure. */
  validator: string;
  exitCode: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Absolute repository root, to make tool paths repo-relative. */
  repo: string;
  /** The validator's cwd relative to the repo ('' for the root), for tools printing cwd-relative paths. */
  cwd: string;
}

/** Turns one tool's output into failures; never throws on odd output (the runner adds a generic failure). */
export type OutputParser = (input: ParseInput) => Failure[];

/**
 * Strips what changes between attempts without changing the problem: positions, timings,
 * addresses, whitespace. Other numbers stay: test_case_1 and test_case_2 are different. Used only for the id; the stored message stays as printed.
 */
export function normaliseMessage(message: string): string {
  return message
    .replace(/0x[0-9a-f]+/gi, '<addr>')
    .replace(/\bline \d+/gi, 'line #')
    .replace(/:\d+(:\d+)?\b/g, ':#')
    .replace(/\(\d+,\d+\)/g, '(#)')
    .replace(/\b\d+(\.\d+)?\s*(ms|s|sec|seconds)\b/g, '#$2')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** sha256 over validator, category, file and normalised message; 16 hex digits. */
export function failureId(validator: string, category: string, file: string | null, message: string): string {
  return createHash('sha256')
    .update([validator, category, file ?? '', normaliseMessage(message)].join('\u0000'))
    .digest('hex')
    .slice(0, 16);
}

/** A tool path (absolute or cwd-relative) as a repo-relative POSIX path; null when empty. */
export function toRepoPath(file: string | null | undefined, input: Pick<ParseInput, 'repo' | 'cwd'>): string | null {
  if (!file) return null;
  const trimmed = file.trim();
  if (!trimmed) return null;
  let rel: string;
  if (isAbsolute(trimmed)) rel = relative(input.repo, trimmed);
  else rel = input.cwd ? posix.join(input.cwd.split(sep).join('/'), trimmed.split(sep).join('/')) : trimmed;
  rel = rel.split(sep).join('/');
  return posix.normalize(rel).replace(/^\.\//, '');
}

export function makeFailure(
  validator: string,
  category: string,
  file: string | null,
  line: number | null,
  message: string,
): Failure {
  const clean = message.trim();
  return { validator, id: failureId(validator, category, file, clean), category, file, line: line !== null && Number.isFinite(line) ? line : null, message: clean };
}

/** Sorts by file, line, category, message and drops exact duplicate ids. */
export function sortFailures(failures: Failure[]): Failure[] {
  const seen = new Set<string>();
  const out: Failure[] = [];
  const key = (f: Failure) => `${f.validator}\u0000${f.file ?? ''}\u0000${String(f.line ?? 0).padStart(9, '0')}\u0000${f.category}\u0000${f.message}`;
  for (const f of [...failures].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))) {
    const identity = `${f.id}\u0000${f.line ?? ''}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    out.push(f);
  }
  return out;
}

/** The last few non-empty lines of a tool's output, for messages about unparsed failures. */
export function tail(text: string, lines = 3): string {
  return text
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter(Boolean)
    .slice(-lines)
    .join(' | ');
}
