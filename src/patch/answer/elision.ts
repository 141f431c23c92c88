// Lazy elision: new text that stands for code instead of containing it ("// ... existing
// code ...", "# rest of the function unchanged", "[rest of file]", a lone "..."). Applied
// literally it cuts the real code out, so it is refused before the gate. A placeholder
// that was already in the old text, or a `...` that is code (a Python stub body), is not.
import { clip } from '../parse-diff.js';
import type { FileChange, LineEdit, Refusal } from './types.js';

const COMMENT = /^(?:\/\/+|#+|--|;+|%+|\/\*+|\*|<!--|\{\/\*|rem\s|"""|''')\s*(.*?)\s*(?:\*+\/\}?|-->|"""|''')?$/i;
const BRACKET = /^[[<({]\s*(.*?)\s*[\]>)}]$/;
const ELLIPSIS = /^(\.\.\.|…)+$/;
const KEYWORD = /\b(existing|rest|unchanged|remaining|remainder|other|same|previous|omitted|more|code|here|before|etc|original|keep|kept|as is|similar|implementation|truncated|snip)\b/;
const NOUNS = 'code|implementation|methods?|functions?|tests?|logic|content|imports?|fields|properties|props|cases|lines|handlers|routes|statements|definitions|config(uration)?|options|settings|styles|rules|helpers|dependencies|entries|items|exports|types|attributes|body|class|file|module|component|template|section|block|page|script|object|members|query|queries|document|text|list|array|table|schema|data|docstring|comments?';
const PHRASE = [
  new RegExp(`^(the )?(rest|remainder) of (the )?(\\w+ )?(${NOUNS})\\b`),
  new RegExp(`\\b(existing|previous|original|other|remaining|unchanged) (\\w+ )?(${NOUNS})\\b.*\\b(unchanged|here|remains?|as is|as-is|omitted|stays?|goes here|same|untouched|not shown|follows?|as before)\\b`),
  new RegExp(`^(\\.\\.\\. )?(existing|previous|original|unchanged|remaining) (\\w+ )?(${NOUNS})$`),
  /^((the|all|other|remaining|existing|previous) )?(\w+ )?(unchanged|omitted|remains? unchanged|stays? the same)( (below|above|here))?$/,
  /^(no changes?|same as before|as before|omitted for brevity|code omitted|snip(ped)?)( (below|above|here))?$/,
  // "keep the rest as is", "leave the rest of the file untouched", "keep existing implementation"
  new RegExp(`^(keep|leave) (the |all )?(rest|remainder|everything else|all else)( of (the )?(\\w+ )?(${NOUNS}))?( (as is|as-is|unchanged|untouched|the same|intact|alone))?$`),
  /^(keep|leave) (the )?(existing|original)( (code|implementation|logic|content|body|methods|functions|imports|tests))?( (as is|as-is|unchanged|untouched|the same|intact))?$/,
  /^(keep|leave)( it| this| them| everything)? (as is|as-is|unchanged|untouched|intact)$/,
  // "everything else stays the same", "everything below is unchanged", "the rest is the same"
  /^(everything|all( \w+)?|the rest|rest) (below|above|else)?( ?(is|stays?|remains?))? ?(unchanged|the same|untouched|as is|as before)$/,
  /^(the )?rest( (is|stays?|remains?))? (the same|as before|as is|unchanged|untouched)$/,
  /^(no other changes?|same as (above|before|the original|original)|(\.\.\. ?)?(and so on|and so forth|etc))$/,
  new RegExp(`^unchanged (\\w+ )?(${NOUNS})( (below|above|here))?$`),
  new RegExp(`^(original|existing|previous) (\\w+ )?(${NOUNS}) continues$`),
];
// A placeholder comment after a stub statement ("pass  # ... rest unchanged", "}  // rest of file").
const STUB_THEN_COMMENT = /^(?:pass|\.\.\.|…|[{}()[\];,]+|return|continue)\s*((?:#|\/\/).*)$/;
// …or after an opening bracket, standing for the arguments or items left out ("return Reading(  # ...").
const OPEN_THEN_COMMENT = /^\S.*[([{]\s*((?:#|\/\/).*)$/;

/** 'phrase' for a placeholder comment or bracket, 'ellipsis' for a lone `...`, else null. */
export function placeholderKind(line: string): 'phrase' | 'ellipsis' | null {
  const t = line.trim();
  if (t === '') return null;
  if (ELLIPSIS.test(t)) return 'ellipsis';
  const stub = STUB_THEN_COMMENT.exec(t) ?? OPEN_THEN_COMMENT.exec(t);
  if (stub) return placeholderKind(stub[1]);
  const c = COMMENT.exec(t);
  const b = c ? null : BRACKET.exec(t);
  const inner = c?.[1] ?? b?.[1];
  if (inner === undefined) return null;
  const s = inner.toLowerCase().replace(/^[[(<]\s*|\s*[\])>]$/g, '').replace(/\s+/g, ' ').replace(/[.:;!,]+$/, (m) => (ELLIPSIS.test(m) ? m : '')).trim();
  if (s === '') return null;
  if (ELLIPSIS.test(s)) return c ? 'ellipsis' : null;
  // "... validation ...": words between two ellipses stand for code.
  if (/^(\.\.\.|…)\s*\S.{0,60}?\s*(\.\.\.|…)$/.test(s)) return 'phrase';
  const hasEllipsis = /\.\.\.|…/.test(s);
  const words = s.replace(/\.\.\.|…/g, ' ').replace(/\s+/g, ' ').trim();
  if (hasEllipsis && KEYWORD.test(words)) return 'phrase';
  if (PHRASE.some((p) => p.test(words))) return 'phrase';
  if (b && /\b(rest|unchanged|existing|omitted|remaining)\b/.test(words)) return 'phrase';
  return null;
}

const PROSE_FILES = /\.(md|markdown|txt|rst|adoc|ya?ml|csv|log)$/i;
const PYTHON = /\.pyi?$/i;
const indentOf = (s: string) => /^\s*/.exec(s)![0].replace(/\t/g, '    ').length;

/** A lone `...` that is Python code: the whole body of the def/class/with line above it. */
function isPythonStub(newLines: string[], k: number): boolean {
  let opener = false;
  for (let j = k - 1; j >= 0; j--) {
    if (newLines[j].trim() === '') continue;
    opener = /:\s*(#.*)?$/.test(newLines[j]) && indentOf(newLines[k]) > indentOf(newLines[j]);
    break;
  }
  if (!opener) return false;
  // A body that goes on after the '...' means the '...' stands for something.
  for (let j = k + 1; j < newLines.length; j++) {
    if (newLines[j].trim() === '') continue;
    return indentOf(newLines[j]) < indentOf(newLines[k]);
  }
  return true;
}

function elisionReason(path: string, at: number, text: string): Refusal {
  return {
    check: 'elision',
    reason: `lazy elision: answer line ${at} ('${clip(text.trim(), 50)}') in ${path} stands for code the answer leaves out; applied as written it would delete that code — send the full text of every changed section, with no placeholders`,
  };
}

/** Placeholders in new lines of one line edit, judged against its old lines. */
function editElision(path: string, edit: LineEdit): Refusal | null {
  const oldSet = new Set(edit.lines.filter((l) => l.op !== '+').map((l) => l.text.trim()));
  const removes = edit.lines.some((l) => l.op === '-');
  const newLines = edit.lines.filter((l) => l.op !== '-');
  for (let k = 0; k < newLines.length; k++) {
    const l = newLines[k];
    if (l.op !== '+' || oldSet.has(l.text.trim())) continue;
    const kind = placeholderKind(l.text);
    if (kind === 'phrase') return elisionReason(path, l.at, l.text);
    if (kind === 'ellipsis' && !PROSE_FILES.test(path)) {
      const bare = ELLIPSIS.test(l.text.trim());
      if (bare && PYTHON.test(path) && (!removes || isPythonStub(newLines.map((x) => x.text), k))) continue;
      return elisionReason(path, l.at, l.text);
    }
  }
  return null;
}

/** Placeholders in whole new text (a new file, an overwrite): phrases always, `...` where old text existed. */
export function textElision(path: string, text: string, at: number, oldText: string | null): Refusal | null {
  const old = new Set((oldText ?? '').split('\n').map((l) => l.replace(/\r$/, '').trim()));
  const lines = text.split('\n');
  for (let k = 0; k < lines.length; k++) {
    const t = lines[k].replace(/\r$/, '');
    if (old.has(t.trim())) continue;
    const kind = placeholderKind(t);
    if (kind === 'phrase') return elisionReason(path, at, t);
    if (kind === 'ellipsis' && oldText !== null && !PROSE_FILES.test(path) && !(PYTHON.test(path) && ELLIPSIS.test(t.trim()) && isPythonStub(lines, k))) return elisionReason(path, at, t);
  }
  return null;
}

/** The first elision in the answer's own text (what needs no file to judge). */
export function findElision(changes: FileChange[]): Refusal | null {
  for (const change of changes) {
    const path = change.file.newPath ?? change.file.oldPath ?? '?';
    for (const edit of change.edits) {
      const r = edit.kind === 'lines' ? editElision(path, edit) : textElision(path, edit.new, edit.at, edit.old);
      if (r) return r;
    }
    if (change.content !== null && change.file.operation === 'create') {
      const r = textElision(path, change.content, change.file.line, null);
      if (r) return r;
    }
  }
  return null;
}
