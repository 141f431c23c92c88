// Git's C-style path quoting: names with quotes, backslashes, control characters or
// non-ASCII bytes appear as "a/\303\251.txt" in diffs. We unquote on the way in and
// quote on the way out (spaces too, so `diff --git` headers are never ambiguous).

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };

/** Unquotes a git C-quoted string starting at text[0] === '"'. Returns the value and the index after the closing quote, or null. */
export function unquoteC(text: string, start = 0): { value: string; end: number } | null {
  if (text[start] !== '"') return null;
  const bytes: number[] = [];
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') return { value: Buffer.from(bytes).toString('utf8'), end: i + 1 };
    if (ch === '\\') {
      const next = text[i + 1];
      if (next === undefined) return null;
      if (next in ESCAPES) {
        bytes.push(ESCAPES[next]);
        i += 2;
        continue;
      }
      const octal = /^[0-3][0-7]{2}/.exec(text.slice(i + 1, i + 4));
      if (!octal) return null;
      bytes.push(parseInt(octal[0], 8));
      i += 4;
      continue;
    }
    for (const b of Buffer.from(ch, 'utf8')) bytes.push(b);
    i += 1;
  }
  return null;
}

const NEEDS_QUOTE = /[\x00-\x20"\\\x7f-\uffff]/;

/** Quotes a path the way git does when it has to (and also when it holds a space). */
export function quoteC(path: string): string {
  if (!NEEDS_QUOTE.test(path)) return path;
  let out = '"';
  for (const b of Buffer.from(path, 'utf8')) {
    if (b === 34) out += '\\"';
    else if (b === 92) out += '\\\\';
    else if (b === 9) out += '\\t';
    else if (b === 10) out += '\\n';
    else if (b === 13) out += '\\r';
    else if (b < 0x20 || b >= 0x7f) out += '\\' + b.toString(8).padStart(3, '0');
    else out += String.fromCharCode(b);
  }
  return out + '"';
}

/** `prefix + path`, quoted as a whole when needed ("a/\303\251.txt"). */
export function quotedWithPrefix(prefix: string, path: string): string {
  return quoteC(prefix + path);
}
