import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decideAfterFailure } from '../../src/runner/control.js';
import type { StepResult } from '../../src/runner/types.js';

const failed: StepResult = { status: 'failed', code: 'E_VALIDATION', message: 'tests fail' };

test('stop is the default; continue goes on', () => {
  assert.equal(decideAfterFailure(undefined, failed, 1, 3), { action: 'stop' });
  assert.equal(decideAfterFailure('stop', failed, 1, 3), { action: 'stop' });
  assert.equal(decideAfterFailure('continue', failed, 1, 3), { action: 'continue' });
});

test('retry while attempts remain; then decides after the last one', () => {
  assert.equal(decideAfterFailure({ retry: 'route' }, failed, 2, 3), { action: 'retry', to: 'route' });
  assert.equal(decideAfterFailure({ retry: 'route' }, failed, 3, 3), { action: 'stop' });
  assert.equal(decideAfterFailure({ retry: 'route', then: 'escalate' }, failed, 3, 3), { action: 'escalate' });
});

test('a stall or divergence verdict ends retries early', () => {
  const stalled = { ...failed, stopRetries: true };
  assert.equal(decideAfterFailure({ retry: 'route', then: 'escalate' }, stalled, 1, 3), { action: 'escalate' });
  assert.equal(decideAfterFailure({ retry: 'route' }, stalled, 1, 3), { action: 'stop' });
});

test('budget blocks, escalations and configuration errors are never retried', () => {
  assert.equal(decideAfterFailure({ retry: 'route', then: 'escalate' }, { status: 'blocked', code: 'E_BUDGET_BLOCKED' }, 1, 3), { action: 'stop' });
  assert.equal(decideAfterFailure('continue', { status: 'escalated' }, 1, 3), { action: 'stop' });
  assert.equal(decideAfterFailure({ retry: 'route', then: 'escalate' }, { status: 'failed', code: 'E_PRICING' }, 1, 3), { action: 'stop' });
});

test('an unsafe patch is retried like any failure', () => {
  assert.equal(decideAfterFailure({ retry: 'route' }, { status: 'refused', code: 'E_PATCH_UNSAFE' }, 1, 3), { action: 'retry', to: 'route' });
});

test('then: escalate escalates an unusable answer, but a safety refusal or a provider failure keeps its own outcome', () => {
  const escalate = { retry: 'route', then: 'escalate' } as const;
  assert.equal(decideAfterFailure(escalate, { status: 'failed', code: 'E_CONTRACT' }, 3, 3), { action: 'escalate' });
  assert.equal(decideAfterFailure(escalate, { status: 'failed', code: 'E_CONTRACT', stopRetries: true }, 1, 3), { action: 'escalate' });
  assert.equal(decideAfterFailure(escalate, { status: 'refused', code: 'E_PATCH_UNSAFE' }, 3, 3), { action: 'stop' });
  assert.equal(decideAfterFailure(escalate, { status: 'failed', code: 'E_PROVIDER' }, 3, 3), { action: 'stop' });
  assert.equal(decideAfterFailure(escalate, { status: 'failed', code: 'E_PROVIDER' }, 1, 3), { action: 'retry', to: 'route' });
});

test.run();
