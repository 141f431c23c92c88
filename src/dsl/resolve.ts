// Where a named pipeline or policy lives: a path, a repo-local name, a built-in name,
// or an installed npm package specifier. Resolution only looks at the file system
// (Node's module resolution from the repo); it never reaches the network.
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { PIPELINES_DIR, POLICIES_DIR } from '../paths.js';
import { PipeError } from '../errors.js';
import { didYouMean } from './suggest.js';

export type ReferenceKind = 'pipeline' | 'policy';

export interface ResolvedReference {
  /** Absolute path of the file. */
  path: string;
  /** Set for a built-in: its name. */
  builtin?: string;
}

export interface ResolveOptions {
  /** Folder that relative paths start from (the referring file's folder, or the cwd). */
  fromDir: string;
  /** Repository root: repo-local names and packages resolve from here. */
  repo?: string;
  /** Folder searched for repo-local pipelines before `<repo>/pipelines` (Config.pipelines_dir). */
  pipelinesDir?: string;
}

const YAML_EXT = /\.ya?ml$/i;

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Names of the shipped pipelines or policies, from their folder. */
export function builtinNames(kind: ReferenceKind): string[] {
  const dir = kind === 'pipeline' ? PIPELINES_DIR : POLICIES_DIR;
  try {
    return readdirSync(dir).filter((f) => YAML_EXT.test(f)).map((f) => f.replace(YAML_EXT, '')).sort();
  } catch {
    return [];
  }
}

/** Looks like `@scope/pkg/file.yaml` or `pkg/file.yaml` rather than a path. */
export function isPackageSpecifier(ref: string): boolean {
  if (isAbsolute(ref) || ref.startsWith('./') || ref.startsWith('../') || ref.startsWith('.\\')) return false;
  if (ref.startsWith('@')) return /^@[^/]+\/[^/]+/.test(ref);
  return ref.includes('/');
}

/** Resolves a package specifier with Node's resolution from `base`, then by walking node_modules (for packages whose `exports` hide YAML files). */
function resolvePackage(spec: string, bases: string[]): string | undefined {
  for (const base of bases) {
    try {
      const req = createRequire(join(base, '__pipe_resolve__.js'));
      const found = req.resolve(spec);
      if (isFile(found)) return found;
    } catch {
      // fall through to the node_modules walk
    }
    const parts = spec.split('/');
    const nameLength = spec.startsWith('@') ? 2 : 1;
    const pkg = parts.slice(0, nameLength).join('/');
    const sub = parts.slice(nameLength).join('/');
    for (let dir = resolve(base); ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', pkg, sub);
      if (isFile(candidate)) return candidate;
      if (dirname(dir) === dir) break;
    }
  }
  return undefined;
}

/** Resolves a reference to a file; throws PipeError E_NOT_FOUND listing what was tried. */
export function resolveReference(ref: string, kind: ReferenceKind, options: ResolveOptions): ResolvedReference {
  const tried: string[] = [];
  const attempt = (p: string): string | undefined => {
    tried.push(p);
    return isFile(p) ? p : undefined;
  };
  if (isAbsolute(ref)) {
    const hit = attempt(ref);
    if (hit) return { path: hit };
  } else if (ref.startsWith('./') || ref.startsWith('../')) {
    const hit = attempt(resolve(options.fromDir, ref));
    if (hit) return { path: hit };
  } else {
    // A bare name or a relative path without ./: the referring folder first.
    const local = attempt(resolve(options.fromDir, ref));
    if (local) return { path: local };
    if (!ref.includes('/') && !YAML_EXT.test(ref)) {
      const folders = kind === 'pipeline' ? ['pipelines', '.pipe/pipelines'] : ['policies', '.pipe/policies'];
      const roots: string[] = [];
      if (options.pipelinesDir && options.repo && kind === 'pipeline') roots.push(resolve(options.repo, options.pipelinesDir));
      if (options.repo) for (const f of folders) roots.push(join(options.repo, f));
      for (const dir of roots) {
        for (const ext of ['.yaml', '.yml']) {
          const hit = attempt(join(dir, `${ref}${ext}`));
          if (hit) return { path: hit };
        }
      }
      const builtin = attempt(join(kind === 'pipeline' ? PIPELINES_DIR : POLICIES_DIR, `${ref}.yaml`));
      if (builtin) return { path: builtin, builtin: ref };
    }
    if (isPackageSpecifier(ref)) {
      const bases = [...new Set([options.repo, options.fromDir].filter((b): b is string => !!b))];
      const hit = resolvePackage(ref, bases);
      if (hit) return { path: hit };
      tried.push(`package ${ref} (node_modules from ${bases.map((b) => displayPath(b)).join(', ')})`);
    }
  }
  const names = builtinNames(kind);
  throw new PipeError('E_NOT_FOUND', `${kind} '${ref}' not found${didYouMean(ref, names)}`, {
    hint: `tried: ${tried.map((t) => displayPath(t)).join(', ')}; built-in ${kind === 'policy' ? 'policies' : 'pipelines'}: ${names.join(', ')}`,
    details: { ref, tried },
  });
}

/** A path as people like to read it: relative to the cwd when under it. */
export function displayPath(p: string): string {
  if (!isAbsolute(p)) return p;
  const rel = relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
}

export function exists(p: string): boolean {
  return existsSync(p);
}

/**
 * The git work tree `dir` is in, found on the file system: the nearest folder upwards
 * holding a `.git` folder or file, symlinks resolved like `git rev-parse --show-toplevel`;
 * undefined when there is none or `dir` is not a folder. For `pipe validate`, which must
 * not pay for loading execa and spawning git (GIT_DIR / GIT_WORK_TREE still need git).
 */
export function enclosingWorkTree(dir: string): string | undefined {
  try {
    if (!statSync(dir).isDirectory()) return undefined;
    for (let d = realpathSync(dir); ; d = dirname(d)) {
      if (existsSync(join(d, '.git'))) return d;
      if (dirname(d) === d) return undefined;
    }
  } catch {
    return undefined;
  }
}
