// A Python project: its packages (declared in pyproject.toml, setup.cfg or setup.py, else
// folders with __init__.py at the top level or under src/, source/, lib/), its test folders,
// pytest or unittest, and ruff/mypy only when the project configures them.
import { posix } from 'node:path';
import { dig, iniList, readIni, readToml, stringList, type TomlTable } from './config-files.js';
import { filesIn, topFolders, under, type ProjectFiles } from './files.js';
import type { Checker, DetectedProject, TestRunner } from './types.js';

const MARKERS = ['pyproject.toml', 'setup.py', 'setup.cfg', 'requirements.txt', 'tox.ini', 'pytest.ini'];
const TEST_DIRS = ['tests', 'test', 'testing'];
/** Top-level folders that are not the package even when they hold an __init__.py. */
const NOT_PACKAGES = new Set([...TEST_DIRS, 'docs', 'doc', 'examples', 'example', 'build', 'dist', 'site-packages', 'benchmarks', 'node_modules']);
const PACKAGE_ROOTS = ['src', 'source', 'lib', 'python'];
/** Root-level scripts that are never the library. */
const NOT_MODULES = new Set(['setup.py', 'conftest.py', 'noxfile.py', 'fabfile.py', 'tasks.py', 'manage.py', 'docs/conf.py']);

interface Reader {
  files: string[];
  has(path: string): boolean;
  read(path: string): string | null;
}

function reader(pf: ProjectFiles, dir: string): Reader {
  const files = filesIn(pf, dir);
  const set = new Set(files);
  return { files, has: (p) => set.has(p), read: (p) => pf.read(under(dir, p)) };
}

const hasPython = (r: Reader, folder: string) => r.files.some((f) => f.startsWith(`${folder}/`) && f.endsWith('.py'));
const clean = (p: string) => posix.normalize(p.replace(/\\/g, '/')).replace(/^\.\/?/, '').replace(/\/$/, '');

/** Top-level package folders below `root` ('' = the project folder). */
function packagesUnder(r: Reader, root: string): string[] {
  const inRoot = root ? r.files.filter((f) => f.startsWith(`${root}/`)).map((f) => f.slice(root.length + 1)) : r.files;
  return topFolders(inRoot)
    .filter((d) => !NOT_PACKAGES.has(d) && !d.startsWith('.') && !d.endsWith('.egg-info'))
    .map((d) => (root ? `${root}/${d}` : d))
    .filter((p) => r.has(`${p}/__init__.py`));
}

/** Declared packages as folders, from the names and the package root the config gives. */
function declared(r: Reader, root: string, names: string[]): string[] {
  const out: string[] = [];
  for (const name of names) {
    const top = name.split('.')[0];
    const path = clean(root ? `${root}/${top}` : top);
    if (hasPython(r, path) && !out.includes(path)) out.push(path);
  }
  return out;
}

interface Declaration {
  packages: string[];
  evidence: string;
}

function fromPyproject(r: Reader, py: TomlTable): Declaration | null {
  const st = dig(py, 'tool', 'setuptools');
  const pkgDir = dig(st, 'package-dir');
  const root = typeof dig(pkgDir, '') === 'string' ? clean(dig(pkgDir, '') as string) : '';
  const names = stringList(dig(st, 'packages'));
  if (names.length) {
    const packages = declared(r, root, names);
    if (packages.length) return { packages, evidence: 'pyproject.toml [tool.setuptools] packages' + (root ? ` in package-dir '${root}'` : '') };
  }
  const where = stringList(dig(st, 'packages', 'find', 'where'));
  for (const w of where) {
    const packages = packagesUnder(r, clean(w));
    if (packages.length) return { packages, evidence: `pyproject.toml [tool.setuptools.packages.find] where = '${w}'` };
  }
  const poetry = dig(py, 'tool', 'poetry', 'packages');
  if (Array.isArray(poetry)) {
    const packages = poetry.flatMap((p) => {
      const include = dig(p, 'include');
      const from = dig(p, 'from');
      return typeof include === 'string' ? declared(r, typeof from === 'string' ? clean(from) : '', [include]) : [];
    });
    if (packages.length) return { packages, evidence: 'pyproject.toml [tool.poetry] packages' };
  }
  const hatch = stringList(dig(py, 'tool', 'hatch', 'build', 'targets', 'wheel', 'packages')).map(clean).filter((p) => hasPython(r, p));
  if (hatch.length) return { packages: hatch, evidence: 'pyproject.toml [tool.hatch.build.targets.wheel] packages' };
  return null;
}

function fromSetupCfg(r: Reader): Declaration | null {
  const ini = readIni(r.read('setup.cfg'));
  const options = ini.get('options');
  if (!options) return null;
  const pkgDir = /(?:^|\n)\s*=\s*(\S+)/.exec(options.get('package_dir') ?? '');
  const root = pkgDir ? clean(pkgDir[1]) : '';
  const raw = options.get('packages') ?? '';
  if (/^find(_namespace)?:/.test(raw.trim())) {
    const where = ini.get('options.packages.find')?.get('where');
    const packages = packagesUnder(r, where ? clean(where) : root);
    return packages.length ? { packages, evidence: `setup.cfg [options] packages = ${raw.trim()}` } : null;
  }
  const packages = declared(r, root, iniList(raw));
  return packages.length ? { packages, evidence: 'setup.cfg [options] packages' } : null;
}

function fromSetupPy(r: Reader): Declaration | null {
  const text = r.read('setup.py');
  if (!text) return null;
  const pkgDir = /package_dir\s*=\s*\{\s*['"]{2}\s*:\s*['"]([^'"]+)['"]/.exec(text);
  const root = pkgDir ? clean(pkgDir[1]) : '';
  const list = /\bpackages\s*=\s*\[([^\]]*)\]/.exec(text);
  if (list) {
    const names = [...list[1].matchAll(/['"]([\w.]+)['"]/g)].map((m) => m[1]);
    const packages = declared(r, root, names);
    if (packages.length) return { packages, evidence: 'setup.py packages=[...]' };
  }
  const find = /find_(?:namespace_)?packages\(\s*(?:where\s*=\s*)?['"]([^'"]+)['"]/.exec(text);
  const where = find ? clean(find[1]) : root;
  if (find || /find_(namespace_)?packages\(/.test(text) || pkgDir) {
    const packages = packagesUnder(r, where);
    if (packages.length) return { packages, evidence: `setup.py ${find ? `find_packages('${find[1]}')` : pkgDir ? `package_dir={'': '${root}'}` : 'find_packages()'}` };
  }
  return null;
}

function discovered(r: Reader): Declaration | null {
  for (const root of PACKAGE_ROOTS) {
    if (r.has(`${root}/__init__.py`)) continue;
    const packages = packagesUnder(r, root);
    if (packages.length) return { packages, evidence: `${packages.map((p) => `${p}/__init__.py`).join(', ')} (${root} layout)` };
  }
  const top = packagesUnder(r, '');
  if (top.length) return { packages: top, evidence: `${top.map((p) => `${p}/__init__.py`).join(', ')} (packages at the top level)` };
  const modules = r.files.filter((f) => /^[\w]+\.py$/.test(f) && !NOT_MODULES.has(f) && !/^test_|_test\.py$/.test(f));
  if (modules.length) return { packages: modules, evidence: `${modules.join(', ')} (modules at the top level)` };
  const srcModules = r.files.filter((f) => /^src\/\w+\.py$/.test(f));
  if (srcModules.length) return { packages: srcModules, evidence: `${srcModules.join(', ')} (modules in src)` };
  return null;
}

function testRoots(r: Reader, py: TomlTable | null): { roots: string[]; evidence: string | null; configured: boolean } {
  const configured: [string[], string][] = [
    [stringList(dig(py, 'tool', 'pytest', 'ini_options', 'testpaths')), 'pyproject.toml [tool.pytest.ini_options] testpaths'],
    [iniList(readIni(r.read('pytest.ini')).get('pytest')?.get('testpaths')?.replace(/\s+/g, '\n')), 'pytest.ini testpaths'],
    [iniList(readIni(r.read('tox.ini')).get('pytest')?.get('testpaths')?.replace(/\s+/g, '\n')), 'tox.ini [pytest] testpaths'],
    [iniList(readIni(r.read('setup.cfg')).get('tool:pytest')?.get('testpaths')?.replace(/\s+/g, '\n')), 'setup.cfg [tool:pytest] testpaths'],
  ];
  for (const [paths, evidence] of configured) {
    const roots = paths.map(clean).filter((p) => hasPython(r, p) || r.has(p));
    if (roots.length) return { roots, evidence, configured: true };
  }
  const roots = TEST_DIRS.filter((d) => hasPython(r, d));
  return { roots, evidence: roots.length ? `${roots.join(', ')}/ (test folder)` : null, configured: false };
}

const TEST_FILE = /(^|\/)(test_[^/]*|[^/]*_test)\.py$/;

/** Where the project configures pytest, or null. */
function pytestConfig(r: Reader, py: TomlTable | null): string | null {
  if (dig(py, 'tool', 'pytest') !== undefined) return 'pyproject.toml [tool.pytest]';
  if (r.has('pytest.ini')) return 'pytest.ini';
  if (readIni(r.read('tox.ini')).has('pytest')) return 'tox.ini [pytest]';
  if (readIni(r.read('setup.cfg')).has('tool:pytest')) return 'setup.cfg [tool:pytest]';
  return null;
}

function chooseRunner(r: Reader, py: TomlTable | null, tests: string[]): { runner: TestRunner | null; evidence: string | null } {
  const configured = pytestConfig(r, py);
  if (configured) return { runner: 'pytest', evidence: configured };
  const conftest = r.files.find((f) => /(^|\/)conftest\.py$/.test(f));
  if (conftest) return { runner: 'pytest', evidence: conftest };
  const depFiles = ['pyproject.toml', 'setup.cfg', 'setup.py', 'tox.ini', 'noxfile.py', 'Pipfile', ...r.files.filter((f) => /^requirements[^/]*\.(txt|in)$/.test(f))];
  const dep = depFiles.find((f) => /\bpytest\b/.test(r.read(f) ?? ''));
  if (dep) return { runner: 'pytest', evidence: `pytest named in ${dep}` };
  const testFiles = r.files.filter((f) => f.endsWith('.py') && !/(^|\/)fixtures\//.test(f) && (TEST_FILE.test(f) || tests.some((t) => f.startsWith(`${t}/`))));
  const unittestFile = testFiles.find((f) => /\bunittest\.TestCase\b|^\s*(import unittest\b|from unittest import)/m.test(r.read(f) ?? ''));
  if (unittestFile) return { runner: 'unittest', evidence: `no pytest configuration or dependency, and ${unittestFile} uses unittest` };
  if (testFiles.some((f) => TEST_FILE.test(f))) return { runner: 'pytest', evidence: 'test_*.py files with plain test functions' };
  return { runner: null, evidence: null };
}

function checkers(r: Reader, py: TomlTable | null): { checkers: Checker[]; evidence: string[] } {
  const out: Checker[] = [];
  const evidence: string[] = [];
  const ruff = dig(py, 'tool', 'ruff') !== undefined ? 'pyproject.toml [tool.ruff]' : ['ruff.toml', '.ruff.toml'].find((f) => r.has(f));
  if (ruff) {
    out.push('ruff');
    evidence.push(`ruff: ${ruff}`);
  }
  const mypy =
    dig(py, 'tool', 'mypy') !== undefined ? 'pyproject.toml [tool.mypy]' : ['mypy.ini', '.mypy.ini'].find((f) => r.has(f)) ?? (readIni(r.read('setup.cfg')).has('mypy') ? 'setup.cfg [mypy]' : undefined);
  if (mypy) {
    out.push('mypy');
    evidence.push(`mypy: ${mypy}`);
  }
  return { checkers: out, evidence };
}

/** The Python project in `dir`, or null when there is none. `notes` collects unreadable config. */
export function detectPython(pf: ProjectFiles, dir: string, notes: string[] = []): DetectedProject | null {
  const r = reader(pf, dir);
  const marker = MARKERS.find((m) => r.has(m));
  if (!marker && !r.files.some((f) => f.endsWith('.py'))) return null;
  const { table: py, error } = readToml(r.read('pyproject.toml'));
  if (error) notes.push(`${under(dir, 'pyproject.toml')} could not be read (${error}); its settings were ignored`);
  const found = (py && fromPyproject(r, py)) ?? fromSetupCfg(r) ?? fromSetupPy(r) ?? discovered(r);
  // Without project files, stray .py files (fixtures, scripts in a Node project) are no Python project.
  if (!marker && !found) return null;
  const tests = testRoots(r, py);
  const runner = chooseRunner(r, py, tests.roots);
  const checks = checkers(r, py);
  const packages = (found?.packages ?? []).filter((p) => !tests.roots.some((t) => p === t || p.startsWith(`${t}/`)));
  const importRoots = [...new Set(packages.map((p) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '')))].map((p) => under(dir, p) || '.');
  return {
    dir,
    language: 'python',
    sources: packages.map((p) => under(dir, p)),
    tests: tests.roots.map((t) => under(dir, t)),
    // A pytest configuration without testpaths (addopts = --doctest-modules, say) is how the project runs it: left as is.
    testsConfigured: tests.configured || pytestConfig(r, py) !== null,
    extensions: ['py'],
    importRoots: importRoots.length ? importRoots : [dir || '.'],
    runner: runner.runner,
    checkers: checks.checkers,
    evidence: [
      `python: ${marker ?? '.py files'}${dir ? ` in ${dir}/` : ''}`,
      ...(found ? [`code: ${found.evidence}`] : []),
      ...(tests.evidence ? [`tests: ${tests.evidence}`] : []),
      ...(runner.evidence ? [`${runner.runner}: ${runner.evidence}`] : []),
      ...checks.evidence,
    ],
  };
}
