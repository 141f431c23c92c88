// OpenAI Structured Outputs for roles whose prompt asks for the JSON patch: the request
// carries response_format json_schema, strict, generated from proposal.schema.json; the
// loopback server rejects it (HTTP 400) if it breaks strict mode's rules, as OpenAI would.
// The answer's nulls (strict mode makes optional keys nullable) read as absent keys.
// The CLI runs skip the baseline (--no-baseline): the request is the subject, and a
// baseline is one more pytest run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createOpenAIProvider } from '../../src/providers/openai.js';
import { PROPOSAL_STRICT_SCHEMA } from '../../src/providers/generated/proposal-strict.js';
import { readAnswer } from '../../src/patch/answer/index.js';
import { structuredOutputsFor } from '../../src/patch/answer/policy.js';
import { cleanup, writeFiles } from '../helpers/repo.js';
import { calcRepo, runCliAsync, writeTask, type RunJson } from '../acceptance/run-kit.js';
import { chatCompletion, startLoopback, strictChatCompletion, strictSchemaProblems } from './loopback.js';
import { defaultPolicy } from '../steps/patch-harness.js';

const KEY = 'sk-proj-STRUCTUREDkey0001';
const PATCH = JSON.stringify({ summary: null, edits: [{ op: 'replace', path: 'calc/ops.py', old: '    return a - b\n', new: '    return a + b\n', count: null }] });

test('the generated strict schema passes strict mode and still describes the JSON patch', () => {
  assert.equal(strictSchemaProblems(PROPOSAL_STRICT_SCHEMA), []);
  const source = JSON.parse(readFileSync(join(process.cwd(), 'schemas', 'proposal.schema.json'), 'utf8')) as { $defs: Record<string, { properties?: Record<string, unknown> }> };
  const strictDefs = (PROPOSAL_STRICT_SCHEMA as { $defs: Record<string, { properties?: Record<string, unknown> }> }).$defs;
  for (const name of ['replace', 'create', 'overwrite', 'delete']) assert.equal(Object.keys(strictDefs[name].properties ?? {}), Object.keys(source.$defs[name].properties ?? {}), name);
  const read = readAnswer(PATCH);
  assert.ok(read.ok, read.ok ? '' : read.refusal.reason);
});

test('the provider sends response_format json_schema, strict, when the request carries a schema; not otherwise', async () => {
  const server = await startLoopback();
  try {
    server.script(strictChatCompletion({ content: PATCH }), chatCompletion({ content: 'plain' }));
    const provider = createOpenAIProvider({ apiKey: KEY, baseURL: server.baseURL });
    const base = { role: 'general_builder' as const, model: 'gpt-5-mini', tier: 'default' as const, reasoningEffort: 'medium' as const, maxOutputTokens: 1000, messages: [{ role: 'user' as const, content: 'fix' }], expect: 'patch' as const };
    const r = await provider.complete({ ...base, responseSchema: { name: 'pipe_json_patch', schema: PROPOSAL_STRICT_SCHEMA } });
    assert.is(r.text, PATCH);
    const sent = server.seen[0].body?.response_format as { type: string; json_schema: { name: string; strict: boolean; schema: unknown } };
    assert.is(sent.type, 'json_schema');
    assert.is(sent.json_schema.strict, true);
    assert.equal(sent.json_schema.schema, PROPOSAL_STRICT_SCHEMA);
    await provider.complete(base);
    assert.is(server.seen[1].body?.response_format, undefined);
  } finally {
    await server.close();
  }
});

test('a per-model policy flag, on by default for models that support it', () => {
  const policy = defaultPolicy();
  assert.ok(structuredOutputsFor(policy, 'gpt-5-mini'));
  assert.ok(structuredOutputsFor(policy, 'gpt-4o-2024-08-06'));
  assert.ok(structuredOutputsFor(policy, 'gpt-4.1'));
  assert.not.ok(structuredOutputsFor(policy, 'gpt-4-turbo'));
  assert.not.ok(structuredOutputsFor(policy, 'gpt-3.5-turbo'));
  policy.answers = { structured_outputs: { 'gpt-5-mini': false, 'my-local-model': true } };
  assert.not.ok(structuredOutputsFor(policy, 'gpt-5-mini'));
  assert.ok(structuredOutputsFor(policy, 'my-local-model'));
});

test('pipe run with answers.ask json_patch: the request is strict Structured Outputs and the answer applies; the flag turns it off', async () => {
  for (const flag of [true, false]) {
    const server = await startLoopback();
    const repo = calcRepo();
    try {
      const policy = `answers:\n  ask: json_patch\n${flag ? '' : '  structured_outputs:\n    gpt-5-mini: false\n'}`;
      writeFiles(repo, {
        '.pipe/config.yaml': 'apiVersion: pipe/v1\nkind: Config\nprovider: openai\npolicies: [.pipe/policy.yaml]\n',
        '.pipe/policy.yaml': `apiVersion: pipe/v1\nkind: Policy\n${policy}`,
      });
      const task = writeTask(repo, [{ text: 'unused' }]);
      server.script(flag ? strictChatCompletion({ content: PATCH, service_tier: 'flex' }) : chatCompletion({ content: PATCH, service_tier: 'flex' }));
      const r = await runCliAsync(['run', task, '--json', '--no-baseline'], repo, { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseURL });
      assert.is(r.code, 0, r.stderr + r.stdout);
      const out = JSON.parse(r.stdout) as RunJson;
      assert.is(out.status, 'succeeded');
      assert.is(readFileSync(join(repo, 'calc/ops.py'), 'utf8'), 'def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    return a * b\n');
      const body = server.seen[0].body!;
      assert.is(body.response_format !== undefined, flag, 'response_format sent only when the flag is on');
      assert.match(String((body.messages as { content: string }[])[0].content), /exactly one JSON object/);
      assert.equal(out.answers.map((a) => a.format), ['json_patch']);
    } finally {
      await server.close();
      cleanup(repo);
    }
  }
});

test.run();
