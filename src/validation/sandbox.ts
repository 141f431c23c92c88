// Which sandbox a validator runs in, with which rules: the run's choice (bwrap or none),
// the policy's lists and the validator's overrides. Used by the validate step and by
// `pipe plan`, so what the plan shows is what runs.
import { runCommand, type Exec } from '../exec/run.js';
import { chooseSandbox, describeRules, sandboxRulesFor, type ExecSandbox, type SandboxChoice, type SandboxMode, type SandboxRecord, type SandboxRules } from '../exec/sandbox/index.js';
import { existsSync, lstatSync, readdirSync, realpathSync } from 'node:fs';
import { basename, delimiter, dirname, isAbsolute, join, relative } from 'node:path';
import type { Policy } from '../types/generated/index.js';
import type { ValidatorSpec } from './specs.js';

export interface ValidatorSandboxPlan {
  /** What runCommand wraps the command with; undefined runs it unsandboxed. */
  exec: ExecSandbox | undefined;
  rules: SandboxRules | null;
  record: SandboxRecord;
}

const under = (parent: string, child: string) => {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/** The folder to give back for a tool's folder: a venv's root, node_modules for node_modules/.bin. */
function toolRoot(dir: string): string {
  if (basename(dir) === '.bin' && basename(dirname(dir)) === 'node_modules') return dirname(dir);
  if (existsSync(join(dirname(dir), 'pyvenv.cfg'))) return dirname(dir);
  return dir;
}

/**
 * Toolchain folders under /tmp the validator needs although the sandbox's /tmp is private and
 * empty: the virtual environment (or folder) its executable lives in, PATH entries there (a
 * node_modules/.bin gives back its node_modules, where its links point), and what the
 * repository's own top-level links point at there (a `node_modules` linked from elsewhere).
 * Venvs and checkouts under /tmp are common in CI and tests; hiding them would make the
 * validator fail to start, which the baseline would report as a broken environment.
 */
export function toolchainUnderTmp(argv0: string | undefined, pathValue: string | undefined, repo?: string): string[] {
  const out: string[] = [];
  const add = (p: string) => {
    if (under('/tmp', p) && p !== '/tmp' && !(repo && under(repo, p)) && !out.includes(p)) out.push(p);
  };
  if (argv0 && isAbsolute(argv0) && under('/tmp', argv0)) add(toolRoot(dirname(argv0)));
  for (const entry of (pathValue ?? '').split(delimiter)) if (entry && isAbsolute(entry) && existsSync(entry)) add(toolRoot(entry));
  if (repo) {
    let names: string[] = [];
    try {
      names = readdirSync(repo);
    } catch {
      /* no repository listing: nothing linked to give back */
    }
    for (const name of names) {
      const full = join(repo, name);
      try {
        if (lstatSync(full).isSymbolicLink()) add(realpathSync(full));
      } catch {
        /* a dangling link stays dangling */
      }
    }
  }
  return out;
}

export function planValidatorSandbox(choice: SandboxChoice, spec: Pick<ValidatorSpec, 'sandbox'> & { argv?: readonly string[] }, repo: string, policy: Policy, home: string | undefined): ValidatorSandboxPlan {
  if (choice.kind === 'none' || choice.bwrap === null) {
    return { exec: undefined, rules: null, record: { kind: 'none', rules: [], reason: choice.reason } };
  }
  const toolchain = toolchainUnderTmp(spec.argv?.[0], process.env.PATH, repo);
  const validator = toolchain.length ? { ...spec.sandbox, readable: [...(spec.sandbox?.readable ?? []), ...toolchain] } : spec.sandbox;
  const rules = sandboxRulesFor({ repo, home, safety: policy.safety, validator });
  return { exec: { bwrap: choice.bwrap, rules }, rules, record: { kind: 'bwrap', rules: describeRules(rules), reason: null } };
}

/** The overrides a validator sets, in words (empty: the policy's rules as they are). */
export function describeOverrides(spec: Pick<ValidatorSpec, 'sandbox'>): string[] {
  const o = spec.sandbox;
  const out: string[] = [];
  if (o.network && o.network !== 'none') out.push(`network: ${o.network}`);
  if (o.writable?.length) out.push(`writable: ${o.writable.join(', ')}`);
  if (o.readable?.length) out.push(`readable: ${o.readable.join(', ')}`);
  return out;
}

export interface SandboxDecisionOptions {
  /** Where PATH (for finding bwrap) comes from; default process.env. */
  env?: NodeJS.ProcessEnv;
  exec?: Exec;
  /** false: no validator runs in this process (a replay without --validate), so nothing is probed. */
  validating?: boolean;
}

/**
 * The one decision of the sandbox validators run in, from the policy's safety.sandbox
 * (session, runner, validate step, baseline and replay all ask here). bwrap detection is
 * cached; `required` without one throws E_CONFIG.
 */
export function decideSandbox(policy: Pick<Policy, 'safety'>, options: SandboxDecisionOptions = {}): Promise<SandboxChoice> {
  const mode = (policy.safety?.sandbox ?? 'auto') as SandboxMode;
  if (options.validating === false) return Promise.resolve({ mode, kind: 'none', bwrap: null, reason: 'no validator runs here' });
  return chooseSandbox(mode, { exec: options.exec ?? runCommand, platform: process.platform, pathValue: (options.env ?? process.env).PATH });
}

/** `runValidators`' sandboxFor for a run: every validator of the repo in the chosen sandbox. */
export function sandboxForSpecs(choice: SandboxChoice, repo: string, policy: Policy): (spec: ValidatorSpec) => ValidatorSandboxPlan {
  return (spec) => planValidatorSandbox(choice, spec, repo, policy, process.env.HOME);
}
