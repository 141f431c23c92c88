// The shared base of every command: --json via oclif's JSON flag, one error envelope,
// exit codes from PipeError, and secrets redacted from everything printed.
import { Command } from '@oclif/core';
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

export abstract class PipeCommand extends Command {
  static override enableJsonFlag = true;

  /** Prints a line for people; silent under --json. */
  protected say(message: string): void {
    if (!this.jsonEnabled()) process.stdout.write(`${redact(message)}\n`);
  }

  /** Prints a line on stderr (progress, warnings); silent under --json. */
  protected note(message: string): void {
    if (!this.jsonEnabled()) process.stderr.write(`${redact(message)}\n`);
  }

  protected override toSuccessJson(result: unknown): unknown {
    return redactValue(result);
  }

  /** Top-level fields a command adds to its error document (e.g. `pipe run`'s status and exit_code). */
  protected errorFields(_pe: PipeError): Record<string, unknown> {
    return {};
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<void> {
    // oclif's help and version exits are not errors.
    const oclifExit = (err as { oclif?: { exit?: number } }).oclif?.exit;
    if (oclifExit === 0) return;
    const pe = toPipeError(err);
    process.exitCode = pe.exitCode;
    if (this.jsonEnabled()) this.logJson({ ...redactValue(this.errorFields(pe)), ...errorJson(pe) });
    else process.stderr.write(`${renderError(pe)}\n`);
  }
}
