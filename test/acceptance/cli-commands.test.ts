// Black-box: an unknown command is a usage error with a suggestion, in text and in --json;
// `pipe help <command>` works, and every help page lists the exit codes.
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

test('pipe rn suggests run; pipe help run is the help of run; help pages list the exit codes', () => {
  const dir = tempDir();
  try {
    const typo = runCli(['rn'], { cwd: dir });
    assert.is(typo.code, 2);
    assert.match(typo.stderr, /^error: unknown command 'rn' \(did you mean 'run'\?\)$/m);
    const help = runCli(['help', 'run'], { cwd: dir });
    assert.is(help.code, 0, help.stderr);
    assert.match(help.stdout, /\$ pipe run TASK/);
    assert.match(help.stdout, /^EXIT CODES$/m);
    assert.match(help.stdout, /^ {2}4 {2}escalated/m);
    const root = runCli(['--help'], { cwd: dir });
    assert.is(root.code, 0);
    for (const code of [0, 1, 2, 3, 4, 5]) assert.match(root.stdout, new RegExp(`^  ${code}  \\S`, 'm'));
    const unknownTopic = runCli(['help', 'rn'], { cwd: dir });
    assert.is(unknownTopic.code, 2);
    assert.match(unknownTopic.stderr, /did you mean 'run'/);
  } finally {
    cleanup(dir);
  }
});

test.run();
