// apply and rollback steps in real repos: the user's uncommitted work is never
// touched or lost, retries start from the pre-run tree, rollback is byte-identical
// and idempotent, and a dry run writes nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, gitIn, makeRepo, snapshotTree, writeFiles } from '../helpers/repo.js';
import { defaultPolicy, makePatchHarness, porcelain, snapshotExact } from './patch-harness.js';

const FILES = {
  'src/app.py': 'import re\n\n\ndef slug(text):\n    return text.lower()\n',
  'src/util.py': 'def add(a, b):\n    return a + b\n',
  'README.md': '# demo\n',
};
const PATCH_APP = 'diff --git a/src/app.py b/src/app.py\n--- a/src/app.py\n+++ b/src/app.py\n@@ -3,3 +3,3 @@\n \n def slug(text):\n-    return text.lower()\n+    return text.lower().strip()\n';
const PATCH_NEW = 'diff --git a/src/pkg/mod.py b/src/pkg/mod.py\nnew file mode 100644\n--- /dev/null\n+++ b/src/pkg/mod.py\n@@ -0,0 +1 @@\n+X = 1\n';

function setup() {
  const repo = makeRepo(FILES);
  return repo;
}

test('a patch on a file with unstaged changes is refused with E_DIRTY_FILES and nothing is written', async () => {
  const repo = setup();
  try {
    writeFiles(repo, { 'src/app.py': FILES['src/app.py'].replace('import re', 'import re  # mine') });
    const before = snapshotTree(repo);
    const status = porcelain(repo);
    const h = makePatchHarness({ repo, allowed: ['src/**'] });
    h.propose(PATCH_APP);
    assert.is((await h.gate()).status, 'succeeded');
    const r = await h.apply();
    assert.is(r.status, 'refused');
    assert.is(r.code, 'E_DIRTY_FILES');
    assert.match(r.message ?? '', /uncommitted changes: src\/app.py; commit or stash them first, or set safety.allow_dirty_files: true/);
    assert.is(h.ctx.currentAttempt().refusal?.code, 'E_DIRTY_FILES');
    assert.equal(snapshotTree(repo), before);
    assert.is(porcelain(repo), status);
    assert.not.ok(existsSync(join(repo, '.pipe', 'runs', h.ctx.run.id, 'journal.json')), 'no journal: nothing was applied');
  } finally {
    cleanup(repo);
  }
});

test('staged changes and untracked files count as dirty', async () => {
  const repo = setup();
  try {
    writeFiles(repo, { 'src/app.py': FILES['src/app.py'].replace('import re', 'import re  # staged') });
    gitIn(repo, 'add', 'src/app.py');
    // The gate checks against the working tree, so the patch must fit the staged text.
    const h = makePatchHarness({ repo, allowed: ['src/**'] });
    h.propose(PATCH_APP);
    assert.is((await h.gate()).status, 'succeeded');
    assert.is((await h.apply()).code, 'E_DIRTY_FILES');

    const h2 = makePatchHarness({ repo, allowed: ['src/**'] });
    h2.propose(PATCH_NEW);
    assert.is((await h2.gate()).status, 'succeeded');
    writeFiles(repo, { 'src/pkg/mod.py': 'mine\n' }); // appears between gate and apply
    const r = await h2.apply();
    assert.is(r.code, 'E_DIRTY_FILES');
    assert.is(readFileSync(join(repo, 'src/pkg/mod.py'), 'utf8'), 'mine\n');
  } finally {
    cleanup(repo);
  }
});

test('dirty files outside the patch are left alone; rollback keeps them byte-identical', async () => {
  const repo = setup();
  try {
    writeFiles(repo, { 'src/util.py': 'def add(a, b):\n    return b + a  # mine\n', 'notes.txt': 'untracked\n' });
    const before = snapshotTree(repo);
    const status = porcelain(repo);
    const h = makePatchHarness({ repo, allowed: ['src/**'] });
    h.propose(PATCH_APP);
    assert.is((await h.gate()).status, 'succeeded');
    const r = await h.apply();
    assert.is(r.status, 'succeeded', r.message);
    assert.equal((r.output as { files_changed: string[] }).files_changed, ['src/app.py']);
    assert.is(readFileSync(join(repo, 'src/util.py'), 'utf8'), 'def add(a, b):\n    return b + a  # mine\n');
    assert.match(readFileSync(join(repo, 'src/app.py'), 'utf8'), /strip\(\)/);
    const rb = await h.rollback();
    assert.equal((rb.output as { restored: string[] }).restored, ['src/app.py']);
    assert.equal(snapshotTree(repo), before);
    assert.is(porcelain(repo), status);
  } finally {
    cleanup(repo);
  }
});

test('allow_dirty_files: the patch applies on top of the user version and rollback restores the user version', async () => {
  const repo = setup();
  try {
    const mine = 'import re  # mine\n\n\ndef slug(text):\n    return text.lower()\n';
    writeFiles(repo, { 'src/app.py': mine });
    const before = snapshotExact(repo);
    const status = porcelain(repo);
    const h = makePatchHarness({ repo, allowed: ['src/**'], policy: defaultPolicy({ allow_dirty_files: true }) });
    h.propose(PATCH_APP);
    assert.is((await h.gate()).status, 'succeeded');
    const r = await h.apply();
    assert.is(r.status, 'succeeded', r.message);
    assert.is(readFileSync(join(repo, 'src/app.py'), 'utf8'), mine.replace('text.lower()', 'text.lower().strip()'));
    const journal = JSON.parse(readFileSync(join(repo, '.pipe', 'runs', h.ctx.run.id, 'journal.json'), 'utf8'));
    assert.is(journal.state, 'open');
    assert.is(Buffer.from(journal.files[0].bytes_base64, 'base64').toString('utf8'), mine);
    await h.rollback();
    assert.equal(snapshotExact(repo), before);
    assert.is(porcelain(repo), status);

    // with.allow_dirty_files: false narrows the policy back.
    const h2 = makePatchHarness({ repo, allowed: ['src/**'], policy: defaultPolicy({ allow_dirty_files: true }) });
    h2.propose(PATCH_APP);
    await h2.gate();
    assert.is((await h2.apply({ allow_dirty_files: false })).code, 'E_DIRTY_FILES');
  } finally {
    cleanup(repo);
  }
});

test('journal lists prior bytes, modes and absent files, and is closed by rollback', async () => {
  const repo = setup();
  try {
    const h = makePatchHarness({ repo, allowed: ['src/**'] });
    h.propose(PATCH_APP + PATCH_NEW);
    assert.is((await h.gate()).status, 'succeeded');
    const r = await h.apply();
    const journalPath = (r.output as { journal: string }).journal;
    const doc = JSON.parse(readFileSync(journalPath, 'utf8'));
    assert.is(doc.state, 'open');
    assert.is(doc.pid, process.pid);
    assert.is(doc.repo, repo);
    assert.equal(doc.files.map((f: { path: string; prior: string; mode: string | null }) => [f.path, f.prior, f.mode]), [['src/app.py', 'file', '644'], ['src/pkg/mod.py', 'absent', null]]);
    assert.equal(doc.created_dirs, ['src/pkg']);
    assert.equal(h.ctx.work.journal, { path: journalPath, runId: h.ctx.run.id, repo });
    assert.ok(existsSync(join(repo, '.pipe', 'runs', h.ctx.run.id, 'attempt-1.patch')));
    await h.rollback();
    assert.is(JSON.parse(readFileSync(journalPath, 'utf8')).state, 'closed');
  } finally {
    cleanup(repo);
  }
});

test('rollback removes created folders with what a validator left in them, and is idempotent', async () => {
  const repo = setup();
  try {
    const before = snapshotExact(repo);
    const status = porcelain(repo);
    const h = makePatchHarness({ repo, allowed: ['src/**'] });
    h.propose(PATCH_NEW);
    await h.gate();
    assert.is((await h.apply()).status, 'succeeded');
    mkdirSync(join(repo, 'src/pkg/__pycache__'), { recursive: true });
    writeFileSync(join(repo, 'src/pkg/__pycache__/mod.cpython-312.pyc'), 'bytecode');
    const first = await h.rollback();
    assert.equal((first.output as { restored: string[] }).restored, ['src/pkg/mod.py']);
    assert.equal(snapshotExact(repo), before);
    assert.is(porcelain(repo), status);
    const second = await h.rollback();
    assert.is(second.status, 'succeeded');
    assert.equal(second.output, { restored: [] });
    assert.equal(snapshotExact(repo), before);
  } finally {
    cleanup(repo);
  }
});

test('rollback with nothing applied succeeds with restored: []', async () => {
  const repo = setup();
  try {
    const h = makePatchHarness({ repo, allowed: ['src/**'] });
    const r = await h.rollback();
    assert.is(r.status, 'succeeded');
    assert.equal(r.output, { restored: [] });
  } finally {
    cleanup(repo);
  }
});

test('before a retry the attempt is rolled back; the next attempt starts from the pre-run tree', async () => {
  const repo = setup();
  try {
    const before = snapshotExact(repo);
    const h = makePatchHarness({ repo, allowed: ['src/**'] });
    h.propose(PATCH_NEW);
    await h.gate();
    await h.apply();
    assert.equal(h.ctx.work.filesChanged, ['src/pkg/mod.py']);
    assert.is(h.run.pendingRetryHooks, 1);
    await h.retry();
    assert.equal(snapshotExact(repo), before, 'retry hook restored the tree');
    assert.equal(h.ctx.work.filesChanged, []);
    h.propose(PATCH_APP);
    assert.is((await h.gate()).status, 'succeeded');
    assert.is((await h.apply()).status, 'succeeded');
    assert.ok(existsSync(join(repo, '.pipe', 'runs', h.ctx.run.id, 'attempt-2.patch')));
    assert.equal(h.ctx.work.filesChanged, ['src/app.py']);
    const rb = await h.rollback();
    assert.equal((rb.output as { restored: string[] }).restored, ['src/app.py']);
    assert.equal(snapshotExact(repo), before);
  } finally {
    cleanup(repo);
  }
});

test('a dry run never applies', async () => {
  const repo = setup();
  try {
    const before = snapshotExact(repo);
    const h = makePatchHarness({ repo, allowed: ['src/**'], dryRun: true });
    h.propose(PATCH_APP);
    assert.is((await h.gate()).status, 'succeeded');
    const r = await h.apply();
    assert.is(r.status, 'skipped');
    assert.equal(snapshotExact(repo), before);
    assert.not.ok(existsSync(join(repo, '.pipe')));
    assert.equal((await h.rollback()).output, { restored: [] });
  } finally {
    cleanup(repo);
  }
});

test('apply without a gated patch fails', async () => {
  const repo = setup();
  try {
    const h = makePatchHarness({ repo, allowed: ['src/**'] });
    h.propose('not a diff');
    assert.is((await h.gate()).status, 'failed');
    const r = await h.apply();
    assert.is(r.status, 'failed');
    assert.is(r.code, 'E_APPLY');
  } finally {
    cleanup(repo);
  }
});

test.run();
