// Is bubblewrap usable here? Found on PATH is not enough (user namespaces may be off, or
// a container may forbid mounts), so a trivial sandbox with the same namespaces is started
// once; the answer is cached for the process.
import type { Exec } from '../run.js';
import { resolveExecutable } from '../run.js';

export type Detection = { ok: true; bwrap: string } | { ok: false; reason: string };

const cache = new Map<string, Promise<Detection>>();

/** The probe: every namespace and mount kind the real rules use, running `true`. */
export function probeArgs(truePath: string): string[] {
  return ['--unshare-pid', '--die-with-parent', '--new-session', '--unshare-ipc', '--unshare-uts', '--unshare-net',
    '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--', truePath];
}

async function detect(exec: Exec, pathValue: string | undefined): Promise<Detection> {
  const bwrap = resolveExecutable('bwrap', pathValue);
  if (bwrap === null) return { ok: false, reason: 'bubblewrap (bwrap) is not installed or not on PATH' };
  const truePath = resolveExecutable('true', pathValue) ?? '/bin/true';
  const r = await exec({ argv: [bwrap, ...probeArgs(truePath)], cwd: '/', timeoutMs: 10_000, maxOutputBytes: 4096 });
  if (!r.failed) return { ok: true, bwrap };
  const why = (r.stderr.trim().split('\n')[0] || r.spawnError || `exit ${r.exitCode ?? r.signal}`).slice(0, 200);
  return { ok: false, reason: `${bwrap} cannot create a sandbox here (${why}); unprivileged user namespaces may be disabled (sysctl kernel.unprivileged_userns_clone / user.max_user_namespaces)` };
}

/** Cached per process and PATH: validators of every attempt reuse the first answer. */
export function detectBwrap(exec: Exec, pathValue: string | undefined): Promise<Detection> {
  const key = pathValue ?? '';
  let found = cache.get(key);
  if (!found) {
    found = detect(exec, pathValue);
    cache.set(key, found);
  }
  return found;
}
