// isProcessAlive: the one check the run lock, budget reconcile and recover share.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { isProcessAlive } from '../../src/records/process-alive.js';

test('this process is alive; a process that has exited is not', () => {
  assert.ok(isProcessAlive(process.pid));
  const child = spawnSync(process.execPath, ['-e', '0']);
  assert.is(child.status, 0);
  assert.not.ok(isProcessAlive(child.pid!), `pid ${child.pid} exited and was reaped`);
});

test('0, negative and non-integer pids are never alive (signal 0 to them would probe a process group)', () => {
  for (const pid of [0, -1, -process.pid, 1.5, Number.NaN]) assert.not.ok(isProcessAlive(pid), String(pid));
});

test.run();
