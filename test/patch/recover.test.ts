// kill -9 during apply and during validation: `recoverRuns` (and `pipe recover` through
// the built CLI) must put the tree back byte for byte, and a second recover does nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../../src/exec/run.js';
import { ensurePipeIgnored } from '../../src/records/writer.js';
import { recoverRuns, writeCheckpoint } from '../../src/patch/workspace.js';
import { ROOT, cleanup, makeRepo, runCli, snapshotTree, tempDir } from '../helpers/repo.js';
import { porcelain, snapshotExact } from '../steps/patch-harness.js';

const CHILD = join(ROOT, 'test', 'patch', 'fixtures', 'crash-child.ts');

function repoWithFiles(n: number): { repo: string; patch: string } {
  const files: Record<string, string> = {};
  const sections: string[] = [];
  for (let i = 0; i < n; i++) {
    const lines = Array.from({ length: 40 }, (_, k) => `line ${k} of file ${i}`);
    files[`src/m${i}/file${i}.txt`] = `${lines.join('\n')}\n`;
    sections.push(`diff --git a/src/m${i}/file${i}.txt b/src/m${i}/file${i}.txt\n--- a/src/m${i}/file${i}.txt\n+++ b/src/m${i}/file${i}.txt\n@@ -1,4 +1,4 @@\n line 0 of file ${i}\n-line 1 of file ${i}\n+LINE ONE of file ${i}\n line 2 of file ${i}\n line 3 of file ${i}\n`);
  }
  sections.push('diff --git a/src/new/created.txt b/src/new/created.txt\nnew file mode 100644\n--- /dev/null\n+++ b/src/new/created.txt\n@@ -0,0 +1 @@\n+created\n');
  const repo = makeRepo(files);
  ensurePipeIgnored(repo);
  writeFiles(repo, { 'src/m0/file0.txt': files['src/m0/file0.txt'].replace('line 39', 'line 39 (user edit, uncommitted)') });
  return { repo, patch: sections.join('') };
}

function writeFiles(repo: string, files: Record<string, string>) {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(repo, name), text);
}

/** Starts the child, waits for `marker` on its stdout, kills it with SIGKILL, waits for it to die. */
async function crash(repo: string, runId: string, patch: string, mode: string, marker: string): Promise<void> {
  const dir = tempDir('pipe-crash-');
  const patchFile = join(dir, 'p.patch');
  writeFileSync(patchFile, patch);
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, repo, runId, patchFile, mode], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((res) => child.on('exit', (code, signal) => res(signal === 'SIGKILL' ? -9 : code)));
  await new Promise<void>((res, rej) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes(marker)) res();
    });
    child.on('exit', () => rej(new Error(`child exited before ${marker}: ${err}`)));
  });
  process.kill(child.pid!, 'SIGKILL');
  assert.is(await exited, -9, 'the child died by SIGKILL');
  cleanup(dir);
}

for (const [mode, marker] of [['validate', 'READY'], ['apply', 'READY'], ['race', 'CHECKPOINTED']] as const) {
  test(`kill -9 (${mode === 'validate' ? 'mid-validation' : mode === 'apply' ? 'mid-apply, first file written' : 'during git apply'}) then recoverRuns restores the tree byte for byte`, async () => {
    const { repo, patch } = repoWithFiles(30);
    try {
      const before = snapshotExact(repo);
      const beforeTree = snapshotTree(repo);
      const status = porcelain(repo);
      await crash(repo, 'run-crash-1', patch, mode, marker);
      if (mode !== 'race') assert.not.equal(snapshotExact(repo), before, 'the child changed the tree');
      const journal = JSON.parse(readFileSync(join(repo, '.pipe/runs/run-crash-1/journal.json'), 'utf8'));
      assert.is(journal.state, 'open');
      const recovered = await recoverRuns(repo, runCommand);
      assert.is(recovered.length, 1);
      assert.is(recovered[0].run_id, 'run-crash-1');
      if (mode === 'validate') assert.is(recovered[0].restored.length, 31);
      if (mode === 'apply') assert.equal(recovered[0].restored, ['src/m0/file0.txt']);
      assert.equal(snapshotExact(repo), before);
      assert.equal(snapshotTree(repo), beforeTree);
      assert.is(porcelain(repo), status);
      assert.match(readFileSync(join(repo, 'src/m0/file0.txt'), 'utf8'), /user edit, uncommitted/);
      assert.is(JSON.parse(readFileSync(join(repo, '.pipe/runs/run-crash-1/journal.json'), 'utf8')).state, 'closed');
      assert.equal(await recoverRuns(repo, runCommand), [], 'a second recover does nothing');
      assert.equal(snapshotExact(repo), before);
    } finally {
      cleanup(repo);
    }
  });
}

test('pipe recover --json restores a killed run and is idempotent (built CLI)', async () => {
  if (!existsSync(join(ROOT, 'dist', 'commands', 'recover.js'))) {
    throw new Error('dist/commands/recover.js is missing: build first with `npx tsc -p tsconfig.json`');
  }
  const { repo, patch } = repoWithFiles(5);
  try {
    const before = snapshotTree(repo);
    const status = porcelain(repo);
    await crash(repo, 'run-cli-1', patch, 'validate', 'READY');
    assert.not.equal(snapshotTree(repo), before);
    const first = runCli(['recover', '--repo', repo, '--json']);
    assert.is(first.code, 0, first.stderr);
    const doc = JSON.parse(first.stdout) as { recovered: { run_id: string; restored: string[] }[] };
    assert.is(doc.recovered.length, 1);
    assert.is(doc.recovered[0].run_id, 'run-cli-1');
    assert.is(doc.recovered[0].restored.length, 6);
    assert.equal(snapshotTree(repo), before);
    assert.is(porcelain(repo), status);
    const second = runCli(['recover', '--repo', repo, '--json']);
    assert.is(second.code, 0);
    assert.equal(JSON.parse(second.stdout).recovered, []);
    const human = runCli(['recover', '--repo', repo]);
    assert.match(human.stdout, /nothing to recover/);
  } finally {
    cleanup(repo);
  }
});

test('an open journal of a live process is left alone unless forced', async () => {
  const repo = makeRepo({ 'a.txt': 'a\n' });
  try {
    ensurePipeIgnored(repo);
    const journalPath = join(repo, '.pipe/runs/run-live/journal.json');
    mkdirSync(join(repo, '.pipe/runs/run-live'), { recursive: true });
    await writeCheckpoint({ repo, runId: 'run-live', journalPath, paths: ['a.txt'], attempt: 1 });
    writeFileSync(join(repo, 'a.txt'), 'changed by the live run\n');
    assert.equal(await recoverRuns(repo, runCommand), []);
    assert.is(readFileSync(join(repo, 'a.txt'), 'utf8'), 'changed by the live run\n');
    const forced = await recoverRuns(repo, runCommand, { force: true });
    assert.equal(forced, [{ run_id: 'run-live', restored: ['a.txt'] }]);
    assert.is(readFileSync(join(repo, 'a.txt'), 'utf8'), 'a\n');
  } finally {
    cleanup(repo);
  }
});

test.run();
