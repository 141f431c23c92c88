// Black-box: an unknown command is a usage error with a suggestion, in text and in --json.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, tempDir, cleanup } from '../helpers/repo.js';

test('pipe valdate: exit 2, did you mean validate; --json prints one error document and nothing else', () => {
  const dir = tempDir();
  try {
    const r = runCli(['valdate'], { cwd: dir });
    assert.is(r.code, 2);
    assert.is(r.stdout, '');
    assert.match(r.stderr, /^error: unknown command 'valdate' \(did you mean 'validate'\?\)$/m);
    const j = runCli(['valdate', '--json'], { cwd: dir });
    assert.is(j.code, 2);
    assert.is(j.stderr, '');
    const out = JSON.parse(j.stdout) as { error: { code: string; message: string; exit_code: number } };
    assert.is(out.error.code, 'E_USAGE');
    assert.is(out.error.exit_code, 2);
    assert.match(out.error.message, /did you mean 'validate'/);
  } finally {
    cleanup(dir);
  }
});

test.run();
