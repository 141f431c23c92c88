// Canonical hunks from an aligned old/new token list: three lines of context, nearby
// changes merged into one hunk, counts computed, '\ No newline at end of file' where a
// line has no terminator. A CRLF line shows as 'text\r' in the diff, as git writes it.
import type { Hunk } from '../types.js';
import type { Change } from './edit-file.js';

const CONTEXT = 3;
const MARKER = '\\ No newline at end of file';

function push(out: string[], prefix: string, token: string): void {
  if (token.endsWith('\n')) out.push(prefix + token.slice(0, -1));
  else out.push(prefix + token, MARKER);
}

export function hunksOf(oldTokens: string[], newTokens: string[], changes: Change[]): Hunk[] {
  const groups: Change[][] = [];
  for (const c of changes) {
    const group = groups[groups.length - 1];
    const prev = group?.[group.length - 1];
    if (prev && c.oldStart - (prev.oldStart + prev.oldLen) <= 2 * CONTEXT) group.push(c);
    else groups.push([c]);
  }
  return groups.map((group) => {
    const first = group[0];
    const last = group[group.length - 1];
    const oFrom = Math.max(0, first.oldStart - CONTEXT);
    const oTo = Math.min(oldTokens.length, last.oldStart + last.oldLen + CONTEXT);
    const nFrom = first.newStart - (first.oldStart - oFrom);
    const lines: string[] = [];
    let o = oFrom;
    for (const c of group) {
      for (; o < c.oldStart; o++) push(lines, ' ', oldTokens[o]);
      for (let k = 0; k < c.oldLen; k++) push(lines, '-', oldTokens[c.oldStart + k]);
      for (let k = 0; k < c.newLen; k++) push(lines, '+', newTokens[c.newStart + k]);
      o = c.oldStart + c.oldLen;
    }
    for (; o < oTo; o++) push(lines, ' ', oldTokens[o]);
    const oldLines = oTo - oFrom;
    const newLines = oldLines - group.reduce((n, c) => n + c.oldLen - c.newLen, 0);
    return {
      oldStart: oldLines === 0 ? oFrom : oFrom + 1,
      oldLines,
      newStart: newLines === 0 ? nFrom : nFrom + 1,
      newLines,
      line: 0,
      lines,
    };
  });
}
