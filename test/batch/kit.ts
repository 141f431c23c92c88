// Shared set-up for the batch tests: a small Python project in a fresh git repo, the
// user's own uncommitted work in it, and task files whose fake script answers a right
// or a wrong patch. Pricing with a zero output price makes every call cost exactly its
// projection, so budget tests can name "room for N calls" exactly.
import { join } from 'node:path';
import { makeRepo, runCli, writeFiles, type CliResult } from '../helpers/repo.js';

/** Runs one `pipe` command: runCli in a fresh process, or a CLI host's run (startCliHost). */
export type Cli = (args: string[], cwd: string) => Promise<CliResult>;

export const spawnCli: Cli = async (args, cwd) => runCli(args, { cwd });

export const OPS = 'def add(a, b):\n    return a - b\n\n\ndef mul(a, b):\n    return a * b\n';
export const RIGHT = `--- a/calc/ops.py\n+++ b/calc/ops.py\n@@ -1,5 +1,5 @@\n def add(a, b):\n-    return a - b\n+    return a + b\n \n \n def mul(a, b):\n`;
export const WRONG = RIGHT.replace('+    return a + b', '+    return a * b');

export const POLICY = [
  'apiVersion: pipe/v1',
  'kind: Policy',
  'validators:',
  '  check-add:',
  '    argv: [python3, -c, "import calc.ops as o; assert o.add(2, 3) == 5"]',
  '    timeout_s: 60',
  '    parser: exit-code',
  'validation:',
  '  patch_safety: false',
  '',
].join('\n');

/** Every call costs its input tokens at $100 per 1M and nothing for output: actual = projected. */
export const FLAT_PRICING = [
  'apiVersion: pipe/v1',
  'kind: Policy',
  'pricing:',
  '  models:',
  '    gpt-5-mini:',
  '      flex: { input_usd_per_1m: 100, cached_input_usd_per_1m: 100, output_usd_per_1m: 0 }',
  '',
].join('\n');

export interface TaskSpec {
  id: string;
  patch?: 'right' | 'wrong';
  validators?: string[];
  maxAttempts?: number;
  delayMs?: number;
}

export function taskYaml(spec: TaskSpec): string {
  const answer = `    - patch_file: fx/${spec.patch ?? 'right'}.patch${spec.delayMs ? `\n      delay_ms: ${spec.delayMs}` : ''}`;
  return [
    'apiVersion: pipe/v1',
    'kind: Task',
    `id: ${spec.id}`,
    'goal: add() must return the sum of its arguments.',
    'intent: bugfix',
    'allowed_files: ["calc/**/*.py"]',
    'context_files: ["calc/ops.py"]',
    `validators: [${(spec.validators ?? ['check-add']).join(', ')}]`,
    `max_attempts: ${spec.maxAttempts ?? 1}`,
    'fake:',
    '  responses:',
    answer,
    '',
  ].join('\n');
}

/** A committed calc project with .pipe/policy.yaml, tasks/<id>.yaml for each spec, and uncommitted user work. */
export function batchRepo(specs: TaskSpec[], options: { config?: string; policyExtra?: string } = {}): string {
  const files: Record<string, string> = {
    'calc/__init__.py': '',
    'calc/ops.py': OPS,
    'notes.txt': 'committed notes\n',
    '.pipe/policy.yaml': POLICY + (options.policyExtra ?? ''),
  };
  if (options.config) files['.pipe/config.yaml'] = options.config;
  const dir = makeRepo(files);
  writeFiles(dir, { 'tasks/fx/right.patch': RIGHT, 'tasks/fx/wrong.patch': WRONG });
  for (const spec of specs) writeFiles(dir, { [`tasks/${spec.id}.yaml`]: taskYaml(spec) });
  // The user's own work in progress: it must come through the batch untouched.
  writeFiles(dir, { 'notes.txt': 'committed notes\nedited by the user\n', 'scratch.txt': 'untracked user file\n' });
  return dir;
}

export function flatPricingFile(dir: string): string {
  writeFiles(dir, { 'flat-pricing.yaml': FLAT_PRICING });
  return join(dir, 'flat-pricing.yaml');
}

/** What one call of a task costs under flat pricing (its projection, from pipe plan). */
export async function callCost(cli: Cli, dir: string, taskFile: string, policy: string): Promise<number> {
  const r = await cli(['plan', taskFile, '--policy', policy, '--json'], dir);
  const out = JSON.parse(r.stdout) as { budget?: { projected_usd?: number } };
  const usd = out.budget?.projected_usd;
  if (typeof usd !== 'number') throw new Error(`pipe plan gave no projection (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  return usd;
}

export interface BatchTaskJson {
  task_id: string;
  status: string;
  outcome: string;
  exit_code: number | null;
  run_id: string | null;
  attempts: number;
  cost_usd: number;
  branch: string | null;
  patch_file: string | null;
  worktree: string | null;
  reason: string | null;
}

export interface BatchJson {
  batch_id: string;
  status: string;
  exit_code: number;
  commit: string;
  cost_usd: number;
  max_cost_usd: number | null;
  tasks: BatchTaskJson[];
}

export async function batchJson(cli: Cli, dir: string, args: string[]): Promise<{ code: number; out: BatchJson; stderr: string }> {
  const r = await cli(['batch', ...args, '--json'], dir);
  let out: BatchJson;
  try {
    out = JSON.parse(r.stdout) as BatchJson;
  } catch {
    throw new Error(`pipe batch printed no JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
  return { code: r.code, out, stderr: r.stderr };
}

export function byTask(out: BatchJson): Record<string, BatchTaskJson> {
  return Object.fromEntries(out.tasks.map((t) => [t.task_id, t]));
}
