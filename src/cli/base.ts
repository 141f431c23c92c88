// The shared base of every command: --json via oclif's JSON flag, one error envelope,
// exit codes from PipeError, and secrets redacted from everything printed.
import { Command } from '@oclif/core';
import type { PipeError } from '../errors.js';
import { redact, redactValue } from '../records/redact.js';
import { errorJson, renderError, toPipeError } from './render-error.js';

export { errorJson, renderError, toPipeError, type ErrorJson } from './render-error.js';

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
