// redact(): secrets out, the sentence kept — a person must still read what went wrong.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { redact, redactValue, resetRedaction } from '../../src/records/redact.js';

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

test('ordinary text is untouched', () => {
  const text = 'Incorrect answer: the key insight is that api keys rotate; see docs/providers.md:12.';
  assert.is(redact(text), text);
});

test.run();
