// redact(): secrets out, the sentence kept — a person must still read what went wrong.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dotenvSecretValues, redact, redactRepoDotenv, redactValue, resetRedaction } from '../../src/records/redact.js';
import { cleanup, makeRepo, writeFiles } from '../helpers/repo.js';

const KEY = 'sk-test-ABCDEF123456';

test.after.each(() => {
  delete process.env.PIPE_TEST_SECRET_TOKEN;
  resetRedaction();
});

test("OpenAI's 401 sentence keeps every word but the key", () => {
  const said = `Incorrect API key provided: ${KEY}. You can find your API key at https://platform.openai.com/account/api-keys.`;
  assert.is(redact(said), 'Incorrect API key provided: [REDACTED]. You can find your API key at https://platform.openai.com/account/api-keys.');
  assert.is(redact('Incorrect API key provided: sk-proj-********************abcd.'), 'Incorrect API key provided: [REDACTED].', 'a masked key goes whole, tail included');
});

test('header and key=value forms keep their name', () => {
  assert.is(redact('sent Authorization: Bearer abcdefghijklmnop to the server'), 'sent Authorization: [REDACTED] to the server');
  assert.is(redact('{"api_key": "abc123xyz", "model": "gpt-5"}'), '{"api_key": "[REDACTED]", "model": "gpt-5"}');
  assert.is(redact('OPENAI_API_KEY=sk-live-0123456789 pipe run'), 'OPENAI_API_KEY=[REDACTED] pipe run');
});

test("a credential-looking variable's value is removed wherever it appears, words around it kept", () => {
  process.env.PIPE_TEST_SECRET_TOKEN = 'hunter2-but-longer';
  resetRedaction();
  assert.is(redact('login failed for hunter2-but-longer at db.internal'), 'login failed for [REDACTED] at db.internal');
  assert.equal(redactValue({ a: ['x hunter2-but-longer y'], n: 3 }), { a: ['x [REDACTED] y'], n: 3 });
});

test('a secret cut short where a tool truncated its output is removed too: head before "..." or the end, tail after "..."', () => {
  process.env.PIPE_TEST_SECRET_TOKEN = 'awsPROBESECRET98765';
  resetRedaction();
  // pytest's -rf summary line, cut at the terminal width in the middle of the value.
  assert.is(redact("FAILED tests/test_x.py::test_env - AssertionError: 'AWS=awsPROBESEC..."), "FAILED tests/test_x.py::test_env - AssertionError: 'AWS=[REDACTED]...");
  assert.is(redact('captured up to the cap: awsPROBESECRE'), 'captured up to the cap: [REDACTED]');
  assert.is(redact('tail kept: ...ROBESECRET98765 end'), 'tail kept: ...[REDACTED] end');
  assert.is(redact('awsPROBE is a word here, not a cut'), 'awsPROBE is a word here, not a cut', 'a fragment not at a cut stays');
});

test('key shapes read from files are removed (GitHub, AWS key ids, Slack, PEM private keys)', () => {
  assert.is(redact('token ghp_0123456789abcdefghijABCDEFGHIJ012345 in hosts.yml'), 'token [REDACTED] in hosts.yml');
  assert.is(redact('id AKIAIOSFODNN7EXAMPLE,'), 'id [REDACTED],');
  assert.is(redact('E  -----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----\nnext'), 'E  [REDACTED]\nnext');
  assert.is(redact('E  -----BEGIN RSA PRIVATE KEY-----\nMIIEow'), 'E  [REDACTED]');
  assert.is(redact("OperationalError: could not connect to postgres://app:s3cr3t-pw@db:5432/app"), 'OperationalError: could not connect to postgres://app:[REDACTED]@db:5432/app');
  assert.is(redact('https://u:gho_abc@github.com and https://github.com/a:b/c and user@host'), 'https://u:[REDACTED]@github.com and https://github.com/a:b/c and user@host');
});

test("a repository's .env values are redacted once registered: credential names, and long random-looking values; plain settings stay", () => {
  assert.equal(dotenvSecretValues('# c\nexport DB_PASSWORD="hunter2-long"\nSTRIPE=rk_live_51Habc123XYZ789\nPORT=8000\nENV=development\nTITLE=a long title with words 42\n'), ['hunter2-long', 'rk_live_51Habc123XYZ789']);
  const repo = makeRepo({ 'a.txt': 'a' });
  try {
    writeFiles(repo, { '.env': 'DB_PASSWORD=hunter2-long\nENV=development\n', 'api/.env.local': 'STRIPE=rk_live_51Habc123XYZ789\n' });
    assert.is(redact('E  AssertionError: hunter2-long rk_live_51Habc123XYZ789 development'), 'E  AssertionError: hunter2-long rk_live_51Habc123XYZ789 development');
    redactRepoDotenv(repo);
    assert.is(redact('E  AssertionError: hunter2-long rk_live_51Habc123XYZ789 development'), 'E  AssertionError: [REDACTED] [REDACTED] development');
  } finally {
    cleanup(repo);
  }
});

test('ordinary text is untouched', () => {
  const text = 'Incorrect answer: the key insight is that api keys rotate; see docs/providers.md:12.';
  assert.is(redact(text), text);
});

test.run();
