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
