// SIGINT during validation: the run stops, finally rolls back, the record says why.
// SIGKILL during validation: `pipe recover` restores the tree from the journal.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, cleanup, gitIn, makeRepo, runCli, snapshotTree } from '../helpers/repo.js';

const dirs: string[] = [];
test.after(() => cleanup(...dirs));

const PATCH = `--- a/app.py
+++ b/app.py
@@ -1,2 +1,2 @@
 def answer():
-    return 41
+    return 42
`;

function slowRepo(): string {
  const repo = makeRepo({
    'app.py': 'def answer():\n    return 41\n',
    'notes.txt': 'mine\n',
    'tasks/t.yaml': `apiVersion: pipe/v1
kind: Task
id: slow
goal: make answer() return 42
intent: bugfix
allowed_files: ["app.py"]
validators: [slow]
max_attempts: 1
fake:
  responses:
    - text: ${JSON.stringify(PATCH)}
`,
    'slow-policy.yaml': `apiVersion: pipe/v1
kind: Policy
validators:
  slow:
    argv: [python3, -c, "import time; time.sleep(60)"]
    timeout_s: 120
    parser: exit-code
`,
  });
  dirs.push(repo);
  return repo;
}

async function startAndWaitForValidation(repo: string) {
  const child = spawn(process.execPath, [BIN, 'run', 'tasks/t.yaml', '--repo', repo, '--policy', join(repo, 'slow-policy.yaml'), '--json', '--no-baseline'], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  let stateFile = '';
  while (Date.now() < deadline) {
    const runs = join(repo, '.pipe', 'runs');
    if (existsSync(runs)) {
      const [id] = readdirSync(runs);
      if (id && existsSync(join(runs, id, 'state.json'))) {
        stateFile = join(runs, id, 'state.json');
        try {
          const state = JSON.parse(readFileSync(stateFile, 'utf8'));
          if (state.steps.some((s: { id: string }) => s.id === 'apply')) break;
        } catch {
          /* being rewritten */
        }
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 300)); // inside the validator now
  return { child, exited, stateFile, out: () => ({ stdout, stderr }) };
}

test('SIGINT during validation rolls back in finally and records the interrupt', async () => {
  const repo = slowRepo();
  // The user's own uncommitted work in another file must survive.
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(repo, 'notes.txt'), 'mine, edited\n');
  const before = snapshotTree(repo);
  const { child, exited, stateFile, out } = await startAndWaitForValidation(repo);
  assert.is(readFileSync(join(repo, 'app.py'), 'utf8').includes('42'), true, 'the patch was applied before the interrupt');
  child.kill('SIGINT');
  const code = await exited;
  assert.is(code, 1, out().stderr);
  const state = JSON.parse(readFileSync(stateFile, 'utf8'));
  assert.is(state.status, 'failed');
  assert.is(state.error.code, 'E_INTERRUPTED');
  assert.ok(state.steps.some((s: { uses: string; status: string }) => s.uses === 'rollback' && s.status === 'succeeded'));
  assert.equal(snapshotTree(repo), before);
  assert.is(gitIn(repo, 'status', '--porcelain'), ' M notes.txt\n');
});

test('SIGKILL during validation, then pipe recover restores the tree (twice is safe)', async () => {
  const repo = slowRepo();
  const before = snapshotTree(repo);
  const { child, exited } = await startAndWaitForValidation(repo);
  child.kill('SIGKILL');
  await exited;
  assert.ok(readFileSync(join(repo, 'app.py'), 'utf8').includes('42'), 'killed with the patch applied');
  const r = runCli(['recover', '--repo', repo, '--json'], { cwd: repo });
  assert.is(r.code, 0, r.stderr);
  assert.equal(snapshotTree(repo), before);
  const again = runCli(['recover', '--repo', repo, '--json'], { cwd: repo });
  assert.is(again.code, 0, again.stderr);
  assert.equal(snapshotTree(repo), before);
});

test.run();
