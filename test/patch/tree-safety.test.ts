// The patch-safety validator looks at the tree after apply, not at the patch.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../../src/exec/run.js';
import { checkTreeSafety } from '../../src/patch/tree-safety.js';
import { cleanup, makeRepo, writeFiles } from '../helpers/repo.js';
import { defaultPolicy } from '../steps/patch-harness.js';

test('clean changes inside the allowed files pass', async () => {
  const repo = makeRepo({ 'src/a.py': 'a\n', 'README.md': 'r\n' });
  try {
    writeFiles(repo, { 'src/a.py': 'b\n', 'src/new.py': 'n\n' });
    const failures = await checkTreeSafety({ repo, exec: runCommand, policy: defaultPolicy(), task: { allowed_files: ['src/**'] }, filesChanged: ['src/a.py', 'src/new.py'] });
    assert.equal(failures, []);
  } finally {
    cleanup(repo);
  }
});

test('forbidden, unlisted, symlinked and oversized changes are each reported', async () => {
  const repo = makeRepo({ 'src/a.py': 'a\n', 'README.md': 'r\n' });
  try {
    writeFiles(repo, { 'src/a.py': 'x'.repeat(500), 'src/.env.local': 'K=v\n', 'README.md': 'changed\n' });
    symlinkSync('/etc', join(repo, 'src', 'etc'));
    const failures = await checkTreeSafety({
      repo,
      exec: runCommand,
      policy: defaultPolicy({}, 200),
      task: { allowed_files: ['src/**'] },
      filesChanged: ['src/a.py', 'README.md', 'src/etc'],
    });
    const ids = failures.map((f) => f.id);
    assert.ok(ids.includes('forbidden-paths:src/.env.local'), ids.join(','));
    assert.ok(ids.includes('allowed-files:README.md'), ids.join(','));
    assert.ok(ids.includes('symlinks:src/etc'), ids.join(','));
    assert.ok(ids.includes('max-bytes'), ids.join(','));
    assert.ok(failures.every((f) => f.validator === 'patch-safety' && f.category === 'safety'));
  } finally {
    cleanup(repo);
  }
});

test('paths dirty before the run are not blamed on it', async () => {
  const repo = makeRepo({ 'src/a.py': 'a\n', 'README.md': 'r\n' });
  try {
    writeFiles(repo, { 'src/a.py': 'b\n' });
    const failures = await checkTreeSafety({ repo, exec: runCommand, policy: defaultPolicy(), task: { allowed_files: ['docs/**'] }, filesChanged: ['src/a.py'], dirtyBefore: ['src/a.py'] });
    assert.equal(failures, []);
  } finally {
    cleanup(repo);
  }
});

test.run();
