// Commands that run another tool: `python3 -m pytest`, `npx eslint`, `npm test`,
// `npm run lint`. Checking only argv[0] says python3 is installed, not pytest; these
// helpers name the tool inside, so the preflight can say what is really missing.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { resolveExecutable } from '../exec/run.js';

export type WrappedTool =
  | { kind: 'python-module'; python: string; module: string }
  | { kind: 'npx'; tool: string }
  | { kind: 'npm-script'; script: string };

const NPX_VALUE_OPTIONS = new Set(['-p', '--package', '--call', '-c', '--workspace', '-w']);

/** The tool a wrapper command runs, or null when argv[0] is the tool itself. */
export function unwrapCommand(argv: readonly string[]): WrappedTool | null {
  const exe = basename(argv[0] ?? '');
  if (/^python(\d+(\.\d+)?)?$/.test(exe)) {
    const i = argv.indexOf('-m');
    return i > 0 && argv[i + 1] ? { kind: 'python-module', python: argv[0], module: argv[i + 1] } : null;
  }
  if (exe === 'npx') {
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i];
      if (a === '--') return argv[i + 1] ? { kind: 'npx', tool: argv[i + 1] } : null;
      if (a === '-p' || a === '--package' || a === '-c' || a === '--call' || a.startsWith('--package=') || a.startsWith('--call=')) return null; // the package is named explicitly
      if (NPX_VALUE_OPTIONS.has(a)) {
        i += 1;
        continue;
      }
      if (a.startsWith('-')) continue;
      return { kind: 'npx', tool: a.replace(/@[^/@]*$/, '') || a };
    }
    return null;
  }
  if (exe === 'npm') {
    const args = argv.slice(1).filter((a) => !a.startsWith('-'));
    if (['test', 't', 'tst'].includes(args[0] ?? '')) return { kind: 'npm-script', script: 'test' };
    if (['run', 'run-script', 'rum', 'urn'].includes(args[0] ?? '') && args[1]) return { kind: 'npm-script', script: args[1] };
  }
  return null;
}

/** node_modules/.bin/<tool> in `cwd` or a folder above it, up to the repo root. */
export function localBin(repo: string, cwd: string, tool: string): string | null {
  const root = resolve(repo);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', '.bin', tool);
    if (existsSync(candidate)) return candidate;
    if (dir === root || relative(root, dir).startsWith('..') || dirname(dir) === dir) return null;
  }
}

/**
 * What is wrong with a wrapper that a static look can tell (npx would download, npm has no
 * such script), or null. `python -m X` needs the interpreter to answer: see preflight.
 */
export function staticWrapperProblem(tool: WrappedTool, repo: string, cwd: string, pathValue: string | undefined): string | null {
  if (tool.kind === 'npx') {
    if (localBin(repo, cwd, tool.tool) || resolveExecutable(tool.tool, pathValue, repo)) return null;
    return `runs 'npx ${tool.tool}', but ${tool.tool} is not installed in this repository (no node_modules/.bin/${tool.tool}); npx would try to download it. Run \`npm install\` (or \`npm ci\`) here first`;
  }
  if (tool.kind === 'npm-script') {
    const file = join(cwd, 'package.json');
    let scripts: Record<string, unknown> = {};
    try {
      scripts = (JSON.parse(readFileSync(file, 'utf8')) as { scripts?: Record<string, unknown> }).scripts ?? {};
    } catch {
      return `runs 'npm ${tool.script === 'test' ? 'test' : `run ${tool.script}`}', but there is no readable package.json in ${relative(repo, cwd) || '.'}`;
    }
    const script = scripts[tool.script];
    if (typeof script !== 'string') return `runs 'npm ${tool.script === 'test' ? 'test' : `run ${tool.script}`}', but package.json has no '${tool.script}' script`;
    if (/no test specified/i.test(script)) return `runs 'npm test', but package.json's test script is npm's placeholder ("${script}")`;
  }
  return null;
}
