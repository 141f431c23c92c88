import { Flags } from '@oclif/core';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { PipeCommand } from '../cli/base.js';
import { findRepoRoot } from '../runner/session.js';
import { PIPE_GITIGNORE, configYaml, exampleTaskYaml, policyYaml } from '../cli/init-templates.js';
import { runInitBaseline, type InitBaseline } from '../cli/init-baseline.js';
import { PipeError } from '../errors.js';
import { resolveExecutable, runCommand } from '../exec/run.js';
import { configPolicyFiles, loadConfig, loadPolicies } from '../dsl/documents.js';
import { detectProject, exampleGlobs, pythonPathFor, repoFiles, validatorsFor, type ValidatorPlan } from '../project/index.js';

export interface InitResult {
  repo: string;
  project_kind: string;
  projects: { dir: string; language: string; sources: string[]; tests: string[]; runner: string | null; checkers: string[]; evidence: string[] }[];
  validators: string[];
  validators_left_out: { name: string; why: string }[];
  allowed_files: string[];
  notes: string[];
  python_path: string[];
  baseline: InitBaseline | null;
  written: string[];
}

/** Why a validator cannot run here yet, or null when it can. */
function cannotRun(repo: string, v: ValidatorPlan, env: NodeJS.ProcessEnv): string | null {
  const exe = v.argv[0];
  if (resolveExecutable(exe, env.PATH, repo) === null) return `${exe} is not installed here`;
  if (v.nodeBin && ![join(repo, v.cwd, 'node_modules', '.bin', v.nodeBin), join(repo, 'node_modules', '.bin', v.nodeBin)].some((p) => existsSync(p))) {
    return `node_modules/.bin/${v.nodeBin} is missing: run npm install${v.cwd !== '.' ? ` in ${v.cwd}` : ''}, then add it to validators`;
  }
  return null;
}

export default class Init extends PipeCommand {
  static override summary = 'Write .pipe/config.yaml, a policy and an example task into a repository.';
  static override description =
    "Reads the project (pyproject.toml, setup.cfg, setup.py, package folders, package.json, tsconfig.json) to find its code, its tests, its test runner and the checkers it configures; writes globs that match those files and validators for those tools; then runs the validators once on the unchanged tree and reports how they went. Refuses to overwrite existing files unless --force.";
  static override examples = ['<%= config.bin %> init', '<%= config.bin %> init --repo ../project --force', '<%= config.bin %> init --no-baseline'];
  static override flags = {
    repo: Flags.string({ description: 'repository root (default: current folder)' }),
    force: Flags.boolean({ description: 'overwrite files that already exist' }),
    baseline: Flags.boolean({ description: 'run the validators once on the unchanged tree and report how they went', default: true, allowNo: true }),
  };

  async run(): Promise<InitResult> {
    const { flags } = await this.parse(Init);
    const repo = await findRepoRoot(resolve(flags.repo ?? process.cwd()));
    const pf = await repoFiles(runCommand, repo);
    const profile = detectProject(pf);
    const plans = validatorsFor(pf, profile);
    // The example task must fit one call under the default limits, or plan would block it.
    const defaults = (await loadPolicies([], { useDefault: true, baseDir: repo })).policy;
    const globs = exampleGlobs(pf, profile, defaults.limits?.max_context_chars_per_call ?? 128000);
    const pythonPath = pythonPathFor(profile);
    const left = plans.map((v) => ({ name: v.name, why: cannotRun(repo, v, process.env) })).filter((l): l is { name: string; why: string } => l.why !== null);
    const runnable = plans.filter((v) => !left.some((l) => l.name === v.name)).map((v) => v.name);
    const files: Record<string, string> = {
      '.pipe/config.yaml': configYaml(),
      '.pipe/policy.yaml': policyYaml(basename(repo), profile, plans, pythonPath),
      '.pipe/.gitignore': PIPE_GITIGNORE,
      'tasks/example.yaml': exampleTaskYaml(globs, runnable, left),
    };
    const existing = Object.keys(files).filter((f) => existsSync(join(repo, f)));
    if (existing.length && !flags.force) {
      throw new PipeError('E_USAGE', `refusing to overwrite ${existing.join(', ')}`, { hint: 'pass --force to overwrite them' });
    }
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(repo, name)), { recursive: true });
      writeFileSync(join(repo, name), text);
    }
    this.say(`detected ${profile.kind === 'generic' ? 'no Python or Node project' : `a ${profile.kind} project`}`);
    for (const p of profile.projects) {
      this.say(`  ${p.dir || '.'} (${p.language}): code ${p.sources.join(', ') || '(none found)'}; tests ${p.tests.join(', ') || '(beside the code)'}; runner ${p.runner ?? 'none'}${p.checkers.length ? `; checkers ${p.checkers.join(', ')}` : ''}`);
      for (const e of p.evidence) this.say(`    - ${e}`);
    }
    for (const n of [...profile.notes, ...(globs.note ? [globs.note] : [])]) this.say(`note: ${n}`);
    this.say(`allowed_files: ${globs.allowed.join(', ')}`);
    this.say(`validators: ${runnable.join(', ') || 'none'}`);
    for (const l of left) this.say(`  ${l.name} is defined but not in the task: ${l.why}`);
    for (const name of Object.keys(files)) this.say(`wrote ${name}`);

    const baseline = flags.baseline ? await this.baseline(repo, runnable) : null;
    this.say('next: put your goal in tasks/example.yaml, then `pipe plan tasks/example.yaml` and `pipe run tasks/example.yaml`');
    this.say('      (with provider: fake and no fake.responses, `pipe run` stops before the call; set provider: openai and OPENAI_API_KEY for real models)');
    return {
      repo,
      project_kind: profile.kind,
      projects: profile.projects.map((p) => ({ dir: p.dir, language: p.language, sources: p.sources, tests: p.tests, runner: p.runner, checkers: p.checkers, evidence: p.evidence })),
      validators: runnable,
      validators_left_out: left,
      allowed_files: globs.allowed,
      python_path: pythonPath,
      notes: [...profile.notes, ...(globs.note ? [globs.note] : [])],
      baseline,
      written: Object.keys(files),
    };
  }

  /** The written policy, merged as a run would merge it, then one run of the task's validators. */
  private async baseline(repo: string, names: string[]): Promise<InitBaseline> {
    if (!names.length) return { validators: [], warnings: [] };
    const { config } = await loadConfig(repo);
    const { policy } = await loadPolicies(configPolicyFiles(config, repo), { useDefault: config.use_default_policy ?? true, baseDir: repo });
    this.say(`baseline: running ${names.join(', ')} once on the unchanged tree...`);
    const result = await runInitBaseline(repo, policy, names, runCommand);
    for (const r of result.validators) {
      const head = `  ${r.name}: ${r.status}${r.failures ? ` (${r.failures} failure${r.failures === 1 ? '' : 's'})` : ''} in ${r.duration_ms} ms`;
      this.say(r.status === 'passed' ? head : `${head}${r.first_error ? ` — ${r.first_error}` : ''}`);
      if (r.fix) this.say(`    this environment cannot test: ${r.fix} (pipe run stops before any call until it can)`);
    }
    for (const w of result.warnings) this.say(`  warning: ${w}`);
    // Named: next to a validator that cannot test, "these failures" would read as if they were its.
    const failing = result.validators.filter((r) => r.status === 'failed' && !r.fix).map((r) => r.name);
    if (failing.length) {
      this.say(`  ${failing.join(', ')} already ${failing.length === 1 ? 'fails' : 'fail'} before any change: a run is judged against ${failing.length === 1 ? 'its failures' : 'their failures'} (a fix must not add failures; see docs/validation.md)`);
    }
    return result;
  }
}
