// Applying a gated patch: git apply for diffs (same arguments as the gate's check),
// or pipe's own writer when a caller hands it the new bytes. The caller has already written the journal.
import { chmod, lstat, mkdir, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Exec } from '../../exec/run.js';
import { git } from '../../exec/run.js';
import { PipeError } from '../../errors.js';
import { GIT_APPLY_ARGS } from '../checks/git-apply.js';
import type { ParsedPatch, ResolvedContent } from '../types.js';
import { writeFileDurable } from './journal.js';

async function writeContents(repo: string, contents: ResolvedContent[]): Promise<void> {
  for (const { path, content } of contents) {
    const full = join(repo, path);
    if (content === null) {
      await unlink(full);
      continue;
    }
    let mode = 0o644;
    try {
      mode = (await lstat(full)).mode & 0o7777;
    } catch {
      /* a new file */
    }
    await mkdir(dirname(full), { recursive: true });
    const tmp = join(dirname(full), `.pipe-write-${process.pid}-${Math.random().toString(36).slice(2)}`);
    await writeFileDurable(tmp, content);
    await chmod(tmp, mode);
    await rename(tmp, full);
  }
}

/** Writes the gated patch into the tree. Throws E_APPLY when git refuses. */
export async function applyToTree(options: { repo: string; exec: Exec; patch: ParsedPatch; contents: ResolvedContent[] | null }): Promise<void> {
  const { repo, exec, patch } = options;
  if (options.contents) {
    await writeContents(repo, options.contents);
    return;
  }
  if (!patch.diffText) throw new PipeError('E_APPLY', 'the patch was not located by the gate; run the gate step before apply');
  const r = await git(exec, repo, [...GIT_APPLY_ARGS, '-'], { input: patch.diffText });
  if (r.failed) {
    throw new PipeError('E_APPLY', `git apply failed in ${repo}: ${(r.stderr || r.spawnError || `exit ${r.exitCode}`).trim().split('\n').slice(0, 6).join('; ')}`, {
      hint: 'the working tree changed after the gate checked the patch; the attempt was rolled back',
    });
  }
}
