// A validator that failed because the sandbox said no should say so: these patterns turn
// "OSError: [Errno 101] Network is unreachable" deep in a traceback into "network is off
// in the sandbox", so neither the user nor the model chases a phantom bug.
import { displayPath } from './rules.js';
import type { SandboxRules } from './types.js';

export type DenialKind = 'network' | 'loopback' | 'read-only' | 'hidden' | 'setup';

export interface Denial {
  kind: DenialKind;
  message: string;
  /** The output line that showed it (trimmed, at most 200 characters). */
  evidence: string;
}

const NETWORK = /ENETUNREACH|Network is unreachable|EAI_AGAIN|Temporary failure in name resolution|getaddrinfo ENOTFOUND|Name or service not known|No address associated with hostname/;
const LOOPBACK = /(ECONNREFUSED|Connection refused).*(127\.0\.0\.1|::1|localhost)|(127\.0\.0\.1|::1|localhost).*(ECONNREFUSED|Connection refused)/;
const READ_ONLY = /EROFS|Read-only file system/;
const MISSING = /ENOENT|No such file or directory|EACCES|Permission denied|EROFS|Read-only file system|Not a directory/;

export function recogniseDenials(output: string, rules: SandboxRules): Denial[] {
  const found = new Map<string, Denial>();
  const add = (kind: DenialKind, message: string, line: string) => {
    if (!found.has(message)) found.set(message, { kind, message, evidence: line.trim().slice(0, 200) });
  };
  for (const line of output.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const exec = /^bwrap: execvp (\/tmp\/\S+?):/.exec(line);
    if (exec) add('setup', `${exec[1]} is under /tmp, which is private and empty in the sandbox`, line);
    else if (/^bwrap: /.test(line)) add('setup', 'the sandbox could not start', line);
    if (rules.network === 'none' && NETWORK.test(line)) add('network', 'network is off in the sandbox', line);
    if (rules.network === 'none' && LOOPBACK.test(line)) add('loopback', "the host's loopback services are out of reach in the sandbox (network: none)", line);
    const mask = MISSING.test(line) ? rules.masks.find((m) => line.includes(m.path) || line.includes(displayPath(m.path, rules))) : undefined;
    if (mask) add('hidden', `${displayPath(mask.path, rules)} is hidden in the sandbox`, line);
    else if (READ_ONLY.test(line)) add('read-only', 'the file system outside the repository (and .git) is read-only in the sandbox', line);
  }
  return [...found.values()];
}

/** What a validator failure adds when a denial explains it: the way out, for the user and the model. */
export function denialAdvice(denial: Denial): string {
  switch (denial.kind) {
    case 'network':
    case 'loopback':
      return 'tests must not need the network; a validator that needs a local service can be given `sandbox: { network: loopback }` in the policy';
    case 'read-only':
      return 'write only inside the repository or /tmp; a cache a tool must write can be listed under the validator\'s `sandbox: { writable: [...] }`';
    case 'hidden':
      return 'secrets (under $HOME, and the repository\'s .env files) are hidden from validators (safety.sandbox_mask); tests must not need them; list a path under the validator\'s `sandbox: { readable: [...] }` if it is not a secret';
    case 'setup':
      return /under \/tmp/.test(denial.message)
        ? 'list the folder (a virtualenv, a toolchain) under the validator\'s `sandbox: { readable: [...] }`, or keep it outside /tmp'
        : 'see the bwrap message; `pipe plan` shows the sandbox rules';
  }
}
