// The unified-diff reader (git-style or plain). Hunk bodies are read by their line
// prefixes, not by the header's counts: models get line numbers and counts wrong, and
// the locator places hunks by content. Counts only settle where a body ends when the
// text after it could be prose. Any line that fits no reading is a contract failure
// with its line number. Lines come in with '\r' already stripped.
import type { Hunk, PatchFile } from './types.js';
import type { Normalisation } from './answer/types.js';
import { unquoteC } from './quote.js';

export class DiffSyntaxError extends Error {}

const HUNK_NUMBERS = /^@@\s*-(\d+)(?:,(\d+))?\s+\+(\d+)(?:,(\d+))?\s*@@/;
const SHELL = /^\s*(\$\s|sudo\s|cd\s|git\s|patch\s|rm\s|mv\s|cp\s|cat\s|echo\s|curl\s|wget\s|chmod\s|npm\s|npx\s|pip3?\s|python3?\s|bash\s|sh\s|apply_patch\b|.*<<\s*['"]?EOF)/;
const EXTENDED = /^(old mode|new mode|deleted file mode|new file mode|rename from|rename to|copy from|copy to|similarity index|dissimilarity index|index) ?(.*)$/;

export function clip(text: string, max = 60): string {
  const t = text.replace(/\r$/, '');
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/** Why an unexpected line is wrong, phrased for the model. */
export function describeStrayLine(lineNo: number, line: string): string {
  if (SHELL.test(line)) {
    return `line ${lineNo}: the answer contains a shell command ('${clip(line)}'); pipe never runs commands from a model — send the change itself as one patch`;
  }
  if (/^@@/.test(line)) return `line ${lineNo}: hunk header without file headers; every file needs 'diff --git a/<path> b/<path>' or '--- a/<path>' and '+++ b/<path>' lines before its hunks`;
  if (/^\+\+\+ /.test(line)) return `line ${lineNo}: '+++' file header without a '---' line before it`;
  return `line ${lineNo}: expected a diff header ('diff --git a/<path> b/<path>' or '--- a/<path>'), found text: '${clip(line)}'`;
}

/** Path from a `---`/`+++` line's rest: quoted, or up to a tab (timestamps, git's space marker). */
function headerPath(rest: string, lineNo: number): string {
  if (rest.startsWith('"')) {
    const q = unquoteC(rest);
    if (!q) throw new DiffSyntaxError(`line ${lineNo}: unterminated or malformed quoted file name '${clip(rest)}'`);
    return q.value;
  }
  const tab = rest.indexOf('\t');
  return (tab >= 0 ? rest.slice(0, tab) : rest).replace(/\s+\((original|modified|new|old|working copy|revision \w+)\)$/i, '').trimEnd();
}

function stripPrefix(path: string, prefix: 'a/' | 'b/'): string {
  return path.startsWith(prefix) ? path.slice(2) : path;
}

/** Both names of a `diff --git` header; handles quoting and unquoted names with spaces. */
function gitHeaderPaths(rest: string): { a: string; b: string } | null {
  if (rest.startsWith('"')) {
    const first = unquoteC(rest);
    if (!first || rest[first.end] !== ' ') return null;
    const tail = rest.slice(first.end + 1);
    const second = tail.startsWith('"') ? unquoteC(tail)?.value : tail;
    return second === undefined ? null : { a: first.value, b: second };
  }
  const quotedSecond = rest.indexOf(' "');
  if (quotedSecond > 0) {
    const second = unquoteC(rest, quotedSecond + 1);
    return second ? { a: rest.slice(0, quotedSecond), b: second.value } : null;
  }
  // Unquoted names may hold spaces: prefer the split where both sides name the same file.
  const candidates: number[] = [];
  for (let k = rest.indexOf(' '); k >= 0; k = rest.indexOf(' ', k + 1)) candidates.push(k);
  for (const k of candidates) {
    const a = rest.slice(0, k);
    const b = rest.slice(k + 1);
    if (a.replace(/^a\//, '') === b.replace(/^b\//, '')) return { a, b };
  }
  const k = rest.indexOf(' b/');
  if (k > 0) return { a: rest.slice(0, k), b: rest.slice(k + 1) };
  return candidates.length === 1 ? { a: rest.slice(0, candidates[0]), b: rest.slice(candidates[0] + 1) } : null;
}

interface Cursor {
  lines: string[];
  i: number;
  /** Answer line number of lines[0]. */
  base: number;
  /** Prose may follow the diff (an unfenced answer): counts may end a body before an empty line. */
  proseAfter: boolean;
  notes: Normalisation[];
}

const lineNo = (c: Cursor, i = c.i) => c.base + i;
const at = (c: Cursor, i = c.i) => c.lines[i] ?? '';

/** A line that begins another file section (never part of a hunk body). */
function sectionStart(c: Cursor, i: number): boolean {
  const l = at(c, i);
  return l.startsWith('diff --git ') || (l.startsWith('--- ') && at(c, i + 1).startsWith('+++ '));
}

const isBodyLine = (l: string) => l.length > 0 && (l[0] === ' ' || l[0] === '+' || l[0] === '-');
// A Markdown list item after a blank line ("- Fixed the loop"), where counts say the hunk ended.
const BULLET = /^[-+*] +[`*_A-Z]/;

/** Reads one hunk body from c.i; returns the body lines (prefixed) with their answer line numbers. */
function readBody(c: Cursor, stated: { old: number; new: number } | null, name: string): { lines: string[]; answer: number[]; trailing: number } {
  const lines: string[] = [];
  const answer: number[] = [];
  let olds = 0;
  let news = 0;
  let blanks: number[] = [];
  while (c.i < c.lines.length) {
    const l = at(c);
    if (l.startsWith('@@') || sectionStart(c, c.i)) break;
    if (l === '') {
      blanks.push(c.i);
      c.i++;
      continue;
    }
    const counted = stated !== null && olds === stated.old && news === stated.new && lines.length > 0;
    if (blanks.length && counted && c.proseAfter && BULLET.test(l)) break;
    if (l.startsWith('\\')) {
      if (lines.length === 0 || blanks.length) throw new DiffSyntaxError(`line ${lineNo(c)}: '${clip(l)}' must follow a line of a hunk in ${name}`);
      lines.push(l);
      answer.push(lineNo(c));
      c.i++;
      continue;
    }
    let text = l;
    if (!isBodyLine(l)) {
      // A context line that lost its leading space, inside a body that goes on after it.
      const next = at(c, c.i + 1);
      if (lines.length === 0 || !(isBodyLine(next) || next.startsWith('\\')) || /^(diff --git |Index: |\*\*\* |<{5,}|```|~~~)/.test(l)) break;
      c.notes.push({ kind: 'missing_prefix', detail: `answer line ${lineNo(c)} ('${clip(l, 40)}') read as an unchanged line without its leading space`, path: name });
      text = ` ${l}`;
    }
    // Empty lines between body lines are blank context lines whose ' ' got lost.
    for (const b of blanks) {
      lines.push(' ');
      answer.push(lineNo(c, b));
      olds++;
      news++;
    }
    if (blanks.length) c.notes.push({ kind: 'blank_lines', detail: `${blanks.length} empty line${blanks.length === 1 ? '' : 's'} at answer line ${lineNo(c, blanks[0])} read as blank context`, path: name });
    blanks = [];
    lines.push(text);
    answer.push(lineNo(c));
    if (text[0] !== '+') olds++;
    if (text[0] !== '-') news++;
    c.i++;
  }
  // Empty lines after the body may be blank context or a separator: the locator decides.
  const trailing = blanks.length;
  if (trailing) c.i = blanks[0] + trailing;
  return { lines, answer, trailing };
}

function readHunks(c: Cursor, file: PatchFile, name: string): void {
  while (c.i < c.lines.length) {
    const first = at(c);
    const headerless = file.hunks.length === 0 && isBodyLine(first) && !sectionStart(c, c.i);
    if (!first.startsWith('@@') && !headerless) break;
    const line = lineNo(c);
    const m = HUNK_NUMBERS.exec(first);
    if (first.startsWith('@@')) {
      if (!m) {
        if (!/^@@( .*)?$/.test(first) && !/^@@@*$/.test(first)) throw new DiffSyntaxError(`line ${line}: malformed hunk header '${clip(first)}'; expected '@@ -<start>,<count> +<start>,<count> @@'`);
        c.notes.push({ kind: 'no_numbers', detail: `hunk at answer line ${line} has no line numbers; placed by its content`, path: name });
      }
      c.i++;
    } else {
      c.notes.push({ kind: 'no_numbers', detail: `hunk at answer line ${line} has no '@@' header; placed by its content`, path: name });
    }
    const stated = m ? { old: m[2] === undefined ? 1 : Number(m[2]), new: m[4] === undefined ? 1 : Number(m[4]) } : null;
    const body = readBody(c, stated, name);
    if (body.lines.filter((l) => !l.startsWith('\\')).length === 0) {
      if (c.i < c.lines.length && !at(c).startsWith('@@') && !sectionStart(c, c.i) && at(c) !== '') {
        throw new DiffSyntaxError(`line ${line}: the hunk in ${name} has no body; line ${lineNo(c)} ('${clip(at(c))}') does not start with ' ', '-' or '+'`);
      }
      if (!m || Number(m[2] ?? 1) + Number(m[4] ?? 1) > 0) throw new DiffSyntaxError(`line ${line}: the hunk in ${name} is empty; send its lines with ' ', '-' and '+' prefixes`);
    }
    const hunk: Hunk = {
      oldStart: m ? Number(m[1]) : 0,
      oldLines: stated?.old ?? 0,
      newStart: m ? Number(m[3]) : 0,
      newLines: stated?.new ?? 0,
      line,
      lines: body.lines,
      numbered: m !== null,
      answerLines: body.answer,
      trailingBlanks: body.trailing,
    };
    for (const l of body.lines) {
      if (l[0] === '+') file.linesAdded++;
      else if (l[0] === '-') file.linesRemoved++;
    }
    if (stated) {
      const olds = body.lines.filter((l) => l[0] === ' ' || l[0] === '-').length;
      const news = body.lines.filter((l) => l[0] === ' ' || l[0] === '+').length;
      const withBlanks = (n: number) => n === olds + body.trailing || n === olds;
      if (!(withBlanks(stated.old) && (stated.new === news || stated.new === news + body.trailing))) {
        c.notes.push({ kind: 'counts', detail: `hunk at answer line ${line} says ${stated.old} old and ${stated.new} new lines, its body has ${olds} and ${news}; counts recomputed`, path: name });
      }
    }
    file.hunks.push(hunk);
  }
}

export function newPatchFile(line: number): PatchFile {
  return { oldPath: null, newPath: null, operation: 'modify', oldMode: null, newMode: null, binary: false, hunks: [], linesAdded: 0, linesRemoved: 0, line, extraHeaders: [], binaryPayload: [] };
}

function readFileHeaders(c: Cursor): { old: string; new: string } {
  const oldLine = at(c);
  const n = lineNo(c);
  if (!at(c, c.i + 1).startsWith('+++ ')) throw new DiffSyntaxError(`line ${n + 1}: expected '+++ b/<path>' after '${clip(oldLine)}'`);
  const result = { old: headerPath(oldLine.slice(4), n), new: headerPath(at(c, c.i + 1).slice(4), n + 1) };
  c.i += 2;
  return result;
}

function finish(file: PatchFile, git: { rename: boolean; copy: boolean; create: boolean; del: boolean }): PatchFile {
  if (git.rename) file.operation = 'rename';
  else if (git.copy) file.operation = 'copy';
  else if (git.create || file.oldPath === null) {
    file.operation = 'create';
    file.oldPath = null;
  } else if (git.del || file.newPath === null) {
    file.operation = 'delete';
    file.newPath = null;
  } else if (file.hunks.length === 0 && !file.binary && file.oldMode !== null && file.newMode !== null && file.oldMode !== file.newMode) {
    file.operation = 'mode';
  }
  return file;
}

function readGitSection(c: Cursor): PatchFile {
  const start = lineNo(c);
  const names = gitHeaderPaths(at(c).slice('diff --git '.length));
  const file = newPatchFile(start);
  if (names) {
    file.oldPath = stripPrefix(names.a, 'a/');
    file.newPath = stripPrefix(names.b, 'b/');
  }
  const flags = { rename: false, copy: false, create: false, del: false };
  c.i++;
  for (; c.i < c.lines.length; c.i++) {
    const line = at(c);
    if (line === '' || /^(--- |@@|diff --git |GIT binary patch|Binary files )/.test(line) || (isBodyLine(line) && !EXTENDED.test(line))) break;
    const m = EXTENDED.exec(line);
    if (!m) throw new DiffSyntaxError(`line ${lineNo(c)}: unexpected line in the header of the diff starting at line ${start}: '${clip(line)}'`);
    const value = m[2].startsWith('"') ? (unquoteC(m[2])?.value ?? m[2]) : m[2];
    switch (m[1]) {
      case 'old mode': file.oldMode = value; break;
      case 'new mode': file.newMode = value; break;
      case 'deleted file mode': file.oldMode = value; flags.del = true; break;
      case 'new file mode': file.newMode = value; flags.create = true; break;
      case 'rename from': file.oldPath = value; flags.rename = true; break;
      case 'rename to': file.newPath = value; flags.rename = true; break;
      case 'copy from': file.oldPath = value; flags.copy = true; break;
      case 'copy to': file.newPath = value; flags.copy = true; break;
      default:
        if (m[1] === 'index' && !/^[0-9a-f]+\.\.[0-9a-f]+( [0-7]{6})?$/.test(m[2])) throw new DiffSyntaxError(`line ${lineNo(c)}: malformed index line '${clip(line)}'`);
        if (m[1] === 'index' && m[2].includes(' ') && file.oldMode === null) file.oldMode = file.newMode = m[2].split(' ')[1];
        file.extraHeaders.push(line);
    }
  }
  const line = at(c);
  const name = () => file.newPath ?? file.oldPath ?? '?';
  if (line.startsWith('GIT binary patch')) {
    file.binary = true;
    c.i++;
    while (c.i < c.lines.length && !at(c).startsWith('diff --git ')) file.binaryPayload.push(at(c)), c.i++;
    while (file.binaryPayload.length && file.binaryPayload[file.binaryPayload.length - 1] === '') file.binaryPayload.pop();
  } else if (line.startsWith('Binary files ')) {
    file.binary = true;
    c.i++;
  } else if (line.startsWith('--- ')) {
    const headerAt = lineNo(c);
    const h = readFileHeaders(c);
    const oldName = h.old === '/dev/null' ? null : stripPrefix(h.old, 'a/');
    const newName = h.new === '/dev/null' ? null : stripPrefix(h.new, 'b/');
    // Like git: the ---/+++ names must agree with the names already given above them.
    if (names || flags.rename || flags.copy) {
      if (oldName !== null && oldName !== file.oldPath) throw new DiffSyntaxError(`line ${headerAt}: '--- ${clip(h.old)}' names a different file than the 'diff --git' header at line ${start} (${file.oldPath}); one section per file, with matching names`);
      if (newName !== null && newName !== file.newPath) throw new DiffSyntaxError(`line ${headerAt + 1}: '+++ ${clip(h.new)}' names a different file than the 'diff --git' header at line ${start} (${file.newPath}); one section per file, with matching names`);
    }
    file.oldPath = oldName;
    file.newPath = newName;
    if (file.oldPath === null) flags.create = true;
    if (file.newPath === null) flags.del = true;
    readHunks(c, file, name());
  } else if (line.startsWith('@@') || isBodyLine(line)) {
    if (!names) throw new DiffSyntaxError(`line ${lineNo(c)}: hunk without '--- a/<path>' and '+++ b/<path>' lines after the 'diff --git' header at line ${start}`);
    c.notes.push({ kind: 'path', detail: `no '---'/'+++' lines after the 'diff --git' header at answer line ${start}; names taken from it`, path: name() });
    readHunks(c, file, name());
  }
  if (file.oldPath === null && file.newPath === null) throw new DiffSyntaxError(`line ${start}: cannot read the file names in '${clip(at(c, start - c.base))}'`);
  if (!names && (file.oldPath === null || file.newPath === null) && !flags.create && !flags.del) {
    throw new DiffSyntaxError(`line ${start}: cannot read the file names in the 'diff --git' header`);
  }
  const done = finish(file, flags);
  const isPlainModify = done.operation === 'modify' && done.hunks.length === 0 && !done.binary && done.oldMode === done.newMode;
  if (isPlainModify) throw new DiffSyntaxError(`line ${start}: the diff for ${done.newPath} has no hunks; send the changed lines as '@@' hunks`);
  return done;
}

function readPlainSection(c: Cursor): PatchFile {
  const start = lineNo(c);
  const h = readFileHeaders(c);
  const oldIsNull = h.old === '/dev/null';
  const newIsNull = h.new === '/dev/null';
  // Strip a/ b/ only when both sides use them (git's -p1); otherwise the names are literal.
  const prefixed = (oldIsNull || h.old.startsWith('a/')) && (newIsNull || h.new.startsWith('b/'));
  // A leading './' (`diff -u ./x.py.orig ./x.py`) names the same file, as in apply_patch and JSON.
  const clean = (p: string, prefix: 'a/' | 'b/') => (prefixed ? stripPrefix(p, prefix) : p).replace(/^\.\//, '');
  const file = newPatchFile(start);
  file.newPath = newIsNull ? null : clean(h.new, 'b/');
  // A plain diff names one file: the new side (the old side is often a backup name).
  file.oldPath = oldIsNull ? null : newIsNull ? clean(h.old, 'a/') : file.newPath;
  if (file.oldPath === null && file.newPath === null) throw new DiffSyntaxError(`line ${start}: both file names are /dev/null`);
  readHunks(c, file, file.newPath ?? file.oldPath ?? '?');
  if (file.hunks.length === 0) throw new DiffSyntaxError(`line ${start}: the diff for ${file.newPath ?? file.oldPath} has no hunks; send the changed lines as '@@' hunks`);
  return finish(file, { rename: false, copy: false, create: false, del: false });
}

export interface DiffRead {
  files: PatchFile[];
  /** Index (into the given lines) just after the diff's last line. */
  end: number;
  notes: Normalisation[];
}

/**
 * Reads every file section of a unified diff from `lines` (no '\r'). `firstLine` is the
 * answer's line number of lines[0]. The diff ends at the first line that fits no section
 * (the caller decides whether what follows may be prose). `pathHint` names the file for
 * hunks with no file headers at all (a path line before a fenced block).
 */
export function readUnifiedDiff(lines: string[], firstLine = 1, options: { proseAfter?: boolean; pathHint?: string | null } = {}): DiffRead {
  const c: Cursor = { lines, i: 0, base: firstLine, proseAfter: options.proseAfter ?? false, notes: [] };
  const files: PatchFile[] = [];
  let end = 0;
  while (c.i < lines.length) {
    const line = at(c);
    if (line.trim() === '') {
      c.i++;
      continue;
    }
    if (line.startsWith('diff --git ')) files.push(readGitSection(c));
    else if (sectionStart(c, c.i)) files.push(readPlainSection(c));
    else if (/^(Index: |={20,}$|diff -)/.test(line) && /^(--- |Index: |={20,}|diff -)/.test(at(c, c.i + 1))) {
      c.i++;
      continue;
    } else if (line.startsWith('@@') && files.length > 0 && !files[files.length - 1].binary) {
      // More hunks for the file above, after an empty line.
      const last = files[files.length - 1];
      readHunks(c, last, last.newPath ?? last.oldPath ?? '?');
    } else if (line.startsWith('@@') && files.length === 0 && options.pathHint) {
      const file = newPatchFile(lineNo(c));
      file.oldPath = file.newPath = options.pathHint;
      c.notes.push({ kind: 'path', detail: `hunks without file headers; the file named before the block (${options.pathHint}) used`, path: options.pathHint });
      readHunks(c, file, options.pathHint);
      files.push(file);
    } else break;
    end = c.i;
  }
  return { files, end, notes: c.notes };
}
