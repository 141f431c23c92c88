// ajv errors → positioned, human diagnostics. One error per real problem: for anyOf /
// oneOf only the best-matching branch speaks, unknown keys point at the key and get a
// "did you mean", and everything is sorted and de-duplicated.
import type { ErrorObject } from 'ajv';
import type { Diagnostic } from '../errors.js';
import { sortDiagnostics, escapePointerToken, type LoadedYaml } from './load.js';
import { didYouMean } from './suggest.js';
import type { ValidateFunction } from './schemas.js';

export interface SchemaCheckOptions {
  /** Pointer of `data` inside the loaded document (for checking a step's `with`). */
  basePointer?: string;
  /** Data to check; default: the whole document. */
  data?: unknown;
  /** Drops errors at these instance pointers (relative to basePointer), e.g. `${{ }}` strings. */
  skip?: (instancePath: string) => boolean;
}

/** Checks data against a compiled schema; returns diagnostics located in `loaded`. */
export function schemaDiagnostics(loaded: LoadedYaml, validate: ValidateFunction, options: SchemaCheckOptions = {}): Diagnostic[] {
  const whole = options.data === undefined && options.basePointer === undefined;
  // A cached parse (frozen data) is checked against each schema once per process.
  const memo = whole && !options.skip && Object.isFrozen(loaded.data) ? (checked.get(loaded) ?? checked.set(loaded, new Map()).get(loaded)!) : undefined;
  const known = memo?.get(validate);
  if (known) return known.map((d) => ({ ...d }));
  const data = whole ? loaded.data : options.data;
  let out: Diagnostic[] = [];
  if (!validate(data)) {
    const errors = bestBranches((validate.errors ?? []) as ErrorObject[]).filter((e) => !options.skip?.(e.instancePath));
    out = sortDiagnostics(dropRedundant(errors).map((e) => toDiagnostic(loaded, e, options.basePointer ?? '')));
  }
  memo?.set(validate, out.map((d) => ({ ...d })));
  return out;
}

const checked = new WeakMap<LoadedYaml, Map<ValidateFunction, Diagnostic[]>>();

const isUnder = (path: string, base: string): boolean => path === base || path.startsWith(`${base}/`);

/** Keeps, for each anyOf/oneOf failure, only the errors of its best-matching branch. */
function bestBranches(errors: ErrorObject[]): ErrorObject[] {
  let list = errors;
  // Deepest combinators first, so nested ones are resolved before their parents score them.
  const combinators = list
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .sort((a, b) => b.schemaPath.length - a.schemaPath.length || b.instancePath.length - a.instancePath.length);
  for (const c of combinators) {
    const prefix = `${c.schemaPath}/`;
    const branches = new Map<number, ErrorObject[]>();
    for (const e of list) {
      if (e === c || !e.schemaPath.startsWith(prefix) || !isUnder(e.instancePath, c.instancePath)) continue;
      const index = Number(e.schemaPath.slice(prefix.length).split('/')[0]);
      if (!branches.has(index)) branches.set(index, []);
      branches.get(index)!.push(e);
    }
    if (branches.size === 0) continue; // oneOf matched several branches: keep its own error
    let best: ErrorObject[] = [];
    let bestScore = Infinity;
    for (const [, errs] of [...branches].sort((a, b) => a[0] - b[0])) {
      // A branch of the wrong shape (type/const mismatch at the value itself) is the worst fit.
      const score = errs.reduce((s, e) => {
        const shallow = e.instancePath === c.instancePath;
        if (shallow && e.keyword === 'type') return s + 10_000;
        if (shallow && (e.keyword === 'const' || e.keyword === 'enum')) return s + 1_000;
        return s + 1;
      }, 0);
      if (score < bestScore) {
        bestScore = score;
        best = errs;
      }
    }
    const drop = new Set<ErrorObject>([c]);
    for (const errs of branches.values()) if (errs !== best) for (const e of errs) drop.add(e);
    list = list.filter((e) => !drop.has(e));
  }
  return list;
}

/** Drops errors that only repeat another: propertyNames wrappers, and "missing key x" next to a misspelled x. */
function dropRedundant(errors: ErrorObject[]): ErrorObject[] {
  const suggested = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    const allowed = allowedKeys(e);
    const key = String((e.params as { additionalProperty: string }).additionalProperty);
    const m = /'([^']+)'/.exec(didYouMean(key, allowed));
    if (m) suggested.add(`${e.instancePath}\0${m[1]}`);
  }
  return errors.filter((e) => {
    if (e.keyword === 'propertyNames') return false;
    if (e.keyword === 'required') {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      if (suggested.has(`${e.instancePath}\0${missing}`)) return false;
    }
    return true;
  });
}

function allowedKeys(e: ErrorObject): string[] {
  const parent = e.parentSchema as { properties?: Record<string, unknown> } | undefined;
  return Object.keys(parent?.properties ?? {});
}

const article = (t: string): string => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

const show = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v));

/** The human message for one ajv error. */
export function errorMessage(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  const propertyName = (e as ErrorObject & { propertyName?: string }).propertyName;
  if (propertyName !== undefined) {
    if (e.keyword === 'enum') {
      const allowed = (p.allowedValues as unknown[]).map(String);
      return `unknown key '${propertyName}'${didYouMean(propertyName, allowed)}; expected one of: ${allowed.join(', ')}`;
    }
    return `invalid key '${propertyName}': ${errorMessage({ ...e, propertyName: undefined } as ErrorObject)}`;
  }
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const hint = didYouMean(key, allowedKeys(e));
      return `unknown key '${key}'${hint}`;
    }
    case 'required':
      return `missing required key '${String(p.missingProperty)}'`;
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]) ?? [];
      const hint = typeof e.data === 'string' ? didYouMean(e.data, allowed.map(String)) : '';
      return `must be one of: ${allowed.map(String).join(', ')}${hint}`;
    }
    case 'const':
      return `must be ${show(p.allowedValue)}${e.data !== undefined ? ` (got ${show(e.data)})` : ''}`;
    case 'type': {
      const types = String(p.type).split(',').map((t) => (t === 'object' ? 'map' : t === 'array' ? 'list' : t));
      const got = typeName(e.data);
      return `must be ${types.map(article).join(' or ')} (got ${got === 'object' ? 'a map' : got === 'array' ? 'a list' : got})`;
    }
    case 'pattern':
      return `${typeof e.data === 'string' ? `'${e.data}' ` : ''}must match the pattern ${String(p.pattern)}`;
    case 'minLength':
      return Number(p.limit) === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters long`;
    case 'maxLength':
      return `must be at most ${String(p.limit)} characters long`;
    case 'minItems':
      return Number(p.limit) === 1 ? 'must not be empty' : `must have at least ${String(p.limit)} items`;
    case 'maxItems':
      return `must have at most ${String(p.limit)} items`;
    case 'minProperties':
      return `must have at least ${String(p.limit)} key${Number(p.limit) === 1 ? '' : 's'}`;
    case 'maxProperties':
      return `must have at most ${String(p.limit)} key${Number(p.limit) === 1 ? '' : 's'}`;
    case 'format':
      return `must be a valid ${String(p.format)}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${e.message ?? 'out of range'}${e.data !== undefined ? ` (got ${show(e.data)})` : ''}`;
    case 'anyOf':
      return 'does not match any allowed form';
    case 'oneOf':
      return 'must match exactly one allowed form';
    default:
      return e.message ?? `fails ${e.keyword}`;
  }
}

function toDiagnostic(loaded: LoadedYaml, e: ErrorObject, base: string): Diagnostic {
  const p = e.params as Record<string, unknown>;
  const propertyName = (e as ErrorObject & { propertyName?: string }).propertyName;
  const message = errorMessage(e);
  const at = `${base}${e.instancePath}`;
  if (e.keyword === 'additionalProperties') {
    return loaded.diagnostic(`${at}/${escapePointerToken(String(p.additionalProperty))}`, message, 'unknown-key', { atKey: true });
  }
  if (propertyName !== undefined) {
    return loaded.diagnostic(`${at}/${escapePointerToken(propertyName)}`, message, 'unknown-key', { atKey: true });
  }
  if (e.keyword === 'required') return loaded.diagnostic(at, message, 'missing-key');
  return loaded.diagnostic(at, message, 'schema');
}

/** A document of the wrong kind is one error, not a page of schema complaints. */
export function checkKind(loaded: LoadedYaml, expected: string): Diagnostic[] {
  const data = loaded.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    const got = data === null || data === undefined ? 'an empty document' : Array.isArray(data) ? 'a list' : typeName(data);
    return [loaded.diagnostic('', `a pipe document must be a map with apiVersion and kind (got ${got})`, 'schema')];
  }
  const kind = (data as Record<string, unknown>).kind;
  if (typeof kind === 'string' && kind !== expected) {
    return [loaded.diagnostic('/kind', `expected a ${expected} document, found kind '${kind}'`, 'kind')];
  }
  return [];
}
