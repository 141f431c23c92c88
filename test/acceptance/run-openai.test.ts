// Black-box: `pipe run` with provider openai against a loopback server the test starts
// (DSL.md §2 route, §5 ledger, §6 openai facts): tiers sent and served, the flex miss
// fallback, effort rejection as a configuration error, request ids, no key anywhere.
// The first run keeps the baseline (its validators' output is searched for the key too);
// the tier and effort runs skip it (--no-baseline: one more pytest run each, not their subject).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, snapshotTree, writeFiles } from '../helpers/repo.js';
import { chatCompletion, json, startLoopback } from '../providers/loopback.js';
import { RIGHT, calcRepo, ledgerRows, runCliAsync, writeTask, type RunJson } from './run-kit.js';

const KEY = 'sk-proj-ACCEPTANCEkey4242';
const USAGE = { prompt_tokens: 500, completion_tokens: 120, total_tokens: 620, prompt_tokens_details: { cached_tokens: 100 }, completion_tokens_details: { reasoning_tokens: 60 } };

function allText(dir: string): string {
  let out = '';
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out += allText(full);
    else out += readFileSync(full).toString('latin1');
  }
  return out;
}

function openaiRepo(policy?: string): { repo: string; task: string } {
  const repo = calcRepo();
  writeFiles(repo, {
    '.pipe/config.yaml': `apiVersion: pipe/v1\nkind: Config\nprovider: openai\n${policy ? 'policies: [.pipe/policy.yaml]\n' : ''}`,
    ...(policy ? { '.pipe/policy.yaml': `apiVersion: pipe/v1\nkind: Policy\n${policy}` } : {}),
  });
  return { repo, task: writeTask(repo, [{ patch: RIGHT }]) };
}

test('flex capacity miss (429 resource unavailable) falls back to default; both rows carry request ids; no key in .pipe or output', async () => {
  const server = await startLoopback();
  const { repo, task } = openaiRepo();
  try {
    server.script(
      json(429, { error: { message: 'Resource unavailable, try again later', type: 'resource_unavailable', code: 'resource_unavailable' } }, { 'x-request-id': 'req_flex_miss' }),
      chatCompletion({ content: RIGHT, service_tier: 'default', usage: USAGE, requestId: 'req_default_ok' }),
    );
    const r = await runCliAsync(['run', task, '--json'], repo, { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseURL });
    assert.is(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as RunJson;
    assert.is(out.status, 'succeeded');
    assert.equal(out.files_changed, ['calc/ops.py']);
    assert.is(server.seen.length, 2);
    assert.is(server.seen[0].body?.service_tier, 'flex');
    assert.is(server.seen[1].body?.service_tier, 'default');
    for (const req of server.seen) {
      assert.is(req.body?.reasoning_effort, 'medium');
      assert.is(req.body?.max_completion_tokens, 4000);
    }
    const rows = ledgerRows(join(repo, '.pipe/ledger.sqlite'));
    assert.equal(rows.map((x) => [x.status, x.tier_requested, x.tier_served, x.request_id]), [
      ['failed', 'flex', null, 'req_flex_miss'],
      ['settled', 'default', 'default', 'req_default_ok'],
    ]);
    assert.is(rows[0].actual_usd, 0, 'a flex miss is not billed');
    assert.is(rows[1].cached_input_tokens, 100);
    assert.is(rows[1].reasoning_tokens, 60);
    assert.not.ok(allText(join(repo, '.pipe')).includes(KEY), 'the API key leaked into .pipe/');
    assert.not.ok((r.stdout + r.stderr).includes(KEY), 'the API key leaked into the output');
  } finally {
    await server.close();
    cleanup(repo);
  }
});

test('the tier the response reports is recorded, and priority is never sent unless allowed', async () => {
  const server = await startLoopback();
  const { repo, task } = openaiRepo('policy:\n  builder_service_tier_preference:\n    preferred: priority\n    fallback: default\n    allow_priority: false\n');
  try {
    server.script(chatCompletion({ content: RIGHT, service_tier: 'priority', usage: USAGE, requestId: 'req_served_priority' }));
    const r = await runCliAsync(['run', task, '--json', '--no-baseline'], repo, { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseURL });
    assert.is(r.code, 0, r.stderr);
    assert.is(server.seen.length, 1);
    assert.is.not(server.seen[0].body?.service_tier, 'priority');
    const [row] = ledgerRows(join(repo, '.pipe/ledger.sqlite'));
    assert.is(row.tier_served, 'priority');
    assert.is(row.request_id, 'req_served_priority');
  } finally {
    await server.close();
    cleanup(repo);
  }
});

test('HTTP 400 rejecting the reasoning effort is a configuration error naming the role; its request id reaches the ledger; tree untouched', async () => {
  const server = await startLoopback();
  const { repo, task } = openaiRepo();
  try {
    const before = snapshotTree(repo);
    server.script(
      json(
        400,
        { error: { message: "Unsupported value: 'reasoning_effort' does not support 'medium' with this model.", type: 'invalid_request_error', param: 'reasoning_effort', code: 'unsupported_value' } },
        { 'x-request-id': 'req_bad_effort' },
      ),
    );
    const r = await runCliAsync(['run', task, '--json', '--no-baseline'], repo, { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseURL });
    assert.is(r.code, 2, r.stderr);
    const out = JSON.parse(r.stdout) as RunJson;
    assert.is(out.error?.code, 'E_CONFIG');
    assert.match(out.error?.message ?? '', /general_builder/);
    assert.is(server.seen.length, 1, 'an effort rejection is not retried');
    const rows = ledgerRows(join(repo, '.pipe/ledger.sqlite'));
    assert.is(rows.length, 1);
    assert.is(rows[0].status, 'failed');
    assert.is(rows[0].request_id, 'req_bad_effort');
    assert.equal(snapshotTree(repo), before);
  } finally {
    await server.close();
    cleanup(repo);
  }
});

test.run();
