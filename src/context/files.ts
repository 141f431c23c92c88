// Which repository files a call may see. Candidates come from git's own file list
// (tracked plus untracked-but-not-ignored), so ignored files never leave the machine;
// secrets, pipe's own folders, forbidden paths, symlinks and binaries are dropped with
// a reason. Order is deterministic: files the task names literally, in the order
// named, then glob matches sorted by path.
import { lstat, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import picomatch from 'picomatch';
import { PipeError } from '../errors.js';
import { git, type Exec } from '../exec/run.js';
import type { ContextFileEntry } from '../runner/types.js';
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
  cut: { path: string; reason: string }[];
}

const MATCH_OPTIONS = { dot: true } as const;

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
  const seen = new Set<string>();
  for (const name of result.stdout.split('\0')) if (name) seen.add(name);
  return [...seen];
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

async function readCandidate(
  repo: string,
  path: string,
  source: ContextFileEntry['source'],
  forbidden: (p: string) => boolean,
  secret: (p: string) => boolean,
): Promise<CandidateFile | { path: string; reason: string }> {
  const reason = excludedReason(path, forbidden, secret);
  if (reason) return { path, reason };
  if (posix.isAbsolute(path) || path.split('/').includes('..')) return { path, reason: 'outside the repository' };
  const full = join(repo, path);
  let info;
  try {
    info = await lstat(full);
  } catch {
    return { path, reason: 'listed by git but missing on disk' };
  }
  if (info.isSymbolicLink()) return { path, reason: 'symbolic link (never followed)' };
  if (!info.isFile()) return { path, reason: 'not a regular file' };
  if (info.size > MAX_FILE_BYTES) return { path, reason: `larger than ${MAX_FILE_BYTES} bytes` };
  const bytes = await readFile(full);
  if (isBinary(bytes)) return { path, reason: 'binary (NUL byte or invalid UTF-8)' };
  return { path, source, text: bytes.toString('utf8') };
}

/** Candidate files in send order, read until `maxChars` of text is in hand. */
export async function selectContextFiles(exec: Exec, repo: string, task: Task, policy: Policy, maxChars = Number.POSITIVE_INFINITY): Promise<FileSelection> {
  const contextPatterns = (task.context_files ?? task.allowed_files).map(normalisePattern);
  const allowedPatterns = task.allowed_files.map(normalisePattern);
  const cut: FileSelection['cut'] = [];
  const listed = await listRepoFiles(exec, repo);
  const inRepo = new Set(listed);

  const secret = picomatch(SECRET_GLOBS, MATCH_OPTIONS);
  const forbiddenGlobs = (policy.safety?.forbidden_paths ?? []).map(normalisePattern);
  const forbidden = forbiddenGlobs.length ? picomatch(forbiddenGlobs, MATCH_OPTIONS) : () => false;

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
  const globs: { match: (p: string) => boolean; source: ContextFileEntry['source'] }[] = [];
  for (const [patterns, source] of groups) {
    for (const pattern of patterns) {
      if (picomatch.scan(pattern).isGlob) {
        globs.push({ match: picomatch(pattern, MATCH_OPTIONS), source });
      } else if (inRepo.has(pattern)) {
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
      const hit = globs.find((g) => g.match(path));
      if (hit) matched.push({ path, source: hit.source });
    }
    matched.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    for (const m of matched) take(m.path, m.source);
  }

  // Read in order, a batch at a time, and stop once the character budget is spent:
  // a broad glob over a large repo must not read thousands of files it cannot send.
  const files: CandidateFile[] = [];
  let chars = 0;
  const BATCH = 64;
  for (let i = 0; i < order.length; i += BATCH) {
    if (chars >= maxChars) {
      for (const rest of order.slice(i)) cut.push({ path: rest.path, reason: 'max_context_chars_per_call reached' });
      break;
    }
    const batch = await Promise.all(order.slice(i, i + BATCH).map(({ path, source }) => readCandidate(repo, path, source, forbidden, secret)));
    for (const r of batch) {
      if ('text' in r) {
        files.push(r);
        chars += r.text.length;
      } else cut.push(r);
    }
  }
  return { files, cut };
}
