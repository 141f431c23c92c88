import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { countMessageTokens, countTextTokens } from '../../src/budget/tokens.js';
import { ProviderError, type ProviderRequest } from '../../src/providers/contract.js';
import { createFakeProvider } from '../../src/providers/fake.js';
import { assertProviderReady, createProviderFactory } from '../../src/providers/index.js';
import { callWithTierPolicy } from '../../src/providers/tiers.js';
import type { Config } from '../../src/types/generated/index.js';
import { cleanup, tempDir } from '../helpers/repo.js';
import { makeTask } from '../routing/ctx.js';
import { rejection, thrown } from '../helpers/throws.js';

const DIFF = 'diff --git a/src/a.py b/src/a.py\n--- a/src/a.py\n+++ b/src/a.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n';
const request = (over: Partial<ProviderRequest> = {}): ProviderRequest => ({
  role: 'general_builder',
  model: 'gpt-5-mini',
  tier: 'flex',
  reasoningEffort: 'medium',
  maxOutputTokens: 4000,
  messages: [
    { role: 'system', content: 'Answer with a diff.' },
    { role: 'user', content: 'Fix a.py' },
  ],
  expect: 'patch',
  ...over,
});
const config: Config = { apiVersion: 'pipe/v1', kind: 'Config' };

test('replays patch_file, text and diagnosis in order with real token counts', async () => {
  const dir = tempDir();
  try {
    writeFileSync(join(dir, 'right.patch'), DIFF);
    const fake = createFakeProvider({ taskDir: dir, responses: [{ patch_file: 'right.patch' }, { text: 'bugfix' }, { diagnosis: 'The test expects x = 2.', tier: 'default' }] });
    const r1 = await fake.complete(request());
    assert.is(r1.text, DIFF);
    assert.is(r1.finishReason, 'stop');
    assert.is(r1.tierServed, 'flex');
    assert.is(r1.requestId, 'fake-req-1');
    assert.equal(r1.usage, { inputTokens: countMessageTokens('gpt-5-mini', request().messages), cachedInputTokens: 0, outputTokens: countTextTokens('gpt-5-mini', DIFF), reasoningTokens: 0 });
    assert.ok(r1.usage.outputTokens > 10);
    const r2 = await fake.complete(request({ expect: 'label' }));
    assert.is(r2.text, 'bugfix');
    const r3 = await fake.complete(request({ expect: 'diagnosis' }));
    assert.is(r3.text, 'The test expects x = 2.');
    assert.is(r3.tierServed, 'default');
    assert.is(fake.calls, 3);
    // Past the end of the script, the last answer again.
    const r4 = await fake.complete(request({ expect: 'diagnosis' }));
    assert.is(r4.text, 'The test expects x = 2.');
    assert.is(r4.requestId, 'fake-req-4');
    assert.is(fake.calls, 4);
  } finally {
    cleanup(dir);
  }
});

test('absolute patch_file paths work; a missing one is E_FILE naming it', async () => {
  const dir = tempDir();
  try {
    writeFileSync(join(dir, 'abs.patch'), DIFF);
    const fake = createFakeProvider({ taskDir: '/nonexistent', responses: [{ patch_file: join(dir, 'abs.patch') }, { patch_file: 'nope.patch' }] });
    assert.is((await fake.complete(request())).text, DIFF);
    {
      const e = await rejection(() => fake.complete(request()));
      assert.is((e as { code: string }).code, 'E_FILE');
      assert.match((e as Error).message, /nope\.patch/);
    }
  } finally {
    cleanup(dir);
  }
});

test('every scripted error becomes a ProviderError of that kind', async () => {
  const kinds = ['rate_limited', 'tier_unavailable', 'timeout', 'truncated', 'refused', 'bad_request', 'auth', 'server_error'] as const;
  const fake = createFakeProvider({ taskDir: '.', responses: kinds.map((error) => ({ error })) });
  for (const kind of kinds) {
    {
      const e = await rejection(() => fake.complete(request()));
      assert.instance(e, ProviderError);
      const pe = e as ProviderError;
      assert.is(pe.kind, kind);
      assert.is(pe.tierRequested, 'flex');
      assert.ok(pe.requestId);
      if (kind === 'truncated') assert.is(pe.billed?.outputTokens, 4000);
      else assert.is(pe.billed, null);
    }
  }
});

test('an answer longer than the output cap is truncated', async () => {
  const fake = createFakeProvider({ taskDir: '.', responses: [{ text: 'word '.repeat(200) }] });
  {
    const e = await rejection(() => fake.complete(request({ maxOutputTokens: 50 })));
    assert.is((e as ProviderError).kind, 'truncated');
  }
});

test('same script, same inputs → identical responses', async () => {
  const script = [{ text: DIFF }, { error: 'rate_limited' as const }, { diagnosis: 'because' }];
  const run = async () => {
    const fake = createFakeProvider({ taskDir: '.', responses: script });
    const out: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      try {
        out.push(await fake.complete(request()));
      } catch (e) {
        out.push({ kind: (e as ProviderError).kind, message: (e as Error).message, requestId: (e as ProviderError).requestId });
      }
    }
    return JSON.stringify(out);
  };
  assert.is(await run(), await run());
});

test('tier policy: tier_unavailable on flex retries once on the fallback; other errors do not', async () => {
  const fake = createFakeProvider({ taskDir: '.', responses: [{ error: 'tier_unavailable' }, { text: DIFF }] });
  const seen: string[] = [];
  const r = await callWithTierPolicy(fake, request(), { fallbackTier: 'default', beforeFallback: async ({ from, to }) => (seen.push(`${from}->${to}`), true) });
  assert.ok(r.ok);
  assert.is(r.tier, 'default');
  assert.equal(seen, ['flex->default']);
  assert.equal(r.attempts.map((a) => [a.tier, a.ok, a.errorKind]), [['flex', false, 'tier_unavailable'], ['default', true, null]]);
  if (r.ok) assert.is(r.response.tierServed, 'default');

  const twice = createFakeProvider({ taskDir: '.', responses: [{ error: 'tier_unavailable' }, { error: 'tier_unavailable' }, { text: 'never' }] });
  const r2 = await callWithTierPolicy(twice, request(), { fallbackTier: 'default' });
  assert.not.ok(r2.ok);
  assert.is(r2.attempts.length, 2, 'exactly one fallback');
  assert.is(twice.calls, 2);

  const limited = createFakeProvider({ taskDir: '.', responses: [{ error: 'rate_limited' }, { text: 'never' }] });
  const r3 = await callWithTierPolicy(limited, request(), { fallbackTier: 'default' });
  assert.not.ok(r3.ok);
  assert.is(r3.attempts.length, 1);

  const stopped = createFakeProvider({ taskDir: '.', responses: [{ error: 'tier_unavailable' }, { text: 'never' }] });
  const r4 = await callWithTierPolicy(stopped, request(), { fallbackTier: 'default', beforeFallback: async () => false });
  assert.not.ok(r4.ok);
  if (!r4.ok) assert.ok(r4.stoppedBeforeFallback);
  assert.is(stopped.calls, 1);

  const noFallback = createFakeProvider({ taskDir: '.', responses: [{ error: 'tier_unavailable' }] });
  const r5 = await callWithTierPolicy(noFallback, request({ tier: 'default' }), { fallbackTier: null });
  assert.is(r5.attempts.length, 1);
});

test('tier policy: an exhausted time budget stops before calling', async () => {
  const fake = createFakeProvider({ taskDir: '.', responses: [{ text: 'x' }] });
  const r = await callWithTierPolicy(fake, request(), { fallbackTier: 'default', totalBudgetMs: 0 });
  assert.not.ok(r.ok);
  if (!r.ok) assert.is((r.error as ProviderError).kind, 'timeout');
  assert.is(fake.calls, 0);
});

test('factory: one fake per run from the task script (config script otherwise); openai needs a key', () => {
  const factory = createProviderFactory({ config: { ...config, fake: { responses: [{ text: 'from config' }] } }, task: makeTask({ fake: { responses: [{ text: 'from task' }] } }), taskDir: '.', env: {} });
  assert.is(factory('fake'), factory('fake'));
  const fromConfig = createProviderFactory({ config: { ...config, fake: { responses: [{ text: 'from config' }] } }, task: makeTask(), taskDir: '.', env: {} });
  return Promise.all([factory('fake').complete(request()), fromConfig('fake').complete(request())]).then(([a, b]) => {
    assert.is(a.text, 'from task');
    assert.is(b.text, 'from config');
    {
      const e = thrown(() => factory('openai'));
      assert.is((e as { code: string }).code, 'E_PROVIDER_CONFIG');
      assert.is((e as { exitCode: number }).exitCode, 2);
      assert.match((e as Error).message, /provider openai needs OPENAI_API_KEY in the environment/);
    }
    assertProviderReady('fake', config, {});
    assertProviderReady('openai', config, { OPENAI_API_KEY: 'sk-test-ABCDEF123456' });
    assert.throws(() => assertProviderReady('openai', config, { OPENAI_API_KEY: 'sk-test-ABCDEF123456', OPENAI_BASE_URL: 'not a url' }), /not a valid URL/);
  });
});

test.run();
