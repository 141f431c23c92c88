// How an error reaches a person (stderr) or a script (--json): one envelope, secrets
// redacted. Free of oclif, so the light paths in bin/run.js can use it too.
import { PipeError, formatDiagnostic, isPipeError } from '../errors.js';
import { redact, redactValue } from '../records/redact.js';

export function toPipeError(err: unknown): PipeError {
  if (isPipeError(err)) return err;
  const e = err as { message?: string; oclif?: { exit?: number }; code?: string; name?: string };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  // oclif's own parse errors (unknown flag, missing arg) are usage errors.
  if (e?.oclif !== undefined || /^(Unexpected argument|Nonexistent flag|Missing \d+ required arg|Expected )/m.test(message) || e?.name === 'CLIError') {
    return new PipeError('E_USAGE', message.replace(/\nSee more help with --help\s*$/, '').trim(), { hint: 'see `pipe <command> --help`', cause: err });
  }
  return new PipeError('E_INTERNAL', message, { cause: err });
}

export interface ErrorJson {
  error: { code: string; message: string; exit_code: number; hint?: string; diagnostics?: unknown[]; details?: Record<string, unknown> };
}

export function errorJson(pe: PipeError): ErrorJson {
  return redactValue({
    error: {
      code: pe.code,
      message: pe.message,
      exit_code: pe.exitCode,
      ...(pe.hint ? { hint: pe.hint } : {}),
      ...(pe.diagnostics.length
        ? { diagnostics: pe.diagnostics.map((d) => ({ file: d.file, line: d.line, column: d.column, message: d.message, pointer: d.pointer, kind: d.kind })) }
        : {}),
      ...(Object.keys(pe.details).length ? { details: pe.details } : {}),
    },
  });
}

/** Human rendering of an error for stderr. */
export function renderError(pe: PipeError): string {
  const lines: string[] = [];
  if (pe.diagnostics.length) {
    for (const d of pe.diagnostics) lines.push(formatDiagnostic(d));
    if (pe.message && !pe.diagnostics.some((d) => pe.message.includes(d.message))) lines.push(`error: ${pe.message}`);
  } else {
    lines.push(`error: ${pe.message}`);
  }
  if (pe.hint) lines.push(`hint: ${pe.hint}`);
  if (pe.code === 'E_INTERNAL' && process.env.PIPE_DEBUG && pe.cause instanceof Error && pe.cause.stack) lines.push(pe.cause.stack);
  return redact(lines.join('\n'));
}
