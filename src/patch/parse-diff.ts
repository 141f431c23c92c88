// A strict unified-diff reader. Hunk bodies are read by their header counts (as git
// does), so a '-- comment' removal line is never mistaken for a file header, and any
// line that is not part of the format is a contract failure with its line number.
import type { Hunk, PatchFile } from './types.js';
import { unquoteC } from './quote.js';

export class DiffSyntaxError extends Error {}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$/;
const SHELL = /^\s*(\$\s|sudo\s|cd\s|git\s|patch\s|rm\s|mv\s|cp\s|cat\s|echo\s|curl\s|wget\s|chmod\s|npm\s|npx\s|pip3?\s|python3?\s|bash\s|sh\s|apply_patch\b|.*<<\s*['"]?EOF)/;
const EXTENDED = /^(old mode|new mode|deleted file mode|new file mode|rename from|rename to|copy from|copy to|similarity index|dissimilarity index|index) ?(.*)$/;

function clip(text: string, max = 60): string {
  const t = text.replace(/\r$/, '');
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/** Why an unexpected line is wrong, phrased for the model. */
export function describeStrayLine(lineNo: number, line: string): string {
  if (SHELL.test(line)) {
    return `line ${lineNo}: the answer contains a shell command ('${clip(line)}'); pipe never runs commands from a model — send the change itself as one unified diff`;
  }
  if (/^@@/.test(line)) return `line ${lineNo}: hunk header without file headers; every file needs 'diff --git a/<path> b/<path>' or '--- a/<path>' and '+++ b/<path>' lines before its hunks`;
  if (/^\+\+\+ /.test(line)) return `line ${lineNo}: '+++' file header without a '---' line before it`;
  return `line ${lineNo}: expected a diff header ('diff --git a/<path> b/<path>' or '--- a/<path>'), found text: '${clip(line)}'; send only the unified diff, with no explanations around it`;
}

/** Path from a `---`/`+++` line's rest: quoted, or up to a tab (timestamps, git's space marker). */
function headerPath(rest: string, lineNo: number): string {
  if (rest.startsWith('"')) {
    const q = unquoteC(rest);
    if (!q) throw new DiffSyntaxError(`line ${lineNo}: unterminated or malformed quoted file name '${clip(rest)}'`);
    return q.value;
  }
  const tab = rest.indexOf('\t');
  return tab >= 0 ? rest.slice(0, tab) : rest;
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
}

const lineNo = (c: Cursor, i = c.i) => c.base + i;
const head = (c: Cursor, i = c.i) => (c.lines[i] ?? '').replace(/\r$/, '');

function readHunks(c: Cursor, file: PatchFile, name: string): void {
  while (c.i < c.lines.length && head(c).startsWith('@@')) {
    const at = lineNo(c);
    const m = HUNK_HEADER.exec(head(c));
    if (!m) throw new DiffSyntaxError(`line ${at}: malformed hunk header '${clip(head(c))}'; expected '@@ -<start>,<count> +<start>,<count> @@'`);
    const hunk: Hunk = {
      oldStart: Number(m[1]),
      oldLines: m[2] === undefined ? 1 : Number(m[2]),
      newStart: Number(m[3]),
      newLines: m[4] === undefined ? 1 : Number(m[4]),
      line: at,
      lines: [],
    };
    c.i++;
    let olds = 0;
    let news = 0;
    const counts = () =>
      `line ${at}: hunk header for ${name} says ${hunk.oldLines} old and ${hunk.newLines} new lines, body has ${olds} old and ${news} new lines`;
    while (olds < hunk.oldLines || news < hunk.newLines) {
      if (c.i >= c.lines.length) throw new DiffSyntaxError(`${counts()} before the diff ends; fix the counts in the header`);
      const raw = c.lines[c.i];
      const kind = raw === '' || raw === '\r' ? ' ' : raw[0];
      if (kind === ' ') {
        olds++;
        news++;
        hunk.lines.push(raw === '' || raw === '\r' ? ` ${raw}` : raw);
      } else if (kind === '-') {
        olds++;
        hunk.lines.push(raw);
        file.linesRemoved++;
      } else if (kind === '+') {
        news++;
        hunk.lines.push(raw);
        file.linesAdded++;
      } else if (kind === '\\' && hunk.lines.length > 0) {
        hunk.lines.push(raw);
      } else {
        throw new DiffSyntaxError(`${counts()} when line ${lineNo(c)} ('${clip(raw)}') interrupts it; fix the counts in the header`);
      }
      if (olds > hunk.oldLines || news > hunk.newLines) {
        throw new DiffSyntaxError(`${counts().replace(/, body has.*/, '')}, but the body has more ${olds > hunk.oldLines ? 'old' : 'new'} lines (line ${lineNo(c)}); fix the counts in the header`);
      }
      c.i++;
    }
    if (c.i < c.lines.length && c.lines[c.i].startsWith('\\')) hunk.lines.push(c.lines[c.i++]);
    // A body line right after the counted lines means the header undercounts.
    const next = c.lines[c.i];
    if (next !== undefined && /^[ +-]/.test(next) && !(next.startsWith('--- ') && (c.lines[c.i + 1] ?? '').startsWith('+++ '))) {
      throw new DiffSyntaxError(
        `line ${at}: hunk header for ${name} says ${hunk.oldLines} old and ${hunk.newLines} new lines, but the body goes on at line ${lineNo(c)} ('${clip(next)}'); fix the counts in the header`,
      );
    }
    file.hunks.push(hunk);
  }
}

function newFile(line: number): PatchFile {
  return { oldPath: null, newPath: null, operation: 'modify', oldMode: null, newMode: null, binary: false, hunks: [], linesAdded: 0, linesRemoved: 0, line, extraHeaders: [], binaryPayload: [] };
}

function readFileHeaders(c: Cursor): { old: string; new: string } {
  const oldLine = head(c);
  const at = lineNo(c);
  if (!head(c, c.i + 1).startsWith('+++ ')) throw new DiffSyntaxError(`line ${at + 1}: expected '+++ b/<path>' after '${clip(oldLine)}'`);
  const result = { old: headerPath(oldLine.slice(4), at), new: headerPath(head(c, c.i + 1).slice(4), at + 1) };
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
  const at = lineNo(c);
  const names = gitHeaderPaths(head(c).slice('diff --git '.length));
  const file = newFile(at);
  if (names) {
    file.oldPath = stripPrefix(names.a, 'a/');
    file.newPath = stripPrefix(names.b, 'b/');
  }
  const flags = { rename: false, copy: false, create: false, del: false };
  c.i++;
  for (; c.i < c.lines.length; c.i++) {
    const line = head(c);
    if (line === '' || /^(--- |@@|diff --git |GIT binary patch|Binary files )/.test(line)) break;
    const m = EXTENDED.exec(line);
    if (!m) throw new DiffSyntaxError(`line ${lineNo(c)}: unexpected line in the header of the diff starting at line ${at}: '${clip(line)}'`);
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
  const line = head(c);
  if (line.startsWith('GIT binary patch')) {
    file.binary = true;
    c.i++;
    while (c.i < c.lines.length && !head(c).startsWith('diff --git ')) file.binaryPayload.push(head(c)), c.i++;
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
      if (oldName !== null && oldName !== file.oldPath) throw new DiffSyntaxError(`line ${headerAt}: '--- ${clip(h.old)}' names a different file than the 'diff --git' header at line ${at} (${file.oldPath}); one section per file, with matching names`);
      if (newName !== null && newName !== file.newPath) throw new DiffSyntaxError(`line ${headerAt + 1}: '+++ ${clip(h.new)}' names a different file than the 'diff --git' header at line ${at} (${file.newPath}); one section per file, with matching names`);
    }
    file.oldPath = oldName;
    file.newPath = newName;
    if (file.oldPath === null) flags.create = true;
    if (file.newPath === null) flags.del = true;
    readHunks(c, file, file.newPath ?? file.oldPath ?? '?');
  } else if (line.startsWith('@@')) {
    throw new DiffSyntaxError(`line ${lineNo(c)}: hunk without '--- a/<path>' and '+++ b/<path>' lines after the 'diff --git' header at line ${at}`);
  }
  if (file.oldPath === null && file.newPath === null) throw new DiffSyntaxError(`line ${at}: cannot read the file names in '${clip(head(c, at - c.base))}'`);
  if (!names && (file.oldPath === null || file.newPath === null) && !flags.create && !flags.del) {
    throw new DiffSyntaxError(`line ${at}: cannot read the file names in the 'diff --git' header`);
  }
  const done = finish(file, flags);
  const isPlainModify = done.operation === 'modify' && done.hunks.length === 0 && !done.binary && done.oldMode === done.newMode;
  if (isPlainModify) throw new DiffSyntaxError(`line ${at}: the diff for ${done.newPath} has no hunks; send the changed lines as '@@' hunks`);
  return done;
}

function readPlainSection(c: Cursor): PatchFile {
  const at = lineNo(c);
  const h = readFileHeaders(c);
  const oldIsNull = h.old === '/dev/null';
  const newIsNull = h.new === '/dev/null';
  // Strip a/ b/ only when both sides use them (git's -p1); otherwise the names are literal.
  const prefixed = (oldIsNull || h.old.startsWith('a/')) && (newIsNull || h.new.startsWith('b/'));
  const clean = (p: string, prefix: 'a/' | 'b/') => (prefixed ? stripPrefix(p, prefix) : p);
  const file = newFile(at);
  file.newPath = newIsNull ? null : clean(h.new, 'b/');
  // A plain diff names one file: the new side (the old side is often a backup name).
  file.oldPath = oldIsNull ? null : newIsNull ? clean(h.old, 'a/') : file.newPath;
  if (file.oldPath === null && file.newPath === null) throw new DiffSyntaxError(`line ${at}: both file names are /dev/null`);
  readHunks(c, file, file.newPath ?? file.oldPath ?? '?');
  if (file.hunks.length === 0) throw new DiffSyntaxError(`line ${at}: the diff for ${file.newPath ?? file.oldPath} has no hunks; send the changed lines as '@@' hunks`);
  return finish(file, { rename: false, copy: false, create: false, del: false });
}

/** Reads every file section of a unified diff (git-style or plain). `firstLine` is the answer's line number of text's first line. */
export function readUnifiedDiff(text: string, firstLine = 1): PatchFile[] {
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const c: Cursor = { lines, i: 0, base: firstLine };
  const files: PatchFile[] = [];
  while (c.i < lines.length) {
    const line = head(c);
    if (line.trim() === '') c.i++;
    else if (line.startsWith('diff --git ')) files.push(readGitSection(c));
    else if (line.startsWith('--- ') && head(c, c.i + 1).startsWith('+++ ')) files.push(readPlainSection(c));
    else if (/^(Index: |={20,}$|diff -)/.test(line) && files.length >= 0 && /^(--- |Index: |={20,}|diff -)/.test(head(c, c.i + 1))) c.i++;
    else throw new DiffSyntaxError(describeStrayLine(lineNo(c), line));
  }
  return files;
}
