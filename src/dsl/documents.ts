// The documents pipe reads — Task, Config, Policy (merged), Pipeline (composed) — and
// `validateFiles`, which checks any of them and reports every problem with a position.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { PipeError, isPipeError, type Diagnostic } from '../errors.js';
import { DEFAULT_POLICY_FILE } from '../paths.js';
import type { Config, Policy, Task } from '../types/generated/index.js';
import { mergePolicies } from './compose.js';
import { loadYamlFile, sortDiagnostics, type LoadedYaml, type Position } from './load.js';
import { inspectPipelineFile, loadPipeline } from './pipeline.js';
import { displayPath, resolveReference } from './resolve.js';
import { validatorFor, KIND_SCHEMAS } from './schemas.js';
import { checkPolicyExpressions, checkTaskAgainstPolicy, checkTaskInputs } from './semantic.js';
import { didYouMean } from './suggest.js';
import { filesUnder } from './walk.js';
import { checkKind, schemaDiagnostics } from './validate.js';

export { mergePolicies } from './compose.js';
export { loadPipeline, type LoadPipelineOptions } from './pipeline.js';
export { checkTaskAgainstPolicy, checkTaskInputs } from './semantic.js';

function invalid(file: string, diagnostics: Diagnostic[]): PipeError {
  const sorted = sortDiagnostics(diagnostics);
  const code = sorted.every((d) => d.kind === 'yaml') ? 'E_YAML' : sorted.every((d) => d.kind === 'file') ? 'E_FILE' : 'E_SCHEMA';
  return new PipeError(code, `${file}: ${sorted.length} problem${sorted.length === 1 ? '' : 's'}`, { diagnostics: sorted });
}

/** Loads a document of one kind and checks it against its schema; throws with every problem. */
async function loadChecked(file: string, kind: 'Task' | 'Config' | 'Policy'): Promise<LoadedYaml> {
  const loaded = await loadYamlFile(file);
  const problems = checkKind(loaded, kind);
  if (!problems.length) problems.push(...schemaDiagnostics(loaded, validatorFor(KIND_SCHEMAS[kind])));
  if (kind === 'Policy' && (problems.length === 0 || problems[0].kind !== 'kind')) problems.push(...checkPolicyExpressions(loaded, loaded.data as Policy));
  if (problems.length) throw invalid(file, problems);
  // The parse is shared (see loadYamlFile): callers get their own copy of the data.
  return { ...loaded, data: structuredClone(loaded.data) };
}

export interface LoadedTask {
  task: Task;
  /** Absolute path of the task file. */
  file: string;
  /** Its folder (fake patch_file paths resolve from here). */
  dir: string;
  /** The parsed source, for positioned follow-up checks (checkTaskAgainstPolicy). */
  source: LoadedYaml;
}

export async function loadTask(file: string): Promise<LoadedTask> {
  // Messages name the file as people see it from here (relative under the cwd), like the other documents.
  const source = await loadChecked(displayPath(resolve(file)), 'Task');
  const abs = resolve(file);
  return { task: source.data as Task, file: abs, dir: dirname(abs), source };
}

/** A Config document from an explicit file (pipe replay --config). */
export async function loadConfigFile(file: string): Promise<{ config: Config; file: string }> {
  const path = resolve(file);
  const loaded = await loadChecked(displayPath(path), 'Config');
  return { config: loaded.data as Config, file: path };
}

/** `<repo>/.pipe/config.yaml` when present, else the defaults. */
export async function loadConfig(repo: string): Promise<{ config: Config; file: string | null }> {
  for (const name of ['config.yaml', 'config.yml']) {
    const path = join(repo, '.pipe', name);
    try {
      if (!statSync(path).isFile()) continue;
    } catch {
      continue;
    }
    const loaded = await loadChecked(displayPath(path), 'Config');
    return { config: loaded.data as Config, file: path };
  }
  return { config: { apiVersion: 'pipe/v1', kind: 'Config' }, file: null };
}

/** Locates pointers of a merged policy in the last file that sets them. */
function mergedSource(sources: LoadedYaml[], data: unknown): LoadedYaml {
  const pick = (pointer: string): LoadedYaml => {
    for (let p = pointer; ; p = p.slice(0, Math.max(0, p.lastIndexOf('/')))) {
      for (let i = sources.length - 1; i >= 0; i--) if (sources[i].has(p)) return sources[i];
      if (p === '') return sources[sources.length - 1];
    }
  };
  const last = sources[sources.length - 1];
  return {
    file: last.file,
    text: last.text,
    data,
    locate: (pointer): Position => pick(pointer).locate(pointer),
    locateKey: (pointer): Position => pick(pointer).locateKey(pointer),
    has: (pointer) => sources.some((s) => s.has(pointer)),
    sourceLine: (line) => last.sourceLine(line),
    diagnostic: (pointer, message, kind, options) => {
      const d = pick(pointer).diagnostic(pointer, message, kind, options);
      return { ...d, message: `${message} (in the merged policy)` };
    },
  };
}

/**
 * The policy files a run in `repo` merges after the default, in order: Config's
 * `policies` (relative to the repo root), or else `.pipe/policy.yaml` when it exists.
 * `pipe run`, `pipe plan` and `pipe validate` all use this one list.
 */
export function configPolicyFiles(config: Config, repo: string): string[] {
  const files = (config.policies ?? []).map((p) => (isAbsolute(p) || p.startsWith('@') ? p : join(repo, p)));
  if (config.policies === undefined) {
    const local = join(repo, '.pipe', 'policy.yaml');
    if (existsSync(local)) files.push(local);
  }
  return files;
}

export interface LoadPoliciesOptions {
  /** Start from the built-in default policy (default true). */
  useDefault?: boolean;
  /** Folder relative paths and package specifiers resolve from (default: the cwd). */
  baseDir?: string;
}

/** Loads and merges policy files in order (default first): later wins, maps deep-merge, arrays replace. */
export async function loadPolicies(files: string[], options: LoadPoliciesOptions = {}): Promise<{ policy: Policy; files: string[] }> {
  const baseDir = resolve(options.baseDir ?? process.cwd());
  const paths: string[] = options.useDefault === false ? [] : [DEFAULT_POLICY_FILE];
  for (const ref of files) paths.push(resolveReference(ref, 'policy', { fromDir: baseDir, repo: baseDir }).path);
  const sources: LoadedYaml[] = [];
  const problems: Diagnostic[] = [];
  for (const path of paths) {
    try {
      sources.push(await loadChecked(displayPath(path), 'Policy'));
    } catch (err) {
      if (!isPipeError(err) || !err.diagnostics.length) throw err;
      problems.push(...err.diagnostics);
    }
  }
  if (problems.length) throw invalid(paths.map(displayPath).join(', '), problems);
  const policy = mergePolicies(sources.map((s) => s.data as Policy));
  // One file merged onto the base is that file (its check required the base's apiVersion
  // and kind), so only a real merge needs checking again.
  if (sources.length > 1) {
    const merged = schemaDiagnostics(mergedSource(sources, policy), validatorFor('policy'), { data: policy, basePointer: '' });
    if (merged.length) throw invalid('merged policy', merged);
  }
  return { policy, files: paths };
}

// ---------------------------------------------------------------- validateFiles

export interface FileReport {
  file: string;
  ok: boolean;
  errors: { line: number; column: number; message: string; pointer: string }[];
}

export interface ValidateReport {
  ok: boolean;
  files: FileReport[];
  /** Every diagnostic in full (source line and caret), for people. */
  diagnostics: Diagnostic[];
}

export interface ValidateOptions {
  /** Where default folders are searched and relative names resolve (default: the cwd). */
  cwd?: string;
  /** Repository root for repo-local pipelines, packages and the config's policies (default: cwd). */
  repo?: string;
}

const DEFAULT_FOLDERS = ['.pipe', 'pipelines', 'policies', 'tasks'];
const KINDS = ['Task', 'Pipeline', 'Policy', 'Config'];

/** YAML files under the default folders, sorted; run records and dependencies skipped. */
export function defaultValidateFiles(cwd: string): string[] {
  // A batch's worktrees (--keep) are whole checkouts, and its journals are pipe's own.
  const skip = new Set([join(cwd, '.pipe', 'worktrees'), join(cwd, '.pipe', 'batches')]);
  return DEFAULT_FOLDERS.flatMap((folder) => yamlFilesUnder(join(cwd, folder), cwd, skip));
}

const NEVER_VALIDATE = new Set(['node_modules', 'runs', '.git']);

/** Every .yaml/.yml file under `root`, sorted, as paths relative to `cwd`. */
function yamlFilesUnder(root: string, cwd: string, skip: ReadonlySet<string> = new Set()): string[] {
  return filesUnder(root, { skipNames: NEVER_VALIDATE, skipPaths: skip })
    .filter((f) => /\.ya?ml$/i.test(f))
    .map((f) => relative(cwd, f));
}

/** A folder given on the command line stands for the YAML files under it (like `eslint src/`). */
function expandFolders(files: string[], cwd: string): string[] {
  return files.flatMap((file) => {
    const full = resolve(cwd, file);
    try {
      if (statSync(full).isDirectory()) return yamlFilesUnder(full, cwd);
    } catch {
      /* missing: reported as such by validateOne */
    }
    return [file];
  });
}

async function validateOne(file: string, options: Required<ValidateOptions>, policyFor: () => Promise<Policy | undefined>): Promise<Diagnostic[]> {
  let loaded: LoadedYaml;
  try {
    loaded = await loadYamlFile(resolve(options.cwd, file), file);
  } catch (err) {
    if (isPipeError(err) && err.diagnostics.length) return err.diagnostics;
    throw err;
  }
  const data = loaded.data as Record<string, unknown> | null;
  const notMap = checkKind(loaded, '');
  if (notMap.length && notMap[0].kind !== 'kind') return notMap;
  const kind = data?.kind;
  if (typeof kind !== 'string' || !KINDS.includes(kind)) {
    const message = kind === undefined
      ? `missing required key 'kind' (one of: ${KINDS.join(', ')})`
      : `unknown kind '${String(kind)}'${didYouMean(String(kind), KINDS)}; expected one of: ${KINDS.join(', ')}`;
    return [loaded.diagnostic(kind === undefined ? '' : '/kind', message, 'kind')];
  }
  if (kind === 'Pipeline') {
    return (await inspectPipelineFile(resolve(options.cwd, file), undefined, { fromDir: dirname(resolve(options.cwd, file)), repo: options.repo })).diagnostics;
  }
  const out = schemaDiagnostics(loaded, validatorFor(KIND_SCHEMAS[kind as 'Task' | 'Policy' | 'Config']));
  if (kind === 'Policy') out.push(...checkPolicyExpressions(loaded, data as Policy));
  const listed = (data as Config).policies;
  if (kind === 'Config' && Array.isArray(listed) && listed.every((p) => typeof p === 'string')) {
    // A policy file a run would fail to find is this file's problem, at its place in the list.
    configPolicyFiles(data as Config, options.repo).forEach((ref, i) => {
      try {
        resolveReference(ref, 'policy', { fromDir: options.repo, repo: options.repo });
      } catch (err) {
        if (!isPipeError(err)) throw err;
        out.push(loaded.diagnostic(`/policies/${i}`, `policy file '${listed[i]}' not found (paths are relative to the repository root)`, 'not-found'));
      }
    });
  }
  if (kind === 'Task') {
    const task = data as Task;
    const policy = await policyFor();
    if (policy) out.push(...checkTaskAgainstPolicy(task, loaded, policy));
    if (typeof task.pipeline === 'string' && task.pipeline) {
      try {
        const pipelinesDir = (await loadConfig(options.repo).catch(() => undefined))?.config.pipelines_dir;
        resolveReference(task.pipeline, 'pipeline', { fromDir: dirname(resolve(options.cwd, file)), repo: options.repo, pipelinesDir });
      } catch (err) {
        if (!isPipeError(err)) throw err;
        out.push(loaded.diagnostic('/pipeline', err.message, 'not-found'));
      }
    }
    if (task.inputs && typeof task.inputs === 'object' && Object.keys(task.inputs).length) {
      // Only a pipeline that loads can say which inputs exist; its own errors are reported on its file.
      const pipelinesDir = (await loadConfig(options.repo).catch(() => undefined))?.config.pipelines_dir;
      const pipeline = await loadPipeline(typeof task.pipeline === 'string' && task.pipeline ? task.pipeline : 'fix', {
        fromDir: dirname(resolve(options.cwd, file)),
        repo: options.repo,
        pipelinesDir,
      }).catch(() => undefined);
      if (pipeline) out.push(...checkTaskInputs(task, loaded, pipeline));
    }
  }
  return out;
}

/** Checks files (every kind detected from `kind`); with none, everything under .pipe/, pipelines/, policies/, tasks/. */
export async function validateFiles(files: string[], options: ValidateOptions = {}): Promise<ValidateReport> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const opts = { cwd, repo: resolve(options.repo ?? cwd) };
  const list = files.length ? expandFolders(files, cwd) : defaultValidateFiles(cwd);
  let policy: Promise<Policy | undefined> | undefined;
  // Tasks are checked against the policy a run would use; if that does not load, the policy files report it.
  const policyFor = (): Promise<Policy | undefined> =>
    (policy ??= loadConfig(opts.repo)
      .then(({ config }) => loadPolicies(configPolicyFiles(config, opts.repo), { useDefault: config.use_default_policy !== false, baseDir: opts.repo }))
      .then((r) => r.policy)
      .catch(() => undefined));
  const byFile = new Map<string, Diagnostic[]>();
  const order: string[] = [];
  const all: Diagnostic[] = [];
  for (const file of list) {
    const shown = file;
    if (!byFile.has(shown)) {
      byFile.set(shown, []);
      order.push(shown);
    }
    const diagnostics = await validateOne(file, opts, policyFor);
    for (const raw of diagnostics) {
      // A parent pipeline's own problems are listed under the parent's file; the file's
      // own keep the name the user gave.
      const own = resolve(raw.file) === resolve(cwd, shown) || raw.file === shown;
      const d = own ? { ...raw, file: shown } : raw;
      const key = own ? shown : d.file;
      if (!byFile.has(key)) {
        byFile.set(key, []);
        order.push(key);
      }
      byFile.get(key)!.push(d);
    }
  }
  const reports: FileReport[] = order.map((file) => {
    const diagnostics = sortDiagnostics(byFile.get(file)!);
    all.push(...diagnostics);
    return { file, ok: diagnostics.length === 0, errors: diagnostics.map((d) => ({ line: d.line, column: d.column, message: d.message, pointer: d.pointer })) };
  });
  return { ok: reports.every((r) => r.ok), files: reports, diagnostics: all };
}
