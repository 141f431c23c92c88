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
  /** Normalised line → 0-based positions, one map per normalisation (built on first use). */
  indexes: Map<string, Map<string, number[]>>;
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
  return { path, bom, lines, eols, eol: crlf > lf ? '\r\n' : '\n', finalNewline: eols.length === 0 || eols[eols.length - 1] !== '', indexes: new Map() };
}

/** The positions of every line whose normalised form is `key`. */
export function positions(ft: FileText, name: string, norm: (s: string) => string, key: string): number[] {
  let index = ft.indexes.get(name);
  if (!index) {
    index = new Map();
    ft.lines.forEach((l, i) => {
      const k = norm(l);
      const list = index!.get(k);
      if (list) list.push(i);
      else index!.set(k, [i]);
    });
    ft.indexes.set(name, index);
  }
  return index.get(key) ?? [];
}

/** Lines with their terminators, as a diff compares them. */
export function tokensOf(ft: FileText): string[] {
  return ft.lines.map((l, i) => l + ft.eols[i]);
}

export function joinTokens(bom: string, tokens: string[]): string {
  return bom + tokens.join('');
}
