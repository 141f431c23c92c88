// Project detection over in-memory file lists shaped like real projects: where the code
// and tests are, which runner, which checkers, and globs that match real files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { detectProject, exampleGlobs, memoryFiles, taskGlobs, unmatchedGlobs, validatorsFor, type ProjectFiles } from '../../src/project/index.js';

function read(files: Record<string, string>) {
  const pf: ProjectFiles = memoryFiles(files);
  const profile = detectProject(pf);
  const globs = taskGlobs(pf, profile);
  const validators = validatorsFor(pf, profile);
  // Every glob written must match a real file.
  assert.equal(unmatchedGlobs(globs.allowed, pf.files), [], `allowed globs match nothing: ${globs.allowed}`);
  assert.equal(unmatchedGlobs(globs.context, pf.files), []);
  return { profile, globs, validators, p: profile.projects[0] };
}

test('src layout from pyproject.toml: package-dir, testpaths, pytest, ruff only when configured', () => {
  const { p, globs, validators } = read({
    'pyproject.toml': '[project]\nname = "slugs"\n\n[tool.setuptools]\npackage-dir = {"" = "src"}\npackages = ["slugs", "slugs.text"]\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\npythonpath = ["src"]\n\n[tool.ruff]\nline-length = 100\n',
    'src/slugs/__init__.py': '',
    'src/slugs/text/__init__.py': '',
    'tests/test_slugs.py': 'def test_x():\n    pass\n',
    'docs/conf.py': '',
  });
  assert.is(p.language, 'python');
  assert.equal(p.sources, ['src/slugs']);
  assert.equal(p.tests, ['tests']);
  assert.equal(p.importRoots, ['src']);
  assert.is(p.runner, 'pytest');
  assert.equal(p.checkers, ['ruff']);
  assert.equal(globs.allowed, ['src/slugs/**/*.py', 'tests/**/*.py']);
  assert.ok(globs.context.includes('pyproject.toml'));
  assert.equal(validators.map((v) => [v.name, v.parser, v.cwd]), [['ruff', 'ruff', '.'], ['pytest', 'pytest', '.']]);
});

test('a package at the top level (jwt/) from setup.cfg packages = find:, pytest from a conftest', () => {
  const { p, globs } = read({
    'setup.cfg': '[metadata]\nname = PyJWT\n\n[options]\npackages = find:\npython_requires = >=3.7\n\n[options.packages.find]\nexclude =\n    tests\n    tests.*\n',
    'setup.py': 'from setuptools import setup\nsetup()\n',
    'jwt/__init__.py': '',
    'jwt/api_jwt.py': '',
    'tests/__init__.py': '',
    'tests/conftest.py': '',
    'tests/test_api_jwt.py': '',
  });
  assert.equal(p.sources, ['jwt']);
  assert.is(p.runner, 'pytest');
  assert.equal(p.checkers, []);
  assert.equal(globs.allowed, ['jwt/**/*.py', 'tests/**/*.py']);
});

test('pytest is given the guessed test folder, unless the project configures pytest (its addopts may collect doctests in the package)', () => {
  const guessed = read({
    'setup.py': 'from setuptools import setup, find_packages\nsetup(name="fares", packages=find_packages(exclude=["tests"]))\n',
    'requirements-dev.txt': 'pytest\n',
    'fares/__init__.py': '',
    'tests/test_fares.py': 'def test_x():\n    pass\n',
    'bench/test_speed.py': 'def test_speed():\n    pass\n',
  });
  assert.equal(guessed.validators.find((v) => v.name === 'pytest')?.argv.slice(-2), ['no:cacheprovider', 'tests']);
  const configured = read({
    'setup.py': 'from setuptools import setup, find_packages\nsetup(name="fares", packages=find_packages(exclude=["tests"]))\n',
    'setup.cfg': '[tool:pytest]\naddopts = --doctest-modules\n',
    'fares/__init__.py': '',
    'tests/test_fares.py': 'def test_x():\n    pass\n',
  });
  assert.is(configured.validators.find((v) => v.name === 'pytest')?.argv.at(-1), 'no:cacheprovider');
});

test('unittest when nothing names pytest and the tests are unittest.TestCase classes', () => {
  const { p, validators } = read({
    'pyproject.toml': '[build-system]\nrequires = ["flit_core"]\n\n[project]\nname = "tomlish"\n',
    'tomlish/__init__.py': '',
    'tomlish/_parser.py': '',
    'tests/__init__.py': '',
    'tests/test_parse.py': 'import unittest\n\nclass T(unittest.TestCase):\n    pass\n',
  });
  assert.is(p.runner, 'unittest');
  assert.match(p.evidence.join('\n'), /no pytest configuration or dependency, and tests\/test_parse.py uses unittest/);
  assert.equal(validators.map((v) => v.argv), [['python3', '-m', 'unittest', 'discover', '-s', 'tests', '-t', '.']]);
});

test('pytest wins over unittest-style tests when pytest is a dependency', () => {
  const { p } = read({
    'pyproject.toml': '[project]\nname = "x"\n[project.optional-dependencies]\ntest = ["pytest>=7"]\n',
    'x/__init__.py': '',
    'tests/test_x.py': 'import unittest\n',
  });
  assert.is(p.runner, 'pytest');
  assert.match(p.evidence.join('\n'), /pytest named in pyproject.toml/);
});

test('setup.py package_dir and packages=[...], and a source/ layout found by its __init__.py', () => {
  const a = read({ 'setup.py': "setup(name='m', package_dir={'': 'lib'}, packages=['mpkg'])\n", 'lib/mpkg/__init__.py': '', 'lib/mpkg/core.py': '', 'tests/test_core.py': 'def test(): pass\n' });
  assert.equal(a.p.sources, ['lib/mpkg']);
  assert.equal(a.p.importRoots, ['lib']);
  const b = read({ 'requirements.txt': 'requests\n', 'source/app/__init__.py': '', 'source/app/main.py': '', 'test/test_main.py': 'def test(): pass\n' });
  assert.equal(b.p.sources, ['source/app']);
  assert.equal(b.p.tests, ['test']);
  assert.equal(b.globs.allowed, ['source/app/**/*.py', 'test/**/*.py']);
});

test('mypy from mypy.ini checks the packages; an unreadable pyproject.toml is a note, not a crash', () => {
  const { p, validators, profile } = read({ 'pyproject.toml': '[project\nname=', 'mypy.ini': '[mypy]\nstrict = True\n', 'pkg/__init__.py': '', 'tests/test_pkg.py': 'def test(): pass\n' });
  assert.equal(p.checkers, ['mypy']);
  assert.equal(validators.find((v) => v.name === 'mypy')?.argv.at(-1), 'pkg');
  assert.match(profile.notes.join('\n'), /pyproject.toml could not be read/);
});

test('TypeScript: main points at dist/ (not in the repo), tsconfig include gives src/, vitest and tsc', () => {
  const { p, globs, validators } = read({
    'package.json': JSON.stringify({ name: 'ts-lib', main: 'dist/index.js', types: 'dist/index.d.ts', scripts: { test: 'vitest run' }, devDependencies: { vitest: '^2', typescript: '^5' } }),
    'tsconfig.json': '{\n  // strict on\n  "compilerOptions": { "strict": true, "outDir": "dist", },\n  "include": ["src"]\n}\n',
    'src/index.ts': '',
    'src/util/range.ts': '',
    'test/range.test.ts': '',
  });
  assert.is(p.language, 'node');
  assert.equal(p.sources, ['src']);
  assert.equal(p.tests, ['test']);
  assert.is(p.runner, 'vitest');
  assert.equal(p.checkers, ['tsc']);
  assert.equal(globs.allowed, ['src/**/*.ts', 'test/**/*.ts']);
  assert.equal(validators.map((v) => [v.name, v.argv.join(' '), v.nodeBin]), [['tsc', 'npx --no-install tsc --noEmit --pretty false', 'tsc'], ['vitest', 'npx --no-install vitest run --reporter=tap-flat', 'vitest']]);
});

test('node:test from the test script; exports and files name the code; eslint only with its config', () => {
  const { p, validators } = read({
    'package.json': JSON.stringify({ name: 'n', type: 'module', exports: { '.': './lib/index.js', './util': './lib/util.js' }, files: ['lib'], scripts: { test: 'node --test test/' } }),
    'eslint.config.js': 'export default [];\n',
    'lib/index.js': '',
    'lib/util.js': '',
    'test/index.test.js': "import test from 'node:test';\n",
  });
  assert.equal(p.sources, ['lib']);
  assert.is(p.runner, 'node-test');
  assert.equal(p.checkers, ['eslint']);
  assert.equal(validators.map((v) => [v.name, v.argv.join(' ')]), [['eslint', 'npx --no-install eslint --format json .'], ['node-test', 'npm test --silent']]);
  const jest = read({ 'package.json': JSON.stringify({ name: 'j', main: 'index.js', scripts: { test: 'jest' }, devDependencies: { jest: '29' } }), 'index.js': '', '__tests__/a.test.js': '' });
  assert.is(jest.p.runner, 'jest');
  assert.equal(jest.globs.allowed, ['index.js', '__tests__/**/*.js']);
  const npmTest = read({ 'package.json': JSON.stringify({ name: 'k', scripts: { test: 'mocha' } }), 'src/a.js': '', 'test/a.js': '' });
  assert.is(npmTest.p.runner, 'npm-test');
  const none = read({ 'package.json': JSON.stringify({ name: 'k', scripts: { test: 'echo "Error: no test specified" && exit 1' } }), 'src/a.js': '' });
  assert.is(none.p.runner, null);
  assert.match(none.profile.notes.join('\n'), /no test runner is configured/);
});

test('a monorepo folder: one project per folder, validators named by folder and run there', () => {
  const { profile, globs, validators } = read({
    'README.md': '# mono\n',
    'services/api/pyproject.toml': '[project]\nname = "api"\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
    'services/api/src/api/__init__.py': '',
    'services/api/tests/test_api.py': 'def test(): pass\n',
    'web/package.json': JSON.stringify({ name: 'web', scripts: { test: 'node --test' } }),
    'web/src/app.js': '',
    'web/test/app.test.js': '',
    'examples/demo/package.json': '{}',
  });
  assert.is(profile.kind, 'mixed');
  assert.equal(profile.projects.map((p) => p.dir), ['services/api', 'web']);
  assert.equal(globs.allowed, ['services/api/src/api/**/*.py', 'services/api/tests/**/*.py', 'web/src/**/*.js', 'web/test/**/*.js']);
  assert.equal(validators.map((v) => [v.name, v.cwd]), [['pytest-services-api', 'services/api'], ['node-test-web', 'web']]);
});

test('an npm workspace root: the workspace folders are the projects; a single module at the top level is the code', () => {
  const ws = read({
    'package.json': JSON.stringify({ name: 'root', private: true, workspaces: ['packages/*'] }),
    'packages/core/package.json': JSON.stringify({ name: 'core', main: 'index.js', scripts: { test: 'node --test' } }),
    'packages/core/index.js': '',
    'packages/core/test/index.test.js': '',
    'packages/cli/package.json': JSON.stringify({ name: 'cli', bin: { cli: './bin/cli.js' }, devDependencies: { jest: '29' } }),
    'packages/cli/bin/cli.js': '',
  });
  assert.equal(ws.profile.projects.map((p) => [p.dir, p.runner]), [['packages/cli', 'jest'], ['packages/core', 'node-test']]);
  assert.equal(ws.globs.allowed, ['packages/cli/bin/**/*.js', 'packages/core/index.js', 'packages/core/test/**/*.js']);
  const single = read({ 'pyproject.toml': '[project]\nname = "six"\n', 'six.py': '', 'setup.py': '', 'test_six.py': 'def test(): pass\n' });
  assert.equal(single.p.sources, ['six.py']);
  assert.is(single.p.runner, 'pytest');
});

test("a workspace root is no node:test project because a package's test imports node:test (its runner is vitest)", () => {
  const ws = read({
    'package.json': JSON.stringify({ name: 'merge-tools', private: true, workspaces: ['packages/*'] }),
    'packages/deep-merge/package.json': JSON.stringify({ name: 'deep-merge', main: './lib/index.cjs', devDependencies: { vitest: '^4.1.0', typescript: '^5.9.0' } }),
    'packages/deep-merge/tsconfig.json': JSON.stringify({ compilerOptions: { strict: true }, include: ['src', 'test'] }),
    'packages/deep-merge/src/index.ts': 'export const merge = () => ({});\n',
    'packages/deep-merge/test/merge.test.ts': "import { it, expect } from 'vitest';\n",
    // describe from node:test, it from vitest: a slip real projects make; vitest still runs the file.
    'packages/deep-merge/test/utils.test.ts': "import { describe } from 'node:test';\nimport { it } from 'vitest';\n",
  });
  assert.equal(ws.profile.projects.map((p) => [p.dir, p.runner]), [['packages/deep-merge', 'vitest']]);
  assert.equal(ws.validators.map((v) => [v.name, v.cwd]), [['tsc', 'packages/deep-merge'], ['vitest', 'packages/deep-merge']]);
});

test('the example task fits one call: everything, else the code without tests, else the first code files by name', () => {
  const pf = memoryFiles({ 'pkg/__init__.py': '', 'pkg/a.py': 'a'.repeat(300), 'pkg/b.py': 'b'.repeat(300), 'tests/test_a.py': 't'.repeat(400), 'setup.py': 'setup()\n' });
  const profile = detectProject(pf);
  assert.equal(exampleGlobs(pf, profile, 2000), { ...taskGlobs(pf, profile), note: null });
  const noTests = exampleGlobs(pf, profile, 1000);
  assert.equal(noTests.allowed, ['pkg/**/*.py']);
  assert.match(noTests.note ?? '', /tests are left out/);
  const named = exampleGlobs(pf, profile, 500);
  assert.equal(named.allowed, ['pkg/__init__.py', 'pkg/a.py']);
  assert.equal(named.context, ['pkg/__init__.py', 'pkg/a.py', 'setup.py']);
  assert.match(named.note ?? '', /names its first 2 files/);
});

test('a Node project with .py files only among its test fixtures is no Python project', () => {
  const { profile } = read({
    'package.json': JSON.stringify({ name: 'tool', bin: { tool: './bin/run.js' }, scripts: { test: 'node test/run.mjs' } }),
    'bin/run.js': '',
    'test/run.mjs': '',
    'test/fixtures/py/tests/test_core.py': 'import unittest\n',
    'test/fixtures/py/pkg/__init__.py': '',
  });
  assert.is(profile.kind, 'node');
  assert.equal(profile.projects.map((p) => [p.language, p.runner]), [['node', 'npm-test']]);
});

test('nothing recognisable: one generic glob and a note', () => {
  const { profile, globs, validators } = read({ 'notes.md': 'x\n' });
  assert.is(profile.kind, 'generic');
  assert.equal(globs.allowed, ['**/*']);
  assert.equal(validators, []);
});

test('a JavaScript package built into dist/ with a declaration file at the top: the code is src/, not index.d.ts', () => {
  // Shaped like small npm libraries (e.g. lukeed/dequal): exports point at dist/ (not in the
  // repository) and at index.d.ts, which only describes the code.
  const { p, globs } = read({
    'package.json': JSON.stringify({ name: 'deq', main: 'dist/index.js', types: 'index.d.ts', exports: { '.': { types: './index.d.ts', import: './dist/index.mjs' } }, files: ['*.d.ts', 'dist'], scripts: { test: 'uvu test' } }),
    'index.d.ts': 'export function deq(a: any, b: any): boolean;\n',
    'src/index.js': 'export function deq(a, b) { return a === b; }\n',
    'test/index.js': "import { deq } from '../src/index.js';\n",
  });
  assert.equal(p.sources, ['src']);
  assert.equal(globs.allowed, ['src/**/*.js', 'test/**/*.js']);
});

test.run();
