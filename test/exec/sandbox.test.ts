// The sandbox's pure parts (argv builder, rules, denials) on real temp folders, detection
// and `required` without bwrap, and a few real bwrap runs through runCommand.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPipeError } from '../../src/errors.js';
import { runCommand } from '../../src/exec/run.js';
import { bwrapArgs, chooseSandbox, denialAdvice, describeRules, recogniseDenials, repoSecretFiles, sandboxRulesFor, unsandboxedWarning, type SandboxRules } from '../../src/exec/sandbox/index.js';
import { cleanup, gitIn, hasTool, makeRepo, tempDir, writeFiles } from '../helpers/repo.js';

const RULES: SandboxRules = {
  repo: '/work/repo',
  readOnly: ['/work/repo/.git', '/work/repo/.pipe'],
  network: 'none',
  masks: [{ path: '/home/u/.ssh', kind: 'dir' }, { path: '/home/u/.npmrc', kind: 'file' }],
  writable: ['/home/u/.cache/pip'],
  readable: ['/home/u/.ssh/known_hosts'],
  home: '/home/u',
};

/** The (flag, operands) pairs of a bwrap argv, in order, up to `--`. */
function ops(argv: string[]): string[] {
  const out: string[] = [];
  const arity: Record<string, number> = { '--bind': 2, '--ro-bind': 2, '--dev': 1, '--proc': 1, '--tmpfs': 1, '--remount-ro': 1, '--setenv': 2, '--chdir': 1 };
  for (let i = 0; i < argv.length && argv[i] !== '--'; i++) {
    const n = arity[argv[i]] ?? 0;
    out.push([argv[i], ...argv.slice(i + 1, i + 1 + n)].join(' '));
    i += n;
  }
  return out;
}

test('bwrapArgs: namespaces, read-only root, private /tmp, repo writable, masks, readable, .git last, env cleared and set', () => {
  const argv = bwrapArgs(RULES, { argv: ['/usr/bin/python3', '-m', 'pytest'], cwd: '/work/repo/sub', env: { PATH: '/usr/bin', HOME: '/home/u', TMPDIR: '/var/folders/x' } });
  assert.equal(argv.slice(argv.indexOf('--') + 1), ['/usr/bin/python3', '-m', 'pytest']);
  assert.equal(ops(argv), [
    '--unshare-pid', '--die-with-parent', '--new-session', '--unshare-ipc', '--unshare-uts', '--unshare-net',
    '--ro-bind / /', '--dev /dev', '--proc /proc', '--tmpfs /tmp',
    '--bind /work/repo /work/repo',
    '--bind /home/u/.cache/pip /home/u/.cache/pip',
    '--tmpfs /home/u/.ssh', '--ro-bind /dev/null /home/u/.npmrc',
    '--ro-bind /home/u/.ssh/known_hosts /home/u/.ssh/known_hosts',
    '--remount-ro /home/u/.ssh',
    '--ro-bind /work/repo/.git /work/repo/.git', '--ro-bind /work/repo/.pipe /work/repo/.pipe',
    '--clearenv',
    '--setenv HOME /home/u', '--setenv PATH /usr/bin', '--setenv TEMP /tmp', '--setenv TMP /tmp', '--setenv TMPDIR /tmp',
    '--chdir /work/repo/sub',
  ]);
});

test('bwrapArgs: network loopback shares the host network (no --unshare-net); nothing else changes', () => {
  const none = bwrapArgs(RULES, { argv: ['/bin/true'], cwd: '/work/repo', env: {} });
  const loop = bwrapArgs({ ...RULES, network: 'loopback' }, { argv: ['/bin/true'], cwd: '/work/repo', env: {} });
  assert.ok(none.includes('--unshare-net'));
  assert.not.ok(loop.includes('--unshare-net'));
  assert.equal(loop, none.filter((a) => a !== '--unshare-net'));
});

test('sandboxRulesFor: masks only what exists (folders and files, through symlinks), never the repo; overrides add paths', () => {
  const home = tempDir('pipe-home-');
  const repo = makeRepo({ 'a.txt': 'a' });
  try {
    writeFiles(home, { '.ssh/id_rsa': 'KEY', '.npmrc': '//r/:_authToken=x', 'real-aws/credentials': 'AWS', '.cache/pip/x': '' });
    symlinkSync(join(home, 'real-aws'), join(home, '.aws'));
    mkdirSync(join(repo, '.pipe'));
    const rules = sandboxRulesFor({
      repo,
      home,
      safety: { sandbox_mask: ['~/.ssh', '~/.aws', '~/.npmrc', '~/.kube', '/nonexistent/secret', repo], sandbox_writable: ['~/.cache/pip', '~/.cache/missing'] },
      validator: { network: 'loopback', readable: ['~/.ssh'], writable: ['build'] },
    });
    const h = realpathSync(home);
    const r = realpathSync(repo);
    assert.equal(rules.masks, [{ path: join(h, '.ssh'), kind: 'dir' }, { path: join(h, 'real-aws'), kind: 'dir' }, { path: join(h, '.npmrc'), kind: 'file' }]);
    assert.equal(rules.writable, [join(h, '.cache/pip')]); // 'build' does not exist in the repo
    assert.equal(rules.readable, [join(h, '.ssh')]);
    assert.equal(rules.readOnly, [join(r, '.git'), join(r, '.pipe')]);
    assert.is(rules.network, 'loopback');
    const lines = describeRules(rules);
    assert.ok(lines.includes('hidden: ~/.ssh, ~/real-aws, ~/.npmrc'), lines.join('\n'));
    assert.ok(lines.includes('read-only in the repository: .git, .pipe'), lines.join('\n'));
    assert.ok(lines[0].startsWith('network: loopback'));
  } finally {
    cleanup(home, repo);
  }
});

test('sandboxRulesFor: relative globs hide the repository\'s .env files at any depth (not templates, not node_modules); ~/.config hides what is under it', () => {
  const home = tempDir('pipe-home-');
  const repo = makeRepo({ 'a.txt': 'a' });
  try {
    writeFiles(home, { '.config/gh/hosts.yml': 'oauth_token: x', '.config/git/credentials': 'https://u:p@h' });
    writeFiles(repo, { '.env': 'K=1', '.env.local': 'K=2', '.env.example': 'K=', 'api/.env': 'K=3', 'api/.env.production': 'K=4', 'node_modules/pkg/.env': 'K=5', 'envfile.txt': '' });
    const mask = ['~/.config/gh', '~/.config', '~/.ssh', '**/.env', '**/.env.*', '!**/.env.example'];
    const rules = sandboxRulesFor({ repo, home, safety: { sandbox_mask: mask }, validator: undefined });
    const h = realpathSync(home);
    const r = realpathSync(repo);
    assert.equal(rules.masks, [
      { path: join(h, '.config'), kind: 'dir' },
      ...['.env', '.env.local', 'api/.env', 'api/.env.production'].map((p) => ({ path: join(r, p), kind: 'file' })),
    ]);
    assert.ok(describeRules(rules).includes('hidden: ~/.config, .env, .env.local, api/.env, api/.env.production'), describeRules(rules).join('\n'));
    assert.equal(repoSecretFiles(r, ['.env']), [], 'a plain relative path is a path, not a glob');
  } finally {
    cleanup(home, repo);
  }
});

test('sandboxRulesFor: a hooks folder in the work tree (core.hooksPath, husky) is read-only; one outside the repository or the repo itself is not listed', () => {
  const repo = makeRepo({ '.githooks/pre-commit': '#!/bin/sh\n', '.husky/_/h': '', '.husky/pre-push': '#!/bin/sh\n' });
  try {
    const r = realpathSync(repo);
    gitIn(repo, 'config', 'core.hooksPath', '.githooks');
    assert.equal(sandboxRulesFor({ repo, home: undefined, safety: undefined, validator: undefined }).readOnly, [join(r, '.git'), join(r, '.githooks'), join(r, '.husky')]);
    gitIn(repo, 'config', 'core.hooksPath', '.husky/_');
    assert.equal(sandboxRulesFor({ repo, home: undefined, safety: undefined, validator: undefined }).readOnly, [join(r, '.git'), join(r, '.husky')]);
    gitIn(repo, 'config', 'core.hooksPath', '/usr/share/hooks');
    rmSync(join(repo, '.husky'), { recursive: true });
    assert.equal(sandboxRulesFor({ repo, home: undefined, safety: undefined, validator: undefined }).readOnly, [join(r, '.git')]);
  } finally {
    cleanup(repo);
  }
});

test('sandboxRulesFor: a linked worktree keeps its git dir and the common dir read-only', () => {
  const repo = makeRepo({ 'a.txt': 'a' });
  const wt = join(tempDir('pipe-wt-'), 'wt');
  try {
    gitIn(repo, 'worktree', 'add', '-q', wt);
    const rules = sandboxRulesFor({ repo: wt, home: undefined, safety: undefined, validator: undefined });
    const r = realpathSync(repo);
    assert.equal(rules.readOnly, [join(realpathSync(wt), '.git'), join(r, '.git/worktrees/wt'), join(r, '.git')]);
  } finally {
    cleanup(repo, join(wt, '..'));
  }
});

test('recogniseDenials: network, loopback, read-only and hidden paths are named; nothing from ordinary failures', () => {
  const out = [
    'E   OSError: [Errno 101] Network is unreachable',
    "E   ConnectionRefusedError: [Errno 111] Connection refused ('127.0.0.1', 5432)",
    "PermissionError: [Errno 30] Read-only file system: '/usr/lib/x'",
    "FileNotFoundError: [Errno 2] No such file or directory: '/home/u/.ssh/id_rsa'",
    'AssertionError: assert 1 == 2',
  ].join('\n');
  assert.equal(recogniseDenials(out, RULES).map((d) => [d.kind, d.message]), [
    ['network', 'network is off in the sandbox'],
    ['loopback', "the host's loopback services are out of reach in the sandbox (network: none)"],
    ['read-only', 'the file system outside the repository (and .git) is read-only in the sandbox'],
    ['hidden', '~/.ssh is hidden in the sandbox'],
  ]);
  assert.equal(recogniseDenials('AssertionError: assert 1 == 2\nFileNotFoundError: data.json', RULES), []);
  const dotenv = recogniseDenials("PermissionError: [Errno 13] Permission denied: '.env'", { ...RULES, masks: [{ path: '/work/repo/.env', kind: 'file' }] });
  assert.equal(dotenv.map((d) => d.message), ['.env is hidden in the sandbox']);
  assert.match(denialAdvice(dotenv[0]), /the repository's \.env files\) are hidden/);
  assert.equal(recogniseDenials('bwrap: execvp /tmp/venv/bin/python: No such file or directory', RULES).map((d) => d.message), ['/tmp/venv/bin/python is under /tmp, which is private and empty in the sandbox']);
  assert.equal(recogniseDenials('OSError: Network is unreachable', { ...RULES, network: 'loopback' }), []);
});

test('chooseSandbox: off, an unsupported platform (auto warns, required fails closed), and a PATH without bwrap', async () => {
  assert.equal(await chooseSandbox('off', { exec: runCommand, platform: 'linux', pathValue: process.env.PATH }), { mode: 'off', kind: 'none', bwrap: null, reason: 'safety.sandbox is off' });
  const mac = await chooseSandbox('auto', { exec: runCommand, platform: 'darwin', pathValue: process.env.PATH });
  assert.is(mac.kind, 'none');
  assert.match(mac.reason ?? '', /no sandbox is built for darwin/);
  assert.match(unsandboxedWarning(mac) ?? '', /validators will run without a sandbox/);
  let err: unknown = null;
  await chooseSandbox('required', { exec: runCommand, platform: 'darwin', pathValue: process.env.PATH }).catch((e) => (err = e));
  assert.ok(isPipeError(err) && err.code === 'E_CONFIG' && err.exitCode === 2, String(err));
  const empty = tempDir('pipe-nopath-');
  try {
    const none = await chooseSandbox('auto', { exec: runCommand, platform: 'linux', pathValue: empty });
    assert.is(none.reason, 'bubblewrap (bwrap) is not installed or not on PATH');
    err = null;
    await chooseSandbox('required', { exec: runCommand, platform: 'linux', pathValue: empty }).catch((e) => (err = e));
    assert.ok(isPipeError(err), String(err));
    const e = err as { message: string; hint?: string };
    assert.match(e.message, /'required' but no sandbox is available: bubblewrap \(bwrap\) is not installed/);
    assert.match(e.hint ?? '', /apt-get install bubblewrap/);
  } finally {
    cleanup(empty);
  }
});

const withBwrap = hasTool('bwrap') ? test : (name: string, fn: () => Promise<void>) => test.skip(`${name} — bwrap is not installed (apt-get install -y bubblewrap)`, fn);

withBwrap('runCommand in bwrap: the repo is writable, .git, / and masked paths are not, /tmp is private, no network', async () => {
  const repo = makeRepo({ 'a.txt': 'a' });
  // Outside /tmp, so the mask (not the private /tmp) is what hides it.
  const home = mkdtempSync(join('/var/tmp', 'pipe-home-'));
  writeFiles(home, { '.ssh/id_rsa': 'PLANTED-KEY' });
  const outside = tempDir('pipe-outside-');
  writeFileSync(join(outside, 'visible-outside.txt'), 'x');
  try {
    const found = await chooseSandbox('required', { exec: runCommand, platform: 'linux', pathValue: process.env.PATH });
    const rules = sandboxRulesFor({ repo, home, safety: { sandbox_mask: ['~/.ssh'] }, validator: undefined });
    const script = [
      'import os, socket',
      'def attempt(name, fn):',
      '    try:',
      '        fn(); print(name, "ok")',
      '    except Exception as e:',
      '        print(name, "denied", type(e).__name__)',
      `attempt("repo", lambda: open("b.txt", "w").write("b"))`,
      `attempt("git", lambda: open(".git/hooks/pre-commit", "w").write("x"))`,
      `attempt("usr", lambda: open("/usr/pipe-sandbox-probe", "w").write("x"))`,
      `attempt("ssh", lambda: open(${JSON.stringify(join(home, '.ssh/id_rsa'))}).read())`,
      `attempt("tmp", lambda: open(${JSON.stringify(join(outside, 'visible-outside.txt'))}).read())`,
      `attempt("own-tmp", lambda: open("/tmp/mine", "w").write("x"))`,
      'attempt("net", lambda: socket.create_connection(("192.0.2.1", 80), timeout=2))',
    ].join('\n');
    const r = await runCommand({ argv: ['python3', '-c', script], cwd: repo, root: repo, timeoutMs: 60_000, sandbox: { bwrap: found.bwrap!, rules } });
    assert.is(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n'), ['repo ok', 'git denied OSError', 'usr denied OSError', 'ssh denied FileNotFoundError', 'tmp denied FileNotFoundError', 'own-tmp ok', 'net denied OSError']);
    assert.is(readFileSync(join(repo, 'b.txt'), 'utf8'), 'b');
    assert.not.ok(existsSync(join(repo, '.git/hooks/pre-commit')));
    assert.not.ok(existsSync('/usr/pipe-sandbox-probe'));
  } finally {
    cleanup(repo, home, outside);
  }
});

withBwrap('bwrap: a masked .env in the repository cannot be read (Permission denied) nor written, the rest of the repository as it is', async () => {
  const repo = makeRepo({ 'a.txt': 'visible' });
  try {
    const found = await chooseSandbox('required', { exec: runCommand, platform: 'linux', pathValue: process.env.PATH });
    writeFiles(repo, { '.env': 'OPENAI_API_KEY=sk-from-dotenv-123456' });
    const rules = sandboxRulesFor({ repo, home: undefined, safety: { sandbox_mask: ['**/.env'] }, validator: undefined });
    const r = await runCommand({ argv: ['/bin/sh', '-c', 'cat a.txt; cat .env; echo; echo x > .env'], cwd: repo, root: repo, timeoutMs: 60_000, sandbox: { bwrap: found.bwrap!, rules } });
    assert.match(r.stdout, /^visible/);
    assert.not.match(r.stdout + r.stderr, /sk-from-dotenv/);
    assert.match(r.stderr, /\.env: Permission denied/);
    assert.ok(r.failed, 'writing the masked file fails');
    assert.is(readFileSync(join(repo, '.env'), 'utf8'), 'OPENAI_API_KEY=sk-from-dotenv-123456');
  } finally {
    cleanup(repo);
  }
});

test.run();
