// One error base for everything pipe reports to a user. `code` is stable (tests and
// --json consumers match on it); `exitCode` is the process exit code it maps to (DSL.md §4).

export const EXIT = {
  succeeded: 0,
  failed: 1,
  badInput: 2,
  blocked: 3,
  escalated: 4,
  refused: 5,
} as const;

export type ErrorCode =
  | 'E_USAGE'
  | 'E_FILE'
  | 'E_YAML'
  | 'E_SCHEMA'
  | 'E_CONFIG'
  | 'E_ENVIRONMENT'
  | 'E_EXPRESSION'
  | 'E_PROVIDER_CONFIG'
  | 'E_PRICING'
  | 'E_BUDGET_BLOCKED'
  | 'E_LIMIT'
  | 'E_APPROVAL_REQUIRED'
  | 'E_CONTRACT'
  | 'E_PATCH_UNSAFE'
  | 'E_DIRTY_FILES'
  | 'E_NO_COMMIT'
  | 'E_REPO_BUSY'
  | 'E_APPLY'
  | 'E_VALIDATION'
  | 'E_PROVIDER'
  | 'E_ESCALATED'
  | 'E_RECOVER'
  | 'E_LEDGER'
  | 'E_NOT_FOUND'
  | 'E_INTERRUPTED'
  | 'E_INTERNAL';

const DEFAULT_EXIT: Record<ErrorCode, number> = {
  E_USAGE: EXIT.badInput,
  E_FILE: EXIT.badInput,
  E_YAML: EXIT.badInput,
  E_SCHEMA: EXIT.badInput,
  E_CONFIG: EXIT.badInput,
  // The validators cannot test this repository here (found by the baseline, before any call).
  E_ENVIRONMENT: EXIT.badInput,
  E_EXPRESSION: EXIT.badInput,
  E_PROVIDER_CONFIG: EXIT.badInput,
  E_PRICING: EXIT.badInput,
  E_BUDGET_BLOCKED: EXIT.blocked,
  E_LIMIT: EXIT.blocked,
  E_APPROVAL_REQUIRED: EXIT.blocked,
  E_CONTRACT: EXIT.failed,
  E_PATCH_UNSAFE: EXIT.refused,
  E_DIRTY_FILES: EXIT.refused,
  E_NO_COMMIT: EXIT.badInput,
  E_REPO_BUSY: EXIT.refused,
  E_APPLY: EXIT.failed,
  E_VALIDATION: EXIT.failed,
  E_PROVIDER: EXIT.failed,
  E_ESCALATED: EXIT.escalated,
  E_RECOVER: EXIT.failed,
  E_LEDGER: EXIT.failed,
  E_NOT_FOUND: EXIT.badInput,
  E_INTERRUPTED: EXIT.failed,
  E_INTERNAL: EXIT.failed,
};

/** A problem located in a source file: rendered `file:line:col: error: message (at /pointer)`. */
export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  message: string;
  /** JSON pointer into the document, '' for the root. */
  pointer: string;
  /** Machine-readable rule: 'yaml', 'schema', 'unknown-key', 'unknown-step', 'expression', … */
  kind: string;
  /** The offending source line, for the caret display. */
  sourceLine?: string;
  /** Length of the caret underline. */
  length?: number;
}

export interface PipeErrorOptions {
  exitCode?: number;
  cause?: unknown;
  hint?: string;
  diagnostics?: Diagnostic[];
  details?: Record<string, unknown>;
}

export class PipeError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly hint?: string;
  readonly diagnostics: Diagnostic[];
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: PipeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PipeError';
    this.code = code;
    this.exitCode = options.exitCode ?? DEFAULT_EXIT[code];
    this.hint = options.hint;
    this.diagnostics = options.diagnostics ?? [];
    this.details = options.details ?? {};
  }
}

export function isPipeError(error: unknown): error is PipeError {
  return error instanceof PipeError;
}

/** Renders a diagnostic the way compilers do: location, message, then the source line and a caret. */
export function formatDiagnostic(d: Diagnostic): string {
  // YAML syntax and file errors have no place in the document tree: no "(at /)".
  const located = d.pointer !== undefined && !(d.pointer === '' && (d.kind === 'yaml' || d.kind === 'file'));
  const head = `${d.file}:${d.line}:${d.column}: error: ${d.message}${located ? ` (at ${d.pointer || '/'})` : ''}`;
  if (d.sourceLine === undefined) return head;
  const caret = ' '.repeat(Math.max(0, d.column - 1)) + '^' + '~'.repeat(Math.max(0, (d.length ?? 1) - 1));
  return `${head}\n  ${d.sourceLine}\n  ${caret}`;
}
