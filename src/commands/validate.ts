import { Args, Flags } from '@oclif/core';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PipeCommand } from '../cli/base.js';
import { EXIT } from '../errors.js';
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
    const files = (argv as string[]).filter((f) => f.length > 0);
    const { runValidate, printValidate } = await import('../cli/validate-run.js');
    const checked = await runValidate(files, { repo: flags.repo });
    const { report, repo, cwd } = checked;
    const result: ValidateJson = { ok: report.ok, files: report.files };
    if (flags['show-merged'] && report.ok) {
      const { loadPolicies, loadConfig, configPolicyFiles } = await import('../dsl/documents.js');
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
        // The diagnostics (none) first, then the merged policy, then the summary.
        process.stdout.write(stringify(merged, { lineWidth: 0 }));
      }
    }
    if (!this.jsonEnabled()) printValidate(checked);
    else if (!report.ok) process.exitCode = EXIT.badInput;
    return result;
  }
}
