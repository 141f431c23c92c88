// A task's inputs must be declared by its pipeline (a misspelt input would silently use the default).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cleanup, makeRepo, runCli } from '../helpers/repo.js';

const dirs: string[] = [];
test.after(() => cleanup(...dirs));

function repo(inputs: string): string {
  const dir = makeRepo({
    'a.txt': 'a\n',
    'pipelines/ask.yaml': `apiVersion: pipe/v1
kind: Pipeline
name: ask
extends: fix
inputs:
  ask: { description: what to ask the reviewer, default: why }
  level: { default: 1 }
`,
    'tasks/t.yaml': `apiVersion: pipe/v1
kind: Task
id: t
goal: change a.txt
intent: bugfix
pipeline: ask
allowed_files: [a.txt]
inputs: ${inputs}
fake:
  responses:
    - text: nothing
`,
  });
  dirs.push(dir);
  return dir;
}

test('pipe validate reports an input the pipeline does not declare, with did-you-mean and position', () => {
  const dir = repo('{ aks: x, level: 2 }');
  const r = runCli(['validate', 'tasks/t.yaml'], { cwd: dir });
  assert.is(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /tasks\/t\.yaml:8:\d+: error: unknown input 'aks' \(did you mean 'ask'\?\); pipeline 'ask' declares: ask, level/);
});

test('pipe run and plan refuse it with exit 2 before anything runs; declared inputs pass', () => {
  const bad = repo('{ akс: x }');
  const r = runCli(['plan', 'tasks/t.yaml', '--json'], { cwd: bad });
  assert.is(r.code, 2);
  assert.match(JSON.parse(r.stdout).error.diagnostics[0].message, /unknown input 'akс'/);
  const good = repo('{ ask: x }');
  const ok = runCli(['validate', 'tasks/t.yaml', '--json'], { cwd: good });
  assert.is(ok.code, 0, ok.stdout);
});

test.run();
