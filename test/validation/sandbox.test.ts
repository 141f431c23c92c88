// Validators in the sandbox, in process: a denial is named in the failures, the record
// names the sandbox; a validator that rewrites a tracked file is reported by patch-safety.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPipeError } from '../../src/errors.js';
import { runCommand } from '../../src/exec/run.js';
import { chooseSandbox } from '../../src/exec/sandbox/index.js';
import { patchSafetyValidator } from '../../src/validation/patch-safety.js';
import { runValidators } from '../../src/validation/run.js';
import { decideSandbox, planValidatorSandbox } from '../../src/validation/sandbox.js';
import { resolveValidatorSpecs } from '../../src/validation/specs.js';
import { snapshotTracked } from '../../src/validation/tracked-files.js';
import type { Policy } from '../../src/types/generated/index.js';
import { cleanup, hasTool, makeRepo, tempDir } from '../helpers/repo.js';
import { rejection } from '../helpers/throws.js';

const withBwrap = hasTool('bwrap') ? test : (name: string, fn: () => Promise<void>) => test.skip(`${name} — bwrap is not installed (apt-get install -y bubblewrap)`, fn);

withBwrap('a validator that needs the network fails as "network is off in the sandbox", and the outcome names the sandbox', async () => {
  const repo = makeRepo({ 'a.txt': 'a' });
  try {
    const policy: Policy = {
      safety: { allowed_executables: ['python3'], sandbox_mask: [] },
      validators: {
        fetch: { argv: ['python3', '-c', 'import socket; socket.create_connection(("192.0.2.1", 80), timeout=5)'], parser: 'exit-code' },
        local: { argv: ['python3', '-c', 'print("fine")'], parser: 'exit-code' },
      },
    } as Policy;
    const choice = await chooseSandbox('required', { exec: runCommand, platform: process.platform, pathValue: process.env.PATH });
    const [fetch, local] = await runValidators({
      repo, exec: runCommand, specs: resolveValidatorSpecs(policy, ['fetch', 'local'], repo), allowedExecutables: ['python3'], maxParallel: 2, failFast: false,
      sandboxFor: (spec) => planValidatorSandbox(choice, spec, repo, policy, process.env.HOME),
    });
    assert.is(fetch.status, 'failed');
    assert.equal(fetch.denials, ['network is off in the sandbox']);
    assert.is(fetch.note, 'network is off in the sandbox');
    const denied = fetch.failures.find((f) => f.category === 'sandbox-denied');
    assert.match(denied?.message ?? '', /^fetch: network is off in the sandbox \(.*Network is unreachable.*\); tests must not need the network/);
    assert.is(fetch.sandbox.kind, 'bwrap');
    assert.ok(fetch.sandbox.rules.includes('/tmp: private and empty'));
    assert.is(local.status, 'passed');
    assert.equal(local.denials, []);
  } finally {
    cleanup(repo);
  }
});

test('patch-safety reports a tracked file a validator changed outside the patch, and a patched file changed again', async () => {
  const repo = makeRepo({ 'src/app.py': 'x = 1\n', 'src/other.py': 'y = 1\n', 'README.md': 'readme\n' });
  try {
    writeFileSync(join(repo, 'src/app.py'), 'x = 2\n'); // the patch
    const trackedBefore = await snapshotTracked(runCommand, repo);
    const validator = patchSafetyValidator({ repo, exec: runCommand, policy: {} as Policy, task: { allowed_files: ['src/**'] } as never, filesChanged: ['src/app.py'], trackedBefore });
    assert.equal(await validator.run(new AbortController().signal), [], 'nothing changed yet');
    writeFileSync(join(repo, 'README.md'), 'rewritten by a validator\n');
    writeFileSync(join(repo, 'src/app.py'), 'x = 3\n');
    const failures = (await validator.run(new AbortController().signal)) as { category: string; file: string | null; message: string }[];
    const tracked = failures.filter((f) => f.category === 'tracked-file-changed');
    assert.equal(tracked.map((f) => f.file), ['README.md', 'src/app.py']);
    assert.match(tracked[0].message, /README\.md is tracked and was changed while validators ran; the patch did not touch it/);
    assert.match(tracked[1].message, /src\/app\.py \(a file of the patch\) was changed again/);
  } finally {
    cleanup(repo);
  }
});

withBwrap('tools outside the repository under /tmp stay usable: a linked node_modules and its .bin on PATH', async () => {
  // A checkout under /tmp whose node_modules is a link to another folder under /tmp (as the
  // e2e examples and pnpm-style layouts do): the sandbox's private /tmp would leave the link
  // dangling and the tool "missing", a false environment error.
  const store = tempDir('pipe-store-');
  const repo = makeRepo({ 'a.txt': 'a' });
  try {
    mkdirSync(join(store, 'tool', 'bin'), { recursive: true });
    mkdirSync(join(store, '.bin'));
    writeFileSync(join(store, 'tool', 'bin', 'hello'), '#!/bin/sh\necho hello from the tool\n');
    chmodSync(join(store, 'tool', 'bin', 'hello'), 0o755);
    symlinkSync('../tool/bin/hello', join(store, '.bin', 'hello'));
    symlinkSync(store, join(repo, 'node_modules'));
    const p = { apiVersion: 'pipe/v1', kind: 'Policy', safety: { allowed_executables: ['node_modules/.bin/hello'] }, validators: { hello: { argv: ['node_modules/.bin/hello'], parser: 'exit-code', timeout_s: 30 } } } as unknown as Policy;
    const choice = await chooseSandbox('required', { exec: runCommand, platform: process.platform, pathValue: process.env.PATH });
    const out = await runValidators({
      repo,
      exec: runCommand,
      specs: resolveValidatorSpecs(p, ['hello'], repo),
      allowedExecutables: ['node_modules/.bin/hello'],
      maxParallel: 1,
      failFast: false,
      sandboxFor: (spec) => planValidatorSandbox(choice, spec, repo, p, process.env.HOME),
    });
    assert.is(out[0].status, 'passed', JSON.stringify(out[0]));
    assert.is(out[0].sandbox.kind, 'bwrap');
    assert.ok(out[0].sandbox.rules.some((r) => r.startsWith('also readable:')), JSON.stringify(out[0].sandbox.rules));
  } finally {
    cleanup(repo, store);
  }
});

test('decideSandbox: PATH comes from the env it is given, and a process that runs no validator probes nothing', async () => {
  const empty = tempDir('pipe-nopath-');
  try {
    const env = { ...process.env, PATH: empty };
    const auto = await decideSandbox({ safety: { sandbox: 'auto' } } as Policy, { env });
    assert.equal(auto, { mode: 'auto', kind: 'none', bwrap: null, reason: 'bubblewrap (bwrap) is not installed or not on PATH' });
    const err = await rejection(() => decideSandbox({ safety: { sandbox: 'required' } } as Policy, { env }));
    assert.ok(isPipeError(err) && err.code === 'E_CONFIG', String(err));
    const idle = await decideSandbox({ safety: { sandbox: 'required' } } as Policy, { env, validating: false });
    assert.equal(idle, { mode: 'required', kind: 'none', bwrap: null, reason: 'no validator runs here' });
    assert.is((await decideSandbox({} as Policy, { env })).mode, 'auto');
  } finally {
    cleanup(empty);
  }
});

test.run();
