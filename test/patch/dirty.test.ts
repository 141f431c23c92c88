// Which of a patch's files hold the user's uncommitted work (src/patch/workspace/checkpoint.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dirtyFiles } from '../../src/patch/workspace.js';
import { runCommand } from '../../src/exec/run.js';
import { cleanup, gitIn, makeRepo, tempDir } from '../helpers/repo.js';

const dirs: string[] = [];
test.after(() => cleanup(...dirs));
const repo = (files: Record<string, string>) => {
  const dir = makeRepo(files);
  dirs.push(dir);
  return dir;
};

test('clean, modified, deleted, untracked, ignored and mode-changed files', async () => {
  const dir = repo({ 'a.txt': 'a\n', 'b.txt': 'b\n', 'c.txt': 'c\n', 'run.sh': 'echo\n', '.gitignore': 'ignored.log\n' });
  writeFileSync(join(dir, 'b.txt'), 'b changed\n');
  rmSync(join(dir, 'c.txt'));
  writeFileSync(join(dir, 'new.txt'), 'mine\n');
  writeFileSync(join(dir, 'ignored.log'), 'local\n');
  chmodSync(join(dir, 'run.sh'), 0o755);
  const paths = ['a.txt', 'b.txt', 'c.txt', 'new.txt', 'ignored.log', 'run.sh', 'absent.txt'];
  assert.equal(await dirtyFiles(runCommand, dir, paths), ['b.txt', 'c.txt', 'new.txt', 'ignored.log', 'run.sh']);
});

test('a staged change is in the way while the working file differs from HEAD; staged-only is not', async () => {
  const dir = repo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
  writeFileSync(join(dir, 'a.txt'), 'staged\n');
  gitIn(dir, 'add', 'a.txt');
  writeFileSync(join(dir, 'b.txt'), 'staged\n');
  gitIn(dir, 'add', 'b.txt');
  writeFileSync(join(dir, 'b.txt'), 'b\n'); // working file back at HEAD; the index keeps the staged text
  assert.equal(await dirtyFiles(runCommand, dir, ['a.txt', 'b.txt']), ['a.txt']);
});

test('files checked out through eol attributes are clean although their bytes differ from the blob', async () => {
  const dir = repo({ '.gitattributes': '*.txt text eol=crlf\n', 'a.txt': 'one\ntwo\n' });
  rmSync(join(dir, 'a.txt'));
  gitIn(dir, 'checkout', '--', 'a.txt'); // now CRLF on disk, LF in the blob
  assert.equal(await dirtyFiles(runCommand, dir, ['a.txt']), []);
  writeFileSync(join(dir, 'a.txt'), 'one\r\nchanged\r\n');
  assert.equal(await dirtyFiles(runCommand, dir, ['a.txt']), ['a.txt']);
});

test('a repository without commits: every present file is uncommitted work', async () => {
  const dir = tempDir('pipe-nocommit-');
  dirs.push(dir);
  gitIn(dir, 'init', '-q');
  writeFileSync(join(dir, 'a.txt'), 'x\n');
  assert.equal(await dirtyFiles(runCommand, dir, ['a.txt', 'b.txt']), ['a.txt']);
});

test.run();
