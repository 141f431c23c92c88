// Which repository files a call may see. Candidates come from git's own file list
// (tracked plus untracked-but-not-ignored), so ignored files never leave the machine;
// secrets, pipe's own folders, forbidden paths, symlinks and binaries are dropped with
// a reason. Order is deterministic: files the task names literally, in the order
// named, then glob matches sorted by path.
import { lstatSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import picomatch from 'picomatch';
import { PipeError } from '../errors.js';
import { git, type Exec } from '../exec/run.js';
import type { ContextFileEntry, ScopedContext } from './types.js';
import type { Policy, Task } from '../types/generated/index.js';

/** Never sent, whatever the task's globs say. */
export const SECRET_GLOBS = ['**/.env', '**/.env*', '**/*.pem', '**/*.key', '**/id_rsa*', '**/id_ed25519*', '**/id_ecdsa*', '**/*.p12', '**/*.pfx', '**/.netrc', '**/.npmrc', '**/.pypirc'];
/** Files larger than this are not read at all (a context never needs them whole). */
const MAX_FILE_BYTES = 8 * 1024 * 1024;

export interface CandidateFile {
  path: string;
  source: ContextFileEntry['source'];
  text: string;
}

export interface FileSelection {
  files: CandidateFile[];
  cut: ScopedContext['cut'];
}

const MATCH_OPTIONS = { dot: true } as const;

// Compiled once per process: the same policy globs are matched on every call.
const compiled = new Map<string, (path: string) => boolean>();
function matcher(patterns: string[]): (path: string) => boolean {
  const key = patterns.join('\0');
  let m = compiled.get(key);
  if (!m) {
    m = picomatch(patterns, MATCH_OPTIONS);
    compiled.set(key, m);
  }
  return m;
}

function normalisePattern(pattern: string): string {
  return pattern.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

/** git's file list: tracked and untracked files, minus everything .gitignore'd. */
export async function listRepoFiles(exec: Exec, repo: string): Promise<string[]> {
  const result = await git(exec, repo, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
  if (result.failed) {
    throw new PipeError('E_CONFIG', `cannot list the files of ${repo} with git ls-files: ${(result.stderr || result.spawnError || '').trim()}`, {
      hint: 'pipe works inside a git repository; run `git init` or pass --repo',
    });
  }
  // Tracked names come sorted, so the only repeats (unmerged index stages) are adjacent.
  const names: string[] = [];
  let previous = '';
  for (const name of result.stdout.split('\0')) {
    if (name && name !== previous) names.push(name);
    previous = name;
  }
  return names;
}

function isBinary(bytes: Buffer): boolean {
  if (bytes.includes(0)) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return false;
  } catch {
    return true;
  }
}

/** Why a path may never be sent, or null when it may. */
export function excludedReason(path: string, forbidden: (p: string) => boolean, secret: (p: string) => boolean): string | null {
  const top = path.split('/')[0];
  if (top === '.git' || path.includes('/.git/')) return 'inside .git (never sent)';
  if (top === '.pipe') return "inside .pipe, pipe's own records (never sent)";
  if (secret(path)) return 'looks like a secret (.env, key or certificate; never sent)';
  if (forbidden(path)) return 'matches safety.forbidden_paths (never sent)';
  return null;
}

function readCandidate(
  repo: string,
  path: string,
  source: ContextFileEntry['source'],
  forbidden: (p: string) => boolean,
  secret: (p: string) => boolean,
): CandidateFile | { path: string; reason: string } {
  const reason = excludedReason(path, forbidden, secret);
  if (reason) return { path, reason };
  if (posix.isAbsolute(path) || path.split('/').includes('..')) return { path, reason: 'outside the repository' };
  const full = join(repo, path);
  // Synchronous reads: context files are small, and for a few hundred of them the
  // thread-pool round trips of async fs cost more than the reads themselves.
  let info;
  try {
    info = lstatSync(full);
  } catch {
    return { path, reason: 'listed by git but missing on disk' };
  }
  if (info.isSymbolicLink()) return { path, reason: 'symbolic link (never followed)' };
  if (!info.isFile()) return { path, reason: 'not a regular file' };
  if (info.size > MAX_FILE_BYTES) return { path, reason: `larger than ${MAX_FILE_BYTES} bytes` };
  let bytes: Buffer;
  try {
    bytes = readFileSync(full);
  } catch {
    return { path, reason: 'cannot be read' };
  }
  if (isBinary(bytes)) return { path, reason: 'binary (NUL byte or invalid UTF-8)' };
  return { path, source, text: bytes.toString('utf8') };
}

/** Candidate files in send order, read until `maxChars` of text is in hand (a broad glob over a large repo reads no more than it can send). */
export async function selectContextFiles(exec: Exec, repo: string, task: Task, policy: Policy, maxChars = Number.POSITIVE_INFINITY): Promise<FileSelection> {
  const contextPatterns = (task.context_files ?? task.allowed_files).map(normalisePattern);
  const allowedPatterns = task.allowed_files.map(normalisePattern);
  const cut: FileSelection['cut'] = [];
  const listed = await listRepoFiles(exec, repo);
  // Literal names are looked up in a set built only when the task names any.
  let inRepoSet: Set<string> | null = null;
  const inRepo = (path: string) => (inRepoSet ??= new Set(listed)).has(path);

  const secret = matcher(SECRET_GLOBS);
  const forbiddenGlobs = (policy.safety?.forbidden_paths ?? []).map(normalisePattern);
  const forbidden = forbiddenGlobs.length ? matcher(forbiddenGlobs) : () => false;

  // Ordered candidate list: literal names first (as named), then sorted glob matches.
  const order: { path: string; source: ContextFileEntry['source'] }[] = [];
  const taken = new Set<string>();
  const take = (path: string, source: ContextFileEntry['source']) => {
    if (taken.has(path)) return;
    taken.add(path);
    order.push({ path, source });
  };
  // Without context_files the task's allowed files are the whole context.
  const groups: [string[], ContextFileEntry['source']][] = task.context_files
    ? [
        [contextPatterns, 'context_files'],
        [allowedPatterns, 'allowed_files'],
      ]
    : [[allowedPatterns, 'allowed_files']];
  // Each glob keeps its literal base folder: only paths under it are tested, so a glob
  // over one package does not run a regex against every file of a large repository.
  const globs: { base: string; match: (p: string) => boolean; source: ContextFileEntry['source'] }[] = [];
  for (const [patterns, source] of groups) {
    for (const pattern of patterns) {
      const scanned = picomatch.scan(pattern);
      if (scanned.isGlob) {
        globs.push({ base: scanned.base ? `${scanned.base}/` : '', match: matcher([pattern]), source });
      } else if (inRepo(pattern)) {
        take(pattern, source);
      } else if (!taken.has(pattern) && !cut.some((c) => c.path === pattern)) {
        cut.push({ path: pattern, reason: source === 'allowed_files' ? 'not in the repository yet (a patch may create it)' : "not in git's file list (missing or git-ignored)" });
      }
    }
  }
  if (globs.length) {
    const matched: { path: string; source: ContextFileEntry['source'] }[] = [];
    for (const path of listed) {
      if (taken.has(path)) continue;
      const hit = globs.find((g) => path.startsWith(g.base) && g.match(path));
      if (hit) matched.push({ path, source: hit.source });
    }
    matched.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    for (const m of matched) take(m.path, m.source);
  }

  // Stop reading read-only context once the character limit is in hand, but always read
  // the files the patch may touch: the budget step needs to know whether they fit.
  const files: CandidateFile[] = [];
  let chars = 0;
  for (const candidate of order) {
    if (chars >= maxChars && !isPatchable(task, candidate.path)) {
      cut.push({ path: candidate.path, reason: 'max_context_chars_per_call reached', limit: 'max_context_chars_per_call' });
      continue;
    }
    const r = readCandidate(repo, candidate.path, candidate.source, forbidden, secret);
    if ('text' in r) {
      files.push(r);
      chars += r.text.length;
    } else cut.push(r);
  }
  return { files, cut };
}

/** Whether a repo-relative path is one the task's patch may touch (task.allowed_files). */
export function isPatchable(task: Pick<Task, 'allowed_files'>, path: string): boolean {
  return task.allowed_files.length > 0 && matcher(task.allowed_files.map(normalisePattern))(path);
}
