// The PROVIDERS table is the one list of providers: the schemas' `provider` enums name the
// same providers, an unknown name is exit 2 naming the known ones, and the session asks the
// table (not a list of its own).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPipeError } from '../../src/errors.js';
import { PROVIDER_NAMES, assertProviderReady, isProviderName, providerTraits } from '../../src/providers/index.js';
import { openSession } from '../../src/runner/session.js';
import type { Config } from '../../src/types/generated/index.js';
import { ROOT, cleanup, makeRepo } from '../helpers/repo.js';
import { rejection, thrown } from '../helpers/throws.js';

const schema = (name: string) => JSON.parse(readFileSync(join(ROOT, 'schemas', `${name}.schema.json`), 'utf8'));

test('the Config and Policy schemas name exactly the providers of the PROVIDERS table', () => {
  const table = [...PROVIDER_NAMES].sort();
  assert.equal([...schema('config').properties.provider.enum].sort(), table);
  assert.equal([...schema('policy').$defs.role.properties.provider.enum].sort(), table);
  for (const name of table) {
    assert.ok(isProviderName(name));
    assert.ok(providerTraits(name).authHint.length > 0, name);
  }
  assert.not.ok(isProviderName('toString'), 'a name on Object.prototype is not a provider');
});

test('an unknown provider is E_PROVIDER_CONFIG (exit 2) naming the known ones; openai without a key says which variable', () => {
  const unknown = thrown(() => assertProviderReady('nope', {} as Config, {}));
  assert.ok(isPipeError(unknown), String(unknown));
  assert.is(unknown.code, 'E_PROVIDER_CONFIG');
  assert.is(unknown.exitCode, 2);
  assert.match(unknown.message, `unknown provider 'nope' (known: ${PROVIDER_NAMES.join(', ')})`);
  const noKey = thrown(() => assertProviderReady('openai', {} as Config, {}));
  assert.ok(isPipeError(noKey) && /OPENAI_API_KEY/.test(noKey.message), String(noKey));
  assertProviderReady('fake', {} as Config, {});
});

test('openSession refuses a provider the table does not know, and opens with one it knows', async () => {
  const repo = makeRepo({
    'tasks/t.yaml': 'apiVersion: pipe/v1\nkind: Task\nid: t\ngoal: g\nintent: bugfix\nallowed_files: ["a.py"]\nvalidators: []\n',
    'a.py': 'x = 1\n',
  });
  try {
    const err = await rejection(() => openSession({ task: 'tasks/t.yaml', repo, provider: 'nope' }, {}));
    assert.ok(isPipeError(err), String(err));
    assert.is(err.code, 'E_PROVIDER_CONFIG');
    assert.match(err.hint ?? '', '--provider fake');
    const session = await openSession({ task: 'tasks/t.yaml', repo, provider: 'fake' }, {});
    assert.is(session.provider, 'fake');
  } finally {
    cleanup(repo);
  }
});

test.run();
