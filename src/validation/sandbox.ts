// Which sandbox a validator runs in, with which rules: the run's choice (bwrap or none),
// the policy's lists and the validator's overrides. Used by the validate step and by
// `pipe plan`, so what the plan shows is what runs.
import { runCommand } from '../exec/run.js';
import { chooseSandbox, describeRules, sandboxRulesFor, type ExecSandbox, type SandboxChoice, type SandboxMode, type SandboxRecord, type SandboxRules } from '../exec/sandbox/index.js';
import { existsSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, relative } from 'node:path';
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

/**
 * Toolchain folders under /tmp the validator needs although the sandbox's /tmp is private and
 * empty: the virtual environment (or folder) its executable lives in, and PATH entries there.
 * A venv made in /tmp is common in CI and in tests; hiding it would make the validator fail to
 * start, which the baseline would report as a broken environment.
 */
export function toolchainUnderTmp(argv0: string | undefined, pathValue: string | undefined): string[] {
  const out: string[] = [];
  const add = (p: string) => {
    if (under('/tmp', p) && p !== '/tmp' && !out.includes(p)) out.push(p);
  };
  if (argv0 && isAbsolute(argv0) && under('/tmp', argv0)) {
    const bin = dirname(argv0);
    const venv = dirname(bin);
    add(existsSync(join(venv, 'pyvenv.cfg')) ? venv : bin);
  }
  for (const entry of (pathValue ?? '').split(delimiter)) if (entry && isAbsolute(entry) && existsSync(entry)) add(existsSync(join(dirname(entry), 'pyvenv.cfg')) ? dirname(entry) : entry);
  return out;
}

export function planValidatorSandbox(choice: SandboxChoice, spec: Pick<ValidatorSpec, 'sandbox'> & { argv?: readonly string[] }, repo: string, policy: Policy, home: string | undefined): ValidatorSandboxPlan {
  if (choice.kind === 'none' || choice.bwrap === null) {
    return { exec: undefined, rules: null, record: { kind: 'none', rules: [], reason: choice.reason } };
  }
  const toolchain = toolchainUnderTmp(spec.argv?.[0], process.env.PATH);
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

/** The policy's sandbox for this process (bwrap detection is cached; `required` without one throws E_CONFIG). */
export function decideSandbox(policy: Policy): Promise<SandboxChoice> {
  return chooseSandbox((policy.safety?.sandbox ?? 'auto') as SandboxMode, { exec: runCommand, platform: process.platform, pathValue: process.env.PATH });
}

/** `runValidators`' sandboxFor for a run: every validator of the repo in the chosen sandbox. */
export function sandboxForSpecs(choice: SandboxChoice, repo: string, policy: Policy): (spec: ValidatorSpec) => ValidatorSandboxPlan {
  return (spec) => planValidatorSandbox(choice, spec, repo, policy, process.env.HOME);
}
