// Rules → bwrap argv. A pure function: order matters to bwrap (later mounts cover earlier
// ones), so the order here is the policy: read-only root, private /dev /proc /tmp, the
// repository writable, extra writable paths, secrets hidden (empty read-only folders,
// /dev/null over files), explicit readable paths back, and last the repository's own .git and .pipe read-only.
import type { SandboxRules } from './types.js';

/** Variables bwrap sets inside the sandbox whatever the caller passed: /tmp is the private one. */
const SANDBOX_ENV: Readonly<Record<string, string>> = { TMPDIR: '/tmp', TMP: '/tmp', TEMP: '/tmp' };

export interface BwrapCommand {
  /** The command to run inside, argv[0] an absolute path. */
  argv: string[];
  /** Working directory inside the sandbox (same path as outside). */
  cwd: string;
  /** The already-scrubbed environment; bwrap clears its own and sets exactly these. */
  env: Record<string, string>;
}

export function bwrapArgs(rules: SandboxRules, command: BwrapCommand): string[] {
  const args: string[] = [
    // Everything the validator starts lives and dies with it, and cannot see pipe's processes.
    '--unshare-pid',
    '--die-with-parent',
    // No controlling terminal to push keystrokes into (TIOCSTI).
    '--new-session',
    '--unshare-ipc',
    '--unshare-uts',
  ];
  if (rules.network === 'none') args.push('--unshare-net');
  args.push('--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp');
  args.push('--bind', rules.repo, rules.repo);
  for (const path of rules.writable) args.push('--bind', path, path);
  for (const mask of rules.masks) {
    if (mask.kind === 'dir') args.push('--tmpfs', mask.path);
    else args.push('--ro-bind', '/dev/null', mask.path);
  }
  for (const path of rules.readable) args.push('--ro-bind', path, path);
  // Hidden folders become read-only only now: a readable path inside one needed its mount point.
  for (const mask of rules.masks) if (mask.kind === 'dir') args.push('--remount-ro', mask.path);
  for (const path of rules.readOnly) args.push('--ro-bind', path, path);
  args.push('--clearenv');
  const env = { ...command.env, ...SANDBOX_ENV };
  for (const name of Object.keys(env).sort()) args.push('--setenv', name, env[name]);
  args.push('--chdir', command.cwd, '--', ...command.argv);
  return args;
}
