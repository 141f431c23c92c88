// `pipe validate` without oclif: find the repository, check the files, print every
// diagnostic and the summary. The command (src/commands/validate.ts) and the light path
// in bin/run.js (plain `pipe validate <files>`, the editor-save and pre-commit case) share it.
import { resolve } from 'node:path';
import { EXIT, formatDiagnostic } from '../errors.js';
import type { ValidateReport } from '../dsl/documents.js';

export interface ValidateRun {
  report: ValidateReport;
  /** The repository the files were checked in (default folders and config resolve from it). */
  repo: string;
  /** Where the given file names are relative to. */
  cwd: string;
  summary: string;
}

export async function runValidate(files: string[], options: { repo?: string } = {}): Promise<ValidateRun> {
  const { validateFiles } = await import('../dsl/documents.js');
  // Like every other command, work on the enclosing repository (a git work tree), so
  // \`pipe validate\` in a subfolder checks the repo's files against the repo's config.
  // Files given on the command line stay relative to where they were typed.
  // Found on the file system when it can be: asking git means loading execa (and
  // session.js brings the providers), which would double validate's start-up time.
  const base = resolve(options.repo ?? process.cwd());
  const askGit = process.env.GIT_DIR !== undefined || process.env.GIT_WORK_TREE !== undefined;
  const { enclosingWorkTree } = await import('../dsl/resolve.js');
  const repo = askGit ? await (await import('../runner/session.js')).findRepoRoot(base).catch(() => base) : (enclosingWorkTree(base) ?? base);
  const cwd = files.length ? base : repo;
  const report = await validateFiles(files, { cwd, repo });
  const bad = report.files.filter((f) => !f.ok);
  const problems = bad.reduce((n, f) => n + f.errors.length, 0);
  const okCount = report.files.length - bad.length;
  const summary = bad.length
    ? `${okCount} file${okCount === 1 ? '' : 's'} ok, ${bad.length} with errors (${problems} problem${problems === 1 ? '' : 's'})`
    : `${okCount} file${okCount === 1 ? '' : 's'} ok`;
  return { report, repo, cwd, summary };
}

/** The text output: diagnostics and a failure summary on stderr, success on stdout; exit 2 when anything is invalid. */
export function printValidate(run: ValidateRun): void {
  for (const d of run.report.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  if (run.report.ok) process.stdout.write(`${run.summary}\n`);
  else {
    process.stderr.write(`${run.summary}\n`);
    process.exitCode = EXIT.badInput;
  }
}

/** bin/run.js's light path: `pipe validate [files]` with no flags. */
export async function validateLight(files: string[]): Promise<void> {
  try {
    printValidate(await runValidate(files));
  } catch (err) {
    const { renderError, toPipeError } = await import('./render-error.js');
    const pe = toPipeError(err);
    process.exitCode = pe.exitCode;
    process.stderr.write(`${renderError(pe)}\n`);
  }
}
