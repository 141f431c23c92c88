// Symlinks: a path may not pass through a symlink in the working tree or one the same
// patch creates (writing through it would land outside the path the gate checked),
// may not be a symlink itself, and symlink creation needs safety.allow_symlinks.
import { lstat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { ParsedPatch } from '../types.js';
import { touchedPaths } from '../types.js';
import type { CheckResult, SafetyRules } from './types.js';
import { fail, listPaths, pass } from './types.js';

type Kind = 'symlink' | 'dir' | 'file' | 'absent';

async function kindOf(full: string): Promise<Kind> {
  try {
    const st = await lstat(full);
    return st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'dir' : 'file';
  } catch {
    return 'absent';
  }
}

/** The first symlink among the path's parents (or the path itself when `self`), with a cache per prefix. */
export async function symlinkOnPath(repo: string, path: string, cache: Map<string, Kind>, self = true): Promise<string | null> {
  const segments = path.split('/');
  const upto = self ? segments.length : segments.length - 1;
  for (let k = 1; k <= upto; k++) {
    const prefix = segments.slice(0, k).join('/');
    let kind = cache.get(prefix);
    if (kind === undefined) {
      kind = await kindOf(join(repo, prefix));
      cache.set(prefix, kind);
    }
    if (kind === 'symlink') return prefix;
    if (kind !== 'dir') return null;
  }
  return null;
}

/** A symlink target must stay inside the repository, relative to the link's folder. */
function targetEscapes(linkPath: string, target: string): boolean {
  if (target.startsWith('/') || target === '') return true;
  const resolved = posix.normalize(posix.join(posix.dirname(linkPath), target));
  return resolved === '..' || resolved.startsWith('../');
}

export async function checkSymlinks(patch: ParsedPatch, repo: string, rules: SafetyRules): Promise<CheckResult> {
  const problems: string[] = [];
  const bad: string[] = [];
  const created = patch.files.filter((f) => f.newMode === '120000' && f.newPath !== null);
  for (const f of created) {
    if (!rules.allowSymlinks) {
      problems.push(`creates a symlink at ${listPaths([f.newPath!])}; the policy does not allow symlinks (safety.allow_symlinks)`);
      bad.push(f.newPath!);
      continue;
    }
    const target = f.hunks.flatMap((h) => h.lines).find((l) => l.startsWith('+'))?.slice(1).replace(/\r$/, '') ?? '';
    if (targetEscapes(f.newPath!, target)) {
      problems.push(`the symlink ${listPaths([f.newPath!])} points outside the repository ('${target}')`);
      bad.push(f.newPath!);
    }
  }
  const createdLinks = created.map((f) => f.newPath!);
  const cache = new Map<string, Kind>();
  for (const f of patch.files) {
    for (const p of touchedPaths(f)) {
      const through = createdLinks.find((l) => p.startsWith(`${l}/`));
      if (through) {
        problems.push(`${listPaths([p])} passes through the symlink ${listPaths([through])} that the same patch creates`);
        bad.push(p);
        continue;
      }
      // The file itself may be a symlink only when symlinks are allowed and the patch treats it as one.
      const treatsAsLink = f.oldMode === '120000' || f.newMode === '120000';
      const link = await symlinkOnPath(repo, p, cache, !(rules.allowSymlinks && treatsAsLink));
      if (link === p) {
        problems.push(`${listPaths([p])} is a symlink in the working tree; pipe does not patch through symlinks`);
        bad.push(p);
      } else if (link) {
        problems.push(`${listPaths([p])} passes through the symlink ${listPaths([link])} in the working tree`);
        bad.push(p);
      }
    }
  }
  if (problems.length === 0) return pass('symlinks');
  return fail('symlinks', problems.slice(0, 5).join('; '), [...new Set(bad)]);
}

/** Every touched path must be a file or absent, and its parents folders (or absent): never patch a directory or a path under a file. */
export async function checkFileTypes(patch: ParsedPatch, repo: string): Promise<CheckResult> {
  const problems: string[] = [];
  const bad: string[] = [];
  for (const p of new Set(patch.files.flatMap(touchedPaths))) {
    const segments = p.split('/');
    for (let k = 1; k <= segments.length; k++) {
      const prefix = segments.slice(0, k).join('/');
      const kind = await kindOf(join(repo, prefix));
      if (kind === 'absent' || kind === 'symlink') break;
      if (k === segments.length && kind === 'dir') {
        problems.push(`${listPaths([p])} is a directory in the working tree, not a file`);
        bad.push(p);
      } else if (k < segments.length && kind === 'file') {
        problems.push(`${listPaths([p])} lies under ${listPaths([prefix])}, which is a file`);
        bad.push(p);
        break;
      }
    }
  }
  if (problems.length === 0) return pass('file-types');
  return fail('file-types', `${problems.slice(0, 5).join('; ')}; patch files, not folders`, bad);
}
