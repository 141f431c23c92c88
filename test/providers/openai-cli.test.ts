// `pipe run` end to end with the real SDK against a loopback server: the built CLI as
// a subprocess (async, so this process can answer it), the built-in classify pipeline.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { cleanup, makeRepo, runCli, runCliAsync } from '../helpers/repo.js';
import { chatCompletion, json, startLoopback } from './loopback.js';

const KEY = 'sk-test-ABCDEF123456';
const TASK = `apiVersion: pipe/v1
kind: Task
id: label-me
goal: Label this task.
intent: classification
pipeline: classify
allowed_files: ["src/*.py"]
`;


function allFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...allFiles(full));
    else out.push(full);
  }
  return out;
}

test('pipe run --provider openai without a key exits 2 naming what is missing', () => {
  const repo = makeRepo({ 'src/a.py': 'x = 1\n', 'tasks/t.yaml': TASK });
  try {
    const r = runCli(['run', 'tasks/t.yaml', '--provider', 'openai', '--json'], { cwd: repo, env: { OPENAI_API_KEY: undefined } });
    assert.is(r.code, 2, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.is(out.error.code, 'E_PROVIDER_CONFIG');
    assert.match(out.error.message, /provider openai needs OPENAI_API_KEY in the environment/);
  } finally {
    cleanup(repo);
  }
});

test('pipe run with openai against a loopback server: flex miss, default answer, ledger rows, no key anywhere', async () => {
  const server = await startLoopback();
  const repo = makeRepo({ 'src/a.py': 'x = 1\n', 'tasks/t.yaml': TASK });
  try {
    server.script(
      json(429, { error: { message: 'Resource unavailable', code: 'resource_unavailable', type: 'resource_unavailable' } }, { 'x-request-id': 'req_cli_flex' }),
      chatCompletion({ content: 'bugfix\nit is a bug', service_tier: 'default', requestId: 'req_cli_ok', model: 'gpt-5-nano' }),
    );
    const r = await runCliAsync(['run', 'tasks/t.yaml', '--provider', 'openai', '--json'], repo, { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseURL });
    assert.is(r.code, 0, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout);
    assert.is(out.status, 'succeeded');
    assert.is(server.seen.length, 2);
    assert.is(server.seen[0].body?.service_tier, 'flex');
    assert.is(server.seen[0].body?.model, 'gpt-5-nano');
    assert.is(server.seen[0].body?.reasoning_effort, 'minimal');
    assert.is(server.seen[0].body?.max_completion_tokens, 1000);
    assert.is(server.seen[1].body?.service_tier, 'default');
    const db = new Database(join(repo, '.pipe', 'ledger.sqlite'), { readonly: true });
    const rows = db.prepare('select tier_requested, tier_served, status, request_id, actual_usd from ledger_entries order by created_at, tier_requested desc').all() as { tier_requested: string; status: string; request_id: string; actual_usd: number }[];
    db.close();
    const byTier = Object.fromEntries(rows.map((x) => [x.tier_requested, x]));
    assert.is(byTier.flex.status, 'failed');
    assert.is(byTier.flex.request_id, 'req_cli_flex');
    assert.is(byTier.flex.actual_usd, 0);
    assert.is(byTier.default.status, 'settled');
    assert.is(byTier.default.request_id, 'req_cli_ok');
    for (const file of allFiles(join(repo, '.pipe'))) assert.not.ok(readFileSync(file).includes(KEY), file);
    assert.not.ok(r.stdout.includes(KEY) || r.stderr.includes(KEY));
  } finally {
    await server.close();
    cleanup(repo);
  }
});

test('a rejected key ends the run at once: exit 2, one request, no retry, the message names OPENAI_API_KEY and the URL, the ledger row failed', async () => {
  const server = await startLoopback();
  const repo = makeRepo({ 'src/a.py': 'x = 1\n', 'tasks/t.yaml': TASK });
  try {
    server.script(json(401, { error: { message: `Incorrect API key provided: ${KEY}. You can find your API key at https://platform.openai.com/account/api-keys.`, code: 'invalid_api_key' } }, { 'x-request-id': 'req_bad_key' }));
    const r = await runCliAsync(['run', 'tasks/t.yaml', '--provider', 'openai', '--json'], repo, { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseURL });
    assert.is(r.code, 2, r.stdout + r.stderr);
    assert.is(server.seen.length, 1, 'a 401 is not retried, by the SDK or by another attempt');
    const out = JSON.parse(r.stdout);
    assert.is(out.error.code, 'E_PROVIDER_CONFIG');
    assert.ok(out.error.message.includes(`${server.baseURL} rejected the key in OPENAI_API_KEY`), out.error.message);
    assert.ok(out.error.message.includes('Incorrect API key provided: [REDACTED]'), out.error.message);
    const db = new Database(join(repo, '.pipe', 'ledger.sqlite'), { readonly: true });
    const rows = db.prepare('select status, request_id, actual_usd from ledger_entries').all();
    db.close();
    assert.equal(rows, [{ status: 'failed', request_id: 'req_bad_key', actual_usd: 0 }]);
    for (const file of allFiles(join(repo, '.pipe'))) assert.not.ok(readFileSync(file).includes(KEY), file);
    assert.not.ok(r.stdout.includes(KEY) || r.stderr.includes(KEY));
  } finally {
    await server.close();
    cleanup(repo);
  }
});

test.run();
