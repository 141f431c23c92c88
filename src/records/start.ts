// What a run records before its first step, so it can be explained and replayed later:
// the commit it started from and the uncommitted work in the tree (digests), the
// resolved documents in force (YAML, with a digest each) and the ledger's spend at the
// scopes the budget step checks.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { git, type Exec } from '../exec/run.js';
import type { Ledger } from '../budget/types.js';
import type { ResolvedPipeline, ResolvedStep } from '../dsl/types.js';
import type { Config, Policy, Task } from '../types/generated/index.js';
import { sha256 } from './digest.js';
import { redact } from './redact.js';
import type { DirtyFile, DocumentName, RoleSpendAtStart, SpendAtStart, StartingPoint } from './types.js';

/** HEAD, the branch, and every path git status reports (untracked included) with the working file's sha256. */
export async function startingPoint(exec: Exec, repo: string): Promise<StartingPoint> {
  const head = await git(exec, repo, ['rev-parse', '--verify', '-q', 'HEAD']);
  const branch = await git(exec, repo, ['symbolic-ref', '--short', '-q', 'HEAD']);
  const status = await git(exec, repo, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames']);
  const dirty: DirtyFile[] = [];
  if (!status.failed) {
    for (const entry of status.stdout.split('\0')) {
      if (entry.length < 4) continue;
      const code = entry.slice(0, 2);
      const path = entry.slice(3);
      const bytes = await readFile(join(repo, path)).catch(() => null);
      dirty.push({ path, status: code, sha256: bytes ? sha256(bytes) : null });
    }
  }
  dirty.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    commit: head.failed ? null : head.stdout.trim() || null,
    branch: branch.failed ? null : branch.stdout.trim() || null,
    dirty: dirty.length > 0,
    dirty_files: dirty,
  };
}

function stepDocument(step: ResolvedStep): Record<string, unknown> {
  const { compiledIf: _c, source: _s, ...rest } = step;
  return rest;
}

/** The composed pipeline (extends resolved) as a Pipeline document of its own. */
export function pipelineDocument(pipeline: ResolvedPipeline): Record<string, unknown> {
  return {
    apiVersion: 'pipe/v1',
    kind: 'Pipeline',
    name: pipeline.name,
    ...(Object.keys(pipeline.inputs).length ? { inputs: pipeline.inputs } : {}),
    steps: pipeline.steps.map(stepDocument),
    ...(pipeline.finally.length ? { finally: pipeline.finally.map(stepDocument) } : {}),
  };
}

// Loaded documents are not changed after loading, so one text per object serves every run
// that uses it (a replay of many runs under the same documents).
const texts = new WeakMap<object, string>();

function yamlOf(key: object, value: () => unknown): string {
  let text = texts.get(key);
  if (text === undefined) {
    text = redact(stringify(value(), { lineWidth: 0 }));
    texts.set(key, text);
  }
  return text;
}

/** The four documents in force, as redacted YAML text. */
export function documentTexts(docs: { pipeline: ResolvedPipeline; policy: Policy; task: Task; config: Config }): Record<DocumentName, string> {
  return {
    pipeline: yamlOf(docs.pipeline, () => pipelineDocument(docs.pipeline)),
    policy: yamlOf(docs.policy, () => docs.policy),
    task: yamlOf(docs.task, () => docs.task),
    config: yamlOf(docs.config, () => docs.config),
  };
}

const round9 = (n: number) => Math.round(n * 1e9) / 1e9;

/** Spend by role at the run's start, this task apart from the others (the scopes reserve() sums). */
export async function spendAtStart(ledger: Ledger, project: string, taskId: string, location: string): Promise<SpendAtStart> {
  const rows = await ledger.spendByRoleAndTask({ project });
  const roles: Record<string, RoleSpendAtStart> = {};
  for (const row of rows) {
    const r = (roles[row.role] ??= { task_spent_usd: 0, task_reserved_usd: 0, other_spent_usd: 0, other_reserved_usd: 0 });
    if (row.task_id === taskId) {
      r.task_spent_usd = round9(r.task_spent_usd + row.spent_usd);
      r.task_reserved_usd = round9(r.task_reserved_usd + row.reserved_usd);
    } else {
      r.other_spent_usd = round9(r.other_spent_usd + row.spent_usd);
      r.other_reserved_usd = round9(r.other_reserved_usd + row.reserved_usd);
    }
  }
  const sorted: Record<string, RoleSpendAtStart> = {};
  for (const k of Object.keys(roles).sort()) sorted[k] = roles[k];
  return { project, task_id: taskId, ledger: location.startsWith('postgres') ? 'postgres' : 'sqlite', roles: sorted };
}
