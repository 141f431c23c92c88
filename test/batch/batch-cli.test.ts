// Black-box: `pipe batch` over a folder of tasks in a real git repo with the fake
// provider. Successes land as commits on their own branches, a failure leaves only its
// records, the user's tree, index and branch come through byte-identical, and each
// task's change is the one `pipe run` makes when the task runs alone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, gitIn, snapshotTree, startCliHost, tempDir, type CliHost } from '../helpers/repo.js';
import { batchJson, batchRepo, byTask, type Cli } from './kit.js';

// One Node process runs every pipe command of this file (the commands and repos are real).
let host: CliHost;
const cli: Cli = (args, cwd) => host.run(args, cwd);
test.before(async () => {
  host = await startCliHost();
});
test.after(() => host.close());

test('a folder of tasks: successes become branches, the failure only records, the user tree untouched', async () => {
  const repo = batchRepo([{ id: 'ok-1' }, { id: 'ok-2' }, { id: 'bad', patch: 'wrong' }]);
  const alone = tempDir('pipe-batch-alone-');
  try {
    const before = snapshotTree(repo);
    const statusBefore = gitIn(repo, 'status', '--porcelain');
    const head = gitIn(repo, 'rev-parse', 'HEAD').trim();

    const { code, out, stderr } = await batchJson(cli, repo, ['tasks/', '--jobs', '2']);
    const tasks = byTask(out);
    assert.equal(Object.keys(tasks).sort(), ['bad', 'ok-1', 'ok-2'], stderr);
    assert.is(tasks['ok-1'].status, 'succeeded');
    assert.is(tasks['ok-2'].status, 'succeeded');
    assert.ok(['failed', 'escalated'].includes(tasks.bad.status), tasks.bad.status);
    assert.is(code, Math.max(...out.tasks.map((t) => t.exit_code ?? 0)), 'the batch exits with the largest task exit code');
    assert.is(out.commit, head);

    // The user's tree, index and branch are exactly as before.
    assert.equal(snapshotTree(repo), before);
    assert.is(gitIn(repo, 'status', '--porcelain'), statusBefore);
    assert.is(gitIn(repo, 'rev-parse', 'HEAD').trim(), head);
    assert.is(gitIn(repo, 'branch', '--show-current').trim(), 'main');

    // Each success is one commit on pipe/<batch-id>/<task-id>, parented on the batch's commit.
    const branches = gitIn(repo, 'branch', '--list', `pipe/${out.batch_id}/*`, '--format=%(refname:short)').trim().split('\n').sort();
    assert.equal(branches, [`pipe/${out.batch_id}/ok-1`, `pipe/${out.batch_id}/ok-2`]);
    for (const id of ['ok-1', 'ok-2']) {
      assert.is(tasks[id].branch, `pipe/${out.batch_id}/${id}`);
      assert.is(gitIn(repo, 'rev-parse', `${tasks[id].branch}~1`).trim(), head);
      assert.match(gitIn(repo, 'show', `${tasks[id].branch}:calc/ops.py`), 'return a + b');
      assert.is(gitIn(repo, 'diff', '--name-only', head, tasks[id].branch!).trim(), 'calc/ops.py');
    }
    // The failure left its records and nothing else.
    assert.is(tasks.bad.branch, null);
    assert.ok(existsSync(join(repo, '.pipe/runs', tasks.bad.run_id!, 'state.json')));
    // No worktree is left, in git's list or on disk.
    assert.is(gitIn(repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)?.length, 1);
    assert.not.ok(existsSync(join(repo, '.pipe/worktrees')));

    // The batch is a recorded object: its runs, and the batch itself.
    const runs = JSON.parse((await cli(['runs', '--batch', out.batch_id, '--json'], repo)).stdout) as { runs: { run_id: string; batch_id: string }[] };
    assert.equal(runs.runs.map((r) => r.run_id).sort(), out.tasks.map((t) => t.run_id).sort());
    const shown = await cli(['show', out.batch_id, '--json'], repo);
    assert.is(shown.code, 0, shown.stderr);
    assert.equal((JSON.parse(shown.stdout) as { tasks: { task_id: string; outcome: string }[] }).tasks.map((t) => [t.task_id, t.outcome]), out.tasks.map((t) => [t.task_id, t.status]));

    // The same task run alone (pipe run in a clone) makes the same change as its branch.
    gitIn(alone, 'clone', '-q', repo, '.');
    gitIn(alone, 'config', 'user.email', 't@example.com');
    gitIn(alone, 'config', 'user.name', 't');
    const single = await cli(['run', join(repo, 'tasks/ok-1.yaml'), '--json'], alone);
    assert.is(single.code, 0, single.stderr);
    assert.is(readFileSync(join(alone, 'calc/ops.py'), 'utf8'), gitIn(repo, 'show', `${tasks['ok-1'].branch}:calc/ops.py`));
  } finally {
    cleanup(repo, alone);
  }
});

test('--patches-only --keep: a success is a patch file that applies to the batch commit, no branch; the kept worktree is unlocked', async () => {
  const repo = batchRepo([{ id: 'ok-1', validators: [] }]);
  try {
    const { code, out, stderr } = await batchJson(cli, repo, ['tasks/ok-1.yaml', '--patches-only', '--keep']);
    assert.is(code, 0, stderr);
    const [task] = out.tasks;
    assert.is(task.branch, null);
    assert.ok(task.patch_file && existsSync(task.patch_file), String(task.patch_file));
    assert.is(gitIn(repo, 'branch', '--list', 'pipe/*').trim(), '');
    // The patch is the change: it applies cleanly to the batch's commit (checked, not applied).
    gitIn(repo, 'apply', '--check', task.patch_file!);
    assert.match(readFileSync(task.patch_file!, 'utf8'), '+    return a + b');
    // --keep leaves the worktree (with the change) for the user, no longer locked by pipe.
    assert.ok(task.worktree && existsSync(join(task.worktree, 'calc/ops.py')));
    assert.match(readFileSync(join(task.worktree!, 'calc/ops.py'), 'utf8'), 'return a + b');
    const listed = gitIn(repo, 'worktree', 'list', '--porcelain');
    assert.match(listed, `worktree ${task.worktree}`);
    assert.not.match(listed, /^locked/m);
  } finally {
    cleanup(repo);
  }
});

test('bad input in any task file: exit 2, every problem named, nothing started', async () => {
  const repo = batchRepo([{ id: 'ok-1' }]);
  try {
    const runsBefore = existsSync(join(repo, '.pipe/runs'));
    const badYaml = 'apiVersion: pipe/v1\nkind: Task\nid: broken\ngoal: x\nintent: bugfx\n';
    const dup = readFileSync(join(repo, 'tasks/ok-1.yaml'), 'utf8');
    writeFileSync(join(repo, 'tasks/broken.yaml'), badYaml);
    writeFileSync(join(repo, 'tasks/zz-typo.yaml'), dup.replace('max_attempts', 'max_atempts'));
    const r = await cli(['batch', 'tasks/', '--json'], repo);
    assert.is(r.code, 2, r.stdout + r.stderr);
    const err = (JSON.parse(r.stdout) as { error: { diagnostics: { file: string; line: number }[] } }).error;
    const files = err.diagnostics.map((d) => d.file).join(' ');
    assert.match(files, 'broken.yaml');
    assert.match(files, 'zz-typo.yaml');
    assert.ok(err.diagnostics.every((d) => d.line >= 1));
    assert.is(existsSync(join(repo, '.pipe/runs')), runsBefore, 'no run started');
    assert.not.ok(existsSync(join(repo, '.pipe/batches')));
  } finally {
    cleanup(repo);
  }
});

test.run();
