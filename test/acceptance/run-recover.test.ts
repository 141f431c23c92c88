// Black-box: a run killed with SIGKILL mid-validation (its patch applied, a new file
// created) — `pipe recover` puts the tree back byte for byte, keeps the user's own
// uncommitted work, and the run's record stops saying "running".
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, cleanup, runCli, snapshotTree, writeFiles } from '../helpers/repo.js';
import { RIGHT, calcRepo, events, readJson, writeTask } from './run-kit.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('kill -9 during validation, then pipe recover: tree byte-identical, state.json failed (E_INTERRUPTED), runs agree', async () => {
  const repo = calcRepo();
  let pgid = 0;
  try {
    writeFiles(repo, {
      'slow.yaml': 'apiVersion: pipe/v1\nkind: Policy\nvalidators:\n  slow:\n    argv: [python3, -c, "import time; time.sleep(60)"]\n    timeout_s: 120\n    parser: exit-code\n',
    });
    const withNewFile = `${RIGHT}--- /dev/null\n+++ b/calc/extra.py\n@@ -0,0 +1 @@\n+EXTRA = 1\n`;
    const task = writeTask(repo, [{ patch: withNewFile }], { validators: ['slow'], maxAttempts: 1 });
    const before = snapshotTree(repo);
    const child = spawn(process.execPath, [BIN, 'run', task, '--policy', 'slow.yaml', '--json', '--no-baseline'], { cwd: repo, detached: true, stdio: 'ignore' });
    pgid = child.pid ?? 0;
    for (let i = 0; i < 150 && !existsSync(join(repo, 'calc/extra.py')); i++) await sleep(100);
    assert.ok(existsSync(join(repo, 'calc/extra.py')), 'the patch was applied before the kill');
    await sleep(300);
    process.kill(-pgid, 'SIGKILL');
    pgid = 0;
    await sleep(200);

    const rec = runCli(['recover', '--json'], { cwd: repo });
    assert.is(rec.code, 0, rec.stderr);
    const report = JSON.parse(rec.stdout) as { recovered: Array<{ run_id: string; restored: string[] }> };
    assert.is(report.recovered.length, 1);
    assert.equal([...report.recovered[0].restored].sort(), ['calc/extra.py', 'calc/ops.py']);
    assert.equal(snapshotTree(repo), before, 'byte-identical to before the run, user edits included');
    assert.is(readFileSync(join(repo, 'notes.txt'), 'utf8'), 'committed notes\nedited by the user\n');

    const runId = report.recovered[0].run_id;
    const dir = join(repo, '.pipe/runs', runId);
    const state = readJson<{ status: string; exit_code: number; error: { code: string } | null; finished_at: string | null }>(join(dir, 'state.json'));
    assert.is(state.status, 'failed');
    assert.is(state.exit_code, 1);
    assert.is(state.error?.code, 'E_INTERRUPTED');
    assert.type(state.finished_at, 'string');
    assert.is(events(dir).at(-1)?.type, 'run.end');
    assert.is(readJson<{ state: string }>(join(dir, 'journal.json')).state, 'closed');

    const runs = JSON.parse(runCli(['runs', '--json'], { cwd: repo }).stdout) as { runs: Array<{ run_id: string; status: string }> };
    assert.equal(runs.runs.map((r) => [r.run_id, r.status]), [[runId, 'failed']]);
    const again = JSON.parse(runCli(['recover', '--json'], { cwd: repo }).stdout) as { recovered: unknown[] };
    assert.equal(again.recovered, [], 'recover is idempotent');
    assert.equal(snapshotTree(repo), before);
  } finally {
    if (pgid) process.kill(-pgid, 'SIGKILL');
    cleanup(repo);
  }
});

test.run();
