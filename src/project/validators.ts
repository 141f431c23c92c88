// The validators `pipe init` defines for the projects it found: the test runner, and the
// checkers the project configures. A validator runs in its project's folder. Names are the
// tool's (`pytest`), or `<tool>-<folder>` when a monorepo has several projects.
import type { ProjectFiles } from './files.js';
import type { Checker, DetectedProject, ProjectProfile, TestRunner } from './types.js';
import type { ParserName } from '../exec/validators/common.js';

export interface ValidatorPlan {
  name: string;
  tool: TestRunner | Checker;
  argv: string[];
  parser: ParserName;
  /** Repo-relative folder it runs in ('.' for the root). */
  cwd: string;
  timeout_s: number;
  cost: 'cheap' | 'normal' | 'expensive';
  /** A tool `npx --no-install` runs: it must be in the project's node_modules/.bin. */
  nodeBin: string | null;
  isTest: boolean;
}

function unittestArgv(pf: ProjectFiles, p: DetectedProject): string[] {
  const root = p.tests[0];
  if (!root) return ['python3', '-m', 'unittest', 'discover'];
  const start = p.dir ? root.slice(p.dir.length + 1) : root;
  // -t . imports tests as a package (tests.test_x) when the folder is one; else as top-level modules.
  return ['python3', '-m', 'unittest', 'discover', '-s', start, ...(pf.files.includes(`${root}/__init__.py`) ? ['-t', '.'] : [])];
}

/** The test folders as arguments when no `testpaths` names them: bare pytest collects every test_*.py below the folder (benchmarks, scripts, vendored code). */
function pytestArgv(p: DetectedProject): string[] {
  const folders = p.testsConfigured ? [] : p.tests.map((t) => (p.dir ? t.slice(p.dir.length + 1) : t));
  return ['python3', '-m', 'pytest', '-q', '-rfE', '-p', 'no:cacheprovider', ...folders];
}

function plan(pf: ProjectFiles, p: DetectedProject, tool: TestRunner | Checker): Omit<ValidatorPlan, 'name' | 'cwd' | 'tool'> {
  const npx = (bin: string, args: string[]) => ({ argv: ['npx', '--no-install', bin, ...args], nodeBin: bin });
  switch (tool) {
    case 'pytest':
      return { argv: pytestArgv(p), parser: 'pytest', timeout_s: 300, cost: 'expensive', nodeBin: null, isTest: true };
    case 'unittest':
      return { argv: unittestArgv(pf, p), parser: 'unittest', timeout_s: 300, cost: 'expensive', nodeBin: null, isTest: true };
    case 'ruff':
      return { argv: ['ruff', 'check', '--output-format=json', '--no-cache', '.'], parser: 'ruff', timeout_s: 120, cost: 'cheap', nodeBin: null, isTest: false };
    case 'mypy':
      return {
        argv: ['mypy', '--no-color-output', '--show-column-numbers', '--show-error-codes', '--no-incremental', '--cache-dir=/dev/null', ...(p.sources.length ? p.sources.map((s) => (p.dir ? s.slice(p.dir.length + 1) : s)) : ['.'])],
        parser: 'mypy',
        timeout_s: 300,
        cost: 'normal',
        nodeBin: null,
        isTest: false,
      };
    case 'tsc':
      return { ...npx('tsc', ['--noEmit', '--pretty', 'false']), parser: 'tsc', timeout_s: 300, cost: 'normal', isTest: false };
    case 'eslint':
      return { ...npx('eslint', ['--format', 'json', '.']), parser: 'eslint', timeout_s: 300, cost: 'cheap', isTest: false };
    case 'vitest':
      // TAP names each failing test, so a test that failed before the patch is told from one it broke (an exit code cannot).
      return { ...npx('vitest', ['run', '--reporter=tap-flat']), parser: 'exit-code', timeout_s: 600, cost: 'expensive', isTest: true };
    case 'jest':
      return { ...npx('jest', ['--ci']), parser: 'exit-code', timeout_s: 600, cost: 'expensive', isTest: true };
    case 'node-test': {
      const hasScript = /"test"\s*:/.test(pf.read(p.dir ? `${p.dir}/package.json` : 'package.json') ?? '');
      return { argv: hasScript ? ['npm', 'test', '--silent'] : ['node', '--test'], parser: 'exit-code', timeout_s: 600, cost: 'expensive', nodeBin: null, isTest: true };
    }
    case 'npm-test':
      return { argv: ['npm', 'test', '--silent'], parser: 'exit-code', timeout_s: 600, cost: 'expensive', nodeBin: null, isTest: true };
  }
}

/** The Python import roots of every project (repo-relative, '.' for the root), for `validation.python_path`. */
export function pythonPathFor(profile: ProjectProfile): string[] {
  return [...new Set(profile.projects.filter((p) => p.language === 'python').flatMap((p) => p.importRoots))];
}

export function validatorsFor(pf: ProjectFiles, profile: ProjectProfile): ValidatorPlan[] {
  const several = profile.projects.length > 1;
  const out: ValidatorPlan[] = [];
  for (const p of profile.projects) {
    const tools: (TestRunner | Checker)[] = [...p.checkers, ...(p.runner ? [p.runner] : [])];
    for (const tool of tools) {
      const suffix = several && p.dir ? `-${p.dir.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase()}` : '';
      const name = `${tool}${suffix}`;
      if (out.some((v) => v.name === name)) continue;
      out.push({ name, tool, cwd: p.dir || '.', ...plan(pf, p, tool) });
    }
  }
  return out;
}
