import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireRunLock, lockFile } from '../../src/records/lock.js';
import { isPipeError } from '../../src/errors.js';
import { cleanup, makeRepo } from '../helpers/repo.js';
import { thrown } from '../helpers/throws.js';

const dirs: string[] = [];
test.after(() => cleanup(...dirs));

test('a second run in the same repository is refused while the first is alive (exit 5)', () => {
  const repo = makeRepo({ 'a.txt': 'a\n' });
  dirs.push(repo);
  const release = acquireRunLock(repo, 'run-1');
  const other = spawn('sleep', ['30']);
  try {
    writeFileSync(lockFile(repo), JSON.stringify({ pid: other.pid, run_id: 'run-0', started_at: '2026-01-01T00:00:00.000Z' }));
    {
      const err = thrown(() => acquireRunLock(repo, 'run-2'), 'should refuse');
      assert.ok(isPipeError(err));
      assert.is(err.code, 'E_REPO_BUSY');
      assert.is(err.exitCode, 5);
      assert.match(err.message, /another pipe run \(run-0, pid \d+/);
    }
  } finally {
    other.kill('SIGKILL');
    release();
  }
});

test('a lock left by a dead process is taken over; release removes only its own lock', async () => {
  const repo = makeRepo({ 'a.txt': 'a\n' });
  dirs.push(repo);
  const gone = spawn('true');
  await new Promise((r) => gone.on('close', r));
  mkdirSync(join(repo, '.pipe'), { recursive: true });
  writeFileSync(lockFile(repo), JSON.stringify({ pid: gone.pid, run_id: 'crashed', started_at: '2026-01-01T00:00:00.000Z' }));
  const release = acquireRunLock(repo, 'run-3');
  assert.ok(existsSync(lockFile(repo)));
  release();
  assert.not.ok(existsSync(lockFile(repo)));
});

test.run();
