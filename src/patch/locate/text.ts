// A file's text as the locator sees it: lines without terminators (so CRLF and LF files
// compare alike), each line's own terminator, the byte-order mark, and lazily built
// indexes from a normalised line to where it occurs.
export interface FileText {
  path: string;
  bom: string;
  /** Lines without '\n' and without the '\r' before it. */
  lines: string[];
  /** Each line's terminator: '\r\n', '\n', or '' for a last line without one. */
  eols: string[];
  /** The terminator new lines get: the file's most common one ('\n' for an empty file). */
  eol: '\n' | '\r\n';
  finalNewline: boolean;
  /** Normalised line → its positions, one index per normalisation (built on first use). */
  indexes: Map<string, LineIndex>;
  /** Every line normalised, one array per normalisation (built on first use). */
  normalised: Map<string, string[]>;
}

export function splitText(path: string, text: string): FileText {
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const body = bom ? text.slice(1) : text;
  const lines: string[] = [];
  const eols: string[] = [];
  let crlf = 0;
  let lf = 0;
  let start = 0;
  while (start < body.length) {
    const nl = body.indexOf('\n', start);
    if (nl < 0) {
      lines.push(body.slice(start));
      eols.push('');
      break;
    }
    const cr = nl > start && body.charCodeAt(nl - 1) === 13;
    lines.push(body.slice(start, cr ? nl - 1 : nl));
    eols.push(cr ? '\r\n' : '\n');
    if (cr) crlf++;
    else lf++;
    start = nl + 1;
  }
  return { path, bom, lines, eols, eol: crlf > lf ? '\r\n' : '\n', finalNewline: eols.length === 0 || eols[eols.length - 1] !== '', indexes: new Map(), normalised: new Map() };
}

/** Every line of the file under one normalisation. */
export function normalisedLines(ft: FileText, name: string, norm: (s: string) => string): string[] {
  let lines = ft.normalised.get(name);
  if (!lines) {
    lines = ft.lines.map(norm);
    ft.normalised.set(name, lines);
  }
  return lines;
}

/** Positions by normalised line, kept as chains (last position per key, previous one per line) to allocate little. */
interface LineIndex {
  last: Map<string, number>;
  previous: Int32Array;
  count: Map<string, number>;
}

function indexOf(ft: FileText, name: string, norm: (s: string) => string): LineIndex {
  let index = ft.indexes.get(name);
  if (!index) {
    const keys = normalisedLines(ft, name, norm);
    const last = new Map<string, number>();
    const count = new Map<string, number>();
    const previous = new Int32Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      const p = last.get(k);
      previous[i] = p === undefined ? -1 : p;
      last.set(k, i);
      count.set(k, (count.get(k) ?? 0) + 1);
    }
    index = { last, previous, count };
    ft.indexes.set(name, index);
  }
  return index;
}

/** How many lines normalise to `key`. */
export function occurrenceCount(ft: FileText, name: string, norm: (s: string) => string, key: string): number {
  return indexOf(ft, name, norm).count.get(key) ?? 0;
}

/** The positions (ascending) of every line whose normalised form is `key`. */
export function positions(ft: FileText, name: string, norm: (s: string) => string, key: string): number[] {
  const index = indexOf(ft, name, norm);
  const out: number[] = [];
  for (let i = index.last.get(key) ?? -1; i >= 0; i = index.previous[i]) out.push(i);
  return out.reverse();
}

/** Lines with their terminators, as a diff compares them. */
export function tokensOf(ft: FileText): string[] {
  return ft.lines.map((l, i) => l + ft.eols[i]);
}

/** Tokens as git sees the file: a byte order mark belongs to the first line. */
export function tokensWithBom(bom: string, tokens: string[]): string[] {
  return bom && tokens.length ? [bom + tokens[0], ...tokens.slice(1)] : tokens;
}

export function joinTokens(bom: string, tokens: string[]): string {
  return bom + tokens.join('');
}
