// The scoped context: the messages one call sends and the record of what went in.
import type { ChatMessage } from '../providers/contract.js';

export interface ContextFileEntry {
  path: string;
  chars: number;
  /** Why it is in: named by the task first, then glob matches. */
  source: 'context_files' | 'allowed_files';
  truncated: boolean;
}

export interface ScopedContext {
  messages: ChatMessage[];
  files: ContextFileEntry[];
  /** What was left out or trimmed, and why. */
  cut: { path: string; reason: string; limit?: 'max_context_chars_per_call' | 'max_input_tokens_per_call'; truncated?: boolean }[];
  contextChars: number;
  /** Exact token count of `messages` for the route's model, including per-message overhead. */
  inputTokens: number;
}
