// Markdown fenced blocks in a model's answer, and what each holds: a patch (in which
// format), a shell or script block, or something else (an illustration, kept in the note).
import type { AnswerFormat } from './types.js';

export interface Block {
  /** Index (0-based) of the opening fence line and of the closing fence line. */
  open: number;
  close: number;
  /** The info string's first word, lower-cased ('diff', 'json', 'bash', ''). */
  lang: string;
  body: string[];
}

export type BlockKind = { kind: 'patch'; format: AnswerFormat; envelope: boolean } | { kind: 'shell' } | { kind: 'other' };

// Up to 12 spaces: a block inside a (nested) Markdown list item is indented by the item's
// content offset, 4 spaces under '1. **Update x**' as GPT-4o writes it.
const OPEN = /^( {0,12})(`{3,}|~{3,})[ \t]*([^`\s]*)[^`]*$/;

/** Every fenced block, or the line of a fence that is never closed. */
export function findBlocks(lines: string[]): { blocks: Block[]; unclosed: number | null } {
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const m = OPEN.exec(lines[i]);
    if (!m) {
      i++;
      continue;
    }
    const indent = m[1].length;
    const fence = m[2];
    // A closing fence: same character, at least as long, no deeper than the opening one
    // (so a diff's ' ```' context line inside a column-0 block does not close it).
    let close = -1;
    for (let k = i + 1; k < lines.length; k++) {
      const c = /^( {0,12})(`{3,}|~{3,})[ \t]*$/.exec(lines[k]);
      if (c && c[1].length <= indent && c[2][0] === fence[0] && c[2].length >= fence.length) {
        close = k;
        break;
      }
    }
    if (close < 0) return { blocks, unclosed: i };
    const body = lines.slice(i + 1, close).map((l) => (indent > 0 && l.startsWith(' '.repeat(indent)) ? l.slice(indent) : l));
    blocks.push({ open: i, close, lang: m[3].toLowerCase(), body });
    i = close + 1;
  }
  return { blocks, unclosed: null };
}

const SHELL_LANGS = new Set([
  'bash', 'sh', 'shell', 'console', 'zsh', 'fish', 'ksh', 'csh', 'tcsh', 'powershell', 'ps', 'ps1', 'pwsh', 'posh',
  'cmd', 'bat', 'batch', 'dos', 'shell-session', 'shellsession', 'sh-session', 'terminal', 'nushell', 'nu', 'awk', 'sed',
]);

/** A line that is a command to run, not prose or code. */
export const SHELL_LINE = /^\s*(\$\s|#\s*(sudo|git|cd|rm|npm|pip)\s|sudo\s|cd\s|git\s|patch\s|rm\s|mv\s|cp\s|cat\s|echo\s|curl\s|wget\s|chmod\s|npm\s|npx\s|yarn\s|pnpm\s|pip3?\s|python3?\s+-|bash\s|sh\s|sed\s+-|perl\s+-|.*<<\s*['"]?EOF)/;

export const SR_START = /^\s*<{5,9} ?SEARCH\s*$/;
export const SR_DIVIDER = /^\s*={5,9}\s*$/;
export const SR_END = /^\s*>{5,9} ?REPLACE\s*$/;
export const AP_BEGIN = /^\s*\*\*\* Begin Patch\s*$/;
export const AP_END = /^\s*\*\*\* End Patch\s*$/;
const HEREDOC = /^\s*(%%bash\s*)?apply_patch\s+<<\s*['"]?(EOF|PATCH)['"]?\s*$/;

/** A line that starts a unified diff's file section. */
export function diffStartAt(lines: string[], i: number): boolean {
  const l = lines[i].replace(/\r$/, '');
  if (l.startsWith('diff --git ')) return true;
  if (l.startsWith('--- ') && (lines[i + 1] ?? '').startsWith('+++ ')) return true;
  return false;
}

const HUNK = /^@@( |$)/;

export function looksLikeUnifiedDiff(lines: string[]): boolean {
  return lines.some((_, i) => diffStartAt(lines, i)) || lines.some((l) => HUNK.test(l));
}

/** `apply_patch <<'EOF'` … `EOF` around an apply_patch envelope: how Codex invokes it. */
export function heredocEnvelope(lines: string[]): { from: number; to: number } | null {
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0 || !HEREDOC.exec(lines[first])) return null;
  const tag = HEREDOC.exec(lines[first])![2];
  let last = lines.length - 1;
  while (last > first && lines[last].trim() === '') last--;
  if (lines[last].trim() !== tag) return null;
  const inner = lines.slice(first + 1, last);
  if (!inner.some((l) => AP_BEGIN.test(l))) return null;
  return { from: first, to: last };
}

/** What a JSON-looking text is: a patch object, a patch given as an array, or not a patch. */
export function jsonPatchKind(text: string): 'object' | 'array' | 'broken' | null {
  const t = text.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return null;
  try {
    const v = JSON.parse(t) as unknown;
    if (Array.isArray(v)) return v.some((e) => e && typeof e === 'object' && 'op' in e && 'path' in e) ? 'array' : null;
    if (v && typeof v === 'object' && 'edits' in v) return 'object';
    return null;
  } catch {
    return /"edits"\s*:/.test(t) ? 'broken' : null;
  }
}

export function classifyBlock(block: Block): BlockKind {
  const { body, lang } = block;
  if (heredocEnvelope(body)) return { kind: 'patch', format: 'apply_patch', envelope: true };
  if (body.some((l) => AP_BEGIN.test(l))) return { kind: 'patch', format: 'apply_patch', envelope: false };
  if (body.some((l) => SR_START.test(l))) return { kind: 'patch', format: 'search_replace', envelope: false };
  if (SHELL_LANGS.has(lang)) return { kind: 'shell' };
  const json = jsonPatchKind(body.join('\n'));
  if (json) return { kind: 'patch', format: 'json_patch', envelope: false };
  if (lang === 'json' && body.join('\n').trim().startsWith('{') && /"(op|path|old|new)"\s*:/.test(body.join('\n'))) return { kind: 'patch', format: 'json_patch', envelope: false };
  if (looksLikeUnifiedDiff(body)) return { kind: 'patch', format: 'unified_diff', envelope: false };
  const first = body.find((l) => l.trim() !== '') ?? '';
  if ((lang === '' || lang === 'text' || lang === 'txt') && SHELL_LINE.test(first)) return { kind: 'shell' };
  return { kind: 'other' };
}
