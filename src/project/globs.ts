// The globs `pipe init` writes: one per code folder and file extension found there, so
// every glob matches real files (a glob that matches nothing hides the code from the model).
import picomatch from 'picomatch';
import type { ProjectFiles } from './files.js';
import type { DetectedProject, ProjectProfile } from './types.js';

/** Globs for folders (or single files) holding files with these extensions. */
export function globsFor(pf: ProjectFiles, paths: string[], extensions: string[]): string[] {
  const out: string[] = [];
  for (const path of paths) {
    if (pf.files.includes(path)) {
      out.push(path);
      continue;
    }
    const inside = pf.files.filter((f) => f.startsWith(`${path}/`));
    for (const ext of extensions) if (inside.some((f) => f.endsWith(`.${ext}`))) out.push(`${path}/**/*.${ext}`);
  }
  return [...new Set(out)];
}

/** Project files a model should read but not change (its own configuration). */
function configFiles(pf: ProjectFiles, p: DetectedProject): string[] {
  const names = p.language === 'python' ? ['pyproject.toml', 'setup.cfg', 'setup.py'] : ['package.json', 'tsconfig.json'];
  return names.map((n) => (p.dir ? `${p.dir}/${n}` : n)).filter((f) => pf.files.includes(f));
}

export interface TaskGlobs {
  allowed: string[];
  context: string[];
}

export function taskGlobs(pf: ProjectFiles, profile: ProjectProfile): TaskGlobs {
  const allowed = profile.projects.flatMap((p) => [...globsFor(pf, p.sources, p.extensions), ...globsFor(pf, p.tests, p.extensions)]);
  if (!allowed.length) return { allowed: ['**/*'], context: ['**/*'] };
  const unique = [...new Set(allowed)];
  return { allowed: unique, context: [...new Set([...unique, ...profile.projects.flatMap((p) => configFiles(pf, p))])] };
}

/** The globs that match none of `files`. */
export function unmatchedGlobs(globs: string[], files: readonly string[]): string[] {
  return globs.filter((g) => {
    const match = picomatch(g, { dot: true });
    return !files.some((f) => match(f));
  });
}

export interface ExampleGlobs extends TaskGlobs {
  /** Why the example task covers less than the whole project, or null. */
  note: string | null;
}

/**
 * The example task's globs, narrowed until the files a patch may touch fit one call's
 * context (a share of `maxChars`, leaving room for the prompt): all code and tests, else the
 * code without the tests, else the first code files in path order, named one by one.
 */
export function exampleGlobs(pf: ProjectFiles, profile: ProjectProfile, maxChars: number): ExampleGlobs {
  const full = taskGlobs(pf, profile);
  const room = Math.floor(maxChars * 0.75);
  const matching = (globs: string[]) => {
    const match = picomatch(globs, { dot: true });
    return pf.files.filter((f) => match(f));
  };
  const size = (files: string[]) => files.reduce((n, f) => n + (pf.read(f)?.length ?? 0), 0);
  if (full.allowed[0] === '**/*' || size(matching(full.allowed)) <= room) return { ...full, note: null };
  const config = full.context.filter((g) => !full.allowed.includes(g));
  const code = [...new Set(profile.projects.flatMap((p) => globsFor(pf, p.sources, p.extensions)))];
  if (code.length && size(matching(code)) <= room) {
    return {
      allowed: code,
      context: [...code, ...config],
      note: `the tests are left out of the example task: with them its files would not fit one call (limits.max_context_chars_per_call ${maxChars}); add the test files a change needs`,
    };
  }
  const files: string[] = [];
  let used = 0;
  for (const f of matching(code.length ? code : full.allowed)) {
    const n = pf.read(f)?.length ?? 0;
    if (used + n > room) break;
    files.push(f);
    used += n;
  }
  if (!files.length) return { ...full, note: `no code file fits one call (limits.max_context_chars_per_call ${maxChars}); narrow allowed_files by hand` };
  return {
    allowed: files,
    context: [...files, ...config],
    note: `the project's code does not fit one call (limits.max_context_chars_per_call ${maxChars}); the example task names its first ${files.length} files: replace them with the files your change needs`,
  };
}
