// Schema and semantic checks: exact messages and positions, did-you-mean, best anyOf branch.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { validateFiles, loadTask, loadPolicies, checkTaskAgainstPolicy } from '../../src/dsl/documents.js';
import { registerStep, unregisterStep } from '../../src/runner/registry.js';
import { formatDiagnostic } from '../../src/errors.js';
import { tempDir, cleanup, writeFiles, ROOT } from '../helpers/repo.js';

/** Validates one file written to a temp dir; returns "line:col message (pointer)" lines. */
async function problems(text: string, extra: Record<string, string> = {}): Promise<string[]> {
  const dir = tempDir();
  try {
    writeFiles(dir, { 'doc.yaml': text, ...extra });
    const r = await validateFiles([join(dir, 'doc.yaml')], { cwd: dir });
    return r.files.flatMap((f) => f.errors.map((e) => `${e.line}:${e.column} ${e.message} (${e.pointer})`));
  } finally {
    cleanup(dir);
  }
}

const PIPE = 'apiVersion: pipe/v1\nkind: Pipeline\nname: p\n';
const TASK = 'apiVersion: pipe/v1\nkind: Task\nid: t\n';

test('unknown key: points at the key, suggests the closest allowed one', async () => {
  assert.equal(await problems(`${TASK}goal: g\nintent: bugfix\nallowed_files: [a]\nvaldiators: [pytest]\n`), [
    "7:1 unknown key 'valdiators' (did you mean 'validators'?) (/valdiators)",
  ]);
});

test('missing required key; a misspelling of it is not reported twice', async () => {
  assert.equal(await problems(`${TASK}intent: bugfix\nallowed_files: [a]\n`), ["1:1 missing required key 'goal' ()"]);
  assert.equal(await problems(`${TASK}gaol: g\nintent: bugfix\nallowed_files: [a]\n`), ["4:1 unknown key 'gaol' (did you mean 'goal'?) (/gaol)"]);
});

test('enum, type and const messages', async () => {
  assert.equal(await problems(`apiVersion: pipe/v2\nkind: Task\nid: t\ngoal: g\nintent: bugfx\nallowed_files: a\nmax_attempts: 0\n`), [
    "1:13 must be 'pipe/v1' (got 'pipe/v2') (/apiVersion)",
    "5:9 must be one of: mechanical_edit, classification, summarize, small_change, bugfix, feature, integration, review (did you mean 'bugfix'?) (/intent)",
    '6:16 must be a list (got string) (/allowed_files)',
    '7:15 must be >= 1 (got 0) (/max_attempts)',
  ]);
});

test('x- keys are allowed in every object whose keys pipe defines; other unknown keys are not', async () => {
  assert.equal(await problems(`${PIPE}x-owner: team-a\nsteps:\n  - id: route\n    uses: route\n    x-note: hi\n`), []);
  assert.equal(await problems(`${PIPE}steps:\n  - id: route\n    uses: route\n  - id: gate\n    uses: gate\n    on_fail: { retry: route, x-n: 1 }\n`), []);
  assert.equal(await problems(`${PIPE}steps:\n  - id: route\n    uses: route\n  - id: gate\n    uses: gate\n    on_fail: { retry: route, n: 1 }\n`), ["9:30 unknown key 'n' (/steps/1/on_fail/n)"]);
});

test('anyOf: only the best-matching branch speaks', async () => {
  const out = await problems(`${PIPE}steps:\n  - id: route\n    uses: route\n  - id: gate\n    uses: gate\n    on_fail: { retyr: route }\n  - id: apply\n    uses: apply\n    on_fail: stpo\n`);
  assert.equal(out, [
    "9:16 unknown key 'retyr' (did you mean 'retry'?) (/steps/1/on_fail/retyr)",
    "12:14 must be one of: stop, continue (did you mean 'stop'?) (/steps/2/on_fail)",
  ]);
});

test('unknown step type with did-you-mean', async () => {
  assert.equal(await problems(`${PIPE}steps:\n  - id: check\n    uses: valdate\n`), [
    "6:11 unknown step type 'valdate' (did you mean 'validate'?); known types: apply, budget, escalate, gate, propose, rollback, route, validate (/steps/0/uses)",
  ]);
});

test('step ids unique across steps and finally', async () => {
  assert.equal(await problems(`${PIPE}steps:\n  - id: route\n    uses: route\nfinally:\n  - id: route\n    uses: rollback\n`), [
    "8:9 duplicate step id 'route' (first used at line 5); step ids must be unique across steps and finally (/finally/0/id)",
  ]);
});

test('on_fail.retry must name an earlier step', async () => {
  const out = await problems(`${PIPE}steps:\n  - id: route\n    uses: route\n  - id: gate\n    uses: gate\n    on_fail: { retry: apply }\n  - id: apply\n    uses: apply\n    on_fail: { retry: rout }\n  - id: validate\n    uses: validate\n    on_fail: { retry: validate }\n`);
  assert.equal(out, [
    "9:23 on_fail.retry must name an earlier step: 'apply' comes after it (earlier steps: route) (/steps/1/on_fail/retry)",
    "12:23 on_fail.retry must name an earlier step: there is no step 'rout' (did you mean 'route'?) (earlier steps: route, gate) (/steps/2/on_fail/retry)",
    "15:23 on_fail.retry must name an earlier step: 'validate' is this step itself (earlier steps: route, gate, apply) (/steps/3/on_fail/retry)",
  ]);
});

test('with is checked against the step type; ${{ }} values are exempt but must parse', async () => {
  const out = await problems(`${PIPE}steps:\n  - id: propose\n    uses: propose\n    with: { output: pach, extr: 1 }\n  - id: validate\n    uses: validate\n    with: { validators: "\${{ task.validators }}", fail_fast: "\${{ 1 + }}" }\n`);
  assert.equal(out, [
    "7:21 must be one of: patch, diagnosis, label (did you mean 'patch'?) (/steps/0/with/output)",
    "7:27 unknown key 'extr' (/steps/0/with/extr)",
    '10:69 expression does not parse: Unexpected end of expression (at character 3): 1 + (/steps/1/with/fail_fast)',
  ]);
});

test('a registered test step type: its withSchema applies', async () => {
  registerStep({ type: 'probe', withSchema: { type: 'object', additionalProperties: false, properties: { count: { type: 'integer' } } }, run: async () => ({ status: 'succeeded' }) });
  try {
    assert.equal(await problems(`${PIPE}steps:\n  - id: p\n    uses: probe\n    with: { count: many }\n`), ['7:20 must be an integer (got string) (/steps/0/with/count)']);
  } finally {
    unregisterStep('probe');
  }
});

test('if expressions that do not parse are reported with their position', async () => {
  const out = await problems(`${PIPE}steps:\n  - id: route\n    uses: route\n    if: "steps.gate.status = "\n`);
  assert.equal(out, ['7:29 expression does not parse: Unexpected end of expression (at character 20): steps.gate.status =  (/steps/0/if)']);
});

test('policy: unknown role key, routing when that does not parse', async () => {
  const out = await problems('apiVersion: pipe/v1\nkind: Policy\nroles:\n  general_bulder: {}\nrouting:\n  - when: "intent = "\n    role: general_builder\n');
  assert.equal(out, [
    "4:3 unknown key 'general_bulder' (did you mean 'general_builder'?); expected one of: mechanical_worker, classification_worker, simple_builder, general_builder, coding_optimized_builder, frontier_reviewer, emergency_pro_reviewer (/roles/general_bulder)",
    '6:20 expression does not parse: Unexpected end of expression (at character 9): intent =  (/routing/0/when)',
  ]);
});

test('unknown and missing kind', async () => {
  assert.equal(await problems('apiVersion: pipe/v1\nkind: Pipline\n'), ["2:7 unknown kind 'Pipline' (did you mean 'Pipeline'?); expected one of: Task, Pipeline, Policy, Config (/kind)"]);
  assert.equal(await problems('apiVersion: pipe/v1\n'), ["1:1 missing required key 'kind' (one of: Task, Pipeline, Policy, Config) ()"]);
  assert.equal(await problems('- a\n- b\n'), ['1:1 a pipe document must be a map with apiVersion and kind (got a list) ()']);
});

test('task: validators must exist in the policy; pipeline must resolve', async () => {
  assert.equal(await problems(`${TASK}goal: g\nintent: bugfix\nallowed_files: [a]\nvalidators: [ruff, pytset]\npipeline: fxi\n`), [
    "7:20 unknown validator 'pytset' (did you mean 'pytest'?); the policy defines: ruff, mypy, pytest, tsc, eslint, npm-test (/validators/1)",
    "8:11 pipeline 'fxi' not found (did you mean 'fix'?) (/pipeline)",
  ]);
});

test('checkTaskAgainstPolicy points into the task file', async () => {
  const dir = tempDir();
  try {
    writeFiles(dir, { 't.yaml': `${TASK}goal: g\nintent: bugfix\nallowed_files: [a]\nvalidators:\n  - ruff\n  - lint\n` });
    const { task, source } = await loadTask(join(dir, 't.yaml'));
    const { policy } = await loadPolicies([]);
    const d = checkTaskAgainstPolicy(task, source, policy);
    assert.is(d.length, 1);
    assert.is(formatDiagnostic(d[0]), `${join(dir, 't.yaml')}:9:5: error: unknown validator 'lint' (did you mean 'eslint'?); the policy defines: ruff, mypy, pytest, tsc, eslint, npm-test (at /validators/1)\n    - lint\n      ^~~~`);
  } finally {
    cleanup(dir);
  }
});

test('errors are sorted by position and the caret sits under the problem', async () => {
  const dir = tempDir();
  try {
    writeFiles(dir, { 'p.yaml': `${PIPE}steps:\n  - id: b\n    uses: gaet\n  - id: a\n    usess: route\n` });
    const r = await validateFiles([join(dir, 'p.yaml')]);
    const rendered = r.diagnostics.map(formatDiagnostic);
    assert.equal(rendered, [
      `${join(dir, 'p.yaml')}:6:11: error: unknown step type 'gaet' (did you mean 'gate'?); known types: apply, budget, escalate, gate, propose, rollback, route, validate (at /steps/0/uses)\n      uses: gaet\n            ^~~~`,
      `${join(dir, 'p.yaml')}:8:5: error: unknown key 'usess' (did you mean 'uses'?) (at /steps/1/usess)\n      usess: route\n      ^~~~~`,
    ]);
  } finally {
    cleanup(dir);
  }
});

// ------------------------------------------------------------ DSL.md examples and shipped files

const DSL_TASK = `apiVersion: pipe/v1
kind: Task
id: fix-slugify-unicode            # [a-z0-9][a-z0-9-_.]*, unique per repo
goal: >
  slugify() must transliterate accented Latin letters; make tests/test_slug.py pass.
intent: bugfix                     # mechanical_edit | classification | summarize | small_change
                                   # | bugfix | feature | integration | review
pipeline: fix                      # built-in name or a path/package specifier
allowed_files: ["src/slug/**/*.py", "tests/test_slug.py"]   # globs the patch may touch
context_files: ["src/slug/*.py", "tests/test_slug.py"]      # read-only context (default: allowed_files)
validators: [ruff, mypy, pytest]   # names defined in the policy
max_attempts: 3
budget: { max_usd: 0.50 }          # optional task cap, never above the policy's
fake:                              # optional: what the fake provider answers, one per call
  responses:
    - patch_file: fixtures/wrong.patch       # relative to this file, or absolute
    - patch_file: fixtures/right.patch
    - diagnosis: "The test expects ..."      # for a reviewer call
    - error: rate_limited                    # or tier_unavailable, timeout, truncated
`;

const DSL_POLICY = `apiVersion: pipe/v1
kind: Policy
budget:
  project_total_budget_usd: 5.0
  role_budgets_usd:
    mechanical_worker: 2.0
    general_builder: 2.0
    frontier_reviewer: 1.0
limits:
  max_input_tokens_per_call: 32000
  max_output_tokens_per_call: 4000
  max_context_chars_per_call: 128000
  max_patch_bytes: 256000
policy:
  builder_service_tier_preference:
    preferred: flex
    fallback: default
    allow_priority: false
  reasoning_effort:
    default: medium
validators:                      # a map: the key is the name tasks use
  pytest:
    argv: [python3, -m, pytest, -q]
    timeout_s: 300
    parser: pytest               # ruff | mypy | pytest | tsc | eslint | exit-code
    cwd: .                       # relative to the repo root (default)
safety:
  allowed_executables: [git, python3, npx, node]   # argv[0] must be one of these
  forbidden_paths: [".env*", "**/*.pem", ".github/workflows/**"]
  allow_deletes: false
  allow_renames: false
  allow_new_files: true
  max_files_per_patch: 20
`;

const DSL_PIPELINE = `apiVersion: pipe/v1
kind: Pipeline
name: fix
extends: ./base.yaml               # optional: a path, or a package specifier such as
                                   # "@acme/pipe-templates/python-fix.yaml"
steps:
  - id: route
    uses: route
  - id: budget
    uses: budget
  - id: propose
    uses: propose
    with: { output: patch }
  - id: gate
    uses: gate                     # contract, paths, size, git apply --check
    on_fail: { retry: route }
  - id: apply
    uses: apply                    # checkpoint, then apply
  - id: validate
    uses: validate
    with: { validators: "\${{ task.validators }}" }
    on_fail: { retry: route, then: escalate }
finally:
  - id: rollback
    uses: rollback
    if: "run.status != 'succeeded'"
`;

test('the DSL.md examples validate (Task, seed Policy block, fix Pipeline)', async () => {
  const dir = tempDir();
  try {
    writeFiles(dir, {
      'tasks/fix.yaml': DSL_TASK,
      'policies/seed.yaml': DSL_POLICY,
      'pipelines/fix.yaml': DSL_PIPELINE,
      'pipelines/base.yaml': 'apiVersion: pipe/v1\nkind: Pipeline\nname: base\nsteps:\n  - id: route\n    uses: route\n',
    });
    const r = await validateFiles([], { cwd: dir });
    assert.equal(r.files.map((f) => [f.file, f.errors]), [
      ['pipelines/base.yaml', []],
      ['pipelines/fix.yaml', []],
      ['policies/seed.yaml', []],
      ['tasks/fix.yaml', []],
    ]);
    assert.ok(r.ok);
    // The seed block merges over the default policy unchanged.
    const { policy } = await loadPolicies([join(dir, 'policies/seed.yaml')]);
    assert.equal(policy.limits, { max_input_tokens_per_call: 32000, max_output_tokens_per_call: 4000, max_context_chars_per_call: 128000, max_patch_bytes: 256000 });
  } finally {
    cleanup(dir);
  }
});

test('every shipped pipeline and policy validates', async () => {
  const files = [
    ...readdirSync(join(ROOT, 'pipelines')).filter((f) => f.endsWith('.yaml')).map((f) => join(ROOT, 'pipelines', f)),
    ...readdirSync(join(ROOT, 'policies')).filter((f) => f.endsWith('.yaml')).map((f) => join(ROOT, 'policies', f)),
  ];
  assert.ok(files.length >= 5);
  const r = await validateFiles(files, { cwd: ROOT });
  assert.equal(r.diagnostics.map(formatDiagnostic), []);
  assert.ok(r.ok);
});

test.run();
