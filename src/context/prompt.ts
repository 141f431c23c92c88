// The words sent to a model. The system prompt fixes the answer's shape (one patch in
// the format the policy asks for, a diagnosis in prose, or one label) and lists the only
// paths a patch may touch; the gate enforces all of it anyway.
import type { AnswerFormat } from '../patch/answer/types.js';
import { FORMAT_NAMES } from '../patch/answer/types.js';
import type { RoleMode } from '../routing/types.js';
import type { Task } from '../types/generated/index.js';

export const LABELS = ['mechanical_edit', 'classification', 'summarize', 'small_change', 'bugfix', 'feature', 'integration', 'review'] as const;

function pathList(task: Task): string {
  return task.allowed_files.map((p) => `- ${p}`).join('\n');
}

export function systemPrompt(mode: RoleMode, task: Task, ask: AnswerFormat = 'unified_diff', userWork: string[] = []): string {
  if (mode === 'diagnosis') {
    return [
      'You are a senior engineer reviewing a coding task that automated attempts could not finish.',
      'Write a diagnosis in prose: what is wrong, why the previous attempts failed, and what change would fix it, naming files and functions.',
      'Do not write a patch, a diff or a JSON edit list; a person or a builder will make the change from your diagnosis.',
    ].join('\n');
  }
  if (mode === 'label') {
    return [
      'You classify a coding task. Answer with exactly one label on the first line and nothing else on that line.',
      `Use one of: ${LABELS.join(', ')}.`,
      'You may add one short line of reasoning after it. Do not write a patch.',
    ].join('\n');
  }
  return [
    'You are a careful software engineer making one change in a git repository.',
    ...FORMAT_RULES[ask],
    '',
    'Paths are relative to the repository root with forward slashes. You may change only files matching these globs; anything else is refused:',
    pathList(task),
    ...(userWork.length ? ['', "Except these files, which hold the user's uncommitted work in progress and must not be changed:", ...userWork.map((p) => `- ${p}`)] : []),
  ].join('\n');
}

const COMMON = [
  'Copy unchanged and removed lines exactly from the files as shown, whitespace included; pipe finds each change by its lines, so they must occur in exactly one place.',
  'Send complete lines: never stand in for code with "...", "// existing code", "# rest unchanged" or similar placeholders; such an answer is refused.',
  'Send exactly one patch. Do not include shell commands or a second version of the change.',
];

/** What the prompt asks for, per answer format: precise enough to write it without guessing. */
const FORMAT_RULES: Record<AnswerFormat, string[]> = {
  unified_diff: [
    'Answer with exactly one unified diff in the format of `git diff`, inside one ```diff fenced block. A sentence before or after the block is fine; put nothing else inside it.',
    'For each file: `diff --git a/<path> b/<path>`, `--- a/<path>`, `+++ b/<path>` (`--- /dev/null` for a new file, `+++ /dev/null` for a deleted one).',
    'For each hunk: `@@ -<old start>,<old count> +<new start>,<new count> @@`, then its lines, each starting with one character: a space for an unchanged line, `-` for a removed line, `+` for an added line.',
    'Give 3 unchanged lines before and after each change, and put all of a file\'s hunks in one section, in file order.',
    ...COMMON,
  ],
  json_patch: [
    'Answer with exactly one JSON object and nothing else: {"summary": "<one paragraph>", "edits": [ ... ]}, where each edit is one of:',
    '{"op": "replace", "path": <file>, "old": <exact existing text, occurring exactly once in the file>, "new": <its replacement>}',
    '{"op": "create", "path": <new file>, "content": <its whole text>}',
    '{"op": "overwrite", "path": <existing file>, "content": <its whole new text>}',
    '{"op": "delete", "path": <file>}',
    'Make "old" long enough (a few whole lines) to occur only once; JSON-escape newlines as \\n.',
    ...COMMON,
  ],
  apply_patch: [
    'Answer with exactly one patch in the apply_patch format, and nothing else:',
    '*** Begin Patch',
    '*** Update File: <path>',
    '@@ <the line that opens the enclosing class or function, when needed to tell equal places apart>',
    ' <unchanged line>',
    '-<removed line>',
    '+<added line>',
    '*** End Patch',
    'Every chunk line starts with one character: a space (unchanged), `-` (removed) or `+` (added). Give 3 unchanged lines above and below each change; no line numbers.',
    'Use `*** Add File: <path>` followed by the new file\'s lines, each starting with `+`, to create a file; `*** Delete File: <path>` to delete one; `*** Move to: <path>` after an Update File line to rename it.',
    ...COMMON,
  ],
  search_replace: [
    'Answer with SEARCH/REPLACE blocks. For each change, write the file path on a line of its own, then a fenced block:',
    'path/to/file.ext',
    '```',
    '<<<<<<< SEARCH',
    '<the exact existing lines to replace, with enough unchanged lines to occur exactly once>',
    '=======',
    '<the lines that replace them>',
    '>>>>>>> REPLACE',
    '```',
    'Use several blocks for several changes; a block with an empty SEARCH part creates a new file.',
    ...COMMON,
  ],
};

export interface Section {
  title: string;
  body: string;
}

export function renderSection(section: Section): string {
  return `## ${section.title}\n\n${section.body.trimEnd()}`;
}

/** A file as the model sees it: tagged with its path, marked when cut short. */
export function renderFile(path: string, text: string, truncated: boolean): string {
  const body = text.endsWith('\n') || text.length === 0 ? text : `${text}\n`;
  return `<file path="${path}"${truncated ? ' truncated="true"' : ''}>\n${body}</file>`;
}

export function taskSection(task: Task, mode: RoleMode): Section {
  const lines = [`Task id: ${task.id}`, `Intent: ${task.intent}`, '', 'Goal:', task.goal.trimEnd()];
  if (mode === 'patch') lines.push('', 'Files a patch may touch (globs):', pathList(task));
  return { title: 'Task', body: lines.join('\n') };
}

export function closingInstruction(mode: RoleMode, ask: AnswerFormat = 'unified_diff'): string {
  if (mode === 'diagnosis') return 'Now write your diagnosis (prose only, no patch).';
  if (mode === 'label') return 'Now answer with the one label.';
  return `Now answer with the ${FORMAT_NAMES[ask]}: one patch, complete lines, no placeholders.`;
}
