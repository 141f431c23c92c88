// The whole repository: the project at the root, or, when the root holds no project
// files (or is an npm workspace root), the projects in its folders (a monorepo).
import { type ProjectFiles } from './files.js';
import { detectNode } from './node.js';
import { detectPython } from './python.js';
import type { DetectedProject, ProjectProfile } from './types.js';

const ROOT_MARKERS = ['pyproject.toml', 'setup.py', 'setup.cfg', 'package.json'];
const PROJECT_FILE = /^(?:(.+)\/)?(pyproject\.toml|setup\.py|setup\.cfg|package\.json)$/;
/** Folders whose project files are not projects of this repository. */
const NOT_PROJECTS = new Set(['node_modules', 'examples', 'example', 'fixtures', 'test', 'tests', 'docs', 'vendor', 'third_party', 'site-packages', 'dist', 'build']);
const MAX_PROJECTS = 12;

function detectAt(pf: ProjectFiles, dir: string, notes: string[]): DetectedProject[] {
  const found = [detectPython(pf, dir, notes), detectNode(pf, dir, notes)].filter((p): p is DetectedProject => p !== null);
  // A package.json beside a Python project (docs tooling, a linter) is no project of its own.
  return found.filter((p) => p.language === 'python' || p.sources.length > 0 || p.runner !== null || found.length === 1);
}

function isWorkspaceRoot(pf: ProjectFiles): boolean {
  try {
    const pkg = JSON.parse(pf.read('package.json') ?? '{}') as { workspaces?: unknown };
    return Boolean(pkg.workspaces);
  } catch {
    return false;
  }
}

/** Folders one or two levels down holding a project file. */
function projectFolders(pf: ProjectFiles): string[] {
  const dirs = new Set<string>();
  for (const f of pf.files) {
    const m = PROJECT_FILE.exec(f);
    if (!m?.[1]) continue;
    const parts = m[1].split('/');
    if (parts.length > 2 || parts.some((p) => NOT_PROJECTS.has(p) || p.startsWith('.'))) continue;
    dirs.add(m[1]);
  }
  // A folder inside another project folder belongs to it.
  return [...dirs].sort().filter((d, _, all) => !all.some((o) => o !== d && d.startsWith(`${o}/`)));
}

export function detectProject(pf: ProjectFiles): ProjectProfile {
  const notes: string[] = [];
  const rootHasProject = ROOT_MARKERS.some((m) => pf.files.includes(m));
  const workspaces = rootHasProject && isWorkspaceRoot(pf);
  let projects: DetectedProject[] = [];
  if (!rootHasProject || workspaces) {
    const folders = projectFolders(pf);
    if (folders.length > MAX_PROJECTS) notes.push(`${folders.length} project folders found; only the first ${MAX_PROJECTS} were set up (${folders.slice(MAX_PROJECTS).join(', ')} were not)`);
    projects = folders.slice(0, MAX_PROJECTS).flatMap((d) => detectAt(pf, d, notes));
    if (workspaces) projects = [...detectAt(pf, '', notes).filter((p) => p.runner !== null), ...projects];
  }
  if (!projects.length) projects = detectAt(pf, '', notes);
  const languages = new Set(projects.map((p) => p.language));
  const kind = languages.size === 0 ? 'generic' : languages.size > 1 ? 'mixed' : [...languages][0];
  if (!projects.length) notes.push('no Python or Node project files found: the example task may touch any file; narrow allowed_files by hand');
  for (const p of projects) {
    if (!p.sources.length && !p.tests.length) notes.push(`${p.dir || 'the root'}: no code folder was found; narrow allowed_files by hand`);
    if (!p.runner) notes.push(`${p.dir || 'the root'}: no test runner is configured (${p.language === 'python' ? 'pytest or unittest' : 'vitest, jest, node:test or an npm test script'}); the task has no test validator`);
  }
  return { kind, projects, notes };
}

