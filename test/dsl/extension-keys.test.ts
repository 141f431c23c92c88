// `x-` keys are allowed in every object whose keys pipe defines; elsewhere unknown keys are errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { validateFiles } from '../../src/dsl/documents.js';
import { cleanup, tempDir, writeFiles } from '../helpers/repo.js';

const dirs: string[] = [];
test.after(() => cleanup(...dirs));

test('x- keys nested in a policy, a task and a pipeline step are accepted', async () => {
  const dir = tempDir('pipe-xkeys-');
  dirs.push(dir);
  writeFiles(dir, {
    'policies/p.yaml': 'apiVersion: pipe/v1\nkind: Policy\nx-owner: platform\nsafety:\n  x-why: ci\n  allow_deletes: false\nvalidators:\n  t:\n    x-docs: readme\n    argv: [node, -e, "0"]\n',
    'pipelines/p.yaml': 'apiVersion: pipe/v1\nkind: Pipeline\nname: p\nsteps:\n  - id: r\n    uses: route\n    x-note: first\n    with: { x-hint: none }\n',
    'tasks/t.yaml': 'apiVersion: pipe/v1\nkind: Task\nid: t\ngoal: g\nintent: bugfix\nallowed_files: [a]\nbudget: { max_usd: 1, x-approved-by: me }\nfake:\n  responses:\n    - { text: hi, x-why: scripted }\n',
  });
  const report = await validateFiles([join(dir, 'policies/p.yaml'), join(dir, 'pipelines/p.yaml'), join(dir, 'tasks/t.yaml')], { cwd: dir, repo: dir });
  assert.equal(report.files.map((f) => [f.ok, f.errors.map((e) => e.message)]), [[true, []], [true, []], [true, []]]);
});

test('the same keys without the x- prefix are errors at their position', async () => {
  const dir = tempDir('pipe-xkeys-');
  dirs.push(dir);
  writeFiles(dir, { 'policies/p.yaml': 'apiVersion: pipe/v1\nkind: Policy\nsafety:\n  why: ci\n' });
  const report = await validateFiles([join(dir, 'policies/p.yaml')], { cwd: dir, repo: dir });
  assert.equal(report.files[0].errors.map((e) => [e.line, e.column, e.pointer]), [[4, 3, '/safety/why']]);
});

test.run();
