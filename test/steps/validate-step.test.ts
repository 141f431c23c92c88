// The validate step with real subprocesses in a real repo: attempt records, verdicts,
// convergence.json, events, stopRetries, unknown names, patch-safety and fail-fast.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { step } from '../../src/steps/validate.js';
import { isPipeError } from '../../src/errors.js';
import type { Policy } from '../../src/types/generated/index.js';
import { defaultPolicy, makeCtx, makeTask, type TestCtx } from '../routing/ctx.js';
import { ROOT, cleanup, gitIn, makeRepo, tempDir } from '../helpers/repo.js';
import { rejection } from '../helpers/throws.js';
import { newAttempt } from '../../src/runner/context.js';

const dirs: string[] = [];
test.after(() => cleanup(...dirs));

function policyWith(validators: Policy['validators'], extra: Partial<Policy> = {}): Policy {
  const p = defaultPolicy();
  return { ...p, validators: { ...p.validators, ...validators }, ...extra };
}

function pythonRepo(): string {
  const repo = makeRepo({});
  dirs.push(repo);
  cpSync(join(ROOT, 'test', 'fixtures', 'python-project'), repo, { recursive: true });
  gitIn(repo, 'add', '-A');
  gitIn(repo, 'commit', '-q', '-m', 'fixture');
  return repo;
}

function ctxFor(repo: string, policy: Policy, validators: string[]): TestCtx {
  const records = tempDir('pipe-records-');
  dirs.push(records);
  const ctx = makeCtx({ repo, policy, task: makeTask({ validators, allowed_files: ['slug/**/*.py'] }), recordsDir: records });
  ctx.step = { id: 'validate', uses: 'validate' };
  return ctx;
}

function nextAttempt(ctx: TestCtx): void {
  const n = ctx.work.attempts.length + 1;
  ctx.work.attempts.push(newAttempt(n));
  ctx.attempt = n;
}

const PYTEST = { argv: ['python3', '-m', 'pytest', '-q', '-rfE', '-p', 'no:benchmark'], timeout_s: 120, parser: 'pytest' as const };

test('failing pytest: failures recorded, verdict first, convergence.json and events written', async () => {
  const repo = pythonRepo();
  const ctx = ctxFor(repo, policyWith({ pytest: PYTEST }), ['pytest']);
  const r = await step.run(ctx, {});
  assert.is(r.status, 'failed');
  assert.is(r.code, 'E_VALIDATION');
  assert.is(r.stopRetries, false);
  assert.is(r.output?.verdict, 'first');
  assert.equal(r.output?.failed, ['pytest']);
  const attempt = ctx.currentAttempt();
  assert.equal(attempt.failures.map((f) => f.category), ['test-failure', 'test-failure']);
  assert.is(attempt.verdict?.verdict, 'first');
  assert.is(ctx.work.lastVerdict, 'first');
  const conv = JSON.parse(readFileSync(join(ctx.recordsDir!, 'convergence.json'), 'utf8'));
  assert.equal(conv.attempts.map((a: { verdict: string }) => a.verdict), ['first']);
  assert.equal(ctx.events.map((e) => e.type), ['validator.result', 'verdict']);
  assert.is(ctx.events[0].validator, 'pytest');
  assert.is(ctx.events[0].failures, 2);

  // The same failures again: a stall, and retrying stops.
  nextAttempt(ctx);
  const again = await step.run(ctx, {});
  assert.is(again.output?.verdict, 'stall');
  assert.is(again.stopRetries, true);
  assert.match(String(again.message), /stall: the same 2 failures 2 attempts in a row/);

  // Fix it: success.
  writeFileSync(join(repo, 'slug', 'core.py'), readFileSync(join(repo, 'slug', 'core.py'), 'utf8').replace('words = re.findall(r"[a-z0-9]+", text.lower())', 'import unicodedata\n    text = unicodedata.normalize("NFKD", text.lower().replace("ß", "ss")).encode("ascii", "ignore").decode()\n    words = re.findall(r"[a-z0-9]+", text)'));
  nextAttempt(ctx);
  const ok = await step.run(ctx, {});
  assert.is(ok.status, 'succeeded', ok.message);
  assert.is(ok.output?.verdict, 'success');
  const conv3 = JSON.parse(readFileSync(join(ctx.recordsDir!, 'convergence.json'), 'utf8'));
  assert.equal(conv3.attempts.map((a: { verdict: string }) => a.verdict), ['first', 'stall', 'success']);
  assert.is(conv3.final_verdict, 'success');
});

test('with.validators overrides the task; an unknown name is E_CONFIG naming the defined ones', async () => {
  const repo = pythonRepo();
  const ctx = ctxFor(repo, policyWith({}), ['pytest']);
  {
    const err = await rejection(() => step.run(ctx, { validators: ['pytset'] }), 'should throw');
    assert.ok(isPipeError(err));
    assert.is((err as { code: string }).code, 'E_CONFIG');
    assert.match((err as Error).message, /unknown validator 'pytset'; the policy defines: eslint, mypy, npm-test, pytest, ruff, tsc/);
  }
});

test('patch-safety runs after an apply (and only then); fail_fast from with', async () => {
  const repo = pythonRepo();
  const policy = policyWith({
    ok: { argv: ['python3', '-c', 'pass'], parser: 'exit-code', cost: 'cheap' },
    bad: { argv: ['python3', '-c', 'import sys; sys.exit(2)'], parser: 'exit-code', cost: 'cheap' },
    slow: { argv: ['python3', '-c', 'import time; time.sleep(30)'], parser: 'exit-code', cost: 'expensive' },
  }, { validation: { max_parallel: 1 } });
  const ctx = ctxFor(repo, policy, ['ok']);
  let r = await step.run(ctx, {});
  assert.equal(r.output?.passed, ['ok'], 'nothing applied: no patch-safety');
  ctx.work.filesChanged = ['slug/core.py'];
  writeFileSync(join(repo, 'slug', 'core.py'), '# changed\n');
  nextAttempt(ctx);
  r = await step.run(ctx, {});
  assert.equal(r.output?.passed, ['ok', 'patch-safety']);
  ctx.policy = { ...policy, validation: { ...policy.validation, patch_safety: false } };
  nextAttempt(ctx);
  r = await step.run(ctx, {});
  assert.equal(r.output?.passed, ['ok']);
  // A file outside allowed_files changed by the "patch": patch-safety fails.
  ctx.policy = policy;
  writeFileSync(join(repo, 'pyproject.toml'), '# touched\n');
  ctx.work.filesChanged = ['slug/core.py', 'pyproject.toml'];
  nextAttempt(ctx);
  r = await step.run(ctx, {});
  assert.ok((r.output?.failed as string[]).includes('patch-safety'), JSON.stringify(r.output));
  // fail_fast: the slow validator never runs.
  nextAttempt(ctx);
  ctx.work.filesChanged = [];
  r = await step.run(ctx, { validators: ['bad', 'slow'], fail_fast: true });
  assert.equal(r.output?.skipped, ['slow']);
  assert.equal(r.output?.failed, ['bad']);
});

test('files a validator creates outside the patch (a conftest.py, an .envrc) are named: output, a warning event; files already there are not', async () => {
  const repo = pythonRepo();
  writeFileSync(join(repo, 'notes.txt'), 'the user\'s own untracked file');
  const planter = { argv: ['python3', '-c', 'open("conftest.py", "w").write("print(1)"); open(".envrc", "w").write("echo planted")'], timeout_s: 60 };
  const ctx = ctxFor(repo, policyWith({ planter }), ['planter']);
  const r = await step.run(ctx, {});
  assert.is(r.status, 'succeeded', r.message ?? '');
  assert.equal(r.output?.files_created, ['.envrc', 'conftest.py']);
  const warning = ctx.events.find((e) => e.type === 'warning');
  assert.ok(warning, JSON.stringify(ctx.events));
  assert.match(String(warning!.message), /validators created 2 files outside the patch, left in place: \.envrc, conftest\.py/);
  const quiet = ctxFor(repo, policyWith({ pytest: PYTEST }), ['pytest']);
  const again = await step.run(quiet, {});
  assert.is(again.output?.files_created, undefined, 'nothing new the second time');
});

test.run();
