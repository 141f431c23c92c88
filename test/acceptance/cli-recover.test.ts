// Black-box: `pipe recover` restores only runs that were interrupted, never a run that finished.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, makeRepo, runCli, writeFiles } from '../helpers/repo.js';

const PATCH = `--- a/lib/total.py
+++ b/lib/total.py
@@ -1,2 +1,2 @@
 def total(xs):
-    return sum(xs) - 1
+    return sum(xs)
`;

function repoWithTask(): string {
  const repo = makeRepo({ 'lib/total.py': 'def total(xs):\n    return sum(xs) - 1\n' });
  writeFiles(repo, {
    'work/total.yaml': [
      'apiVersion: pipe/v1',
      'kind: Task',
      'id: total-off-by-one',
      'goal: total() must return the plain sum',
      'intent: bugfix',
      'allowed_files: ["lib/*.py"]',
      'fake:',
      '  responses:',
      '    - patch_file: total.patch',
      '',
    ].join('\n'),
    'work/total.patch': PATCH,
  });
  return repo;
}

test('a succeeded run closes its journal: pipe recover and the next run leave its change alone', () => {
  const repo = repoWithTask();
  try {
    const run = runCli(['run', 'work/total.yaml', '--json'], { cwd: repo });
    assert.is(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { run_id: string; status: string };
    assert.is(result.status, 'succeeded');
    const fixed = 'def total(xs):\n    return sum(xs)\n';
    assert.is(readFileSync(join(repo, 'lib/total.py'), 'utf8'), fixed);
    const journal = JSON.parse(readFileSync(join(repo, '.pipe/runs', result.run_id, 'journal.json'), 'utf8')) as { state: string };
    assert.is(journal.state, 'closed');

    const rec = runCli(['recover', '--json'], { cwd: repo });
    assert.is(rec.code, 0, rec.stderr);
    assert.equal((JSON.parse(rec.stdout) as { recovered: unknown[] }).recovered, []);
    assert.is(readFileSync(join(repo, 'lib/total.py'), 'utf8'), fixed);

    // A later run starts by recovering crashed runs; the finished one is not among them.
    // The fix it left is now uncommitted work in the only allowed file, so this run stops
    // before any call (exit 5, refused) and leaves that work alone.
    const again = runCli(['run', 'work/total.yaml', '--json'], { cwd: repo });
    const second = JSON.parse(again.stdout) as { status: string; error?: { code: string } };
    assert.is(again.code, 5, again.stdout);
    assert.is(second.status, 'refused');
    assert.is(second.error?.code, 'E_DIRTY_FILES');
    assert.equal(readdirSync(join(repo, '.pipe/runs')), [result.run_id]);
    assert.is(readFileSync(join(repo, 'lib/total.py'), 'utf8'), fixed);
  } finally {
    cleanup(repo);
  }
});

test.run();
