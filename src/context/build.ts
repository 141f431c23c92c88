// The scoped context: the messages one call sends, built only from the task's files
// and trimmed to the policy's per-call limits, with a record of everything left out.
import { countMessageTokens, countTextTokens, loadTokenizer } from '../budget/tokens.js';
import type { StepContext } from '../runner/types.js';
import type { ContextFileEntry, ScopedContext } from './types.js';
import type { ChatMessage } from '../providers/contract.js';
import type { RouteDecision } from '../routing/types.js';
import { isPatchable, selectContextFiles, type CandidateFile } from './files.js';
import { closingInstruction, renderFile, renderSection, systemPrompt, taskSection, type Section } from './prompt.js';
import { retrySections } from './retry.js';
import { userWorkSection } from './user-work.js';
import { answerSettings } from '../patch/answer/policy.js';

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
  const userWork = route.mode === 'patch' ? userWorkSection(ctx.work.userWork ?? []) : null;
  const head = [taskSection(ctx.task, route.mode), ...(userWork ? [userWork] : []), ...retry.sections, ...(options.extraSections ?? [])].map(renderSection);
  const ask = answerSettings(ctx.policy, route.role).ask;
  const system = systemPrompt(route.mode, ctx.task, ask, ctx.work.userWork ?? []);
  const closing = closingInstruction(route.mode, ask);
  const selecting = selectContextFiles(ctx.services.exec, ctx.repo, ctx.task, ctx.policy, maxChars);
  // The count below needs the tokenizer: it loads while git lists the files.
  try {
    loadTokenizer(model);
  } catch {
    /* the count below meets the same error and reports it */
  }
  const selection = await selecting;
  const cut: ScopedContext['cut'] = [...retry.cut, ...selection.cut];
  // One entry per file: a file truncated for characters and then left out for tokens says
  // only what happened last, under the limit that did it.
  const noteCut = (entry: ScopedContext['cut'][number]) => {
    const earlier = cut.findIndex((c) => c.path === entry.path);
    if (earlier >= 0) cut.splice(earlier, 1);
    cut.push(entry);
  };

  // 1. The character limit on file context. Files the patch may touch get the room
  // first (read-only context is what gets trimmed); the prompt keeps the send order.
  const room = new Map<CandidateFile, number>();
  let chars = 0;
  const byPriority = [...selection.files.filter((f) => isPatchable(ctx.task, f.path)), ...selection.files.filter((f) => !isPatchable(ctx.task, f.path))];
  for (const file of byPriority) {
    const left = maxChars - chars;
    if (left <= 0) continue;
    room.set(file, Math.min(left, file.text.length));
    chars += Math.min(left, file.text.length);
  }
  let included: Included[] = [];
  for (const file of selection.files) {
    const keep = room.get(file);
    if (keep === undefined) {
      noteCut({ path: file.path, reason: 'max_context_chars_per_call reached', limit: 'max_context_chars_per_call' });
    } else if (keep >= file.text.length) {
      included.push({ file, text: file.text, truncated: false });
    } else {
      const text = cutText(file.text, keep);
      included.push({ file, text, truncated: true });
      noteCut({ path: file.path, reason: `truncated to ${text.length} of ${file.text.length} chars (max_context_chars_per_call ${maxChars})`, limit: 'max_context_chars_per_call', truncated: true });
    }
  }

  // 2. The input-token limit on the whole request. Every token covers at least one
  // byte, so when the UTF-8 size already fits there is nothing to count twice.
  let messages = assemble(system, head, included, closing);
  const upperBound = messages.reduce((n, m) => n + Buffer.byteLength(m.content) + 8, 8);
  if (upperBound > maxTokens) {
    const fixed = countMessageTokens(model, assemble(system, head, [], closing)) + 4;
    let used = fixed;
    // Same priority as above: the files the patch may touch keep their tokens first.
    const decided = new Map<Included, Included | null>();
    const byPriority = [...included.filter((i) => isPatchable(ctx.task, i.file.path)), ...included.filter((i) => !isPatchable(ctx.task, i.file.path))];
    let truncatedOne = false;
    for (const item of byPriority) {
      const cost = countTextTokens(model, renderFile(item.file.path, item.text, item.truncated)) + 2;
      if (used + cost <= maxTokens) {
        decided.set(item, item);
        used += cost;
        continue;
      }
      const roomTokens = maxTokens - used - 16;
      if (roomTokens > 0 && !truncatedOne) {
        const text = cutText(item.text, Math.floor((item.text.length * roomTokens) / cost));
        if (text.length > 0) {
          truncatedOne = true;
          decided.set(item, { file: item.file, text, truncated: true });
          used = maxTokens;
          noteCut({ path: item.file.path, reason: `truncated to ${text.length} of ${item.file.text.length} chars (max_input_tokens_per_call ${maxTokens})`, limit: 'max_input_tokens_per_call', truncated: true });
          continue;
        }
      }
      decided.set(item, null);
      noteCut({ path: item.file.path, reason: `max_input_tokens_per_call (${maxTokens}) reached`, limit: 'max_input_tokens_per_call' });
    }
    const kept = included.map((i) => decided.get(i)).filter((i): i is Included => Boolean(i));
    included = kept;
    messages = assemble(system, head, included, closing);
    // Section-by-section counts can differ by a token or two at the seams; the exact count decides.
    while (included.length > 0 && countMessageTokens(model, messages) > maxTokens) {
      const readOnly = included.map((i) => !isPatchable(ctx.task, i.file.path)).lastIndexOf(true);
      const [last] = included.splice(readOnly >= 0 ? readOnly : included.length - 1, 1);
      noteCut({ path: last.file.path, reason: `max_input_tokens_per_call (${maxTokens}) reached`, limit: 'max_input_tokens_per_call' });
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
