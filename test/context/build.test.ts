import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { countMessageTokens } from '../../src/budget/tokens.js';
import { buildContext } from '../../src/context/build.js';
import { decideRoute } from '../../src/routing/route.js';
import type { RouteDecision } from '../../src/routing/types.js';
import type { Failure } from '../../src/validation/types.js';
import { cleanup, gitIn, makeRepo, tempDir, writeFiles } from '../helpers/repo.js';
import { defaultPolicy, makeCtx, makeTask } from '../routing/ctx.js';
import { rejection } from '../helpers/throws.js';

const route = (role: 'general_builder' | 'frontier_reviewer' | 'classification_worker' = 'general_builder'): RouteDecision =>
  decideRoute(defaultPolicy(), { role, rule: 'default', ruleIndex: 0, reason: 'test' }, { provider: 'fake', escalationDepth: 0 });

function repoWithFiles(): string {
  const repo = makeRepo({
    '.gitignore': 'build/\n*.log\n',
    'src/b.py': 'def b():\n    return 2\n',
    'src/a.py': 'def a():\n    return 1\n',
    'src/z/deep.py': 'Z = 26\n',
    'src/.env': 'SECRET=1\n',
    'src/key.pem': '-----BEGIN PRIVATE KEY-----\n',
    'tests/test_a.py': 'from src.a import a\n\ndef test_a():\n    assert a() == 1\n',
    'README.md': '# readme\n',
  });
  writeFiles(repo, {
    'src/ignored.log': 'ignored log\n',
    'build/src/out.py': 'generated\n',
    'src/untracked.py': 'U = 1\n',
    'src/blob.bin': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]),
    'src/latin1.txt': Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]),
  });
  return repo;
}

test('files: named files first in the order named, then sorted glob matches; ignored, secret and binary files stay out', async () => {
  const repo = repoWithFiles();
  try {
    mkdirSync(join(repo, '.pipe'), { recursive: true });
    writeFileSync(join(repo, '.pipe', 'state.json'), '{}');
    symlinkSync('/etc/hostname', join(repo, 'src', 'link.py'));
    const task = makeTask({ allowed_files: ['src/**'], context_files: ['tests/test_a.py', 'src/b.py', 'src/**', '**/*.log', 'build/**', '.pipe/**'] });
    const ctx = makeCtx({ repo, task });
    const c = await buildContext(ctx, route());
    const paths = c.files.map((f) => f.path);
    assert.equal(paths, ['tests/test_a.py', 'src/b.py', 'src/a.py', 'src/untracked.py', 'src/z/deep.py']);
    assert.ok(c.files.every((f) => f.source === 'context_files' && !f.truncated));
    const cutPaths = Object.fromEntries(c.cut.map((x) => [x.path, x.reason]));
    assert.match(cutPaths['src/.env'], /secret/);
    assert.match(cutPaths['src/key.pem'], /secret/);
    assert.match(cutPaths['src/blob.bin'], /binary/);
    assert.match(cutPaths['src/latin1.txt'], /binary/);
    assert.match(cutPaths['src/link.py'], /symbolic link/);
    const text = c.messages.map((m) => m.content).join('\n');
    for (const never of ['ignored log', 'generated', 'SECRET=1', 'PRIVATE KEY', '"{}"', 'state.json']) assert.not.ok(text.includes(never), never);
    assert.ok(text.includes('def a():'));
    assert.ok(text.includes('<file path="tests/test_a.py">'));
    assert.is(c.contextChars, c.files.reduce((n, f) => n + f.chars, 0));
    // Deterministic: the same inputs give the same messages.
    const again = await buildContext(ctx, route());
    assert.equal(again.messages, c.messages);
  } finally {
    cleanup(repo);
  }
});

test('context_files defaults to allowed_files; forbidden paths are never sent; a literal allowed file not yet in the repo is noted', async () => {
  const repo = makeRepo({ 'src/a.py': 'A\n', '.github/workflows/ci.yml': 'on: push\n', 'src/.env.local': 'K=V\n' });
  try {
    const task = makeTask({ allowed_files: ['src/new.py', 'src/**', '.github/**'] });
    const c = await buildContext(makeCtx({ repo, task }), route());
    assert.equal(c.files.map((f) => [f.path, f.source]), [['src/a.py', 'allowed_files']]);
    const reasons = Object.fromEntries(c.cut.map((x) => [x.path, x.reason]));
    assert.match(reasons['.github/workflows/ci.yml'], /forbidden_paths/);
    assert.match(reasons['src/.env.local'], /secret/);
    assert.match(reasons['src/new.py'], /may create it/);
  } finally {
    cleanup(repo);
  }
});

test('the system prompt asks for one diff or JSON patch and lists the allowed paths; diagnosis and label modes ask for theirs', async () => {
  const repo = makeRepo({ 'src/a.py': 'A\n' });
  try {
    const task = makeTask({ allowed_files: ['src/**', 'tests/test_a.py'] });
    const ctx = makeCtx({ repo, task });
    const patch = await buildContext(ctx, route());
    assert.is(patch.messages[0].role, 'system');
    assert.match(patch.messages[0].content, /exactly one unified diff in the format of `git diff`/);
    assert.match(patch.messages[0].content, /never stand in for code with "\.\.\."/);
    const policy = defaultPolicy();
    policy.answers = { ask: 'apply_patch' };
    const asked = await buildContext(makeCtx({ repo, task, policy }), route());
    assert.match(asked.messages[0].content, /\*\*\* Begin Patch\n\*\*\* Update File: <path>/);
    assert.match(asked.messages[1].content, /Now answer with the apply_patch patch/);
    policy.roles!.general_builder!.answers = { ask: 'search_replace' };
    const perRole = await buildContext(makeCtx({ repo, task, policy }), route());
    assert.match(perRole.messages[0].content, /<<<<<<< SEARCH/);
    assert.match(patch.messages[0].content, /- src\/\*\*\n- tests\/test_a.py/);
    assert.match(patch.messages[1].content, /Fix the bug\./);
    const diag = await buildContext(ctx, route('frontier_reviewer'));
    assert.match(diag.messages[0].content, /diagnosis in prose/);
    assert.match(diag.messages[0].content, /Do not write a patch/);
    const label = await buildContext(ctx, route('classification_worker'));
    assert.match(label.messages[0].content, /exactly one label/);
  } finally {
    cleanup(repo);
  }
});

test('trimming to max_context_chars_per_call records what was cut', async () => {
  const files: Record<string, string> = {};
  for (const n of ['a', 'b', 'c', 'd']) files[`src/${n}.py`] = `${n} = 1\n`.repeat(100); // 600 chars each
  const repo = makeRepo(files);
  try {
    const policy = defaultPolicy();
    policy.limits!.max_context_chars_per_call = 1500;
    const c = await buildContext(makeCtx({ repo, policy }), route());
    assert.equal(c.files.map((f) => [f.path, f.truncated]), [['src/a.py', false], ['src/b.py', false], ['src/c.py', true]]);
    assert.ok(c.contextChars <= 1500);
    assert.is(c.files[2].chars, 300);
    const reasons = Object.fromEntries(c.cut.map((x) => [x.path, x.reason]));
    assert.match(reasons['src/c.py'], /truncated to 300 of 600 chars \(max_context_chars_per_call 1500\)/);
    assert.match(reasons['src/d.py'], /max_context_chars_per_call reached/);
    assert.ok(c.messages[1].content.includes('<file path="src/c.py" truncated="true">'));
  } finally {
    cleanup(repo);
  }
});

test('trimming to max_input_tokens_per_call keeps the exact count under the limit', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 10; i++) files[`src/f${i}.py`] = `def f${i}(x):\n    return x * ${i} + sum(range(${i}))\n`.repeat(20);
  const repo = makeRepo(files);
  try {
    const policy = defaultPolicy();
    policy.limits!.max_input_tokens_per_call = 1500;
    const r = route();
    const c = await buildContext(makeCtx({ repo, policy }), r);
    assert.ok(c.inputTokens <= 1500, String(c.inputTokens));
    assert.ok(c.inputTokens > 1000, 'the budget is used, not just emptied');
    assert.ok(c.files.length >= 1 && c.files.length < 10);
    assert.ok(c.cut.some((x) => /max_input_tokens_per_call/.test(x.reason)));
    assert.is(c.inputTokens, countMessageTokens(r.model, c.messages));
  } finally {
    cleanup(repo);
  }
});

test('a file cut by both limits is listed once, under the limit that cut it last', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 4; i++) files[`src/f${i}.py`] = `def f${i}(x):\n    return x * ${i} + sum(range(${i}))\n`.repeat(30);
  const repo = makeRepo(files);
  try {
    const policy = defaultPolicy();
    policy.limits!.max_context_chars_per_call = 3000; // truncates one file by characters
    policy.limits!.max_input_tokens_per_call = 900; // then leaves files out by tokens
    const c = await buildContext(makeCtx({ repo, policy }), route());
    const paths = c.cut.map((x) => x.path);
    assert.equal(paths, [...new Set(paths)], `each file once: ${JSON.stringify(c.cut)}`);
    for (const entry of c.cut) {
      if (entry.limit) assert.ok(entry.reason.includes(entry.limit), `the reason names its own limit: ${JSON.stringify(entry)}`);
    }
    assert.ok(c.cut.some((x) => x.limit === 'max_input_tokens_per_call'));
    assert.ok(c.inputTokens <= 900);
  } finally {
    cleanup(repo);
  }
});

test('inputTokens is the exact message count for the route model', async () => {
  const repo = makeRepo({ 'src/a.py': 'print("héllo wörld")\n' });
  try {
    const r = route();
    const c = await buildContext(makeCtx({ repo }), r);
    assert.is(c.inputTokens, countMessageTokens(r.model, c.messages));
    assert.is(c.inputTokens, countMessageTokens('gpt-5-mini', c.messages));
  } finally {
    cleanup(repo);
  }
});

test('a retry adds the previous answer, its validator failures (capped) and any refusal', async () => {
  const repo = makeRepo({ 'src/a.py': 'A\n' });
  try {
    const ctx = makeCtx({ repo, attempt: 2 });
    const failures: Failure[] = [];
    for (let i = 0; i < 80; i++) failures.push({ validator: 'pytest', id: `tests/test_a.py::test_${i}`, category: 'test', file: 'tests/test_a.py', line: i + 1, message: `assert ${i} == ${i + 1}` });
    ctx.work.attempts[0].failures = failures;
    ctx.work.attempts[0].failedValidators = ['pytest'];
    ctx.work.attempts[0].refusal = { code: 'E_PATCH_UNSAFE', message: 'touches src/../x' };
    ctx.work.proposal = { kind: 'patch', text: 'diff --git a/src/a.py b/src/a.py\n-A\n+B\n', finishReason: 'stop', tierServed: 'flex', requestId: 'r', usage: { inputTokens: 1, cachedInputTokens: 0, outputTokens: 1, reasoningTokens: 0 }, costUsd: 0 };
    const c = await buildContext(ctx, route());
    const user = c.messages[1].content;
    assert.match(user, /## Previous attempt/);
    assert.match(user, /attempt 2 of 3/);
    assert.match(user, /<previous_answer>\ndiff --git a\/src\/a.py/);
    assert.match(user, /refused \(E_PATCH_UNSAFE\): touches src\/\.\.\/x/);
    assert.match(user, /reported 80 failure\(s\)/);
    assert.match(user, /\[pytest\] tests\/test_a.py:1 test tests\/test_a.py::test_0: assert 0 == 1/);
    assert.ok(user.includes('test_49:'));
    assert.not.ok(user.includes('test_50:'), 'capped at 50 failures');
    assert.ok(c.cut.some((x) => x.path === '(validator failures)' && /showed 50 of 80/.test(x.reason)));
    // The first attempt has none of this.
    const first = await buildContext(makeCtx({ repo }), route());
    assert.not.match(first.messages[1].content, /Previous attempt/);
  } finally {
    cleanup(repo);
  }
});

test('extra sections follow the task', async () => {
  const repo = makeRepo({ 'src/a.py': 'A\n' });
  try {
    const c = await buildContext(makeCtx({ repo }), route('frontier_reviewer'), { extraSections: [{ title: 'Escalation packet', body: 'attempts diverged' }] });
    assert.match(c.messages[1].content, /## Task[\s\S]*## Escalation packet\n\nattempts diverged[\s\S]*## Files/);
  } finally {
    cleanup(repo);
  }
});

test('outside a git repository: E_CONFIG', async () => {
  const dir = tempDir();
  try {
    const e = await rejection(() => buildContext(makeCtx({ repo: dir }), route()));
    assert.is((e as { code: string }).code, 'E_CONFIG');
  } finally {
    cleanup(dir);
  }
  void gitIn;
});

test.run();
