// A new user's journey through the safety net: a validator that writes into the tree late,
// and Ctrl-C (SIGINT to the process group) while a slow validator runs. The user's own
// uncommitted edits and untracked files must survive byte for byte.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, makeRepo, runCli, snapshotTree, writeFiles, cleanup, tempDir } from '../helpers/repo.js';

const SUM = 'export function sum(xs) {\n  let total = 0;\n  for (let i = 1; i < xs.length; i++) total += xs[i];\n  return total;\n}\n';
const FIX = [
  '--- a/src/sum.js', '+++ b/src/sum.js', '@@ -1,5 +1,5 @@', ' export function sum(xs) {', '   let total = 0;',
  '-  for (let i = 1; i < xs.length; i++) total += xs[i];', '+  for (let i = 0; i < xs.length; i++) total += xs[i];', '   return total;', ' }', '',
].join('\n');

function repoWith(validatorArgv: string[], maxAttempts: number, writable: string[] = []): string {
  const repo = makeRepo({
    'package.json': '{ "name": "m", "type": "module" }\n',
    'src/sum.js': SUM,
    'notes.txt': 'committed\n',
  });
  writeFiles(repo, {
    '.pipe/policy.yaml': ['apiVersion: pipe/v1', 'kind: Policy', 'validators:', '  probe:', `    argv: ${JSON.stringify(validatorArgv)}`, '    timeout_s: 60', '    parser: exit-code',
      // The validator's flag file lives outside the repo: its sandbox must let it write there.
      ...(writable.length ? ['    sandbox:', `      writable: ${JSON.stringify(writable)}`] : []), ''].join('\n'),
    'tasks/fixtures/fix.patch': FIX,
    'tasks/t.yaml': [
      'apiVersion: pipe/v1', 'kind: Task', 'id: t', 'goal: fix sum', 'intent: bugfix', 'allowed_files: ["src/**/*.js"]',
      'validators: [probe]', `max_attempts: ${maxAttempts}`, 'fake:', '  responses:', '    - patch_file: fixtures/fix.patch', '    - diagnosis: "n/a"', '',
    ].join('\n'),
    // The user's own work in progress: an uncommitted edit and untracked files.
    'notes.txt': 'committed\nmy uncommitted edit\n',
    'scratch.md': 'untracked\n',
    'src/wip/mine.js': 'export const wip = 1;\n',
  });
  return repo;
}

test('a validator that writes a forbidden file into an allowed glob after a delay is caught by patch-safety', () => {
  const repo = repoWith(['node', '-e', "setTimeout(() => require('fs').writeFileSync('src/.env.js', 'SECRET=1'), 400)"], 1);
  try {
    const before = snapshotTree(repo);
    const r = runCli(['run', 'tasks/t.yaml', '--json', '--no-baseline'], { cwd: repo });
    const out = JSON.parse(r.stdout) as { status: string; run_id: string };
    assert.is.not(out.status, 'succeeded', r.stderr);
    const show = JSON.parse(runCli(['show', out.run_id, '--json'], { cwd: repo }).stdout) as { attempts: { failures: { validator: string; file: string | null }[] }[] };
    const safety = show.attempts[0].failures.filter((f) => f.validator === 'patch-safety');
    assert.ok(safety.some((f) => f.file === 'src/.env.js'), JSON.stringify(show.attempts[0].failures));
    // The patch itself was rolled back and the user's files are untouched; what the validator
    // wrote outside the patch's files stays (docs/safety.md says so), and is reported above.
    const after = snapshotTree(repo);
    delete after['src/.env.js'];
    assert.equal(after, before);
  } finally {
    cleanup(repo);
  }
});

test('SIGINT during a slow validator: validate fails (not a pass), finally rolls back, the tree is byte-identical', async () => {
  const flagDir = tempDir('pipe-flag-');
  const flag = join(flagDir, 'started');
  // Slow only on the patched tree: on the unchanged tree (the baseline, before any call) it passes at once.
  const script = `const fs = require('fs'); if (fs.readFileSync('src/sum.js', 'utf8').includes('let i = 0')) { fs.writeFileSync(${JSON.stringify(flag)}, '1'); setTimeout(() => {}, 30000); }`;
  const repo = repoWith(['node', '-e', script], 3, [flagDir]);
  try {
    const before = snapshotTree(repo);
    const child = spawn(process.execPath, [BIN, 'run', 'tasks/t.yaml', '--json', '--no-baseline'], { cwd: repo, detached: true, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const done = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    for (let i = 0; i < 600 && !existsSync(flag); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(existsSync(flag), `the validator never started: ${stderr}`);
    process.kill(-child.pid!, 'SIGINT'); // Ctrl-C reaches the whole foreground process group
    const code = await done;
    assert.is(code, 1, stderr);
    const out = JSON.parse(stdout) as { status: string; verdict: string | null; attempts: number; steps: { id: string; status: string; attempt: number }[] };
    assert.is(out.status, 'failed');
    assert.is(out.attempts, 1, 'an interrupt stops the retries');
    assert.is.not(out.verdict, 'success');
    const validate = out.steps.filter((s) => s.id === 'validate');
    assert.equal(validate.map((s) => s.status), ['failed']);
    assert.equal(out.steps.find((s) => s.id === 'rollback')?.status, 'succeeded');
    assert.equal(snapshotTree(repo), before);
  } finally {
    cleanup(repo, flagDir);
  }
});

test.run();
