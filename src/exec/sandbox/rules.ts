// Policy and a validator's overrides → the rules of its sandbox, and those rules as
// lines for records and `pipe plan`. Reads the file system only to keep what exists
// (bwrap refuses to mount a missing path) and to resolve symlinks, so a mask lands on
// the folder a link points to.
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import picomatch from 'picomatch';
import type { Mask, NetworkRule, SandboxRules } from './types.js';

export interface SandboxPolicy {
  sandbox_mask?: string[];
  sandbox_writable?: string[];
  sandbox_readable?: string[];
}

export interface ValidatorSandbox {
  network?: NetworkRule;
  writable?: string[];
  readable?: string[];
}

export interface RulesInput {
  repo: string;
  /** The user's home ($HOME); `~/` paths are skipped without one. */
  home: string | undefined;
  safety: SandboxPolicy | undefined;
  validator: ValidatorSandbox | undefined;
}

function inside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** `~/x` from home, absolute as is, anything else from the repository root. */
export function expandPath(path: string, home: string | undefined, repo: string): string | null {
  if (path === '~' || path.startsWith('~/')) return home ? join(home, path.slice(2)) : null;
  return isAbsolute(path) ? path : resolve(repo, path);
}

function real(path: string | null): string | null {
  if (path === null) return null;
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

function existing(paths: readonly string[], home: string | undefined, repo: string): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const r = real(expandPath(p, home, repo));
    if (r !== null && !out.includes(r)) out.push(r);
  }
  return out;
}

/** core.hooksPath values set in these git config files (a [core] section's hookspath, any case). */
function hooksPathsIn(files: readonly string[]): string[] {
  const out: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    let inCore = false;
    for (const line of text.split(/\r?\n/)) {
      const section = /^\s*\[([^\]"\s]+)/.exec(line);
      if (section) inCore = section[1].toLowerCase() === 'core';
      const m = inCore ? /^\s*hookspath\s*=\s*(.*?)\s*$/i.exec(line) : null;
      if (m && m[1]) out.push(m[1].replace(/^"(.*)"$/, '$1'));
    }
  }
  return out;
}

/**
 * .git (a folder, or a file pointing at the git dir of a worktree), that git dir, and .pipe;
 * and a hooks folder inside the repository (core.hooksPath, say .githooks or husky's
 * .husky/_, whose scripts run .husky/<hook>): git runs what is there on your next commit or
 * push, outside any sandbox, so a validator must not be able to plant a hook there either.
 */
function repoReadOnly(repo: string, home: string | undefined): string[] {
  const out: string[] = [];
  const configs: string[] = [];
  const dotGit = join(repo, '.git');
  try {
    const st = lstatSync(dotGit);
    out.push(dotGit);
    if (st.isDirectory()) configs.push(join(dotGit, 'config'));
    if (st.isFile()) {
      const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'));
      const gitDir = m ? real(resolve(repo, m[1].trim())) : null;
      if (gitDir) {
        out.push(gitDir);
        configs.push(join(gitDir, 'config.worktree'));
        try {
          const common = real(resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim()));
          if (common && !out.includes(common)) out.push(common);
          if (common) configs.push(join(common, 'config'), join(common, 'config.worktree'));
        } catch {
          /* not a linked worktree */
          configs.push(join(gitDir, 'config'));
        }
      }
    }
  } catch {
    /* no .git: nothing to protect */
  }
  if (home) configs.push(join(home, '.gitconfig'), join(home, '.config', 'git', 'config'));
  const hooks = hooksPathsIn(configs).map((h) => real(expandPath(h, home, repo)));
  if (real(join(repo, '.husky'))) hooks.push(real(join(repo, '.husky')));
  for (let h of hooks) {
    if (h === null || h === repo || !inside(repo, h)) continue;
    if (basename(h) === '_' && basename(dirname(h)) === '.husky') h = dirname(h);
    if (!out.includes(h)) out.push(h);
  }
  if (real(join(repo, '.pipe'))) out.push(join(repo, '.pipe'));
  return out;
}

/** A mask entry that names repository files by a glob (`.env` at any depth), or excludes them with a leading `!`. */
function isRepoGlob(entry: string): boolean {
  return !entry.startsWith('~') && !isAbsolute(entry) && /[*?[\]{}!]/.test(entry);
}

// Folders never searched for secrets: pipe's own and git's (read-only anyway), and trees of
// installed packages, which hold thousands of files and no user secrets.
const SKIP_DIRS = new Set(['.git', '.pipe', 'node_modules', '.venv', 'venv', 'site-packages', '__pycache__', '.tox', '.nox', '.mypy_cache', '.ruff_cache', '.pytest_cache']);
const MAX_ENTRIES = 50_000;

/**
 * Files in the repository matched by the mask's globs (`.env` files at any depth, say) and by
 * none of its `!` exclusions: a `.env` beside the code holds the same keys the environment scrub keeps
 * out, and the repository is otherwise readable in the sandbox. Symlinks are not followed; the
 * walk stops after MAX_ENTRIES entries, so a huge tree costs a bounded time.
 */
export function repoSecretFiles(repo: string, entries: readonly string[]): string[] {
  const include = entries.filter((e) => isRepoGlob(e) && !e.startsWith('!'));
  if (!include.length) return [];
  const matches = picomatch(include, { dot: true });
  const excluded = entries.filter((e) => isRepoGlob(e) && e.startsWith('!')).map((e) => e.slice(1));
  const isExcluded = excluded.length ? picomatch(excluded, { dot: true }) : () => false;
  const out: string[] = [];
  let seen = 0;
  const walk = (dir: string, rel: string) => {
    let list;
    try {
      list = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of list) {
      if (++seen > MAX_ENTRIES) return;
      const relPath = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.endsWith('.egg-info')) walk(join(dir, e.name), relPath);
      } else if (e.isFile() && matches(relPath) && !isExcluded(relPath)) {
        out.push(join(dir, e.name));
      }
    }
  };
  walk(repo, '');
  return out.sort();
}

export function sandboxRulesFor(input: RulesInput): SandboxRules {
  const repo = real(input.repo) ?? resolve(input.repo);
  const home = input.home ? real(input.home) ?? input.home : undefined;
  const masks: Mask[] = [];
  const maskEntries = input.safety?.sandbox_mask ?? [];
  for (const path of existing(maskEntries.filter((e) => !isRepoGlob(e)), home, repo)) {
    // A mask over the repository (or a parent of it) would hide the tree the validator checks.
    if (inside(path, repo)) continue;
    masks.push({ path, kind: statSync(path).isDirectory() ? 'dir' : 'file' });
  }
  // A mask inside a hidden folder adds nothing (bwrap would only create its mount point in the empty folder).
  const outer = masks.filter((m) => !masks.some((o) => o !== m && o.kind === 'dir' && inside(o.path, m.path)));
  masks.splice(0, masks.length, ...outer);
  for (const path of repoSecretFiles(repo, maskEntries)) masks.push({ path, kind: 'file' });
  return {
    repo,
    readOnly: repoReadOnly(repo, home),
    network: input.validator?.network ?? 'none',
    masks,
    writable: existing([...(input.safety?.sandbox_writable ?? []), ...(input.validator?.writable ?? [])], home, repo),
    readable: existing([...(input.safety?.sandbox_readable ?? []), ...(input.validator?.readable ?? [])], home, repo),
    home: home ?? '',
  };
}

function display(path: string, rules: SandboxRules): string {
  if (inside(rules.repo, path)) return relative(rules.repo, path) || '.';
  if (rules.home && inside(rules.home, path)) return `~${path.slice(rules.home.length)}`;
  return path;
}

/** The rules in words, one line each: what records and `pipe plan` show. */
export function describeRules(rules: SandboxRules): string[] {
  const list = (paths: string[]) => paths.map((p) => display(p, rules)).join(', ');
  const lines = [
    rules.network === 'none' ? 'network: none (own network namespace; the host and its loopback are unreachable)' : 'network: loopback (shares the host network: its loopback services, and beyond)',
    `file system: read-only except the repository ${rules.repo}`,
    '/tmp: private and empty',
    `read-only in the repository: ${list(rules.readOnly.filter((p) => inside(rules.repo, p))) || '(none)'}`,
    `hidden: ${list(rules.masks.map((m) => m.path)) || '(none of the listed secrets exist here)'}`,
  ];
  if (rules.writable.length) lines.push(`also writable: ${list(rules.writable)}`);
  if (rules.readable.length) lines.push(`also readable: ${list(rules.readable)}`);
  lines.push('processes: own PID namespace, all killed when the validator ends', 'environment: scrubbed (no credentials)');
  return lines;
}

/** `~/.ssh` for a path under home: how denial messages name a hidden path. */
export function displayPath(path: string, rules: SandboxRules): string {
  return display(path, rules);
}

