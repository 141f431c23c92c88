import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, makeRepo, runCli, tempDir, writeFiles } from '../helpers/repo.js';

const dirs: string[] = [];
test.after(() => cleanup(...dirs));

test('pipe init in a Python project writes config, policy, .gitignore and a task that validate', () => {
  const repo = makeRepo({ 'pyproject.toml': '[project]\nname = "x"\n', 'src/x.py': 'x = 1\n' });
  dirs.push(repo);
  const r = runCli(['init', '--repo', repo, '--json']);
  assert.is(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.is(out.project_kind, 'python');
  assert.equal(out.validators, ['pytest']);
  for (const f of ['.pipe/config.yaml', '.pipe/policy.yaml', '.pipe/.gitignore', 'tasks/example.yaml']) assert.ok(existsSync(join(repo, f)), f);
  assert.match(readFileSync(join(repo, 'tasks/example.yaml'), 'utf8'), /validators: \["pytest"\]/);
  const v = runCli(['validate', '--json'], { cwd: repo });
  assert.is(v.code, 0, v.stdout + v.stderr);
  assert.is(JSON.parse(v.stdout).ok, true);
});

test('pipe init detects a Node/TypeScript project', () => {
  const repo = makeRepo({ 'package.json': '{"name":"x"}\n', 'tsconfig.json': '{}\n' });
  dirs.push(repo);
  const r = runCli(['init', '--repo', repo, '--json']);
  assert.is(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).validators, ['tsc', 'npm-test']);
});

test('pipe init refuses to overwrite without --force, and changes nothing', () => {
  const repo = makeRepo({ 'a.py': '\n' });
  dirs.push(repo);
  writeFiles(repo, { '.pipe/config.yaml': 'mine\n' });
  const r = runCli(['init', '--repo', repo, '--json']);
  assert.is(r.code, 2);
  assert.match(JSON.parse(r.stdout).error.message, /refusing to overwrite \.pipe\/config\.yaml/);
  assert.is(readFileSync(join(repo, '.pipe/config.yaml'), 'utf8'), 'mine\n');
  assert.not.ok(existsSync(join(repo, 'tasks/example.yaml')));
  const forced = runCli(['init', '--repo', repo, '--force', '--json']);
  assert.is(forced.code, 0, forced.stderr);
  assert.match(readFileSync(join(repo, '.pipe/config.yaml'), 'utf8'), /kind: Config/);
});

test('pipe init outside a git repository exits 2', () => {
  const dir = tempDir('pipe-nogit-');
  dirs.push(dir);
  const r = runCli(['init', '--repo', dir, '--json']);
  assert.is(r.code, 2);
  assert.match(JSON.parse(r.stdout).error.message, /not inside a git repository/);
});

test.run();
