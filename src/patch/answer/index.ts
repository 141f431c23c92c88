// Reading a model's answer: find the one patch in it (one fenced block, or one unfenced
// patch, or a set of SEARCH/REPLACE blocks), keep the prose around it as the note, and
// read it — whatever its format — into file changes. Refused, with a reason precise
// enough to send back: no patch, two patches, a shell block next to the patch, a format
// the policy does not accept, a malformed patch, lazy elision. Never throws.
import { DiffSyntaxError, clip, describeStrayLine, readUnifiedDiff } from '../parse-diff.js';
import { readApplyPatch } from './apply-patch.js';
import { findElision } from './elision.js';
import { AP_BEGIN, AP_END, SHELL_LINE, SR_START, classifyBlock, diffStartAt, findBlocks, heredocEnvelope, jsonPatchKind, type Block } from './fences.js';
import { readJsonPatch } from './json.js';
import { pathOfLine, readSearchReplace } from './search-replace.js';
import { ANSWER_FORMATS, FORMAT_NAMES, type AnswerFormat, type FileChange, type Normalisation, type ReadResult } from './types.js';
import { diffChanges } from './unified.js';

export * from './types.js';

export interface ReadOptions {
  /** Formats the role accepts (policy `answers.accept`); default all four. */
  accept?: readonly AnswerFormat[];
}

const refuse = (reason: string): ReadResult => ({ ok: false, refusal: { check: 'contract', reason } });
const SEND = 'send exactly one patch';
const DIFF_LIKE = /^([-+](\s{2,}|[^\s-+*])|@@)/;

interface Span {
  format: AnswerFormat;
  /** First and last+1 line indexes of the patch text in the answer. */
  from: number;
  to: number;
  envelope: boolean;
}

/** Where a JSON object starting at lines[i] ends (balanced braces, strings respected), or -1. */
function jsonEnd(lines: string[], i: number): number {
  let depth = 0;
  let inString = false;
  for (let k = i; k < lines.length; k++) {
    const l = lines[k];
    for (let c = 0; c < l.length; c++) {
      const ch = l[c];
      if (inString) {
        if (ch === '\\') c++;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) return k + 1;
      }
    }
  }
  return -1;
}

/** The first unfenced patch among lines[from, to), or null. Diff spans end where the reader stops. */
function findUnfenced(lines: string[], from: number, to: number): Span | null {
  for (let i = from; i < to; i++) {
    const l = lines[i];
    if (AP_BEGIN.test(l)) {
      let end = lines.slice(i, to).findIndex((x) => AP_END.test(x));
      end = end < 0 ? to : i + end + 1;
      const envelope = i > from && /^\s*(%%bash\s*)?apply_patch\s+<</.test(lines[i - 1]);
      if (envelope && end < to && /^\s*['"]?(EOF|PATCH)['"]?\s*$/.test(lines[end])) return { format: 'apply_patch', from: i - 1, to: end + 1, envelope };
      return { format: 'apply_patch', from: i, to: end, envelope: false };
    }
    if (/^[{[]/.test(l)) {
      const end = jsonEnd(lines, i);
      const text = lines.slice(i, end < 0 ? to : Math.min(end, to)).join('\n');
      if (jsonPatchKind(text)) return { format: 'json_patch', from: i, to: end < 0 ? to : Math.min(end, to), envelope: false };
    }
    if (diffStartAt(lines, i) && i < to) {
      const read = readUnifiedDiff(lines.slice(i, to), i + 1, { proseAfter: true });
      return { format: 'unified_diff', from: i, to: i + Math.max(read.end, 1), envelope: false };
    }
  }
  return null;
}

function noteOf(lines: string[], keep: (i: number) => boolean): string {
  return lines.filter((_, i) => keep(i)).join('\n').replace(/^\s*\n|\s+$/g, '').trim();
}

/** The first line of a note that is a command to run, or -1. */
const shellLineIn = (lines: string[], idx: number[]) => idx.find((i) => SHELL_LINE.test(lines[i])) ?? -1;

function readBody(format: AnswerFormat, body: string[], firstLine: number, notes: Normalisation[], pathHint: string | null): { changes: FileChange[]; summary: string; rest: number } {
  if (format === 'apply_patch') return { changes: readApplyPatch(body, firstLine, notes), summary: '', rest: body.length };
  if (format === 'json_patch') {
    const r = readJsonPatch(body.join('\n'), firstLine);
    return { ...r, rest: body.length };
  }
  const read = readUnifiedDiff(body, firstLine, { proseAfter: true, pathHint });
  notes.push(...read.notes);
  if (read.files.length === 0) {
    const first = body.findIndex((l) => l.trim() !== '');
    const firstText = body[first] ?? '';
    if (firstText.startsWith('--- ')) throw new DiffSyntaxError(`line ${firstLine + first}: '${clip(firstText)}' has no '+++ b/<path>' line after it`);
    throw new DiffSyntaxError(describeStrayLine(firstLine + Math.max(first, 0), firstText));
  }
  return { changes: diffChanges(read.files, notes), summary: '', rest: read.end };
}

function readUnsafe(text: string, options: ReadOptions): ReadResult {
  const notes: Normalisation[] = [];
  let source = text.replace(/^\uFEFF/, '');
  if (source.includes('\r')) {
    if (source.includes('\r\n')) notes.push({ kind: 'crlf', detail: "the answer's CRLF line endings read as LF (files keep their own line endings)" });
    source = source.replace(/\r(?=\n|$)/g, '').replace(/\r/g, '');
  }
  if (source.trim() === '') return refuse(`the answer is empty; ${SEND}`);
  const lines = source.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const { blocks, unclosed } = findBlocks(lines);
  if (unclosed !== null) return refuse(`line ${unclosed + 1}: the fenced code block is never closed; ${SEND}, in one closed block`);
  const inBlock = new Set<number>();
  for (const b of blocks) for (let i = b.open; i <= b.close; i++) inBlock.add(i);
  const kinds = blocks.map((b) => ({ block: b, kind: classifyBlock(b) }));
  const shell = kinds.filter((k) => k.kind.kind === 'shell').map((k) => k.block);
  const shellRefusal = (b: Block) => refuse(`line ${b.open + 1}: the answer contains a ${b.lang || 'shell'} block ('${clip(b.body.find((l) => l.trim()) ?? '', 40)}'); pipe never runs commands from a model — send the change itself as one patch, with no commands`);

  // SEARCH/REPLACE: the blocks are the patch, fenced one by one or not at all.
  const srLines = lines.map((l, i) => (SR_START.test(l) ? i : -1)).filter((i) => i >= 0);
  const otherPatches = kinds.filter((k) => k.kind.kind === 'patch' && k.kind.format !== 'search_replace');
  if (srLines.length) {
    if (otherPatches.length) {
      const b = otherPatches[0];
      return refuse(`the answer holds two patches: SEARCH/REPLACE blocks (line ${srLines[0] + 1}) and a ${FORMAT_NAMES[(b.kind as { format: AnswerFormat }).format]} (line ${b.block.open + 1}); ${SEND}, in one format`);
    }
    const outside = findUnfenced(lines, 0, lines.length);
    if (outside && outside.format !== 'json_patch' && !inBlock.has(outside.from)) {
      return refuse(`the answer holds two patches: SEARCH/REPLACE blocks (line ${srLines[0] + 1}) and a ${FORMAT_NAMES[outside.format]} (line ${outside.from + 1}); ${SEND}, in one format`);
    }
    if (shell.length) return shellRefusal(shell[0]);
    return finish('search_replace', options, notes, () => {
      const read = readSearchReplace(lines, 1, notes);
      const note = noteOf(lines, (i) => !read.used.has(i));
      return { changes: read.changes, note };
    });
  }

  const patchBlocks = kinds.filter((k) => k.kind.kind === 'patch');
  if (patchBlocks.length > 1) {
    return refuse(`the answer contains ${patchBlocks.length} fenced code blocks that hold patch text (lines ${patchBlocks.map((k) => k.block.open + 1).join(', ')}); ${SEND}, in one block`);
  }
  const outsideIdx = lines.map((_, i) => i).filter((i) => !inBlock.has(i));
  if (patchBlocks.length === 1) {
    const { block, kind } = patchBlocks[0];
    const format = (kind as { format: AnswerFormat }).format;
    // Unfenced patch text outside the block is a second patch.
    for (const i of outsideIdx) {
      if (diffStartAt(lines, i) || AP_BEGIN.test(lines[i]) || /^@@ -\d/.test(lines[i])) {
        return refuse(`the answer holds two patches: the fenced block at line ${block.open + 1} and patch text outside it at line ${i + 1}; ${SEND}`);
      }
    }
    if (shell.length) return shellRefusal(shell[0]);
    const shellAt = shellLineIn(lines, outsideIdx);
    if (shellAt >= 0) return refuse(describeStrayLine(shellAt + 1, lines[shellAt]));
    let body = block.body;
    let firstLine = block.open + 2;
    const env = (kind as { envelope: boolean }).envelope ? heredocEnvelope(body) : null;
    if (env) {
      notes.push({ kind: 'envelope', detail: "the 'apply_patch <<EOF' wrapper around the patch removed" });
      body = body.slice(env.from + 1, env.to);
      firstLine += env.from + 1;
    }
    let before = block.open - 1;
    while (before >= 0 && lines[before].trim() === '') before--;
    const pathHint = before >= 0 ? pathOfLine(lines[before]) : null;
    return finish(format, options, notes, () => {
      const read = readBody(format, body, firstLine, notes, pathHint);
      const rest = body.slice(read.rest);
      const stray = rest.findIndex((l) => l.trim() !== '');
      if (stray >= 0) throw new DiffSyntaxError(`line ${firstLine + read.rest + stray}: text inside the patch block after the patch ('${clip(rest[stray])}'); put explanations outside the block`);
      const keep = new Set(outsideIdx);
      return { changes: read.changes, note: [noteOf(lines, (i) => keep.has(i) || (inBlock.has(i) && !(i >= block.open && i <= block.close))), read.summary].filter(Boolean).join('\n\n') };
    });
  }

  // No fenced patch: one unfenced patch in the text between blocks, or none at all.
  const span = findUnfenced(lines, 0, lines.length);
  if (!span || inBlock.has(span.from)) {
    if (shell.length) return shellRefusal(shell[0]);
    const shellAt = shellLineIn(lines, outsideIdx);
    if (shellAt >= 0) return refuse(describeStrayLine(shellAt + 1, lines[shellAt]));
    const empty = blocks.find((b) => b.body.every((l) => l.trim() === '') && /^(diff|patch|udiff|json|)$/.test(b.lang));
    if (empty) return refuse(`line ${empty.open + 1}: the fenced block is empty; ${SEND}`);
    const minus = outsideIdx.find((i) => lines[i].startsWith('--- ') && !/^-{3,}\s*$/.test(lines[i]));
    const hunk = outsideIdx.find((i) => /^@@/.test(lines[i]));
    if (minus !== undefined && (hunk === undefined || minus < hunk)) return refuse(`line ${minus + 1}: '${clip(lines[minus])}' has no '+++ b/<path>' line after it`);
    if (hunk !== undefined) return refuse(describeStrayLine(hunk + 1, lines[hunk]));
    const first = outsideIdx.find((i) => lines[i].trim() !== '') ?? 0;
    return refuse(`the answer contains no patch (line ${first + 1} is text: '${clip(lines[first])}'); ${SEND}: a unified diff, a JSON patch, an apply_patch envelope or SEARCH/REPLACE blocks`);
  }
  const again = findUnfenced(lines, span.to, lines.length);
  if (again && !inBlock.has(again.from)) return refuse(`the answer holds two patches (lines ${span.from + 1} and ${again.from + 1}); ${SEND}`);
  if (shell.length) return shellRefusal(shell[0]);
  const noteIdx = lines.map((_, i) => i).filter((i) => (i < span.from || i >= span.to) && !inBlock.has(i));
  const shellAt = shellLineIn(lines, noteIdx);
  if (shellAt >= 0) return refuse(describeStrayLine(shellAt + 1, lines[shellAt]));
  const diffLike = noteIdx.find((i) => i >= span.to && DIFF_LIKE.test(lines[i]));
  if (diffLike !== undefined) return refuse(`line ${diffLike + 1}: a diff line after the end of the patch at line ${span.to} ('${clip(lines[diffLike])}'); the patch is interrupted — ${SEND}, in one piece`);
  return finish(span.format, options, notes, () => {
    let body = lines.slice(span.from, span.to);
    let firstLine = span.from + 1;
    if (span.envelope) {
      notes.push({ kind: 'envelope', detail: "the 'apply_patch <<EOF' wrapper around the patch removed" });
      body = body.slice(1, -1);
      firstLine++;
    }
    const read = readBody(span.format, body, firstLine, notes, null);
    const keep = new Set(noteIdx);
    return { changes: read.changes, note: [noteOf(lines, (i) => keep.has(i) || inBlock.has(i)), read.summary].filter(Boolean).join('\n\n') };
  });
}

function finish(format: AnswerFormat, options: ReadOptions, notes: Normalisation[], read: () => { changes: FileChange[]; note: string }): ReadResult {
  const accept = options.accept ?? ANSWER_FORMATS;
  if (!accept.includes(format)) {
    return refuse(`the answer is ${FORMAT_NAMES[format]}, which this role does not accept (policy answers.accept: ${accept.join(', ')}); send a ${FORMAT_NAMES[accept[0]]} instead`);
  }
  let result: { changes: FileChange[]; note: string };
  try {
    result = read();
  } catch (err) {
    if (err instanceof DiffSyntaxError) return refuse(`${err.message}; ${SEND}`);
    throw err;
  }
  if (result.changes.length === 0) return refuse(`the answer's ${FORMAT_NAMES[format]} changes no file; ${SEND}`);
  const elision = findElision(result.changes);
  if (elision) return { ok: false, refusal: elision };
  const normalisations: Normalisation[] = [];
  if (result.note) normalisations.push({ kind: 'note', detail: `prose around the patch kept as the note (${result.note.split('\n').length} line${result.note.includes('\n') ? 's' : ''})` });
  if (format !== 'unified_diff') normalisations.push({ kind: 'format', detail: `converted from ${FORMAT_NAMES[format]} to a git diff` });
  normalisations.push(...notes);
  return { ok: true, answer: { format, changes: result.changes, note: result.note, normalisations, bytes: 0 } };
}

/** Reads a model's answer into file changes, or says precisely why it cannot. Never throws. */
export function readAnswer(text: string, options: ReadOptions = {}): ReadResult {
  try {
    const r = readUnsafe(text, options);
    if (r.ok) r.answer.bytes = Buffer.byteLength(text);
    return r;
  } catch (err) {
    if (err instanceof DiffSyntaxError) return refuse(`${err.message}; ${SEND}`);
    return refuse(`the answer could not be read as a patch (${(err as Error).message}); ${SEND}`);
  }
}
