import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PassThrough } from 'node:stream';
import { createApprover } from '../../src/cli/approval.js';

const request = { role: 'emergency_pro_reviewer' as const, model: 'gpt-5-pro', tier: 'default', projectedUsd: 0.5312 };

async function ask(answer: string | null): Promise<{ yes: boolean; shown: string }> {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (d) => (shown += d));
  const approve = createApprover({ interactive: true, input, output });
  const pending = approve(request);
  if (answer === null) input.end();
  else input.write(answer);
  return { yes: await pending, shown };
}

test('the prompt shows role, model, tier and projected cost; only y/yes approves', async () => {
  const yes = await ask('y\n');
  assert.is(yes.yes, true);
  assert.is(yes.shown, 'Call emergency_pro_reviewer (gpt-5-pro, tier default) for about $0.5312? [y/N] ');
  assert.is((await ask('YES\n')).yes, true);
  assert.is((await ask('\n')).yes, false, 'default is no');
  assert.is((await ask('n\n')).yes, false);
  assert.is((await ask('maybe\n')).yes, false);
  assert.is((await ask(null)).yes, false, 'closed input is no');
});

test('non-interactive approvers always say no without prompting', async () => {
  const output = new PassThrough();
  let shown = '';
  output.on('data', (d) => (shown += d));
  const approve = createApprover({ interactive: false, output });
  assert.is(await approve(request), false);
  assert.is(shown, '');
});

test.run();
