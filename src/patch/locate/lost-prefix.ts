// A diff hunk or apply_patch chunk whose indented context lines lost their ' ' prefix:
// "  if (x) {" sent for the file's "  if (x) {" reads as ' ' + " if (x) {", one space short,
// while the '-' and '+' lines beside it are right. Models do this often. Read again with
// the space restored, the edit is the same content; the context lines keep the file's bytes.
import type { LineEdit } from '../answer/types.js';

/** The edit with every indented context line given back one leading space; null when none is indented or the lines carried no prefixes. */
export function contextWithPrefixRestored(edit: LineEdit): LineEdit | null {
  if (!edit.prefixed) return null;
  let changed = false;
  const lines = edit.lines.map((l) => {
    if (l.op !== ' ' || !l.text.startsWith(' ') || l.text.trim() === '') return l;
    changed = true;
    return { ...l, text: ` ${l.text}` };
  });
  return changed ? { ...edit, lines } : null;
}
