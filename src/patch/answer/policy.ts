// The policy's `answers` section: which formats a role's patches may come in, which one
// its prompt asks for, and whether an OpenAI call asking for the JSON patch sends
// Structured Outputs. Role settings win over the policy's; the asked format is always accepted.
import type { Policy, RoleName } from '../../types/generated/index.js';
import { ANSWER_FORMATS, type AnswerFormat } from './types.js';

export interface AnswerSettings {
  accept: AnswerFormat[];
  ask: AnswerFormat;
}

export function answerSettings(policy: Policy, role?: RoleName | null): AnswerSettings {
  const own = role ? policy.roles?.[role]?.answers : undefined;
  const ask = own?.ask ?? policy.answers?.ask ?? 'unified_diff';
  const accept = [...(own?.accept ?? policy.answers?.accept ?? ANSWER_FORMATS)];
  if (!accept.includes(ask)) accept.unshift(ask);
  return { accept, ask };
}

// Model families whose API supports response_format json_schema with strict: true.
const SUPPORTS_STRUCTURED = /^(gpt-4o(?!-2024-05-13)|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o1(?!-mini|-preview)|o3|o4)/;

export function structuredOutputsFor(policy: Policy, model: string): boolean {
  const flag = policy.answers?.structured_outputs?.[model];
  return flag ?? SUPPORTS_STRUCTURED.test(model);
}
