// What `pipe init` writes: the config, a policy with the validators the project's own
// configuration calls for, and an example task whose globs match the project's real files.
import type { ExampleGlobs, ProjectProfile, ValidatorPlan } from '../project/index.js';

export function configYaml(): string {
  return `apiVersion: pipe/v1
kind: Config
# fake replays the task's scripted responses (no network); with no script, \`pipe run\`
# does a dry run. For real models: provider: openai and OPENAI_API_KEY in the environment.
provider: fake
# A SQLite file (relative to the repo root) or a postgres:// URL shared by a team.
ledger: .pipe/ledger.sqlite
# Merged in order on top of pipe's built-in default policy (later wins).
policies:
  - .pipe/policy.yaml
`;
}

const q = (s: string) => JSON.stringify(s);

function validatorYaml(v: ValidatorPlan): string {
  return [
    `  ${v.name}:`,
    `    argv: [${v.argv.map(q).join(', ')}]`,
    `    timeout_s: ${v.timeout_s}`,
    `    parser: ${v.parser}`,
    ...(v.cwd !== '.' ? [`    cwd: ${q(v.cwd)}`] : []),
    `    cost: ${v.cost}`,
  ].join('\n');
}

export function policyYaml(name: string, profile: ProjectProfile, validators: ValidatorPlan[], pythonPath: string[] = []): string {
  const found = profile.projects.map((p) => `#   ${p.dir || '.'}: ${p.evidence.join('; ')}`);
  return `apiVersion: pipe/v1
kind: Policy
name: ${q(name)}
description: Project policy for ${name}; merged on top of pipe's defaults (see \`pipe plan --show-policy\`).
# What \`pipe init\` found:
${found.length ? found.join('\n') : '#   no Python or Node project'}
budget:
  project_total_budget_usd: 5.0
  task_budget_usd: 1.0
limits:
  max_patch_bytes: 256000
safety:
  forbidden_paths: [".env*", "**/.env*", "**/*.pem", "**/*.key", "**/id_rsa*", ".github/workflows/**"]
  allow_deletes: false
  allow_renames: false
  # Files you have changed but not committed are left out of what a patch may touch.
  allow_dirty_files: false
  max_files_per_patch: 20
${validators.length ? `validators:\n${validators.map(validatorYaml).join('\n')}\n` : ''}${
    pythonPath.length
      ? `validation:\n  # The repository's own packages first on PYTHONPATH for every validator, not an installed copy.\n  python_path: [${pythonPath.map(q).join(', ')}]\n`
      : ''
  }`;
}

export function exampleTaskYaml(globs: ExampleGlobs, validators: string[], left: { name: string; why: string }[]): string {
  const notRun = left.map((l) => `# not in validators: ${l.name} (${l.why})`);
  return `apiVersion: pipe/v1
kind: Task
id: example
goal: >
  Describe the change you want and how to tell it is done (e.g. "make tests/test_x.py pass").
intent: bugfix
pipeline: fix
# Globs written by \`pipe init\` from the project's code and test folders; each matches real files.
${globs.note ? `# Note: ${globs.note}.\n` : ''}allowed_files: ${JSON.stringify(globs.allowed)}
context_files: ${JSON.stringify(globs.context)}
validators: ${JSON.stringify(validators)}
${notRun.length ? `${notRun.join('\n')}\n` : ''}max_attempts: 3
budget: { max_usd: 0.50 }
# With provider: fake and no script, \`pipe run\` stops before the call (a dry run).
# To replay answers instead of calling a model:
# fake:
#   responses:
#     - patch_file: fixtures/fix.patch
`;
}

export const PIPE_GITIGNORE = '# written by pipe: run records, the baseline cache and the ledger stay out of git\nruns/\nbaseline/\nledger.sqlite*\n*.tmp\nrun.lock\n';
