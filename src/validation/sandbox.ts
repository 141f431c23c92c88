// Which sandbox a validator runs in, with which rules: the run's choice (bwrap or none),
// the policy's lists and the validator's overrides. Used by the validate step and by
// `pipe plan`, so what the plan shows is what runs.
import { runCommand } from '../exec/run.js';
import { chooseSandbox, describeRules, sandboxRulesFor, type ExecSandbox, type SandboxChoice, type SandboxMode, type SandboxRecord, type SandboxRules } from '../exec/sandbox/index.js';
import type { Policy } from '../types/generated/index.js';
import type { ValidatorSpec } from './specs.js';

export interface ValidatorSandboxPlan {
  /** What runCommand wraps the command with; undefined runs it unsandboxed. */
  exec: ExecSandbox | undefined;
  rules: SandboxRules | null;
  record: SandboxRecord;
}

export function planValidatorSandbox(choice: SandboxChoice, spec: Pick<ValidatorSpec, 'sandbox'>, repo: string, policy: Policy, home: string | undefined): ValidatorSandboxPlan {
  if (choice.kind === 'none' || choice.bwrap === null) {
    return { exec: undefined, rules: null, record: { kind: 'none', rules: [], reason: choice.reason } };
  }
  const rules = sandboxRulesFor({ repo, home, safety: policy.safety, validator: spec.sandbox });
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
