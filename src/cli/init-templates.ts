// What `pipe init` writes, by the kind of project it finds.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export type ProjectKind = 'python' | 'node' | 'generic';

export function detectProject(repo: string): { kind: ProjectKind; validators: string[]; reason: string } {
  const has = (f: string) => existsSync(join(repo, f));
  if (has('package.json')) {
    const validators = has('tsconfig.json') ? ['tsc', 'npm-test'] : ['npm-test'];
    return { kind: 'node', validators, reason: has('tsconfig.json') ? 'package.json and tsconfig.json' : 'package.json' };
  }
  const pyMarkers = ['pyproject.toml', 'setup.py', 'setup.cfg', 'requirements.txt'];
  const marker = pyMarkers.find(has);
  const pyFiles = marker ? [] : readdirSync(repo).filter((f) => f.endsWith('.py'));
  if (marker || pyFiles.length) return { kind: 'python', validators: ['pytest'], reason: marker ?? `${pyFiles.length} .py file(s)` };
  return { kind: 'generic', validators: [], reason: 'no package.json or Python project files' };
}

export function configYaml(): string {
  return `apiVersion: pipe/v1
kind: Config
# fake replays the task's scripted responses (no network); openai needs OPENAI_API_KEY.
provider: fake
# A SQLite file (relative to the repo root) or a postgres:// URL shared by a team.
ledger: .pipe/ledger.sqlite
# Merged in order on top of pipe's built-in default policy (later wins).
policies:
  - .pipe/policy.yaml
`;
}

export function policyYaml(kind: ProjectKind, name: string): string {
  const validators =
    kind === 'python'
      ? `validators:
  pytest:
    argv: [python3, -m, pytest, -q, -rfE, -p, no:cacheprovider]
    timeout_s: 300
    parser: pytest
`
      : kind === 'node'
        ? `validators:
  npm-test:
    argv: [npm, test, --silent]
    timeout_s: 600
    parser: exit-code
`
        : '';
  return `apiVersion: pipe/v1
kind: Policy
name: ${JSON.stringify(name)}
description: Project policy for ${name}; merged on top of pipe's defaults (see \`pipe plan --show-policy\`).
budget:
  project_total_budget_usd: 5.0
  task_budget_usd: 1.0
limits:
  max_patch_bytes: 256000
safety:
  forbidden_paths: [".env*", "**/.env*", "**/*.pem", "**/*.key", "**/id_rsa*", ".github/workflows/**"]
  allow_deletes: false
  allow_renames: false
  max_files_per_patch: 20
${validators}`;
}

export function exampleTaskYaml(kind: ProjectKind, validators: string[]): string {
  const globs =
    kind === 'python' ? { allowed: ['src/**/*.py', 'tests/**/*.py'], context: ['src/**/*.py', 'tests/**/*.py'] }
    : kind === 'node' ? { allowed: ['src/**/*.ts', 'src/**/*.js', 'test/**/*'], context: ['src/**/*', 'test/**/*', 'package.json'] }
    : { allowed: ['**/*'], context: ['**/*'] };
  return `apiVersion: pipe/v1
kind: Task
id: example
goal: >
  Describe the change you want and how to tell it is done (e.g. "make tests/test_x.py pass").
intent: bugfix
pipeline: fix
allowed_files: ${JSON.stringify(globs.allowed)}
context_files: ${JSON.stringify(globs.context)}
validators: ${JSON.stringify(validators)}
max_attempts: 3
budget: { max_usd: 0.50 }
# With provider: fake, pipe replays these answers instead of calling a model:
# fake:
#   responses:
#     - patch_file: fixtures/fix.patch
`;
}

export const PIPE_GITIGNORE = '# written by pipe: run records and the ledger stay out of git\nruns/\nledger.sqlite*\n*.tmp\nrun.lock\n';
