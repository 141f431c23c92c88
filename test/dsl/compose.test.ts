// Composition: policy merge order, pipeline extends (replace, insert, remove, cycles, packages).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { mergePolicies, loadPolicies, loadPipeline, validateFiles } from '../../src/dsl/documents.js';
import { PipeError, formatDiagnostic } from '../../src/errors.js';
import type { Policy } from '../../src/types/generated/index.js';
import { tempDir, cleanup, writeFiles } from '../helpers/repo.js';
import { rejection } from '../helpers/throws.js';

const P = (over: Record<string, unknown>): Policy => ({ apiVersion: 'pipe/v1', kind: 'Policy', ...over }) as Policy;

test('mergePolicies: later wins, maps deep-merge, arrays replace', () => {
  const merged = mergePolicies([
    P({ name: 'a', budget: { project_total_budget_usd: 5, role_budgets_usd: { general_builder: 2, frontier_reviewer: 1 } }, safety: { allowed_executables: ['git', 'node'], allow_deletes: false } }),
    P({ name: 'b', budget: { role_budgets_usd: { general_builder: 3 } }, safety: { allowed_executables: ['python3'] } }),
  ]);
  assert.equal(merged, {
    apiVersion: 'pipe/v1',
    kind: 'Policy',
    name: 'b',
    budget: { project_total_budget_usd: 5, role_budgets_usd: { general_builder: 3, frontier_reviewer: 1 } },
    safety: { allowed_executables: ['python3'], allow_deletes: false },
  });
});

test('loadPolicies: default first, then files in order; each file and the merge are validated', async () => {
  const dir = tempDir();
  try {
    writeFiles(dir, {
      'a.yaml': 'apiVersion: pipe/v1\nkind: Policy\nbudget: { project_total_budget_usd: 9 }\nsafety: { allowed_executables: [git] }\n',
      'b.yaml': 'apiVersion: pipe/v1\nkind: Policy\nbudget: { task_budget_usd: 0.25 }\n',
      'bad.yaml': 'apiVersion: pipe/v1\nkind: Policy\nbudget: { project_total_budget: 9 }\n',
    });
    const { policy, files } = await loadPolicies(['a.yaml', 'b.yaml'], { baseDir: dir });
    assert.is(files.length, 3);
    assert.is(policy.budget?.project_total_budget_usd, 9);
    assert.is(policy.budget?.task_budget_usd, 0.25);
    assert.is(policy.budget?.role_budgets_usd?.general_builder, 2); // from the default
    assert.equal(policy.safety?.allowed_executables, ['git']);
    assert.ok(policy.roles?.general_builder);

    const none = await loadPolicies(['b.yaml'], { baseDir: dir, useDefault: false });
    assert.equal(none.policy.roles, undefined);

    {
      const err = await rejection(() => loadPolicies(['a.yaml', 'bad.yaml'], { baseDir: dir }));
      const e = err as PipeError;
      assert.is(e.code, 'E_SCHEMA');
      assert.equal(e.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`), ["3:11 unknown key 'project_total_budget' (did you mean 'project_total_budget_usd'?)"]);
    }
  } finally {
    cleanup(dir);
  }
});

const base = `apiVersion: pipe/v1
kind: Pipeline
name: base
inputs:
  level: { default: 1 }
steps:
  - id: route
    uses: route
  - id: budget
    uses: budget
  - id: propose
    uses: propose
  - id: apply
    uses: apply
finally:
  - id: rollback
    uses: rollback
    if: "run.status != 'succeeded'"
  - id: note
    uses: escalate
`;

test('extends: replace in place, insert_before / insert_after, append, remove', async () => {
  const dir = tempDir();
  try {
    writeFiles(dir, {
      'base.yaml': base,
      'child.yaml': `apiVersion: pipe/v1
kind: Pipeline
name: child
extends: ./base.yaml
inputs:
  level: { description: how hard }
remove: [note]
steps:
  - id: propose
    uses: propose
    with: { output: diagnosis }
  - id: gate
    uses: gate
    insert_before: apply
  - id: check1
    uses: validate
    insert_after: route
  - id: check2
    uses: validate
    insert_after: route
  - id: final
    uses: validate
finally:
  - id: cleanup
    uses: rollback
    insert_before: rollback
`,
    });
    const p = await loadPipeline('child.yaml', { fromDir: dir });
    assert.is(p.name, 'child');
    assert.equal(p.steps.map((s) => s.id), ['route', 'check1', 'check2', 'budget', 'propose', 'gate', 'apply', 'final']);
    assert.equal(p.finally.map((s) => s.id), ['cleanup', 'rollback']);
    assert.equal(p.steps[4].with, { output: 'diagnosis' });
    assert.is(p.steps[5].insert_before, undefined);
    assert.equal(p.inputs, { level: { default: 1, description: 'how hard' } });
    assert.equal(p.chain, [join(dir, 'child.yaml'), join(dir, 'base.yaml')]);
    // Positions point into the file each step came from; `if` is compiled.
    assert.equal({ file: p.steps[0].source?.file, line: p.steps[0].source?.line }, { file: join(dir, 'base.yaml'), line: 7 });
    assert.equal({ file: p.steps[5].source?.file, line: p.steps[5].source?.line }, { file: join(dir, 'child.yaml'), line: 12 });
    assert.is(await p.finally[1].compiledIf?.evaluate({ run: { status: 'failed' } }), true);
  } finally {
    cleanup(dir);
  }
});

test('extends a built-in by name; the runner sees builtin: names', async () => {
  const dir = tempDir();
  try {
    writeFiles(dir, { 'mine.yaml': 'apiVersion: pipe/v1\nkind: Pipeline\nname: mine\nextends: fix\nremove: [rollback]\n' });
    const p = await loadPipeline('mine.yaml', { fromDir: dir });
    assert.equal(p.chain, [join(dir, 'mine.yaml'), 'builtin:fix']);
    assert.equal(p.steps.map((s) => s.id), ['route', 'budget', 'propose', 'gate', 'apply', 'validate']);
    assert.equal(p.finally, []);
    const builtin = await loadPipeline('implement', { fromDir: dir });
    assert.is(builtin.file, 'builtin:implement');
    assert.equal(builtin.chain, ['builtin:implement', 'builtin:fix']);
  } finally {
    cleanup(dir);
  }
});

test('repo-local pipelines win over built-ins of the same name', async () => {
  const dir = tempDir();
  try {
    writeFiles(dir, { '.pipe/pipelines/fix.yaml': 'apiVersion: pipe/v1\nkind: Pipeline\nname: local-fix\nsteps:\n  - id: route\n    uses: route\n' });
    const p = await loadPipeline('fix', { fromDir: join(dir, 'tasks'), repo: dir });
    assert.is(p.name, 'local-fix');
  } finally {
    cleanup(dir);
  }
});

test('extends from an installed package, resolved from node_modules without the network', async () => {
  const dir = tempDir();
  try {
    writeFiles(dir, {
      'node_modules/@acme/pipe-templates/package.json': '{"name":"@acme/pipe-templates","version":"1.0.0"}',
      'node_modules/@acme/pipe-templates/python-fix.yaml': base.replace('name: base', 'name: python-fix'),
      'pipelines/py.yaml': 'apiVersion: pipe/v1\nkind: Pipeline\nname: py\nextends: "@acme/pipe-templates/python-fix.yaml"\nsteps:\n  - id: lint\n    uses: validate\n    insert_after: apply\n',
    });
    const p = await loadPipeline('pipelines/py.yaml', { fromDir: dir, repo: dir });
    assert.equal(p.steps.map((s) => s.id), ['route', 'budget', 'propose', 'apply', 'lint']);
    assert.is(p.chain[1], join(dir, 'node_modules/@acme/pipe-templates/python-fix.yaml'));
  } finally {
    cleanup(dir);
  }
});

test('extends cycles are errors naming the chain', async () => {
  const dir = tempDir();
  try {
    writeFiles(dir, {
      'a.yaml': 'apiVersion: pipe/v1\nkind: Pipeline\nname: a\nextends: ./b.yaml\n',
      'b.yaml': 'apiVersion: pipe/v1\nkind: Pipeline\nname: b\nextends: ./a.yaml\n',
    });
    const r = await validateFiles(['a.yaml'], { cwd: dir });
    assert.is(r.ok, false);
    assert.equal(r.files.map((f) => [f.file, f.errors.map((e) => `${e.line}:${e.column} ${e.message}`)]), [
      ['a.yaml', [`4:10 extends cycle: ${join(dir, 'a.yaml')} → ${join(dir, 'b.yaml')} → ${join(dir, 'a.yaml')}`]],
    ]);
    {
      const err = await rejection(() => loadPipeline('a.yaml', { fromDir: dir }));
      assert.is((err as PipeError).code, 'E_SCHEMA');
      assert.match(formatDiagnostic((err as PipeError).diagnostics[0]), /a\.yaml:4:10: error: extends cycle: .*a\.yaml → .*b\.yaml → .*a\.yaml \(at \/extends\)/);
    }
  } finally {
    cleanup(dir);
  }
});

test('composition mistakes: unknown anchors and removals, directives without extends, bad parents', async () => {
  const dir = tempDir();
  try {
    writeFiles(dir, {
      'base.yaml': base,
      'child.yaml': 'apiVersion: pipe/v1\nkind: Pipeline\nname: c\nextends: ./base.yaml\nremove: [nope]\nsteps:\n  - id: x\n    uses: gate\n    insert_after: aply\n  - id: y\n    uses: gate\n    insert_before: rollback\n',
      'lonely.yaml': 'apiVersion: pipe/v1\nkind: Pipeline\nname: l\nsteps:\n  - id: x\n    uses: gate\n    insert_after: route\n',
      'orphan.yaml': 'apiVersion: pipe/v1\nkind: Pipeline\nname: o\nextends: ./missing.yaml\n',
    });
    const r = await validateFiles(['child.yaml', 'lonely.yaml', 'orphan.yaml'], { cwd: dir });
    const lines = r.files.map((f) => `${f.file}: ${f.errors.map((e) => `${e.line}:${e.column} ${e.message}`).join(' | ')}`);
    assert.equal(lines, [
      "child.yaml: 5:10 remove: no inherited step 'nope' (did you mean 'note'?) | 9:19 insert_after: no inherited step 'aply' in steps (did you mean 'apply'?) | 12:20 insert_before: no inherited step 'rollback' in steps (it is in finally; steps and finally are placed separately)",
      'lonely.yaml: 7:5 insert_after only applies in a pipeline that extends another',
      `orphan.yaml: 4:10 extends: pipeline './missing.yaml' not found (tried: ${join(dir, 'missing.yaml')}; built-in pipelines: classify, diagnose, fix, implement)`,
    ]);
  } finally {
    cleanup(dir);
  }
});

test('a 2,000-step pipeline loads and validates (bench/ measures how fast)', async () => {
  const dir = tempDir();
  try {
    const steps = Array.from({ length: 2000 }, (_, i) => `  - id: s${i}\n    uses: ${i % 2 ? 'gate' : 'validate'}\n    if: "attempt < ${i + 2}"\n${i > 0 ? `    on_fail: { retry: s${i - 1} }\n` : ''}`).join('');
    writeFiles(dir, { 'big.yaml': `apiVersion: pipe/v1\nkind: Pipeline\nname: big\nsteps:\n${steps}` });
    const p = await loadPipeline('big.yaml', { fromDir: dir });
    assert.is(p.steps.length, 2000);
  } finally {
    cleanup(dir);
  }
});

test.run();
