// The replay's stand-ins for the outside world, in-process: the recorded-answer provider,
// the in-memory workspace and the recorded validator results.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ProviderError, type ProviderRequest } from '../../src/providers/contract.js';
import { isPipeError } from '../../src/errors.js';
import { virtualClock } from '../../src/replay/clock.js';
import { replayProvider } from '../../src/replay/provider.js';
import { memoryWorkspace, recordedValidators } from '../../src/replay/workspace.js';
import type { CallRecord, ValidatorsRecord } from '../../src/records/types.js';
import type { StandIn } from '../../src/replay/types.js';
import type { ParsedPatch } from '../../src/patch/types.js';
import type { ValidationRequest } from '../../src/validation/types.js';

const usage = (outputTokens: number) => ({ inputTokens: 100, cachedInputTokens: 0, outputTokens, reasoningTokens: 0 });

function call(index: number, fields: Partial<CallRecord>): CallRecord {
  return {
    index, step: 'propose', attempt: index, provider: 'fake', role: 'general_builder', model: 'gpt-5-mini', tier: 'flex', reasoning_effort: 'medium',
    max_output_tokens: 4000, expect: 'patch', prompt_file: `calls/00${index}.prompt.json`, prompt_sha256: 'x', ok: true, answer: `answer ${index}`,
    answer_sha256: 'y', finish_reason: 'stop', usage: usage(50), tier_served: 'flex', request_id: `req-${index}`, duration_ms: 1000, error: null, ...fields,
  };
}

const request = (fields: Partial<ProviderRequest> = {}): ProviderRequest => ({
  role: 'general_builder', model: 'gpt-5-mini', tier: 'flex', reasoningEffort: 'medium', maxOutputTokens: 4000, messages: [{ role: 'user', content: 'fix it' }], expect: 'patch', ...fields,
});

function hooks() {
  const seen = { undetermined: [] as string[], standIns: [] as StandIn[], notes: [] as string[] };
  const clock = virtualClock('2026-01-01T00:00:00.000Z');
  return { seen, clock, h: { clock, undetermined: (r: string) => seen.undetermined.push(r), standIn: (s: StandIn) => seen.standIns.push(s), note: (n: string) => seen.notes.push(n) } };
}

test('answers in order per kind of call; the clock moves by the recorded durations', async () => {
  const { h, clock } = hooks();
  const p = replayProvider([call(1, {}), call(2, { expect: 'diagnosis', role: 'frontier_reviewer', model: 'gpt-5', answer: 'the diagnosis' }), call(3, {})], h);
  assert.is((await p.complete(request({ expect: 'diagnosis', role: 'frontier_reviewer', model: 'gpt-5' }))).text, 'the diagnosis');
  assert.is((await p.complete(request())).text, 'answer 1');
  assert.is((await p.complete(request())).text, 'answer 3');
  assert.is(clock.now().toISOString(), '2026-01-01T00:00:03.000Z');
});

test('another role or model: the recorded answer stands in and says so; another tier is served as asked', async () => {
  const { h, seen } = hooks();
  const p = replayProvider([call(1, {})], h);
  const r = await p.complete(request({ role: 'mechanical_worker', model: 'gpt-5-nano', tier: 'default' }));
  assert.is(r.text, 'answer 1');
  assert.is(r.tierServed, 'default');
  assert.equal(seen.standIns, [{ call: 1, recorded: { role: 'general_builder', model: 'gpt-5-mini', tier: 'flex' }, replayed: { role: 'mechanical_worker', model: 'gpt-5-nano', tier: 'default' } }]);
});

test('a capacity miss recorded at another tier is skipped; one at the same tier fails the same way', async () => {
  const miss = call(1, { ok: false, answer: null, usage: null, tier_served: null, error: { kind: 'tier_unavailable', code: null, message: 'no flex capacity', status: 429, billed: null } });
  const { h } = hooks();
  const atDefault = replayProvider([miss, call(2, { tier: 'default', tier_served: 'default' })], h);
  assert.is((await atDefault.complete(request({ tier: 'default' }))).text, 'answer 2');
  const atFlex = replayProvider([miss, call(2, { tier: 'default' })], hooks().h);
  const err = await atFlex.complete(request()).catch((e) => e);
  assert.ok(err instanceof ProviderError && err.kind === 'tier_unavailable' && err.status === 429);
});

test('a new output cap below the recorded answer truncates it, billed in full; a call never recorded is undetermined', async () => {
  const { h, seen } = hooks();
  const p = replayProvider([call(1, { usage: usage(900) })], h);
  const err = await p.complete(request({ maxOutputTokens: 500 })).catch((e) => e);
  assert.ok(err instanceof ProviderError && err.kind === 'truncated');
  assert.equal(err.billed, usage(500));
  const none = await p.complete(request()).catch((e) => e);
  assert.ok(isPipeError(none));
  assert.match(seen.undetermined[0], /the new rules make a patch call \(#2, general_builder\) the recorded run never made/);
});

test('memory workspace: recorded dirty files stay dirty, apply writes nothing, rollback returns what was applied', async () => {
  const ws = memoryWorkspace([{ path: 'a.py', status: ' M', sha256: 'abc' }]);
  assert.equal(await ws.dirtyFiles(['b.py', 'a.py']), ['a.py']);
  const patch = { files: [{ oldPath: 'b.py', newPath: 'b.py' }] } as unknown as ParsedPatch;
  await ws.apply({ patch, contents: null });
  assert.equal(await ws.rollback('/nowhere/journal.json'), ['b.py']);
  assert.equal(await ws.rollback('/nowhere/journal.json'), []);
});

test('recorded validators: matched by patch digest and name; a patch never validated is undetermined', async () => {
  const outcome = (name: string, status: 'passed' | 'failed') => ({ name, status, failures: [], parser: 'pytest', argv: [], exitCode: status === 'passed' ? 0 : 1, timedOut: false, durationMs: 2000, outputTruncated: false, note: null });
  const records: ValidatorsRecord[] = [
    { attempt: 1, step: 'validate', patch_sha256: 'p1', outcomes: [outcome('pytest', 'failed'), outcome('patch-safety', 'passed')] },
    { attempt: 2, step: 'validate', patch_sha256: 'p2', outcomes: [outcome('pytest', 'passed'), outcome('patch-safety', 'passed')] },
  ];
  const { clock } = hooks();
  const undetermined: string[] = [];
  const run = recordedValidators(records, { clock, undetermined: (r) => undetermined.push(r) });
  const ask = (patchSha256: string) => ({ attempt: 1, patchSha256, specs: [{ name: 'pytest' }], builtins: [{ name: 'patch-safety' }] }) as unknown as ValidationRequest;
  assert.equal((await run(ask('p2'))).map((o) => `${o.name}:${o.status}`), ['pytest:passed', 'patch-safety:passed']);
  assert.is(clock.monotonicMs(), 2000);
  const err = await run(ask('p3')).catch((e) => e);
  assert.ok(isPipeError(err));
  assert.match(undetermined[0], /never ran pytest, patch-safety on patch p3 .*--validate/);
});

test.run();
