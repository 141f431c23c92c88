// The repository's own code is what gets tested: every validator runs with the repo's
// Python import roots first on PYTHONPATH (so an installed, possibly stale copy of the
// package in site-packages does not win), and with npm told never to download a tool.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, relative, resolve } from 'node:path';
import { PipeError } from '../errors.js';
import type { Policy } from '../types/generated/index.js';

const SKIP_DIRS = new Set(['.git', '.pipe', 'node_modules', '.venv', 'venv', 'env', 'build', 'dist', '__pycache__', '.tox', '.nox', '.mypy_cache', '.pytest_cache']);

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Top-level Python packages (folders with __init__.py) and modules (*.py) directly in `dir`. */
export function pythonPackagesIn(dir: string, options: { modules?: boolean } = {}): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of names.sort()) {
    if (SKIP_DIRS.has(name) || name.startsWith('.') || !/^[A-Za-z_][A-Za-z0-9_]*(\.py)?$/.test(name)) continue;
    const full = join(dir, name);
    if (isDir(full) && existsSync(join(full, '__init__.py'))) out.push(name);
    else if (options.modules && name.endsWith('.py') && name !== 'setup.py' && name !== 'conftest.py' && !isDir(full)) out.push(name.slice(0, -3));
  }
  return out;
}

/**
 * Repo-relative import roots: `validation.python_path` when set, else `src` when it holds a
 * package or module (src layout), and `.` when the root holds a package (top-level layout).
 */
export function pythonImportRoots(repo: string, policy: Policy): string[] {
  const configured = policy.validation?.python_path;
  if (configured) {
    for (const p of configured) {
      const rel = relative(repo, resolve(repo, p));
      if (isAbsolute(p) || rel.startsWith('..')) {
        throw new PipeError('E_CONFIG', `validation.python_path entry '${p}' is outside the repository`, { hint: 'list folders relative to the repo root' });
      }
    }
    return [...configured];
  }
  const roots: string[] = [];
  if (pythonPackagesIn(join(repo, 'src'), { modules: true }).length) roots.push('src');
  if (pythonPackagesIn(repo).length) roots.push('.');
  return roots;
}

/** Packages the import roots provide: what the baseline checks the origin of. */
export function packagesUnderTest(repo: string, roots: readonly string[]): { name: string; root: string }[] {
  const out: { name: string; root: string }[] = [];
  for (const root of roots) {
    for (const name of pythonPackagesIn(resolve(repo, root), { modules: root !== '.' })) {
      if (/^(tests?|testing|docs?|examples?|scripts?|benchmarks?)$/.test(name)) continue;
      if (!out.some((p) => p.name === name)) out.push({ name, root });
    }
  }
  return out;
}

/**
 * Environment every validator gets on top of its own `env:`: PYTHONPATH with the import
 * roots first (then the validator's own PYTHONPATH, then the caller's), and npm/npx set
 * never to ask for or fetch a package (`npx --no-install` behaviour even without the flag).
 */
export function repoValidatorEnv(repo: string, roots: readonly string[], own: Record<string, string>, base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = { npm_config_yes: 'false', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
  const parts = [...roots.map((r) => resolve(repo, r)), ...(own.PYTHONPATH ?? base.PYTHONPATH ?? '').split(delimiter).filter(Boolean)];
  const unique = [...new Set(parts)];
  if (unique.length) env.PYTHONPATH = unique.join(delimiter);
  return { ...own, ...env };
}
