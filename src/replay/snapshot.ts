// The trees a replay reads: a temporary git worktree of the user's repository at the
// recorded commit, under a temp folder, with the run's uncommitted files laid over it
// where the user's tree still holds the very bytes recorded (their sha256 matches).
// Without --validate one read-only tree per commit serves every run started there;
// with --validate each run gets its own, removed after. The user's working tree is
// never written: git only adds and removes the worktree's entry under .git/worktrees.
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PipeError } from '../errors.js';
import { git, type Exec, type ExecRequest, type ExecResult } from '../exec/run.js';
import { sha256 } from '../records/digest.js';
import type { DirtyFile } from '../records/types.js';

export interface Tree {
  dir: string;
  /** Dirty files of the recorded run that could not be laid over (the user's copy changed since). */
  missing: string[];
}

// Hooks in the user's repository must not run for a replay's checkout.
const NO_HOOKS = ['-c', 'core.hooksPath=/dev/null'];

export class Snapshots {
  private readonly shared = new Map<string, Promise<Tree>>();
  private readonly owned: string[] = [];
  private base: string | null = null;
  private made = 0;

  constructor(
    private readonly repo: string,
    private readonly exec: Exec,
  ) {}

  private async folder(): Promise<string> {
    this.base ??= await mkdtemp(join(tmpdir(), 'pipe-replay-'));
    return this.base;
  }

  /** A worktree at `commit` with the dirty files laid over; removed by close(). */
  private async create(commit: string, dirty: readonly DirtyFile[]): Promise<Tree> {
    this.made += 1;
    const dir = join(await this.folder(), `tree-${this.made}`);
    const added = await git(this.exec, this.repo, [...NO_HOOKS, 'worktree', 'add', '--detach', '--force', '-q', dir, commit]);
    if (added.failed) {
      const why = (added.stderr || added.spawnError || '').trim().split('\n')[0];
      throw new PipeError('E_NOT_FOUND', `commit ${commit.slice(0, 12)} cannot be checked out from ${this.repo}: ${why}`, {
        hint: 'the commit the run started from must be in this repository (fetch it, e.g. `git fetch --unshallow` in CI)',
      });
    }
    this.owned.push(dir);
    return { dir, missing: await overlay(this.repo, dir, dirty) };
  }

  /** One read-only tree per (commit, dirty files) for the whole replay. */
  sharedTree(commit: string, dirty: readonly DirtyFile[]): Promise<Tree> {
    const key = `${commit}\0${dirty.map((d) => `${d.path}:${d.sha256}`).join('\0')}`;
    let tree = this.shared.get(key);
    if (!tree) {
      tree = this.create(commit, dirty);
      this.shared.set(key, tree);
    }
    return tree;
  }

  /** A tree of its own (a --validate run writes to it); remove it with removeTree. */
  ownTree(commit: string, dirty: readonly DirtyFile[]): Promise<Tree> {
    return this.create(commit, dirty);
  }

  async removeTree(dir: string): Promise<void> {
    await git(this.exec, this.repo, ['worktree', 'remove', '--force', dir]);
    await rm(dir, { recursive: true, force: true });
    const i = this.owned.indexOf(dir);
    if (i >= 0) this.owned.splice(i, 1);
  }

  /** Removes every tree and the temp folder, and prunes git's worktree list. */
  async close(): Promise<void> {
    for (const dir of [...this.owned]) await this.removeTree(dir);
    if (this.base) await rm(this.base, { recursive: true, force: true });
    await git(this.exec, this.repo, ['worktree', 'prune']);
  }
}

/** Copies the user's dirty files whose bytes still match the record into the tree; returns those that do not. */
async function overlay(repo: string, dir: string, dirty: readonly DirtyFile[]): Promise<string[]> {
  const missing: string[] = [];
  for (const f of dirty) {
    if (f.sha256 === null) {
      await rm(join(dir, f.path), { force: true });
      continue;
    }
    const bytes = await readFile(join(repo, f.path)).catch(() => null);
    if (!bytes || sha256(bytes) !== f.sha256) {
      missing.push(f.path);
      continue;
    }
    await mkdir(dirname(join(dir, f.path)), { recursive: true });
    await copyFile(join(repo, f.path), join(dir, f.path));
  }
  return missing;
}

// git commands that only read: on a tree nobody writes, the same question gets the same answer.
const READ_ONLY_GIT = new Set(['ls-files', 'ls-tree', 'rev-parse', 'symbolic-ref', 'status', 'apply', 'diff', 'cat-file']);

function cacheable(request: ExecRequest): boolean {
  const [exe, ...args] = request.argv;
  if (exe !== 'git') return false;
  const sub = args.find((a) => !a.startsWith('-'));
  if (!sub || !READ_ONLY_GIT.has(sub)) return false;
  // git apply only with --check: anything else would write.
  return sub !== 'apply' || args.includes('--check');
}

/** An Exec that answers repeated read-only git questions on read-only trees from memory. */
export function memoExec(inner: Exec): Exec {
  const cache = new Map<string, Promise<ExecResult>>();
  return (request) => {
    if (!cacheable(request)) return inner(request);
    const input = request.input === undefined ? '' : typeof request.input === 'string' ? request.input : request.input.toString('base64');
    const key = `${request.cwd}\0${request.argv.join('\0')}\0${sha256(input)}`;
    let hit = cache.get(key);
    if (!hit) {
      hit = inner(request);
      cache.set(key, hit);
    }
    return hit;
  };
}
