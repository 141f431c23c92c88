import { test } from 'uvu';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as assert from 'uvu/assert';
import { PipeError } from '../../src/errors.js';
import { ProviderError, type ProviderRequest } from '../../src/providers/contract.js';
import { createOpenAIProvider } from '../../src/providers/openai.js';
import { callWithTierPolicy } from '../../src/providers/tiers.js';
import type { Config } from '../../src/types/generated/index.js';
import { chatCompletion, json, startLoopback, type Loopback } from './loopback.js';

const KEY = 'sk-test-ABCDEF123456';
const outputs: string[] = [];
const keep = <T>(v: T): T => {
  outputs.push(v instanceof Error ? `${v.name} ${v.message} ${JSON.stringify(v)} ${String((v as { stack?: string }).stack)}` : JSON.stringify(v));
  return v;
};

const request = (over: Partial<ProviderRequest> = {}): ProviderRequest => ({
  role: 'general_builder',
  model: 'gpt-5-mini',
  tier: 'default',
  reasoningEffort: 'medium',
  maxOutputTokens: 1234,
  messages: [
    { role: 'system', content: 'Answer with a diff.' },
    { role: 'user', content: 'Fix a.py' },
  ],
  expect: 'patch',
  ...over,
});

let server: Loopback;
const provider = (settings: NonNullable<Config['openai']> = {}) => createOpenAIProvider({ apiKey: KEY, baseURL: server.baseURL, settings });
const fails = async (p: Promise<unknown>): Promise<Error> => {
  try {
    keep(await p);
  } catch (e) {
    return keep(e as Error);
  }
  throw new Error('expected a failure');
};

// A server per test: a request a test gave up on (the timeout test aborts one) can reach a
// shared server late, under load after the next test has scripted its reply, and take it.
test.before.each(async () => {
  server = await startLoopback();
});
test.after.each(async () => {
  await server.close();
});

test('success: sends model, service_tier, reasoning_effort, max_completion_tokens; records served tier, usage and request id', async () => {
  server.script(
    chatCompletion({
      content: 'the diff',
      service_tier: 'flex',
      requestId: 'req_abc123',
      usage: { prompt_tokens: 1000, completion_tokens: 300, total_tokens: 1300, prompt_tokens_details: { cached_tokens: 640 }, completion_tokens_details: { reasoning_tokens: 256 } },
    }),
  );
  const r = keep(await provider().complete(request({ tier: 'flex' })));
  assert.is(server.seen.length, 1);
  const sent = server.seen[0];
  assert.is(sent.url, '/v1/chat/completions');
  assert.is(sent.body?.model, 'gpt-5-mini');
  assert.is(sent.body?.service_tier, 'flex');
  assert.is(sent.body?.reasoning_effort, 'medium');
  assert.is(sent.body?.max_completion_tokens, 1234);
  assert.equal(sent.body?.messages, request().messages);
  assert.is(sent.headers.authorization, `Bearer ${KEY}`, 'the key is sent to the server, and only there');
  assert.is(r.text, 'the diff');
  assert.is(r.finishReason, 'stop');
  assert.is(r.tierServed, 'flex');
  assert.is(r.requestId, 'req_abc123');
  assert.equal(r.usage, { inputTokens: 1000, cachedInputTokens: 640, outputTokens: 300, reasoningTokens: 256 });
  assert.type(r.durationMs, 'number');
});

test('429 resource unavailable on flex (no SDK retry), then success on default; both attempts recorded', async () => {
  server.script(
    json(429, { error: { message: 'Resource unavailable. Please try again later.', type: 'resource_unavailable', code: 'resource_unavailable' } }, { 'x-request-id': 'req_flex_miss' }),
    chatCompletion({ service_tier: 'default', requestId: 'req_default_ok' }),
  );
  const r = keep(await callWithTierPolicy(provider(), request({ tier: 'flex' }), { fallbackTier: 'default' }));
  assert.ok(r.ok);
  assert.is(server.seen.length, 2, 'flex ran with SDK retries off');
  assert.is(server.seen[0].body?.service_tier, 'flex');
  assert.is(server.seen[1].body?.service_tier, 'default');
  assert.equal(r.attempts.map((a) => [a.tier, a.ok, a.errorKind, a.requestId]), [
    ['flex', false, 'tier_unavailable', 'req_flex_miss'],
    ['default', true, null, 'req_default_ok'],
  ]);
  if (r.ok) assert.is(r.response.tierServed, 'default');
});

test('503 is tier unavailable; a plain 429 is a rate limit (not a fallback)', async () => {
  server.script(json(503, { error: { message: 'overloaded' } }));
  const e1 = await fails(provider({ max_retries: 0 }).complete(request()));
  assert.is((e1 as ProviderError).kind, 'tier_unavailable');
  server.script(json(429, { error: { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' } }, { 'x-request-id': 'req_rl' }));
  const r = keep(await callWithTierPolicy(provider(), request({ tier: 'flex' }), { fallbackTier: 'default' }));
  assert.not.ok(r.ok);
  assert.is(r.attempts.length, 1);
  if (!r.ok) {
    assert.is((r.error as ProviderError).kind, 'rate_limited');
    assert.is((r.error as ProviderError).requestId, 'req_rl');
    assert.is((r.error as ProviderError).status, 429);
  }
});

test('500 then success: the SDK retries on the default tier', async () => {
  server.script(json(500, { error: { message: 'boom' } }, { 'retry-after-ms': '5' }), chatCompletion({ content: 'second time', requestId: 'req_second' }));
  const r = keep(await provider({ max_retries: 2 }).complete(request()));
  assert.is(server.seen.length, 2);
  assert.is(r.text, 'second time');
  assert.is(r.requestId, 'req_second');
  // Flex never retries inside the SDK: a 500 on flex surfaces at once.
  server.seen.length = 0;
  server.script(json(500, { error: { message: 'boom' } }, { 'retry-after-ms': '5', 'x-request-id': 'req_500' }), chatCompletion());
  const e = await fails(provider({ max_retries: 2 }).complete(request({ tier: 'flex' })));
  assert.is((e as ProviderError).kind, 'server_error');
  assert.is((e as ProviderError).requestId, 'req_500');
  assert.is(server.seen.length, 1);
});

test('timeout: a slow server past timeout_s is a timeout error', async () => {
  server.script((_req, res) => {
    setTimeout(() => {
      if (!res.destroyed) chatCompletion()(_req, res);
    }, 3000);
  });
  const e = await fails(provider({ timeout_s: 0.3, max_retries: 0 }).complete(request()));
  assert.instance(e, ProviderError);
  assert.is((e as ProviderError).kind, 'timeout', 'the 0.3 s timeout fired before the server answered at 3 s');
});

test('truncated output: finish_reason length is a truncated error with the billed usage', async () => {
  server.script(chatCompletion({ content: 'diff --git a/x', finish_reason: 'length', requestId: 'req_len', usage: { prompt_tokens: 50, completion_tokens: 1234, total_tokens: 1284, completion_tokens_details: { reasoning_tokens: 1200 } } }));
  const e = await fails(provider().complete(request()));
  assert.is((e as ProviderError).kind, 'truncated');
  assert.is((e as ProviderError).requestId, 'req_len');
  assert.equal((e as ProviderError).billed, { inputTokens: 50, cachedInputTokens: 0, outputTokens: 1234, reasoningTokens: 1200 });
});

test('content filter and refusals are refused errors', async () => {
  server.script(chatCompletion({ finish_reason: 'content_filter' }));
  assert.is(((await fails(provider().complete(request()))) as ProviderError).kind, 'refused');
});

test('malformed output: an invalid JSON body, or JSON without choices, is a server error', async () => {
  server.script((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_bad' });
    res.end('{"id": "chatcmpl-1", "choices": [');
  });
  const e = await fails(provider().complete(request()));
  assert.instance(e, ProviderError);
  assert.is((e as ProviderError).kind, 'server_error');
  assert.match(e.message, /malformed/);
  server.script(json(200, { id: 'x', object: 'chat.completion' }, { 'x-request-id': 'req_nochoices' }));
  const e2 = await fails(provider().complete(request()));
  assert.is((e2 as ProviderError).kind, 'server_error');
  assert.is((e2 as ProviderError).requestId, 'req_nochoices');
});

test('HTTP 400 on the effort is a configuration error naming the role; other 400s are bad requests', async () => {
  server.script(json(400, { error: { message: "Unsupported value: 'reasoning_effort' does not support 'minimal' with this model.", type: 'invalid_request_error', param: 'reasoning_effort', code: 'unsupported_value' } }, { 'x-request-id': 'req_effort' }));
  const e = await fails(provider().complete(request({ reasoningEffort: 'minimal', role: 'classification_worker' })));
  assert.instance(e, PipeError);
  assert.is((e as PipeError).code, 'E_CONFIG');
  assert.match(e.message, /role classification_worker/);
  assert.match(e.message, /minimal/);
  assert.is(server.seen.length, 1, 'not retried');
  server.script(json(400, { error: { message: 'messages is too long', type: 'invalid_request_error', param: 'messages' } }));
  assert.is(((await fails(provider().complete(request()))) as ProviderError).kind, 'bad_request');
});

test('HTTP 401 and 403 are configuration errors (exit 2), sent once, naming OPENAI_API_KEY and the base URL; the sentence survives redaction', async () => {
  server.script(json(401, { error: { message: `Incorrect API key provided: ${KEY}. You can find your API key at https://platform.openai.com/account/api-keys.`, type: 'invalid_request_error', code: 'invalid_api_key' } }, { 'x-request-id': 'req_auth' }));
  const auth = await fails(provider({ max_retries: 2 }).complete(request()));
  assert.instance(auth, PipeError);
  assert.is((auth as PipeError).code, 'E_PROVIDER_CONFIG');
  assert.is((auth as PipeError).exitCode, 2);
  assert.is(server.seen.length, 1, 'not retried');
  assert.ok(auth.message.includes('Incorrect API key provided: [REDACTED]. You can find your API key'), auth.message);
  assert.ok(auth.message.includes('OPENAI_API_KEY'), auth.message);
  assert.ok(auth.message.includes(server.baseURL), auth.message);
  assert.ok(auth.message.includes('HTTP 401 invalid_api_key, request req_auth'), auth.message);
  assert.not.ok(auth.message.includes(KEY) || String((auth as PipeError).hint).includes(KEY));
  server.script(json(403, { error: { message: 'Project does not have access to model gpt-5-mini', code: 'model_not_found' } }));
  const forbidden = await fails(provider({ max_retries: 2 }).complete(request()));
  assert.is((forbidden as PipeError).code, 'E_PROVIDER_CONFIG');
  assert.is(server.seen.length, 2, 'a 403 is not retried either');
  assert.match(String((forbidden as PipeError).hint), /OPENAI_API_KEY/);
});

test('a refused connection is a network error naming the URL and why', async () => {
  // A port that was just free: nothing listens there.
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((done) => probe.close(done));
  const url = `http://127.0.0.1:${port}/v1`;
  const p = createOpenAIProvider({ apiKey: KEY, baseURL: url, settings: { max_retries: 0 } });
  const e = await fails(p.complete(request()));
  assert.is((e as ProviderError).kind, 'network');
  assert.ok(e.message.includes(`cannot connect to ${url}: fetch failed`), e.message);
  assert.match(e.message, /ECONNREFUSED/);
});

test('Responses API: reasoning.effort and max_output_tokens; usage details; incomplete is truncated', async () => {
  const body = (over: Record<string, unknown> = {}) => ({
    id: 'resp_1',
    object: 'response',
    created_at: 1,
    model: 'gpt-5-mini',
    status: 'completed',
    service_tier: 'flex',
    output: [{ type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'patch text', annotations: [] }] }],
    usage: { input_tokens: 900, input_tokens_details: { cached_tokens: 512 }, output_tokens: 80, output_tokens_details: { reasoning_tokens: 64 }, total_tokens: 980 },
    ...over,
  });
  server.script(json(200, body(), { 'x-request-id': 'req_resp' }));
  const r = keep(await provider({ api: 'responses' }).complete(request({ tier: 'flex' })));
  const sent = server.seen[0];
  assert.is(sent.url, '/v1/responses');
  assert.is(sent.body?.service_tier, 'flex');
  assert.equal(sent.body?.reasoning, { effort: 'medium' });
  assert.is(sent.body?.max_output_tokens, 1234);
  assert.is(r.text, 'patch text');
  assert.is(r.tierServed, 'flex');
  assert.is(r.requestId, 'req_resp');
  assert.equal(r.usage, { inputTokens: 900, cachedInputTokens: 512, outputTokens: 80, reasoningTokens: 64 });
  server.script(json(200, body({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } })));
  assert.is(((await fails(provider({ api: 'responses' }).complete(request()))) as ProviderError).kind, 'truncated');
});

test('the API key never appears in any error, response or record', () => {
  assert.ok(outputs.length > 15);
  for (const text of outputs) assert.not.ok(text.includes(KEY), text.slice(0, 300));
  assert.not.ok(outputs.join('\n').includes('ABCDEF123456'));
});

test.run();
