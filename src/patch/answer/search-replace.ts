// SEARCH/REPLACE blocks (aider's edit format): a path line, `<<<<<<< SEARCH`, the exact
// old lines, `=======`, the new lines, `>>>>>>> REPLACE`. The path line may sit before
// the block's fence or inside it as its first line; a block without one continues the
// file of the block before. An empty SEARCH creates a file that must not exist yet.
import { DiffSyntaxError, clip } from '../parse-diff.js';
import { SR_DIVIDER, SR_END, SR_START } from './fences.js';
import { lineOps } from './line-ops.js';
import type { FileChange, LineEdit, Normalisation } from './types.js';
import { plainFile } from './unified.js';

const FENCE = /^\s{0,12}(`{3,}|~{3,})/;
const PATH_TOKEN = /^[\w.@+~-][\w.@+~\-/]*$/;

/** The path a line names ("src/app.py", "**src/app.py**", "File: `src/app.py`", "### src/app.py:"), or null. */
export function pathOfLine(line: string): string | null {
  let t = line.trim();
  if (!t || t.length > 200) return null;
  const ticks = [...t.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]);
  if (ticks.length === 1 && t.length < 100 && (ticks[0].includes('/') || /\.\w+$/.test(ticks[0]))) t = ticks[0];
  t = t
    .replace(/^#+\s*/, '')
    .replace(/^[-*]\s+/, '')
    .replace(/^(file(name)?|path)\s*:\s*/i, '')
    .replace(/^[*_`"']+|[*_`"':]+$/g, '')
    .trim();
  if (!PATH_TOKEN.test(t)) return null;
  if (!t.includes('/') && !/\.\w{1,10}$/.test(t) && !/^(Makefile|Dockerfile|Gemfile|Rakefile|LICENSE|README)$/.test(t)) return null;
  return t.replace(/^\.\//, '');
}

export interface SearchReplaceRead {
  changes: FileChange[];
  /** Answer line indexes (0-based) the blocks and their path lines and fences use; the rest is the note. */
  used: Set<number>;
}

/** Finds the path for the block starting at `start`: inside its fence, before its fence, or none. */
function pathFor(lines: string[], start: number, used: Set<number>): string | null {
  const before = start - 1;
  if (before >= 0 && !FENCE.test(lines[before])) {
    const p = pathOfLine(lines[before]);
    if (p) {
      used.add(before);
      if (before - 1 >= 0 && FENCE.test(lines[before - 1])) used.add(before - 1);
      return p;
    }
    return null;
  }
  if (before >= 0 && FENCE.test(lines[before])) {
    used.add(before);
    for (let k = before - 1; k >= Math.max(0, before - 3); k--) {
      if (lines[k].trim() === '') continue;
      const p = pathOfLine(lines[k]);
      if (p) used.add(k);
      return p;
    }
  }
  return null;
}

export function readSearchReplace(lines: string[], firstLine: number, notes: Normalisation[]): SearchReplaceRead {
  const used = new Set<number>();
  const byPath = new Map<string, FileChange>();
  const order: FileChange[] = [];
  let lastPath: string | null = null;
  let i = 0;
  let blockNo = 0;
  while (i < lines.length) {
    if (!SR_START.test(lines[i])) {
      if (SR_DIVIDER.test(lines[i]) && /^\s*>{5,}/.test(lines.slice(i + 1).find((l) => SR_END.test(l) || SR_START.test(l)) ?? '')) {
        throw new DiffSyntaxError(`line ${firstLine + i}: '=======' without '<<<<<<< SEARCH' before it`);
      }
      i++;
      continue;
    }
    const at = firstLine + i;
    blockNo++;
    let path = pathFor(lines, i, used);
    if (!path) {
      if (!lastPath) throw new DiffSyntaxError(`line ${at}: the SEARCH/REPLACE block has no file path; put the path on the line before the block (or its fence)`);
      path = lastPath;
      notes.push({ kind: 'path', detail: `block ${blockNo} (answer line ${at}) names no file; it continues ${path}`, path });
    }
    lastPath = path;
    used.add(i);
    const search: string[] = [];
    const replace: string[] = [];
    const searchAt: number[] = [];
    const replaceAt: number[] = [];
    let k = i + 1;
    for (; k < lines.length && !SR_DIVIDER.test(lines[k]); k++) {
      searchAt.push(firstLine + k);
      if (SR_START.test(lines[k]) || SR_END.test(lines[k])) throw new DiffSyntaxError(`line ${firstLine + k}: '${clip(lines[k])}' inside the SEARCH part of the block at line ${at}; expected '======='`);
      search.push(lines[k]);
    }
    if (k >= lines.length) throw new DiffSyntaxError(`line ${at}: the SEARCH/REPLACE block is never divided by '======='`);
    used.add(k);
    for (k++; k < lines.length && !SR_END.test(lines[k]); k++) {
      replaceAt.push(firstLine + k);
      if (SR_START.test(lines[k]) || SR_DIVIDER.test(lines[k])) throw new DiffSyntaxError(`line ${firstLine + k}: '${clip(lines[k])}' inside the REPLACE part of the block at line ${at}; expected '>>>>>>> REPLACE'`);
      replace.push(lines[k]);
    }
    if (k >= lines.length) throw new DiffSyntaxError(`line ${at}: the SEARCH/REPLACE block is never closed by '>>>>>>> REPLACE'`);
    for (let u = i + 1; u <= k; u++) used.add(u);
    if (k + 1 < lines.length && FENCE.test(lines[k + 1])) used.add(k + 1);
    i = k + 1;

    const empty = search.every((l) => l.trim() === '');
    let change = byPath.get(path);
    if (empty) {
      if (change) throw new DiffSyntaxError(`line ${at}: an empty SEARCH creates ${path}, but another block also edits it; send the new file in one block`);
      const file = plainFile(path, 'create', at);
      file.linesAdded = replace.length;
      change = { file, edits: [], content: replace.length ? `${replace.join('\n')}\n` : '', createOnly: true };
      byPath.set(path, change);
      order.push(change);
      continue;
    }
    if (change?.createOnly) throw new DiffSyntaxError(`line ${at}: ${path} is created by an empty SEARCH block and edited by another; send the new file in one block`);
    if (!change) {
      change = { file: plainFile(path, 'modify', at), edits: [], content: null, createOnly: false };
      byPath.set(path, change);
      order.push(change);
    }
    const ops = lineOps(search, replace, searchAt, replaceAt);
    const edit: LineEdit = {
      kind: 'lines',
      lines: ops,
      line: null,
      anchors: [],
      eof: false,
      appendWhenBare: false,
      prefixed: false,
      oldNoNewline: false,
      newNoNewline: false,
      trailingBlanks: 0,
      label: `block ${blockNo} (answer line ${at})`,
    };
    change.edits.push(edit);
    change.file.linesAdded += ops.filter((o) => o.op === '+').length;
    change.file.linesRemoved += ops.filter((o) => o.op === '-').length;
  }
  return { changes: order, used };
}
