// The sandbox's data: what a validator may reach (rules), and which sandbox this machine
// offers (choice). Pure data; the bwrap argv is built from it in bwrap-args.ts.

/** `safety.sandbox`: use one when available (auto), refuse to run without one (required), or never (off). */
export type SandboxMode = 'auto' | 'required' | 'off';

/** `none`: a network namespace of its own (no route anywhere, not even to the host's loopback); `loopback`: the host's network, shared. */
export type NetworkRule = 'none' | 'loopback';

/** A path hidden inside the sandbox: an empty read-only folder, or /dev/null over a file. */
export interface Mask {
  path: string;
  kind: 'dir' | 'file';
}

/** Everything one sandboxed command may see and change. Paths are absolute and real (symlinks resolved). */
export interface SandboxRules {
  /** The repository root: the one tree the validator may write. */
  repo: string;
  /** Paths inside (or belonging to) the repository that stay read-only: .git, its git dir, .pipe. */
  readOnly: string[];
  network: NetworkRule;
  /** Secrets hidden (existing paths only). */
  masks: Mask[];
  /** Extra paths the validator may write (policy), existing ones only. */
  writable: string[];
  /** Paths the validator may read although they would be hidden (masked or under /tmp). */
  readable: string[];
  /** The user's home, for display (`~/.ssh`). */
  home: string;
}

/** Which sandbox wraps validators in this process. */
export interface SandboxChoice {
  mode: SandboxMode;
  kind: 'bwrap' | 'none';
  /** Absolute path of the bwrap binary when kind is 'bwrap'. */
  bwrap: string | null;
  /** Why there is none (unsupported platform, not installed, cannot create namespaces, off). */
  reason: string | null;
}

/** What a validator result records about its sandbox. */
export interface SandboxRecord {
  kind: 'bwrap' | 'none' | 'in-process';
  rules: string[];
  reason: string | null;
}

/** How runCommand wraps a command: the bwrap binary and the rules. */
export interface ExecSandbox {
  bwrap: string;
  rules: SandboxRules;
}
