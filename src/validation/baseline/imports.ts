// Where Python would import each package under test from, with the same interpreter and
// PYTHONPATH the validators get: a package found in site-packages instead of the
// repository means the tests would check an installed copy, not the code being changed.
import { basename, isAbsolute, relative, resolve } from 'node:path';
import type { Exec } from '../../exec/run.js';
import { packagesUnderTest } from '../repo-env.js';
import type { ValidatorSpec } from '../specs.js';
import type { ImportOrigin } from './types.js';

const PROBE = [
  'import importlib.util, json, sys',
  'out = {}',
  'for name in sys.argv[1:]:',
  '    try:',
  '        spec = importlib.util.find_spec(name)',
  '    except Exception:',
  '        spec = None',
  '    origin = None',
  '    if spec is not None:',
  '        origin = spec.origin if spec.origin not in (None, "namespace") else (list(spec.submodule_search_locations or []) or [None])[0]',
  '    out[name] = origin',
  'print(json.dumps(out))',
].join('\n');

/** The interpreter a validator runs under: its own argv[0] when that is a Python, else python3. */
function interpreterOf(spec: ValidatorSpec): string | null {
  const exe = basename(spec.argv[0]);
  if (/^python(\d+(\.\d+)?)?$/.test(exe)) return spec.argv[0];
  if (['pytest', 'py.test', 'mypy'].includes(exe) || spec.parser === 'pytest' || spec.parser === 'mypy') return 'python3';
  return null;
}

function inside(repo: string, path: string): boolean {
  const rel = relative(resolve(repo), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Origins of the packages under test, per the first Python validator; empty when there is none. */
export async function probeImports(exec: Exec, repo: string, roots: readonly string[], specs: readonly ValidatorSpec[], allowed: readonly string[]): Promise<ImportOrigin[]> {
  const spec = specs.find((s) => interpreterOf(s));
  if (!spec) return [];
  const packages = packagesUnderTest(repo, roots).slice(0, 10);
  if (!packages.length) return [];
  const python = interpreterOf(spec)!;
  if (!python.includes('/') && !allowed.includes(python)) return [];
  // Interpreter flags that change the path (-I isolated, -E ignore PYTHONPATH, -s no user site) apply to the probe too.
  const flags = interpreterOf(spec) === spec.argv[0] ? spec.argv.slice(1, Math.max(1, spec.argv.indexOf('-m'))).filter((a) => /^-[IEsS]+$/.test(a)) : [];
  const r = await exec({
    argv: [python, ...flags, '-c', PROBE, ...packages.map((p) => p.name)],
    cwd: spec.cwd ? resolve(repo, spec.cwd) : repo,
    root: repo,
    timeoutMs: 30_000,
    maxOutputBytes: 64 * 1024,
    allowedExecutables: allowed,
    env: spec.env,
  });
  if (r.failed) return [];
  try {
    const found = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, string | null>;
    return packages.map((p) => {
      const origin = found[p.name] ?? null;
      return { package: p.name, origin, inside_repo: origin !== null && inside(repo, origin) };
    });
  } catch {
    return [];
  }
}
