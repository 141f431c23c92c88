// safety.sandbox → the sandbox this process uses. `required` without one fails closed,
// before any model call (the CLI asks while loading the session).
import { PipeError } from '../../errors.js';
import type { Exec } from '../run.js';
import { detectBwrap } from './detect.js';
import type { SandboxChoice, SandboxMode } from './types.js';

export interface ChooseDeps {
  exec: Exec;
  platform: NodeJS.Platform;
  pathValue: string | undefined;
}

const INSTALL_HINT = 'install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf install bubblewrap; Arch: sudo pacman -S bubblewrap)';

export async function chooseSandbox(mode: SandboxMode, deps: ChooseDeps): Promise<SandboxChoice> {
  if (mode === 'off') return { mode, kind: 'none', bwrap: null, reason: 'safety.sandbox is off' };
  let reason: string;
  if (deps.platform !== 'linux') {
    reason = `no sandbox is built for ${deps.platform} yet (pipe sandboxes validators with bubblewrap on Linux)`;
  } else {
    const found = await detectBwrap(deps.exec, deps.pathValue);
    if (found.ok) return { mode, kind: 'bwrap', bwrap: found.bwrap, reason: null };
    reason = found.reason;
  }
  if (mode === 'required') {
    throw new PipeError('E_CONFIG', `safety.sandbox is 'required' but no sandbox is available: ${reason}; nothing was run`, {
      hint: deps.platform === 'linux'
        ? `${INSTALL_HINT}, or set safety.sandbox: auto in your policy to run validators unsandboxed`
        : 'run pipe on Linux with bubblewrap, or set safety.sandbox: auto in your policy to run validators unsandboxed',
    });
  }
  return { mode, kind: 'none', bwrap: null, reason };
}

/** The warning `auto` prints once when validators will run without a sandbox. */
export function unsandboxedWarning(choice: SandboxChoice): string | null {
  if (choice.kind !== 'none' || choice.mode !== 'auto') return null;
  return `validators will run without a sandbox: ${choice.reason}. Their environment is scrubbed of credentials and their output redacted, but the code they run (tests a model wrote) can read your files (~/.ssh, .env), reach the network, write outside the repository (its .git included) and leave processes running; ${choice.reason?.startsWith('no sandbox is built') ? 'see docs/safety.md' : INSTALL_HINT}, or set safety.sandbox: off to silence this`;
}
