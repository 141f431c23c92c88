// Old lines → new lines as context/removal/addition ops (a line diff), for formats that
// state a block and its replacement (SEARCH/REPLACE, JSON text): lines both keep are
// context, so the locator writes the file's own bytes for them.
import { diffArrays } from 'diff';
import type { EditLine } from './types.js';

/** `oldAt`/`newAt`: the answer line of each old/new line (for messages). */
export function lineOps(oldLines: string[], newLines: string[], oldAt: number[], newAt: number[]): EditLine[] {
  let head = 0;
  while (head < oldLines.length && head < newLines.length && oldLines[head] === newLines[head]) head++;
  let tail = 0;
  while (tail < oldLines.length - head && tail < newLines.length - head && oldLines[oldLines.length - 1 - tail] === newLines[newLines.length - 1 - tail]) tail++;
  const out: EditLine[] = [];
  for (let k = 0; k < head; k++) out.push({ op: ' ', text: oldLines[k], at: oldAt[k] });
  let o = head;
  let n = head;
  const oEnd = oldLines.length - tail;
  const nEnd = newLines.length - tail;
  const parts = o < oEnd && n < nEnd ? diffArrays(oldLines.slice(o, oEnd), newLines.slice(n, nEnd)) : [
    { value: oldLines.slice(o, oEnd), removed: true, added: false },
    { value: newLines.slice(n, nEnd), removed: false, added: true },
  ];
  for (const part of parts) {
    for (const text of part.value) {
      if (part.added) out.push({ op: '+', text, at: newAt[n++] });
      else if (part.removed) out.push({ op: '-', text, at: oldAt[o++] });
      else {
        out.push({ op: ' ', text, at: oldAt[o++] });
        n++;
      }
    }
  }
  for (let k = oEnd; k < oldLines.length; k++) out.push({ op: ' ', text: oldLines[k], at: oldAt[k] });
  return out;
}

/** Text → lines; a final newline ends the last line rather than starting an empty one. */
export function textLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
