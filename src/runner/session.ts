// Everything `pipe run` and `pipe plan` load before the runner starts: repo, task,
// config, merged policy, pipeline, provider readiness. Bad input fails here with exit 2
// and nothing written.
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { PipeError } from '../errors.js';
import { git, runCommand } from '../exec/run.js';
import { unsandboxedWarning, type SandboxChoice } from '../exec/sandbox/index.js';
import { checkTaskAgainstPolicy, checkTaskInputs, configPolicyFiles, loadConfig, loadConfigFile, loadPipeline, loadPolicies, loadTask } from '../dsl/documents.js';
import { displayPath } from '../dsl/resolve.js';
import { assertProviderReady } from '../providers/index.js';
import { preflightValidators } from '../validation/preflight.js';
import { redactRepoDotenv } from '../records/redact.js';
import { decideSandbox } from '../validation/sandbox.js';
import type { Config, Policy, Task } from '../types/generated/index.js';
import type { ResolvedPipeline } from '../dsl/types.js';
import type { ProviderName } from '../providers/contract.js';
import type { RunOptions } from './runner.js';
import type { RunSources } from '../records/types.js';

export interface SessionFlags {
  task: string;
  repo?: string;
  pipeline?: string;
  policy?: string[];
  provider?: string;
  /** A Config file to use instead of <repo>/.pipe/config.yaml (pipe replay --config). */
  config?: string;
  /** Where run records go (default <repo>/.pipe/runs). */
  recordsRoot?: string;
  /** Check that the task's validators can start here (default true; a replay without --validate runs none). */
  preflight?: boolean;
}

export interface Session {
  repo: string;
  task: Task;
  taskFile: string;
  taskDir: string;
  config: Config;
  configFile: string | null;
  policy: Policy;
  policyFiles: string[];
  pipeline: ResolvedPipeline;
  provider: ProviderName;
  ledgerLocation: string;
  project: string;
  /** Where the documents came from, recorded in run.json. */
  sources: RunSources;
  recordsRoot?: string;
  /** The sandbox validators run in (decided here, so `required` fails before any model call). */
  sandbox: SandboxChoice;
}

let warnedUnsandboxed = false;

/** `auto` without a sandbox: one warning per process, on stderr. */
function warnOnce(choice: SandboxChoice, hasValidators: boolean): void {
  const warning = unsandboxedWarning(choice);
  if (!warning || !hasValidators || warnedUnsandboxed) return;
  warnedUnsandboxed = true;
  process.stderr.write(`warning: ${warning}\n`);
}

/** The repository root containing `dir`, or a clear error when it is not a git work tree. */
export async function findRepoRoot(dir: string): Promise<string> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new PipeError('E_FILE', `repository folder '${dir}' does not exist`, { hint: 'pass --repo <dir> pointing at a git repository' });
  }
  const result = await git(runCommand, dir, ['rev-parse', '--show-toplevel']);
  if (result.failed) {
    throw new PipeError('E_USAGE', `'${dir}' is not inside a git repository`, { hint: 'pipe works on git repositories: run `git init` there, or pass --repo <dir>' });
  }
  return result.stdout.trim();
}

/** A path given as a flag: from the cwd where it exists there, else from the repo root (like the task argument). */
export function flagPath(p: string, repo: string): string {
  const fromCwd = resolve(p);
  if (isAbsolute(p) || existsSync(fromCwd)) return fromCwd;
  return existsSync(join(repo, p)) ? join(repo, p) : fromCwd;
}

function resolveTaskFile(task: string, repo: string): string {
  if (isAbsolute(task)) return task;
  const fromCwd = resolve(task);
  if (existsSync(fromCwd)) return fromCwd;
  const fromRepo = join(repo, task);
  return existsSync(fromRepo) ? fromRepo : fromCwd;
}

export async function openSession(flags: SessionFlags, env: NodeJS.ProcessEnv = process.env): Promise<Session> {
  const repo = await findRepoRoot(resolve(flags.repo ?? process.cwd()));
  const { task, file: taskFile, dir: taskDir, source: taskSource } = await loadTask(resolveTaskFile(flags.task, repo));
  const { config, file: configFile } = flags.config ? await loadConfigFile(flagPath(flags.config, repo)) : await loadConfig(repo);
  const provider: string = flags.provider ?? config.provider ?? 'fake';
  assertProviderReady(provider, config, env);

  const configPolicies = configPolicyFiles(config, repo);
  const flagPolicies = (flags.policy ?? []).map((p) => flagPath(p, repo));
  const { policy, files: policyFiles } = await loadPolicies([...configPolicies, ...flagPolicies], {
    useDefault: config.use_default_policy ?? true,
    baseDir: repo,
  });
  const problems = checkTaskAgainstPolicy(task, taskSource, policy);
  if (problems.length) {
    throw new PipeError('E_SCHEMA', `${displayPath(taskFile)}: the task does not fit the policy`, { diagnostics: problems });
  }
  // A replay without --validate runs no validator: nothing to check or sandbox here.
  const validating = flags.preflight !== false;
  // Validators may print what they read from .env (unsandboxed, nothing hides it): its values are redacted like the environment's.
  if (validating) redactRepoDotenv(repo);
  if (validating) await preflightValidators(task, policy, repo, env);
  // The sandbox probe (a bwrap process) runs while the pipeline loads; its answer or error still comes first.
  const choosing: Promise<SandboxChoice> = decideSandbox(policy, { env, validating });
  choosing.catch(() => undefined); // both are awaited below, in this order
  // --pipeline is a path from where it was typed, or else from the repo root (like the task argument).
  const flagDir = flags.pipeline && flagPath(flags.pipeline, repo) !== resolve(flags.pipeline) ? repo : process.cwd();
  const pipelineRef = flags.pipeline ?? task.pipeline ?? 'fix';
  const loadingPipeline = loadPipeline(pipelineRef, {
    fromDir: flags.pipeline ? flagDir : taskDir,
    repo,
    pipelinesDir: config.pipelines_dir,
  });
  loadingPipeline.catch(() => undefined);
  const sandbox = await choosing;
  if (validating) warnOnce(sandbox, (task.validators ?? []).length > 0);
  const pipeline = await loadingPipeline;
  const inputProblems = checkTaskInputs(task, taskSource, pipeline);
  if (inputProblems.length) {
    throw new PipeError('E_SCHEMA', `${displayPath(taskFile)}: the task's inputs do not fit pipeline '${pipeline.name}'`, { diagnostics: inputProblems });
  }
  return {
    repo,
    task,
    taskFile,
    taskDir,
    config,
    configFile,
    policy,
    policyFiles,
    pipeline,
    provider,
    ledgerLocation: config.ledger ?? '.pipe/ledger.sqlite',
    project: config.project ?? 'default',
    sources: {
      task_file: taskFile,
      config_file: configFile,
      policy_files: policyFiles,
      policy_flags: flagPolicies,
      pipeline: pipeline.file,
      pipeline_from_flag: Boolean(flags.pipeline),
    },
    ...(flags.recordsRoot ? { recordsRoot: flags.recordsRoot } : {}),
    sandbox,
  };
}

/** The runner options every command that runs a session's task shares. */
export function runOptionsFor(session: Session): Omit<RunOptions, 'services'> {
  return {
    repo: session.repo,
    task: session.task,
    taskFile: session.taskFile,
    taskDir: session.taskDir,
    pipeline: session.pipeline,
    policy: session.policy,
    config: session.config,
    provider: session.provider,
    project: session.project,
    ledgerLocation: session.ledgerLocation,
    sources: session.sources,
    ...(session.recordsRoot ? { recordsRoot: session.recordsRoot } : {}),
  };
}
