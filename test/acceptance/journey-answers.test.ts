// A new user's journey: the diagnose and classify pipelines answer a question. The answer
// (diagnosis or label) must reach the user in the summary, in `--json` and in `pipe show`,
// and nothing may be written to the tree.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makeRepo, runCli, snapshotTree, cleanup } from '../helpers/repo.js';

const SUM = 'export function sum(xs) {\n  let total = 0;\n  for (let i = 1; i < xs.length; i++) total += xs[i];\n  return total;\n}\n';

function repoWithTasks(): string {
  return makeRepo({
    'package.json': '{ "name": "m", "type": "module", "scripts": { "test": "node --test" } }\n',
    'src/sum.js': SUM,
    'tasks/why.yaml': [
      'apiVersion: pipe/v1', 'kind: Task', 'id: why-sum', 'goal: Why is sum() wrong?', 'intent: review', 'pipeline: diagnose',
      'allowed_files: ["src/**/*.js"]', 'fake:', '  responses:', '    - diagnosis: "The loop starts at index 1, so xs[0] is skipped."', '',
    ].join('\n'),
    'tasks/label.yaml': [
      'apiVersion: pipe/v1', 'kind: Task', 'id: label-sum', 'goal: Classify this issue.', 'intent: classification', 'pipeline: classify',
      'allowed_files: ["src/**/*.js"]', 'fake:', '  responses:', '    - text: "bug"', '',
    ].join('\n'),
  });
}

test('classify: the label is in the summary, in --json and in pipe show; the tree is untouched', () => {
  const repo = repoWithTasks();
  try {
    const before = snapshotTree(repo);
    const human = runCli(['run', 'tasks/label.yaml'], { cwd: repo });
    assert.is(human.code, 0, human.stderr);
    assert.match(human.stdout, /^\s+label\s+bug$/m);
    const j = runCli(['run', 'tasks/label.yaml', '--json'], { cwd: repo });
    assert.is(j.code, 0, j.stderr);
    const out = JSON.parse(j.stdout) as { label: string | null; diagnosis: string | null; files_changed: string[]; run_id: string };
    assert.is(out.label, 'bug');
    assert.is(out.diagnosis, null);
    assert.equal(out.files_changed, []);
    const show = runCli(['show', out.run_id], { cwd: repo });
    assert.is(show.code, 0, show.stderr);
    assert.match(show.stdout, /^label: bug$/m);
    assert.equal(snapshotTree(repo), before);
  } finally {
    cleanup(repo);
  }
});

test('diagnose: the diagnosis is in the summary, in --json and in pipe show; the tree is untouched', () => {
  const repo = repoWithTasks();
  try {
    const before = snapshotTree(repo);
    const j = runCli(['run', 'tasks/why.yaml', '--json'], { cwd: repo });
    assert.is(j.code, 0, j.stderr);
    const out = JSON.parse(j.stdout) as { label: string | null; diagnosis: string | null; run_id: string; status: string };
    assert.is(out.status, 'succeeded');
    assert.is(out.diagnosis, 'The loop starts at index 1, so xs[0] is skipped.');
    assert.is(out.label, null);
    const show = runCli(['show', out.run_id], { cwd: repo });
    assert.is(show.code, 0, show.stderr);
    assert.match(show.stdout, /^diagnosis:\n {2}The loop starts at index 1, so xs\[0\] is skipped\.$/m);
    assert.equal(snapshotTree(repo), before);
  } finally {
    cleanup(repo);
  }
});

test.run();
