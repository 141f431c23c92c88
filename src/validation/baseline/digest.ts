// The cache key of a baseline: what the validators saw (the working tree, untracked files
// included, as a git tree id written through a throw-away index) and how they ran.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { Exec } from '../../exec/run.js';
import { resolveExecutable } from '../../exec/run.js';
import type { ValidatorSpec } from '../specs.js';

/** Bumped when what a baseline records changes, so old cache files are not read. */
export const BASELINE_FORMAT = 2; // 2: TAP test names without their `# time=…`, repo-relative from a validator's folder

const GIT_ENV = { GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' };

/**
 * The git tree id of the working tree as it is now (tracked changes and untracked files,
 * not ignored ones), computed in a copy of the index so the user's staging is untouched.
 * `exclude` (repo-relative paths: the task file and its fake answers) leaves out files no
 * test reads, so editing a task's goal does not throw the cached baseline away. Null when
 * git cannot tell (then the baseline is not cached).
 */
export async function workingTreeId(exec: Exec, repo: string, exclude: readonly string[] = []): Promise<string | null> {
  const run = (args: string[], env: Record<string, string> = {}) =>
    exec({ argv: ['git', ...args], cwd: repo, timeoutMs: 120_000, maxOutputBytes: 1024 * 1024, env: { ...GIT_ENV, ...env } });
  const indexPath = await run(['rev-parse', '--git-path', 'index']);
  if (indexPath.failed) return null;
  const real = indexPath.stdout.trim();
  const tmp = mkdtempSync(join(tmpdir(), 'pipe-baseline-index-'));
  try {
    const index = join(tmp, 'index');
    const source = isAbsolute(real) ? real : join(repo, real);
    // Starting from the real index lets git reuse its stat cache instead of hashing every file.
    if (existsSync(source)) copyFileSync(source, index);
    const env = { GIT_INDEX_FILE: index };
    const added = await run(['add', '-A', '--', '.', ':(exclude).pipe', ...exclude.map((p) => `:(exclude,literal)${p}`)], env);
    if (added.failed) return null;
    const tree = await run(['write-tree'], env);
    return tree.failed ? null : tree.stdout.trim() || null;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The cache key: format, tree, each validator's definition and the executable it resolves to, the targets. */
export function baselineDigest(tree: string, specs: readonly ValidatorSpec[], targets: readonly string[], pathValue: string | undefined, repo: string, sandboxKind = 'none'): string {
  const validators = specs.map((s) => ({
    name: s.name,
    argv: s.argv,
    exe: s.argv[0].includes('/') ? s.argv[0] : resolveExecutable(s.argv[0], pathValue, repo),
    parser: s.parser,
    cwd: s.cwd,
    env: Object.entries(s.env).sort(([a], [b]) => (a < b ? -1 : 1)),
    timeout_ms: s.timeoutMs,
    max_output_bytes: s.maxOutputBytes,
    sandbox: s.sandbox,
  }));
  // A result from another sandbox (or none) is not this one's baseline.
  const key = JSON.stringify({ format: BASELINE_FORMAT, tree, validators, targets: [...targets].sort(), sandbox: sandboxKind });
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}
