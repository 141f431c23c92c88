import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildChildEnv, isSecretName, secretNamesIn } from '../../src/exec/env.js';

test('isSecretName catches keys, tokens, secrets, passwords', () => {
  for (const n of ['OPENAI_API_KEY', 'GITHUB_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'DB_PASSWORD', 'my_secret', 'NPM_AUTH', 'GH_PAT', 'SESSION_ID'])
    assert.ok(isSecretName(n), n);
  for (const n of ['PATH', 'HOME', 'LANG', 'PYTHONPATH', 'CI']) assert.not.ok(isSecretName(n), n);
});

test('buildChildEnv keeps only allowlisted names, adds fixed settings, drops secret extras', () => {
  const env = buildChildEnv(
    { PATH: '/bin', HOME: '/h', FORCE_COLOR: '0', OPENAI_API_KEY: 'sk-x', RANDOM_VAR: 'r', LC_ALL: 'C', PYTHONDONTWRITEBYTECODE: '0' },
    { FOO: 'bar', API_TOKEN: 't' },
  );
  assert.equal(env, { PATH: '/bin', HOME: '/h', LC_ALL: 'C', PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1', NO_COLOR: '1', PYTEST_ADDOPTS: '-p no:cacheprovider', COLUMNS: '240', FOO: 'bar' });
  assert.equal(secretNamesIn({ FOO: 'x', API_TOKEN: 't', A_KEY: 'k' }), ['API_TOKEN', 'A_KEY']);
});

test.run();
