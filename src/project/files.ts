// The small view of a repository that project detection reads: the list of its files
// (what git lists: tracked plus untracked-but-not-ignored, so build output and virtualenvs
// stay out) and a reader. Detection is pure over this; tests pass an in-memory one.
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { listRepoFiles } from '../context/files.js';
import type { Exec } from '../exec/run.js';

export interface ProjectFiles {
  /** Repo-relative POSIX paths of every file. */
  files: readonly string[];
  /** A file's text, or null when it is missing or unreadable. */
  read(path: string): string | null;
}

/** Folders that are never the project's own code, even when nothing ignores them. */
const NOT_PROJECT = /(^|\/)(node_modules|site-packages|\.venv|venv|\.tox|\.nox|__pycache__|\.git)\//;

/** Files of the repository on disk, as git lists them, without virtualenvs and installed packages. */
export async function repoFiles(exec: Exec, repo: string): Promise<ProjectFiles> {
  const files = (await listRepoFiles(exec, repo)).filter((f) => !NOT_PROJECT.test(f));
  return {
    files,
    read(path) {
      try {
        return readFileSync(join(repo, path), 'utf8');
      } catch {
        return null;
      }
    },
  };
}

/** An in-memory repository (tests, and detection of a sub-folder). */
export function memoryFiles(contents: Record<string, string>): ProjectFiles {
  return { files: Object.keys(contents).sort(), read: (p) => contents[p] ?? null };
}

/** `dir` joined to `path`, POSIX, '' meaning the repository root. */
export function under(dir: string, path: string): string {
  return dir ? posix.join(dir, path) : posix.normalize(path).replace(/^\.\//, '');
}

/** The files below `dir` ('' for all), relative to it. */
export function filesIn(pf: ProjectFiles, dir: string): string[] {
  if (!dir) return [...pf.files];
  const prefix = `${dir.replace(/\/$/, '')}/`;
  return pf.files.filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length));
}

/** Top-level folder names of a file list. */
export function topFolders(files: readonly string[]): string[] {
  const out = new Set<string>();
  for (const f of files) {
    const i = f.indexOf('/');
    if (i > 0) out.add(f.slice(0, i));
  }
  return [...out].sort();
}
