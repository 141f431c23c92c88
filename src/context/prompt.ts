// The words sent to a model. The system prompt fixes the answer's shape (one unified
// diff or one JSON patch, a diagnosis in prose, or one label) and lists the only paths
// a patch may touch; the gate enforces all of it anyway.
import type { RoleMode } from '../routing/types.js';
import type { Task } from '../types/generated/index.js';

export const LABELS = ['mechanical_edit', 'classification', 'summarize', 'small_change', 'bugfix', 'feature', 'integration', 'review'] as const;

function pathList(task: Task): string {
  return task.allowed_files.map((p) => `- ${p}`).join('\n');
}

export function systemPrompt(mode: RoleMode, task: Task): string {
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
    'Answer with exactly one unified diff and nothing else: no prose, no explanations, no Markdown code fences.',
    'Use the format of `git diff`: `diff --git a/<path> b/<path>`, `--- a/<path>`, `+++ b/<path>` headers (`/dev/null` for a new file) and hunks with correct line counts and enough context lines to apply cleanly.',
    'Alternatively, answer with exactly one JSON object and nothing else: {"summary": "...", "edits": [...]}, where each edit is',
    '{"op": "replace", "path": ..., "old": <exact existing text, occurring once>, "new": ...}, {"op": "create", "path": ..., "content": ...},',
    '{"op": "overwrite", "path": ..., "content": ...} or {"op": "delete", "path": ...}.',
    'Paths are relative to the repository root with forward slashes. You may change only files matching these globs; anything else is refused:',
    pathList(task),
  ].join('\n');
}

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

export function closingInstruction(mode: RoleMode): string {
  if (mode === 'diagnosis') return 'Now write your diagnosis (prose only, no patch).';
  if (mode === 'label') return 'Now answer with the one label.';
  return 'Now answer with the unified diff (or the JSON patch) only.';
}
