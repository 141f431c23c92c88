// What a retry adds to the prompt: the previous attempt's answer and why it failed
// (validator failures, or the gate's / contract's refusal), capped so a noisy test
// suite cannot crowd the files out of the context.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StepContext } from '../runner/types.js';
import type { AttemptRecord } from '../convergence/types.js';
import type { RoleMode } from '../routing/types.js';
import type { Failure } from '../validation/types.js';
import type { Section } from './prompt.js';

export const MAX_RETRY_FAILURES = 50;
export const MAX_RETRY_FAILURE_CHARS = 8000;
export const MAX_PREVIOUS_ANSWER_CHARS = 16000;

function previousAttempt(ctx: StepContext): AttemptRecord | undefined {
  const n = ctx.attempt - 1;
  return ctx.work.attempts.find((a) => a.attempt === n) ?? ctx.work.attempts[n - 1];
}

export function formatFailure(f: Failure): string {
  const where = f.file ? `${f.file}${f.line !== null ? `:${f.line}` : ''} ` : '';
  return `- [${f.validator}] ${where}${f.category}${f.id ? ` ${f.id}` : ''}: ${f.message.replace(/\s+$/g, '')}`;
}

async function previousAnswer(ctx: StepContext, prev: AttemptRecord | undefined): Promise<string | null> {
  if (ctx.work.proposal?.text) return ctx.work.proposal.text;
  if (prev?.patchFile && ctx.services.records.dir) {
    try {
      return await readFile(join(ctx.services.records.dir, prev.patchFile), 'utf8');
    } catch {
      return null;
    }
  }
  return null;
}

export async function retrySections(ctx: StepContext, mode: RoleMode = 'patch'): Promise<{ sections: Section[]; cut: { path: string; reason: string }[] }> {
  const cut: { path: string; reason: string }[] = [];
  if (ctx.attempt <= 1) return { sections: [], cut };
  const prev = previousAttempt(ctx);
  const lines: string[] = [`This is attempt ${ctx.attempt} of ${ctx.maxAttempts}. Attempt ${ctx.attempt - 1} did not succeed.`];

  let answer = await previousAnswer(ctx, prev);
  if (answer !== null) {
    if (answer.length > MAX_PREVIOUS_ANSWER_CHARS) {
      cut.push({ path: '(previous answer)', reason: `cut to ${MAX_PREVIOUS_ANSWER_CHARS} of ${answer.length} chars` });
      answer = `${answer.slice(0, MAX_PREVIOUS_ANSWER_CHARS)}\n[… cut …]`;
    }
    lines.push('', 'Its answer was:', '<previous_answer>', answer.trimEnd(), '</previous_answer>');
  }
  if (prev?.refusal) lines.push('', `That answer was refused (${prev.refusal.code}): ${prev.refusal.message}`);

  const failures = prev?.failures ?? [];
  if (failures.length) {
    const shown: string[] = [];
    let chars = 0;
    for (const f of failures.slice(0, MAX_RETRY_FAILURES)) {
      const line = formatFailure(f);
      if (chars + line.length + 1 > MAX_RETRY_FAILURE_CHARS) break;
      shown.push(line);
      chars += line.length + 1;
    }
    if (shown.length < failures.length) {
      cut.push({ path: '(validator failures)', reason: `showed ${shown.length} of ${failures.length} failures (caps: ${MAX_RETRY_FAILURES} failures, ${MAX_RETRY_FAILURE_CHARS} chars)` });
    }
    lines.push('', `After applying it, the validators reported ${failures.length} failure(s):`, ...shown);
    if (shown.length < failures.length) lines.push(`… and ${failures.length - shown.length} more.`);
  }
  if (prev && prev.failedValidators.length) lines.push('', `Failed validators: ${prev.failedValidators.join(', ')}.`);
  // Failures that were there before the run: named so the model does not chase them.
  const before = prev?.baseline?.pre_existing ?? [];
  if (before.length) {
    const names = before.slice(0, 10).map((f) => f.test ?? `${f.validator} ${f.file ?? ''} ${f.message.split('\n')[0].slice(0, 120)}`.trim());
    lines.push('', `These failed before any change too (pre-existing, not your task; leave them alone): ${names.join('; ')}${before.length > 10 ? ` … and ${before.length - 10} more` : ''}.`);
  }
  if (mode === 'patch') lines.push('', 'Start again from the files as shown below (the previous change was rolled back) and fix the problems above.');
  return { sections: [{ title: 'Previous attempt', body: lines.join('\n') }], cut };
}
