// What `pipe init` learns about a repository: one entry per project folder (the root, or
// the folders of a monorepo), each with its code, its tests, its test runner and the
// checkers its own configuration asks for, and the evidence for each choice.

export type TestRunner = 'pytest' | 'unittest' | 'vitest' | 'jest' | 'node-test' | 'npm-test';
export type Checker = 'ruff' | 'mypy' | 'tsc' | 'eslint';
export type Language = 'python' | 'node';

export interface DetectedProject {
  /** The project folder, repo-relative ('' for the root). */
  dir: string;
  language: Language;
  /** Repo-relative folders (or single files) holding the code: `src/pkg`, `jwt`, `index.js`. */
  sources: string[];
  /** Repo-relative test folders (tests beside the code are covered by `sources`). */
  tests: string[];
  /** The project's own configuration decides what the runner collects (pytest's `testpaths`, or any pytest section); otherwise the test folders were guessed and the command names them. */
  testsConfigured?: boolean;
  /** Code file extensions, without the dot, most common first. */
  extensions: string[];
  /** Python: folders the packages import from, repo-relative ('' for the project folder itself is its dir). */
  importRoots: string[];
  runner: TestRunner | null;
  checkers: Checker[];
  /** Why each choice was made, in the user's words ("pyproject.toml [tool.pytest.ini_options] testpaths"). */
  evidence: string[];
}

export interface ProjectProfile {
  kind: Language | 'mixed' | 'generic';
  projects: DetectedProject[];
  /** Things the user should know (unreadable config, nothing found). */
  notes: string[];
}
