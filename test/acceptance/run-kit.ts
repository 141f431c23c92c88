// Shared set-up for the run-* acceptance tests: a small Python project in a fresh git
// repo with the user's own uncommitted work, tasks whose fake script points at patch
// files written here, and readers for the records and the ledger.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { makeRepo, runCli, writeFiles } from '../helpers/repo.js';
import type { RunResultJson } from '../../src/cli/summary.js';

export const OPS = 'def add(a, b):\n    return a - b\n\n\ndef mul(a, b):\n    return a * b\n';
export const RIGHT = `--- a/calc/ops.py\n+++ b/calc/ops.py\n@@ -1,5 +1,5 @@\n def add(a, b):\n-    return a - b\n+    return a + b\n \n \n def mul(a, b):\n`;
export const WRONG = RIGHT.replace('+    return a + b', '+    return a * b');

/** A repo with calc/ops.py (add is wrong), a pytest, and the user's uncommitted edits. */
export function calcRepo(extra: Record<string, string> = {}): string {
  const dir = makeRepo({
    'calc/__init__.py': '',
    'calc/ops.py': OPS,
    'tests/test_ops.py': 'from calc.ops import add, mul\n\n\ndef test_add():\n    assert add(2, 3) == 5\n\n\ndef test_mul():\n    assert mul(2, 3) == 6\n',
    'notes.txt': 'committed notes\n',
    ...extra,
  });
  writeFiles(dir, { 'notes.txt': 'committed notes\nedited by the user\n', 'scratch.txt': 'untracked user file\n' });
  return dir;
}

export type Scripted = { patch: string } | { text: string } | { diagnosis: string } | { error: string };

/** Writes tasks/t.yaml whose fake script answers `responses` in order; returns its path. */
export function writeTask(dir: string, responses: Scripted[], opts: { validators?: string[]; maxAttempts?: number; extra?: string } = {}): string {
  const lines = responses.map((r, i) => {
    if ('patch' in r) {
      writeFiles(dir, { [`tasks/fx/answer-${i}.patch`]: r.patch });
      return `    - patch_file: fx/answer-${i}.patch`;
    }
    return `    - ${JSON.stringify(r)}`;
  });
  writeFiles(dir, {
    'tasks/t.yaml': [
      'apiVersion: pipe/v1',
      'kind: Task',
      'id: fix-add',
      'goal: add() must return the sum; make tests/test_ops.py pass.',
      'intent: bugfix',
      'pipeline: fix',
      'allowed_files: ["calc/**/*.py"]',
      'context_files: ["calc/*.py", "tests/test_ops.py"]',
      `validators: [${(opts.validators ?? ['pytest']).join(', ')}]`,
      `max_attempts: ${opts.maxAttempts ?? 3}`,
      opts.extra ?? '',
      'fake:',
      '  responses:',
      ...lines,
      '',
    ].join('\n'),
  });
  return join(dir, 'tasks/t.yaml');
}

export type RunJson = RunResultJson;

export function runJson(dir: string, args: string[], env?: Record<string, string | undefined>): { code: number; out: RunJson; stderr: string } {
  const r = runCli(['run', ...args, '--json'], { cwd: dir, env });
  let out: RunJson;
  try {
    out = JSON.parse(r.stdout) as RunJson;
  } catch {
    throw new Error(`pipe run printed no JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
  return { code: r.code, out, stderr: r.stderr };
}

export { runCliAsync } from '../helpers/repo.js';

export type LedgerRow = Record<string, string | number | null>;

export function ledgerRows(file: string): LedgerRow[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT * FROM ledger_entries ORDER BY created_at, id').all() as LedgerRow[];
  } finally {
    db.close();
  }
}

export function readJson<T = Record<string, unknown>>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

export function events(recordsDir: string): Array<Record<string, unknown>> {
  return readFileSync(join(recordsDir, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
