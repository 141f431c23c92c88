// Validators come from the policy by name; everything about how one may run is checked
// here, before anything starts: known name, allowlisted argv[0], cwd inside the repo,
// no credential-looking env names.
import { availableParallelism } from 'node:os';
import { basename, isAbsolute, posix, resolve, relative } from 'node:path';
import { PipeError } from '../errors.js';
import { secretNamesIn } from '../exec/env.js';
import { PARSERS, type ParserName } from '../exec/validators/index.js';
import type { ValidatorSandbox } from '../exec/sandbox/rules.js';
import type { Policy } from '../types/generated/index.js';
import { pythonImportRoots, repoValidatorEnv } from './repo-env.js';

export type ValidatorCost = 'cheap' | 'normal' | 'expensive';

export interface ValidatorSpec {
  name: string;
  argv: string[];
  timeoutMs: number;
  parser: ParserName;
  /** Repo-relative POSIX path ('' for the root). */
  cwd: string;
  env: Record<string, string>;
  cost: ValidatorCost;
  maxOutputBytes: number;
  /** The validator's own sandbox overrides (network, writable, readable). */
  sandbox: ValidatorSandbox;
}

export const PATCH_SAFETY = 'patch-safety';
const COST_RANK: Record<ValidatorCost, number> = { cheap: 0, normal: 1, expensive: 2 };
const DEFAULT_TIMEOUT_S = 300;
const DEFAULT_MAX_OUTPUT = 1024 * 1024;

export function costRank(cost: ValidatorCost): number {
  return COST_RANK[cost];
}

/** How many validators run at once: policy validation.max_parallel, else the core count. */
export function maxParallel(policy: Policy): number {
  const configured = policy.validation?.max_parallel;
  return Math.max(1, Math.floor(configured ?? availableParallelism()));
}

/** Looks up `names` in the policy; unknown names are one E_CONFIG listing them all. */
export function resolveValidatorSpecs(policy: Policy, names: readonly string[], repo: string): ValidatorSpec[] {
  const defined = policy.validators ?? {};
  const unknown = names.filter((n) => n !== PATCH_SAFETY && !Object.prototype.hasOwnProperty.call(defined, n));
  if (unknown.length) {
    const known = Object.keys(defined).sort();
    throw new PipeError('E_CONFIG', `unknown validator${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')}; the policy defines: ${known.join(', ') || '(none)'}`, {
      hint: 'define it under `validators:` in your policy, or fix the name in the task',
      details: { unknown, defined: known },
    });
  }
  const allowed = policy.safety?.allowed_executables ?? [];
  const roots = names.length ? pythonImportRoots(repo, policy) : [];
  const seen = new Set<string>();
  const specs: ValidatorSpec[] = [];
  for (const name of names) {
    if (name === PATCH_SAFETY || seen.has(name)) continue;
    seen.add(name);
    const v = defined[name];
    const exe = v.argv[0];
    if (!allowed.includes(exe) && !(isAbsolute(exe) && allowed.includes(basename(exe)))) {
      throw new PipeError('E_CONFIG', `validator '${name}': executable '${exe}' is not in safety.allowed_executables (${allowed.join(', ') || 'empty'})`, {
        hint: `add '${exe}' to safety.allowed_executables in your policy if it is meant to run`,
      });
    }
    const secret = secretNamesIn(v.env ?? {});
    if (secret.length) {
      throw new PipeError('E_CONFIG', `validator '${name}': env ${secret.join(', ')} look${secret.length === 1 ? 's' : ''} like a credential; validators never get credentials`);
    }
    const cwd = posix.normalize((v.cwd ?? '.').split('\\').join('/'));
    const rel = relative(repo, resolve(repo, cwd));
    if (isAbsolute(cwd) || rel.startsWith('..') || isAbsolute(rel)) {
      throw new PipeError('E_CONFIG', `validator '${name}': cwd '${v.cwd}' is outside the repository`, { hint: 'cwd is relative to the repo root and must stay inside it' });
    }
    const parser = (v.parser ?? 'exit-code') as ParserName;
    if (!PARSERS[parser]) throw new PipeError('E_CONFIG', `validator '${name}': unknown parser '${v.parser}'`);
    specs.push({
      name,
      argv: [...v.argv],
      timeoutMs: Math.round((v.timeout_s ?? DEFAULT_TIMEOUT_S) * 1000),
      parser,
      cwd: cwd === '.' ? '' : cwd.replace(/\/$/, ''),
      env: repoValidatorEnv(repo, roots, { ...(v.env ?? {}) }),
      cost: v.cost ?? 'normal',
      maxOutputBytes: v.max_output_bytes ?? DEFAULT_MAX_OUTPUT,
      sandbox: { ...(v.sandbox ?? {}) },
    });
  }
  return specs;
}
