// OpenAI's apply_patch format (Codex CLI; recommended for GPT-4.1 and later):
//   *** Begin Patch / *** Update File: p [*** Move to: q] / @@ anchor / ' ' '-' '+' lines /
//   *** End of File / *** Add File: p ('+' lines) / *** Delete File: p / *** End Patch
// Chunks carry no line numbers: `@@ anchor` lines (outermost first) are hints that
// choose between equal matches. An empty line inside a chunk is a blank context line.
import { DiffSyntaxError, clip } from '../parse-diff.js';
import { AP_BEGIN, AP_END } from './fences.js';
import type { EditLine, FileChange, LineEdit, Normalisation } from './types.js';
import { plainFile } from './unified.js';

const OP = /^\*\*\* (Add|Delete|Update) File:\s*(.+?)\s*$/;
const MOVE = /^\*\*\* Move to:\s*(.+?)\s*$/;
const EOF_MARK = /^\*\*\* End of File\s*$/;

interface Chunk {
  anchors: string[];
  lines: EditLine[];
  eof: boolean;
  at: number;
  trailing: number;
}

function toEdit(chunk: Chunk, index: number): LineEdit {
  return {
    kind: 'lines',
    lines: chunk.lines,
    line: null,
    anchors: chunk.anchors,
    eof: chunk.eof,
    appendWhenBare: true,
    prefixed: true,
    oldNoNewline: false,
    newNoNewline: false,
    trailingBlanks: chunk.trailing,
    label: `chunk ${index + 1} (answer line ${chunk.at})`,
  };
}

/** Reads an apply_patch envelope from `lines` (no '\r'); `firstLine` is the answer line of lines[0]. */
export function readApplyPatch(lines: string[], firstLine: number, notes: Normalisation[]): FileChange[] {
  const n = (i: number) => firstLine + i;
  let i = lines.findIndex((l) => AP_BEGIN.test(l));
  if (i < 0) throw new DiffSyntaxError(`line ${firstLine}: an apply_patch answer starts with '*** Begin Patch'`);
  i++;
  const changes: FileChange[] = [];
  const seen = new Map<string, number>();
  const updates = new Map<string, FileChange>();
  let ended = false;
  const claim = (path: string, at: number) => {
    const prior = seen.get(path);
    if (prior !== undefined) throw new DiffSyntaxError(`line ${at}: the patch touches ${path} twice (lines ${prior} and ${at}); send one section per file`);
    seen.set(path, at);
  };
  while (i < lines.length) {
    const line = lines[i];
    if (AP_END.test(line)) {
      ended = true;
      i++;
      break;
    }
    if (line.trim() === '') {
      i++;
      continue;
    }
    const m = OP.exec(line);
    if (!m) throw new DiffSyntaxError(`line ${n(i)}: expected '*** Update File:', '*** Add File:', '*** Delete File:' or '*** End Patch', found '${clip(line)}'`);
    const [, kind, rawPath] = m;
    const path = rawPath.replace(/^\.\//, '');
    const at = n(i);
    // A second '*** Update File:' for a file already updated (no move): its chunks join the first's, as a diff's sections do.
    const mergeInto = kind === 'Update' && !MOVE.test(lines[i + 1] ?? '') ? updates.get(path) : undefined;
    if (!mergeInto) claim(path, at);
    i++;
    if (kind === 'Delete') {
      changes.push({ file: plainFile(path, 'delete', at), edits: [], content: null, createOnly: false });
      continue;
    }
    if (kind === 'Add') {
      const body: string[] = [];
      while (i < lines.length && !lines[i].startsWith('*** ')) {
        const l = lines[i];
        if (l.startsWith('+')) body.push(l.slice(1));
        else if (l === '') body.push('');
        else throw new DiffSyntaxError(`line ${n(i)}: every line of an added file starts with '+', found '${clip(l)}' in ${path}`);
        i++;
      }
      while (body.length && body[body.length - 1] === '' && lines[i - 1] === '') body.pop();
      const file = plainFile(path, 'create', at);
      file.linesAdded = body.length;
      changes.push({ file, edits: [], content: body.length ? `${body.join('\n')}\n` : '', createOnly: true });
      continue;
    }
    let moveTo: string | null = null;
    const mv = MOVE.exec(lines[i] ?? '');
    if (mv) {
      moveTo = mv[1].replace(/^\.\//, '');
      claim(moveTo, n(i));
      i++;
    }
    const chunks: Chunk[] = [];
    let current: Chunk | null = null;
    const close = () => {
      if (current && current.lines.length) {
        // Empty lines before the next chunk or file are separators or blank context: the locator decides.
        const isBlank = (l: EditLine | undefined) => l !== undefined && (l as { blank?: boolean }).blank === true;
        while (isBlank(current.lines[current.lines.length - 1])) {
          current.lines.pop();
          current.trailing++;
        }
        chunks.push(current);
      }
      current = null;
    };
    while (i < lines.length) {
      const l = lines[i];
      if (l.startsWith('*** ') && !EOF_MARK.test(l)) break;
      if (EOF_MARK.test(l)) {
        if (!current) throw new DiffSyntaxError(`line ${n(i)}: '*** End of File' must end a chunk of ${path}`);
        (current as Chunk).eof = true;
        close();
      } else if (l.startsWith('@@')) {
        const anchor = l.slice(2).trim();
        if (current && (current as Chunk).lines.length) close();
        if (!current) current = { anchors: [], lines: [], eof: false, at: n(i), trailing: 0 };
        if (anchor) (current as Chunk).anchors.push(anchor);
      } else if (l === '' || l[0] === ' ' || l[0] === '-' || l[0] === '+') {
        if (!current) current = { anchors: [], lines: [], eof: false, at: n(i), trailing: 0 };
        const line: EditLine & { blank?: boolean } = l === '' ? { op: ' ', text: '', at: n(i), blank: true } : { op: l[0] as EditLine['op'], text: l.slice(1), at: n(i) };
        (current as Chunk).lines.push(line);
      } else {
        throw new DiffSyntaxError(`line ${n(i)}: a line in the chunk for ${path} must start with ' ', '-' or '+', found '${clip(l)}'`);
      }
      i++;
    }
    close();
    const blankReads = chunks.flatMap((c) => c.lines).filter((l) => (l as { blank?: boolean }).blank).length;
    if (blankReads) notes.push({ kind: 'blank_lines', detail: `${blankReads} empty line${blankReads === 1 ? '' : 's'} in the chunks for ${path} read as blank context`, path });
    const file = plainFile(path, moveTo && moveTo !== path ? 'rename' : 'modify', at, moveTo ?? undefined);
    if (file.operation === 'modify' && chunks.length === 0) throw new DiffSyntaxError(`line ${at}: '*** Update File: ${path}' has no chunks; send the changed lines with ' ', '-' and '+' prefixes`);
    for (const c of chunks) for (const l of c.lines) {
      delete (l as { blank?: boolean }).blank;
      if (l.op === '+') file.linesAdded++;
      if (l.op === '-') file.linesRemoved++;
    }
    if (mergeInto) {
      const offset = mergeInto.edits.length;
      mergeInto.edits.push(...chunks.map((c, k) => toEdit(c, offset + k)));
      mergeInto.file.linesAdded += file.linesAdded;
      mergeInto.file.linesRemoved += file.linesRemoved;
      notes.push({ kind: 'merged_sections', detail: `the '*** Update File: ${path}' sections at answer lines ${mergeInto.file.line} and ${at} merged into one`, path });
      continue;
    }
    const change: FileChange = { file, edits: chunks.map(toEdit), content: null, createOnly: false };
    changes.push(change);
    if (file.operation === 'modify') updates.set(path, change);
  }
  if (!ended) notes.push({ kind: 'envelope', detail: "the patch has no '*** End Patch' line; read to the end of the answer" });
  const rest = lines.slice(i).findIndex((l) => l.trim() !== '');
  if (rest >= 0) throw new DiffSyntaxError(`line ${n(i + rest)}: text after '*** End Patch' inside the patch: '${clip(lines[i + rest])}'`);
  if (changes.length === 0) throw new DiffSyntaxError(`line ${firstLine}: the apply_patch envelope holds no file operations`);
  return changes;
}
