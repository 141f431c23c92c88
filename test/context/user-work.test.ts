// The user's work in progress inside allowed_files, on real git repositories: found the
// way apply judges it, named in the prompt as not to be changed, refused by the gate.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { findUserWork } from '../../src/context/user-work.js';
import { buildContext } from '../../src/context/build.js';
import { checkUserWork } from '../../src/patch/checks/index.js';
import { runCommand } from '../../src/exec/run.js';
import { decideRoute } from '../../src/routing/route.js';
import { cleanup, gitIn, makeRepo, tempDir, writeFiles } from '../helpers/repo.js';
import { defaultPolicy, makeCtx, makeTask } from '../routing/ctx.js';

const dirs: string[] = [];
test.after(() => cleanup(...dirs));

function repo(): string {
  const dir = makeRepo({
    'calc/__init__.py': '',
    'calc/ops.py': 'def add(a, b):\n    return a - b\n',
    'calc/util.py': 'X = 1\n',
    'calc/gone.py': 'G = 1\n',
    'calc/staged.py': 'S = 1\n',
    'docs/notes.md': 'notes\n',
  });
  dirs.push(dir);
  return dir;
}

test('dirty files inside allowed_files: modified, untracked and deleted ones; not staged-then-reverted, not files outside the globs', async () => {
  const dir = repo();
  writeFiles(dir, { 'calc/util.py': 'X = 2  # my change\n', 'calc/new_mine.py': 'N = 1\n', 'docs/notes.md': 'edited\n', 'calc/staged.py': 'S = 2\n' });
  rmSync(join(dir, 'calc/gone.py'));
  gitIn(dir, 'add', 'calc/staged.py');
  writeFiles(dir, { 'calc/staged.py': 'S = 1\n' }); // staged change, working file back at HEAD: not in the way
  const task = makeTask({ allowed_files: ['calc/**/*.py'] });
  const work = await findUserWork(runCommand, dir, task, defaultPolicy());
  assert.is(work.hasCommit, true);
  assert.equal(work.dirty, ['calc/gone.py', 'calc/new_mine.py', 'calc/util.py']);
  assert.equal(work.protected, work.dirty);
  assert.is(work.allowedFiles, 6); // __init__, ops, util, gone (deleted, still tracked), staged, new_mine
  const allowing = defaultPolicy();
  allowing.safety = { ...allowing.safety, allow_dirty_files: true };
  const allowed = await findUserWork(runCommand, dir, task, allowing);
  assert.equal(allowed.dirty, work.dirty);
  assert.equal(allowed.protected, []);
});

test('a repository without a first commit: hasCommit is false', async () => {
  const dir = tempDir('pipe-nocommit-');
  dirs.push(dir);
  gitIn(dir, 'init', '-q');
  writeFiles(dir, { 'a.py': 'A = 1\n' });
  const work = await findUserWork(runCommand, dir, makeTask({ allowed_files: ['*.py'] }), defaultPolicy());
  assert.is(work.hasCommit, false);
  assert.is(work.allowedFiles, 1);
});

test('the prompt names the user work as not to be changed, and still shows it as context', async () => {
  const dir = repo();
  writeFiles(dir, { 'calc/util.py': 'X = 2  # my change\n' });
  const task = makeTask({ allowed_files: ['calc/**/*.py'] });
  const ctx = makeCtx({ repo: dir, task });
  ctx.work.userWork = ['calc/util.py'];
  const route = decideRoute(defaultPolicy(), { role: 'general_builder', rule: 'default', ruleIndex: 0, reason: 'test' }, { provider: 'fake', escalationDepth: 0 });
  const c = await buildContext(ctx, route);
  const [system, user] = c.messages.map((m) => m.content);
  assert.match(system, /Except these files, which hold the user's uncommitted work in progress and must not be changed:\n- calc\/util\.py/);
  assert.match(user, /## Work in progress \(do not change\)\n\n.*\n- calc\/util\.py/);
  assert.ok(user.includes('X = 2  # my change'), 'the file is still shown as context');
  ctx.work.userWork = [];
  const clean = await buildContext(ctx, route);
  assert.not.match(clean.messages.map((m) => m.content).join('\n'), /Work in progress|uncommitted work/);
});

test('gate rule user-work: a patch touching the user work is refused, naming the file', () => {
  assert.is(checkUserWork(['calc/ops.py'], ['calc/util.py']).ok, true);
  const r = checkUserWork(['calc/ops.py', 'calc/util.py'], ['calc/util.py']);
  assert.is(r.ok, false);
  assert.equal(r.paths, ['calc/util.py']);
  assert.match(r.reason ?? '', /calc\/util\.py holds the user's uncommitted work in progress/);
});

test.run();
