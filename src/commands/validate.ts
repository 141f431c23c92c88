import { Args, Flags } from '@oclif/core';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PipeCommand } from '../cli/base.js';
import { EXIT, formatDiagnostic } from '../errors.js';
import type { FileReport } from '../dsl/documents.js';
import type { Policy } from '../types/generated/index.js';

export interface ValidateJson {
  ok: boolean;
  files: FileReport[];
  /** With --show-merged: the merged policy. */
  merged?: Policy;
}

export default class Validate extends PipeCommand {
  static override summary = 'Check pipe YAML files against their schemas; every problem at once, with line and column.';
  static override description =
    'Detects each file\'s kind (Task, Pipeline, Policy, Config) and checks it: YAML syntax first, then the JSON Schema, then the rules a schema cannot express (known step types, unique ids, retries that go back, expressions that parse, extends chains, validators the policy defines). With no files, checks every .yaml/.yml under .pipe/, pipelines/, policies/ and tasks/. Exits 0 when all files are valid, 2 otherwise.';
  static override examples = [
    '<%= config.bin %> validate',
    '<%= config.bin %> validate pipelines/fix.yaml tasks/fix-slug.yaml',
    '<%= config.bin %> validate policies/team.yaml .pipe/policy.yaml --show-merged',
    '<%= config.bin %> validate tasks/*.yaml --json',
  ];
  static override strict = false;
  static override args = {
    files: Args.string({ description: 'YAML files or folders to check (default: .pipe/, pipelines/, policies/, tasks/)' }),
  };
  static override flags = {
    repo: Flags.string({ description: 'repository root: default folders, repo-local pipelines and packages resolve from here (default: current folder)' }),
    'show-merged': Flags.boolean({ description: 'also print the merged policy of the given policy files (default policy first)' }),
  };

  async run(): Promise<ValidateJson> {
    const { argv, flags } = await this.parse(Validate);
    const { validateFiles, loadPolicies, loadConfig, configPolicyFiles } = await import('../dsl/documents.js');
    const files = (argv as string[]).filter((f) => f.length > 0);
    // Like every other command, work on the enclosing repository (a git work tree), so
    // `pipe validate` in a subfolder checks the repo's files against the repo's config.
    // Files given on the command line stay relative to where they were typed.
    // Found on the file system when it can be: asking git means loading execa (and
    // session.js brings the providers), which would double validate's start-up time.
    const base = resolve(flags.repo ?? process.cwd());
    const askGit = process.env.GIT_DIR !== undefined || process.env.GIT_WORK_TREE !== undefined;
    const { enclosingWorkTree } = await import('../dsl/resolve.js');
    const repo = askGit ? await (await import('../cli/session.js')).findRepoRoot(base).catch(() => base) : (enclosingWorkTree(base) ?? base);
    const cwd = files.length ? base : repo;
    const report = await validateFiles(files, { cwd, repo });
    const result: ValidateJson = { ok: report.ok, files: report.files };

    if (!this.jsonEnabled()) {
      for (const d of report.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
    }
    if (flags['show-merged'] && report.ok) {
      const { parseYamlText } = await import('../dsl/load.js');
      // The given Policy documents, in order; with none, what a run in this repo would use.
      const policyFiles = files.filter((f) => {
        try {
          const data = parseYamlText(readFileSync(resolve(cwd, f), 'utf8'), f).data as { kind?: unknown } | null;
          return data?.kind === 'Policy';
        } catch {
          return false;
        }
      });
      let merged: Policy;
      if (policyFiles.length) merged = (await loadPolicies(policyFiles.map((f) => resolve(cwd, f)), { baseDir: cwd })).policy;
      else {
        const { config } = await loadConfig(repo);
        merged = (await loadPolicies(configPolicyFiles(config, repo), { useDefault: config.use_default_policy !== false, baseDir: repo })).policy;
      }
      result.merged = merged;
      if (!this.jsonEnabled()) {
        const { stringify } = await import('yaml');
        process.stdout.write(stringify(merged, { lineWidth: 0 }));
      }
    }

    const bad = report.files.filter((f) => !f.ok);
    const problems = bad.reduce((n, f) => n + f.errors.length, 0);
    const okCount = report.files.length - bad.length;
    const summary = bad.length
      ? `${okCount} file${okCount === 1 ? '' : 's'} ok, ${bad.length} with errors (${problems} problem${problems === 1 ? '' : 's'})`
      : `${okCount} file${okCount === 1 ? '' : 's'} ok`;
    if (bad.length) {
      if (!this.jsonEnabled()) process.stderr.write(`${summary}\n`);
    } else this.say(summary);
    if (!report.ok) process.exitCode = EXIT.badInput;
    return result;
  }
}
