import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadPipeline } from '../../src/dsl/pipeline.js';
import { join } from 'node:path';
import { registerStep } from '../../src/runner/registry.js';
import { calls, pipeline, registerTestSteps, run, task } from './harness.js';

registerTestSteps();
// A test escalate type stands in for the built-in one (registered types win over built-ins).
registerStep({ type: 'escalate', withSchema: { type: 'object' }, run: async (ctx) => ((ctx.work.escalationDepth += 1), { status: 'escalated', output: { packet: 'escalation.json' } }) });
const dirs: string[] = [];
test.before.each(() => {
  calls.length = 0;
});
test.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const track = <T extends { state: { repo: string } }>(o: T) => (dirs.push(o.state.repo), o);

test('steps run in order and later expressions see earlier outputs', async () => {
  const o = track(
    await run(
      pipeline([
        { id: 'a', uses: 't-ok', with: { value: 41 } },
        { id: 'b', uses: 't-ok', with: { value: '${{ steps.a.output.echo + 1 }}' } },
        { id: 'c', uses: 't-ok', with: { value: 'attempt ${{ attempt }} of ${{ task.id }}' } },
      ]),
    ),
  );
  assert.is(o.state.status, 'succeeded');
  assert.is(o.exitCode, 0);
  assert.equal(calls.map((c) => c.args.value), [41, 42, 'attempt 1 of runner-test']);
});

test('an if that is false skips the step; steps not yet run are explicit nulls', async () => {
  const o = track(
    await run(
      pipeline([
        { id: 'a', uses: 't-ok', if: 'steps.b.status = null' },
        { id: 'b', uses: 't-ok', if: 'false' },
      ]),
    ),
  );
  assert.equal(o.state.steps.map((s) => [s.id, s.status]), [['a', 'succeeded'], ['b', 'skipped']]);
});

test('an if that is not a boolean fails the step (fail closed)', async () => {
  const o = track(await run(pipeline([{ id: 'a', uses: 't-ok', if: "'yes'" }])));
  assert.is(o.state.status, 'failed');
  assert.is(o.state.steps[0].code, 'E_EXPRESSION');
  assert.is(calls.length, 0);
});

test('on_fail continue goes on to the next step', async () => {
  const o = track(await run(pipeline([{ id: 'a', uses: 't-flaky', on_fail: 'continue' }, { id: 'b', uses: 't-ok' }])));
  assert.is(o.state.status, 'succeeded');
  assert.equal(o.state.steps.map((s) => s.status), ['failed', 'succeeded']);
});

test('retry goes back to an earlier step until it passes, running beforeRetry hooks', async () => {
  const o = track(
    await run(
      pipeline([
        { id: 'start', uses: 't-hook' },
        { id: 'check', uses: 't-flaky', with: { pass_on: 3 }, on_fail: { retry: 'start' } },
      ]),
    ),
  );
  assert.is(o.state.status, 'succeeded');
  assert.is(o.state.attempts, 3);
  assert.equal(calls.map((c) => `${c.type}@${c.attempt}`), ['t-hook@1', 't-flaky@1', 'hook@1', 't-hook@2', 't-flaky@2', 'hook@2', 't-hook@3', 't-flaky@3']);
  assert.is(o.work.attempts.length, 3);
});

test('retries are bounded by max_attempts; then: stop fails with exit 1', async () => {
  const o = track(await run(pipeline([{ id: 'a', uses: 't-ok' }, { id: 'b', uses: 't-flaky', on_fail: { retry: 'a' } }])));
  assert.is(o.state.status, 'failed');
  assert.is(o.exitCode, 1);
  assert.is(o.state.attempts, task.max_attempts);
});

test('then: escalate runs the escalate step after the last attempt and ends escalated with exit 4', async () => {
  const o = track(await run(pipeline([{ id: 'a', uses: 't-ok' }, { id: 'b', uses: 't-flaky', on_fail: { retry: 'a', then: 'escalate' } }])));
  assert.is(o.state.status, 'escalated');
  assert.is(o.exitCode, 4);
  assert.is(o.state.attempts, 3);
  assert.is(o.state.steps[o.state.steps.length - 1].id, 'escalate');
});

test('a stall verdict (stopRetries) ends retries early and escalates', async () => {
  const o = track(await run(pipeline([{ id: 'a', uses: 't-ok' }, { id: 'b', uses: 't-stall', on_fail: { retry: 'a', then: 'escalate' } }])));
  assert.is(o.state.status, 'escalated');
  assert.is(o.exitCode, 4);
  assert.is(o.state.attempts, 1);
  assert.is(o.state.escalation_depth, 1);
  assert.ok(o.state.steps.some((s) => s.id === 'escalate' && s.status === 'escalated'));
});

test('blocked stops at once with exit 3, no retry; finally still runs', async () => {
  const o = track(
    await run(pipeline([{ id: 'a', uses: 't-block', on_fail: { retry: 'a' } }], [{ id: 'cleanup', uses: 't-ok', if: "run.status = 'blocked'" }])),
  );
  assert.is(o.state.status, 'blocked');
  assert.is(o.exitCode, 3);
  assert.is(o.state.attempts, 1);
  assert.equal(o.state.steps.map((s) => [s.id, s.status]), [['a', 'blocked'], ['cleanup', 'succeeded']]);
});

test('a refusal with no retries left exits 5', async () => {
  const o = track(await run(pipeline([{ id: 'a', uses: 't-refuse', on_fail: { retry: 'a' } }])));
  assert.is(o.state.status, 'refused');
  assert.is(o.exitCode, 5);
  assert.is(o.state.attempts, 3);
});

test('a step that throws fails the run with E_INTERNAL and finally runs', async () => {
  const o = track(await run(pipeline([{ id: 'a', uses: 't-throw' }], [{ id: 'f', uses: 't-ok', if: "run.status = 'failed'" }])));
  assert.is(o.state.status, 'failed');
  assert.is(o.state.error?.code, 'E_INTERNAL');
  assert.is(o.state.steps[1].status, 'succeeded');
});

test('an interrupt stops the current step, runs finally and records it', async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  const o = track(await run(pipeline([{ id: 'w', uses: 't-wait' }, { id: 'never', uses: 't-ok' }], [{ id: 'f', uses: 't-ok' }]), { signal: controller.signal }));
  assert.is(o.state.status, 'failed');
  assert.is(o.state.error?.code, 'E_INTERRUPTED');
  assert.equal(o.state.steps.map((s) => s.id), ['w', 'f']);
});

test('state.json and events.jsonl are written after every step', async () => {
  const o = track(await run(pipeline([{ id: 'a', uses: 't-ok' }, { id: 'b', uses: 't-ok' }])));
  const dir = o.state.records_dir;
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
  assert.is(state.status, 'succeeded');
  assert.is(state.steps.length, 2);
  const events = readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(events.map((e) => e.type), ['run.start', 'attempt.start', 'step.start', 'step.end', 'step.start', 'step.end', 'run.end']);
});

test('a dry run stops before the first provider call and writes nothing', async () => {
  const o = track(await run(pipeline([{ id: 'a', uses: 't-ok' }, { id: 'p', uses: 't-provider' }, { id: 'c', uses: 't-ok' }], [{ id: 'f', uses: 't-ok' }]), { dryRun: true }));
  assert.is(o.stoppedBefore, 'p');
  assert.is(o.state.status, 'succeeded');
  assert.equal(calls.map((c) => c.type), ['t-ok']);
  assert.not.ok(existsSync(join(o.state.repo, '.pipe')));
});

test("a with that an expression made invalid fails the step with the generated validator's message at the step's file:line:col", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipe-with-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'p.yaml'), 'apiVersion: pipe/v1\nkind: Pipeline\nname: p\nsteps:\n  - id: check\n    uses: validate\n    with: { validators: "${{ 42 }}" }\n');
  const p = await loadPipeline('p.yaml', { fromDir: dir });
  const o = track(await run(p));
  assert.is(o.state.status, 'failed');
  assert.is(o.exitCode, 2);
  const step = o.state.steps.find((s) => s.id === 'check')!;
  assert.is(step.code, 'E_SCHEMA');
  assert.match(String(step.message), new RegExp(`^${join(dir, 'p.yaml').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:5:5: step 'check' \\(uses: validate\\): with/validators must be a list \\(got integer\\)`));
});

test.run();
