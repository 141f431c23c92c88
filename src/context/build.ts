// The scoped context: the messages one call sends, built only from the task's files
// and trimmed to the policy's per-call limits, with a record of everything left out.
import { countMessageTokens, countTextTokens } from '../budget/tokens.js';
import type { ChatMessage, ContextFileEntry, RouteDecision, ScopedContext, StepContext } from '../runner/types.js';
import { selectContextFiles, type CandidateFile } from './files.js';
import { closingInstruction, renderFile, renderSection, systemPrompt, taskSection, type Section } from './prompt.js';
import { retrySections } from './retry.js';

export interface BuildContextOptions {
  /** More sections after the task (the escalation packet, for instance). */
  extraSections?: Section[];
}

interface Included {
  file: CandidateFile;
  text: string;
  truncated: boolean;
}

/** Cuts text at a line end when one is near, so a truncated file ends cleanly. */
function cutText(text: string, maxChars: number): string {
  if (maxChars <= 0) return '';
  const slice = text.slice(0, maxChars);
  const nl = slice.lastIndexOf('\n');
  return nl >= maxChars * 0.8 ? slice.slice(0, nl + 1) : slice;
}

function assemble(system: string, head: string[], files: Included[], closing: string): ChatMessage[] {
  const parts = [...head];
  if (files.length) parts.push(`## Files\n\n${files.map((f) => renderFile(f.file.path, f.text, f.truncated)).join('\n\n')}`);
  parts.push(closing);
  return [
    { role: 'system', content: system },
    { role: 'user', content: parts.join('\n\n') },
  ];
}

export async function buildContext(ctx: StepContext, route: RouteDecision, options: BuildContextOptions = {}): Promise<ScopedContext> {
  const limits = ctx.policy.limits ?? {};
  const maxChars = limits.max_context_chars_per_call ?? Number.POSITIVE_INFINITY;
  const maxTokens = limits.max_input_tokens_per_call ?? Number.POSITIVE_INFINITY;
  const model = route.model;

  const retry = await retrySections(ctx, route.mode);
  const head = [taskSection(ctx.task, route.mode), ...retry.sections, ...(options.extraSections ?? [])].map(renderSection);
  const system = systemPrompt(route.mode, ctx.task);
  const closing = closingInstruction(route.mode);
  const selection = await selectContextFiles(ctx.services.exec, ctx.repo, ctx.task, ctx.policy, maxChars);
  const cut = [...retry.cut, ...selection.cut];

  // 1. The character limit on file context.
  let included: Included[] = [];
  let chars = 0;
  for (const file of selection.files) {
    const room = maxChars - chars;
    if (room <= 0) {
      cut.push({ path: file.path, reason: 'max_context_chars_per_call reached' });
      continue;
    }
    if (file.text.length <= room) {
      included.push({ file, text: file.text, truncated: false });
      chars += file.text.length;
    } else {
      const text = cutText(file.text, room);
      included.push({ file, text, truncated: true });
      chars += text.length;
      cut.push({ path: file.path, reason: `truncated to ${text.length} of ${file.text.length} chars (max_context_chars_per_call ${maxChars})` });
    }
  }

  // 2. The input-token limit on the whole request. Every token covers at least one
  // byte, so when the UTF-8 size already fits there is nothing to count twice.
  let messages = assemble(system, head, included, closing);
  const upperBound = messages.reduce((n, m) => n + Buffer.byteLength(m.content) + 8, 8);
  if (upperBound > maxTokens) {
    const fixed = countMessageTokens(model, assemble(system, head, [], closing)) + 4;
    let used = fixed;
    const kept: Included[] = [];
    for (const item of included) {
      const cost = countTextTokens(model, renderFile(item.file.path, item.text, item.truncated)) + 2;
      if (used + cost <= maxTokens) {
        kept.push(item);
        used += cost;
        continue;
      }
      const roomTokens = maxTokens - used - 16;
      if (roomTokens > 0 && kept.length === included.indexOf(item)) {
        const text = cutText(item.text, Math.floor((item.text.length * roomTokens) / cost));
        if (text.length > 0) {
          kept.push({ file: item.file, text, truncated: true });
          used = maxTokens;
          cut.push({ path: item.file.path, reason: `truncated to ${text.length} of ${item.file.text.length} chars (max_input_tokens_per_call ${maxTokens})` });
          continue;
        }
      }
      cut.push({ path: item.file.path, reason: `max_input_tokens_per_call (${maxTokens}) reached` });
    }
    included = kept;
    messages = assemble(system, head, included, closing);
    // Section-by-section counts can differ by a token or two at the seams; the exact count decides.
    while (included.length > 0 && countMessageTokens(model, messages) > maxTokens) {
      const last = included.pop() as Included;
      cut.push({ path: last.file.path, reason: `max_input_tokens_per_call (${maxTokens}) reached` });
      messages = assemble(system, head, included, closing);
    }
  }

  const files: ContextFileEntry[] = included.map((i) => ({ path: i.file.path, chars: i.text.length, source: i.file.source, truncated: i.truncated }));
  return {
    messages,
    files,
    cut,
    contextChars: files.reduce((n, f) => n + f.chars, 0),
    inputTokens: countMessageTokens(model, messages),
  };
}
