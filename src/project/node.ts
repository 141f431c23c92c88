// A Node/TypeScript project: its code from package.json (main, module, exports, bin,
// files) and tsconfig.json (include, rootDir), skipping build output that is not in the
// repository; its test folders; the test runner (vitest, jest, node:test, `npm test`);
// tsc and eslint only when the project configures them.
import { posix } from 'node:path';
import { readJsonc } from './config-files.js';
import { filesIn, topFolders, under, type ProjectFiles } from './files.js';
import type { Checker, DetectedProject, TestRunner } from './types.js';

const CODE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
/** Code the model may change: a declaration file (`index.d.ts` beside a build in dist/) only describes it. */
const isCode = (f: string) => CODE.test(f) && !/\.d\.[mc]?ts$/.test(f);
const TEST_DIRS = ['test', 'tests', '__tests__', 'spec'];
const NOT_SOURCES = new Set([...TEST_DIRS, 'node_modules', 'dist', 'build', 'out', 'coverage', 'docs', 'examples', 'scripts', 'bench', 'benchmarks']);
const ESLINT_FILES = /^(eslint\.config\.(js|mjs|cjs|ts|mts|cts)|\.eslintrc(\.(js|cjs|json|yaml|yml))?)$/;
const NO_TEST_SCRIPT = /no test specified/;

type Json = Record<string, unknown>;

const clean = (p: string) => posix.normalize(p.replace(/\\/g, '/')).replace(/^\.\/?/, '').replace(/\/$/, '');

/** Every string in a package.json `exports`/`bin` value, however nested. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** The folder (or root-level file) a package.json path points at, when the repository holds code there. */
function sourceOf(path: string, files: string[]): string | null {
  const p = clean(path.replace(/\*.*$/, ''));
  if (!p || p.startsWith('..')) return null;
  const top = p.split('/')[0];
  if (!p.includes('/')) return files.includes(p) && isCode(p) ? p : files.some((f) => f.startsWith(`${p}/`) && isCode(f)) && !NOT_SOURCES.has(p) ? p : null;
  if (NOT_SOURCES.has(top)) return null;
  return files.some((f) => f.startsWith(`${top}/`) && isCode(f)) ? top : null;
}

function dependsOn(pkg: Json, name: string): boolean {
  return ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].some((k) => {
    const deps = pkg[k];
    return Boolean(deps && typeof deps === 'object' && name in (deps as Json));
  });
}

function chooseRunner(pkg: Json, files: string[], read: (p: string) => string | null): { runner: TestRunner | null; evidence: string | null } {
  const scripts = (pkg.scripts && typeof pkg.scripts === 'object' ? pkg.scripts : {}) as Record<string, unknown>;
  const test = typeof scripts.test === 'string' && !NO_TEST_SCRIPT.test(scripts.test) ? scripts.test : null;
  const vitestConfig = files.find((f) => /^vitest\.config\.\w+$/.test(f));
  if (vitestConfig || dependsOn(pkg, 'vitest')) return { runner: 'vitest', evidence: vitestConfig ?? 'vitest in package.json dependencies' };
  const jestConfig = files.find((f) => /^jest\.config\.\w+$/.test(f));
  if (jestConfig || dependsOn(pkg, 'jest') || 'jest' in pkg) return { runner: 'jest', evidence: jestConfig ?? 'jest in package.json' };
  if (test && /\bnode\b[^&|;]*--test\b/.test(test)) return { runner: 'node-test', evidence: `package.json scripts.test: ${test}` };
  if (test) return { runner: 'npm-test', evidence: `package.json scripts.test: ${test}` };
  const nodeTest = files.find((f) => CODE.test(f) && /(^|\/)(test|tests)\/|\.test\.\w+$/.test(f) && /from ['"]node:test['"]|require\(['"]node:test['"]\)/.test(read(f) ?? ''));
  if (nodeTest) return { runner: 'node-test', evidence: `${nodeTest} imports node:test` };
  return { runner: null, evidence: null };
}

/** The Node project in `dir` (it has a package.json), or null. */
export function detectNode(pf: ProjectFiles, dir: string, notes: string[] = []): DetectedProject | null {
  const files = filesIn(pf, dir);
  if (!files.includes('package.json')) return null;
  const read = (p: string) => pf.read(under(dir, p));
  let pkg: Json = {};
  try {
    const parsed = JSON.parse(read('package.json') ?? '{}') as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) pkg = parsed as Json;
  } catch (err) {
    notes.push(`${under(dir, 'package.json')} could not be read (${(err as Error).message}); its settings were ignored`);
  }
  const tsconfig = files.includes('tsconfig.json') ? readJsonc(read('tsconfig.json')) : null;
  const evidence: string[] = [`node: package.json${dir ? ` in ${dir}/` : ''}`];

  const sources: string[] = [];
  const add = (paths: string[], why: string) => {
    const found = paths.map((p) => sourceOf(p, files)).filter((p): p is string => p !== null && !sources.includes(p));
    if (found.length) {
      sources.push(...new Set(found));
      evidence.push(`code: ${why} → ${[...new Set(found)].join(', ')}`);
    }
  };
  add(strings(pkg.main).concat(strings(pkg.module)), 'package.json main');
  add(strings(pkg.exports), 'package.json exports');
  add(strings(pkg.bin), 'package.json bin');
  add(strings(pkg.files), 'package.json files');
  const options = (tsconfig?.compilerOptions ?? {}) as Json;
  add(strings(tsconfig?.include).concat(strings(options.rootDir)), 'tsconfig.json include');
  if (!sources.length) add(topFolders(files).filter((d) => ['src', 'lib', 'source'].includes(d)), 'the src/lib folder');
  if (!sources.length) add(files.filter((f) => !f.includes('/') && isCode(f) && !/\.config\.\w+$/.test(f)), 'code at the top level');

  const tests = TEST_DIRS.filter((d) => files.some((f) => f.startsWith(`${d}/`) && CODE.test(f)) && !sources.includes(d));
  if (tests.length) evidence.push(`tests: ${tests.join(', ')}/ (test folder)`);
  // A workspace package's tests are its own (their node:test import says nothing about this folder's runner).
  const nested = files.filter((f) => f.endsWith('/package.json') && !/(^|\/)node_modules\//.test(f)).map((f) => f.slice(0, -'/package.json'.length));
  const runner = chooseRunner(pkg, files.filter((f) => !nested.some((d) => f.startsWith(`${d}/`))), read);
  if (runner.evidence) evidence.push(`${runner.runner}: ${runner.evidence}`);
  const checkers: Checker[] = [];
  if (tsconfig || files.includes('tsconfig.json')) {
    checkers.push('tsc');
    evidence.push('tsc: tsconfig.json');
  }
  const eslint = files.find((f) => ESLINT_FILES.test(f)) ?? ('eslintConfig' in pkg ? 'package.json eslintConfig' : undefined);
  if (eslint) {
    checkers.push('eslint');
    evidence.push(`eslint: ${eslint}`);
  }
  const counts = new Map<string, number>();
  for (const f of files) {
    const m = CODE.exec(f);
    if (m && [...sources, ...tests].some((s) => f === s || f.startsWith(`${s}/`))) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
  }
  return {
    dir,
    language: 'node',
    sources: sources.map((s) => under(dir, s)),
    tests: tests.map((t) => under(dir, t)),
    extensions: [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([e]) => e),
    importRoots: [],
    runner: runner.runner,
    checkers,
    evidence,
  };
}
