// YAML with source positions. Every document pipe reads comes through here, so every
// later error (schema, semantic, expression) can point at a line and column. Input
// problems (syntax, duplicate keys, tabs, alias bombs, size, encoding) are refused here,
// before any schema check, as PipeErrors carrying positioned diagnostics.
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LineCounter, parseDocument, isAlias, isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import { PipeError, type Diagnostic } from '../errors.js';

export const MAX_YAML_BYTES = 1024 * 1024;
/** Alias expansions allowed per document; far above honest use, far below a "billion laughs". */
export const MAX_ALIAS_COUNT = 100;

export interface Position {
  line: number;
  column: number;
  /** Characters to underline, on the first line. */
  length: number;
}

export interface LoadedYaml {
  file: string;
  text: string;
  /** The document as plain JS (objects, arrays, scalars). */
  data: unknown;
  /** Position of the value at a JSON pointer (the nearest existing ancestor when absent). */
  locate(pointer: string): Position;
  /** Position of the key of the member at a pointer (for unknown-key errors); the value's when it has no key. */
  locateKey(pointer: string): Position;
  /** Whether the pointer names a node in the source. */
  has(pointer: string): boolean;
  /** The text of a 1-based line, without its line break. */
  sourceLine(line: number): string;
  /** A diagnostic at a pointer, with the source line for the caret. */
  diagnostic(pointer: string, message: string, kind: string, options?: { atKey?: boolean; offset?: number }): Diagnostic;
}

interface Ranges {
  value: [number, number];
  key?: [number, number];
}

export function escapePointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function parentPointer(pointer: string): string {
  const i = pointer.lastIndexOf('/');
  return i <= 0 ? '' : pointer.slice(0, i);
}

function fileDiagnostic(file: string, message: string, line = 1, column = 1): Diagnostic {
  return { file, line, column, message, pointer: '', kind: 'file' };
}

function fileError(file: string, message: string, hint?: string, line?: number, column?: number): PipeError {
  return new PipeError('E_FILE', `${file}: ${message}`, { diagnostics: [fileDiagnostic(file, message, line, column)], hint });
}

/** Byte offset of the first invalid UTF-8 sequence (the decoder only says "invalid"). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const need = b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return bytes.length;
}

function decodeUtf8(file: string, bytes: Uint8Array): string {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    const at = firstInvalidUtf8(bytes);
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, at));
    const lines = before.split('\n');
    const line = lines.length;
    const column = lines[lines.length - 1].length + 1;
    const byte = at < bytes.length ? `0x${bytes[at].toString(16).padStart(2, '0')}` : 'end of file';
    throw fileError(file, `not valid UTF-8 (byte ${byte} at line ${line}, column ${column})`, 'save the file as UTF-8', line, column);
  }
}

/**
 * Reads and parses a YAML file; throws PipeError E_FILE / E_YAML with positioned diagnostics.
 * `display` is the name used in messages (default: `file` as given). Parses are reused
 * within the process while the file is unchanged, so the returned `data` is deep-frozen:
 * clone it before changing it.
 */
export async function loadYamlFile(path: string, display: string = path): Promise<LoadedYaml> {
  const file = display;
  let size: number;
  let cacheKey: string;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw fileError(file, 'is a directory, not a YAML file', 'name a .yaml file');
    size = st.size;
    cacheKey = `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
  } catch (err) {
    if (err instanceof PipeError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw fileError(file, 'file not found', 'check the path');
    throw fileError(file, `cannot read file (${code ?? String(err)})`);
  }
  if (size > MAX_YAML_BYTES) {
    throw fileError(file, `file is ${size} bytes; pipe reads YAML files of at most ${MAX_YAML_BYTES} bytes (1 MiB)`, 'split the document or remove generated content');
  }
  const abs = resolve(path);
  const hit = cachedView(abs, cacheKey, file);
  if (hit) return hit;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw fileError(file, `cannot read file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (bytes.length > MAX_YAML_BYTES) throw fileError(file, `file is ${bytes.length} bytes; pipe reads YAML files of at most ${MAX_YAML_BYTES} bytes (1 MiB)`);
  const loaded = parseYamlText(decodeUtf8(file, bytes), file);
  deepFreeze(loaded.data);
  remember(abs, { key: cacheKey, views: new Map([[file, loaded]]) });
  return loaded;
}

// ------------------------------------------------------------- per-process cache
// One command reads the same files several times (a pipeline and the parent it extends,
// the default policy for every task), and parsing is the dearest part of a check. A
// parse is reused while the file's inode, size, mtime and ctime stay the same; only
// documents that parsed are kept. The data is deep-frozen because every caller shares it:
// loaders that hand documents out (tasks, configs, resolved steps) clone it first.

interface CacheEntry {
  key: string;
  /** The parse under each display name it was asked for (diagnostics carry the name). */
  views: Map<string, LoadedYaml>;
}

const MAX_CACHED_FILES = 64;
const parsed = new Map<string, CacheEntry>();

function remember(path: string, entry: CacheEntry): void {
  parsed.delete(path);
  parsed.set(path, entry);
  if (parsed.size > MAX_CACHED_FILES) parsed.delete(parsed.keys().next().value as string);
}

function cachedView(path: string, key: string, file: string): LoadedYaml | undefined {
  const entry = parsed.get(path);
  if (!entry || entry.key !== key) return undefined;
  let view = entry.views.get(file);
  if (!view) {
    const base = entry.views.values().next().value as LoadedYaml;
    view = {
      ...base,
      file,
      diagnostic: (pointer, message, kind, options) => ({ ...base.diagnostic(pointer, message, kind, options), file }),
    };
    entry.views.set(file, view);
  }
  return view;
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}

function yamlMessage(code: string, message: string, text: string, pos: [number, number]): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return `duplicate key '${/^(?:"[^"\n]*"|'[^'\n]*'|[^:\n]*?)(?=\s*:|\s*$)/m.exec(text.slice(pos[0]))?.[0].trim().replace(/^["']|["']$/g, '') || '?'}'`;
    case 'TAB_AS_INDENT':
      return 'tab character used for indentation; YAML allows only spaces';
    case 'MULTIPLE_DOCS':
      return 'more than one YAML document in the file; pipe reads one document per file';
    default:
      return message.split('\n')[0].replace(/\s+at line \d+, column \d+:?$/, '');
  }
}

/** Parses YAML text; `file` is used in messages only. */
export function parseYamlText(text: string, file: string): LoadedYaml {
  if (Buffer.byteLength(text, 'utf8') > MAX_YAML_BYTES) {
    throw fileError(file, `document is larger than ${MAX_YAML_BYTES} bytes (1 MiB)`);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, keepSourceTokens: false });
  let lines: string[] | undefined;
  const sourceLine = (line: number): string => {
    lines ??= text.split('\n');
    return (lines[line - 1] ?? '').replace(/\r$/, '');
  };
  const at = (offset: number): { line: number; col: number } => lineCounter.linePos(Math.min(offset, text.length));
  const diag = (offset: number, endOffset: number, message: string, kind: string, pointer: string): Diagnostic => {
    const { line, col } = at(offset);
    const src = sourceLine(line);
    const length = Math.max(1, Math.min(endOffset - offset, src.length - (col - 1)));
    return { file, line, column: col, message, pointer, kind, sourceLine: src, length };
  };

  if (doc.errors.length) {
    const diagnostics = doc.errors.map((e) => {
      let start = e.pos[0];
      // An unclosed flow collection is reported where the closer was expected: the start of
      // the next line. The end of the line that lacks it is where people look.
      if (/end with a [\]}]/.test(e.message) && start > 0 && text[start - 1] === '\n') {
        start -= 1;
        while (start > 0 && /[\s]/.test(text[start - 1])) start -= 1;
      }
      return diag(start, Math.max(start + 1, e.pos[1]), yamlMessage(e.code, e.message, text, e.pos), 'yaml', '');
    });
    throw new PipeError('E_YAML', `${file}: invalid YAML (${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'})`, {
      diagnostics: sortDiagnostics(diagnostics),
    });
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const msg = String((err as Error).message ?? err);
    const firstAlias = text.search(/\*[^\s,\]}]/);
    const offset = firstAlias >= 0 ? firstAlias : 0;
    const message = /alias count|resource exhaustion/i.test(msg)
      ? `aliases expand to too many nodes (more than ${MAX_ALIAS_COUNT} alias expansions); refusing a possible YAML alias bomb ("billion laughs")`
      : `cannot convert YAML to data: ${msg.split('\n')[0]}`;
    throw new PipeError('E_YAML', `${file}: ${message}`, { diagnostics: [diag(offset, offset + 1, message, 'yaml', '')] });
  }

  // JSON pointer → source ranges, built once by walking the syntax tree.
  const ranges = new Map<string, Ranges>();
  const walk = (node: unknown, pointer: string, key?: [number, number]): void => {
    if (node === null || node === undefined) return;
    const n = node as Node;
    const range = n.range;
    if (range) ranges.set(pointer, { value: [range[0], range[1]], key });
    if (isAlias(node)) return; // positions stay on the alias; never expand here
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const k = pair.key;
        const name = isScalar(k) ? String(k.value) : String(k);
        const kr = (k as Node | null)?.range;
        const keyRange: [number, number] | undefined = kr ? [kr[0], kr[1]] : undefined;
        const child = `${pointer}/${escapePointerToken(name)}`;
        if (pair.value === null || pair.value === undefined) {
          if (keyRange) ranges.set(child, { value: [keyRange[1], keyRange[1]], key: keyRange });
        } else walk(pair.value, child, keyRange);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, `${pointer}/${i}`));
    }
  };
  walk(doc.contents, '');

  const nearest = (pointer: string): Ranges | undefined => {
    let p = pointer;
    for (;;) {
      const r = ranges.get(p);
      if (r) return r;
      if (p === '') return undefined;
      p = parentPointer(p);
    }
  };
  const toPosition = (r: [number, number] | undefined): Position => {
    if (!r) return { line: 1, column: 1, length: 1 };
    const { line, col } = at(r[0]);
    const src = sourceLine(line);
    return { line, column: col, length: Math.max(1, Math.min(r[1] - r[0], src.length - (col - 1))) };
  };
  const locate = (pointer: string): Position => toPosition(nearest(pointer)?.value);
  const locateKey = (pointer: string): Position => {
    const r = ranges.get(pointer);
    return toPosition(r?.key ?? r?.value ?? nearest(pointer)?.value);
  };

  return {
    file,
    text,
    data,
    locate,
    locateKey,
    has: (pointer) => ranges.has(pointer),
    sourceLine,
    diagnostic(pointer, message, kind, options = {}) {
      const pos = options.atKey ? locateKey(pointer) : locate(pointer);
      const column = pos.column + (options.offset ?? 0);
      const src = sourceLine(pos.line);
      const length = options.offset ? 1 : pos.length;
      return { file, line: pos.line, column: Math.min(column, src.length + 1), message, pointer, kind, sourceLine: src, length };
    },
  };
}

/** Sorted by file, line, column, message; exact duplicates removed. */
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of list) {
    const key = `${d.file}\0${d.line}\0${d.column}\0${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)));
}
