// JSONata expressions (`if`, routing `when`, `${{ }}` in `with`). Compiled once per
// source text; the scope goes in as the input document and as $-bindings, never as
// text; every evaluation is bounded in time, recursion depth and sequence size, and
// `$eval` is off so an expression cannot build and run another one.
import { createRequire } from 'node:module';
import type jsonataType from 'jsonata';
import { PipeError, type Diagnostic } from '../errors.js';
import type { CompiledExpression, SourceRef } from './types.js';

// Loaded on the first expression: validating a Task or Config never pays for it.
const require = createRequire(import.meta.url);
let jsonataFn: typeof jsonataType | undefined;
const jsonata = (source: string, options: jsonataType.JsonataOptions): jsonataType.Expression => (jsonataFn ??= require('jsonata') as typeof jsonataType)(source, options);

export const EXPRESSION_LIMITS = {
  timeoutMs: 1000,
  /** JSONata frames deep; a runaway recursion stops here long before Node's own stack. */
  depth: 300,
  /** Items in one sequence or range. */
  sequence: 100_000,
} as const;

interface JsonataError {
  code?: string;
  position?: number;
  token?: string;
  message?: string;
  value?: unknown;
}

/** Compiled JSONata per source text, per time limit (the limit is fixed at compile time). */
const cache = new Map<string, Map<number, jsonataType.Expression>>();

function where(ref: SourceRef | undefined): string {
  return ref ? `${ref.file}:${ref.line}:${ref.column}: ` : '';
}

function diagnosticsFor(ref: SourceRef | undefined, message: string, offset = 0): Diagnostic[] {
  if (!ref) return [];
  return [{ file: ref.file, line: ref.line, column: ref.column + offset, message, pointer: ref.pointer, kind: 'expression' }];
}

/** A message people can act on, for a JSONata runtime error. */
function runtimeMessage(source: string, e: JsonataError, timeoutMs: number): string {
  switch (e.code) {
    case 'D1012':
      return `expression '${source}' ran longer than ${timeoutMs} ms and was stopped (an infinite loop?)`;
    case 'D1011':
      return `expression '${source}' recursed deeper than ${EXPRESSION_LIMITS.depth} levels and was stopped (a runaway recursion?)`;
    case 'D2014':
    case 'D2015':
      return `expression '${source}' built a sequence larger than ${EXPRESSION_LIMITS.sequence} items and was stopped`;
    default:
      return `expression '${source}' failed: ${e.message ?? String(e)}`;
  }
}

function compileRaw(source: string, timeoutMs: number, ref?: SourceRef): jsonataType.Expression {
  let expr: jsonataType.Expression;
  try {
    expr = jsonata(source, { timeout: timeoutMs, stack: EXPRESSION_LIMITS.depth, sequence: EXPRESSION_LIMITS.sequence });
  } catch (err) {
    const e = err as JsonataError;
    const message = `expression does not parse: ${e.message ?? String(err)}${e.position !== undefined ? ` (at character ${e.position})` : ''}`;
    const offset = Math.max(0, (e.position ?? 1) - 1);
    throw new PipeError('E_EXPRESSION', `${where(ref)}${message}`, {
      diagnostics: diagnosticsFor(ref, `${message}: ${source}`, ref && ref.column > 0 ? offset : 0),
      details: { expression: source },
    });
  }
  const refuse = (name: string) => () => {
    throw { code: 'PIPE_DISABLED', message: `$${name}() is disabled in pipe expressions` };
  };
  expr.assign('eval', refuse('eval'));
  return expr;
}

/** Plain JSON-like values out of JSONata's sequences (arrays with extra flags). */
function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = normalise(v);
    return out;
  }
  if (typeof value === 'function') return undefined;
  return value;
}

/** Compiles a JSONata expression once per source; throws PipeError E_EXPRESSION (with position) when it does not parse. */
export function compileExpression(source: string, ref?: SourceRef): CompiledExpression {
  let byTimeout = cache.get(source);
  if (!byTimeout) {
    byTimeout = new Map([[EXPRESSION_LIMITS.timeoutMs, compileRaw(source, EXPRESSION_LIMITS.timeoutMs, ref)]]);
    cache.set(source, byTimeout);
  }
  const compiled: CompiledExpression = {
    source,
    where: ref,
    evaluate: (scope, options = {}) => evaluateWith(compiled, byTimeout, scope, options.timeoutMs ?? EXPRESSION_LIMITS.timeoutMs),
  };
  return compiled;
}

async function evaluateWith(
  self: CompiledExpression,
  byTimeout: Map<number, jsonataType.Expression>,
  scope: Record<string, unknown>,
  timeoutMs: number,
): Promise<unknown> {
  let expr = byTimeout.get(timeoutMs);
  if (!expr) {
    expr = compileRaw(self.source, timeoutMs, self.where);
    byTimeout.set(timeoutMs, expr);
  }
  const bindings: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(scope)) if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && k !== 'eval') bindings[k] = v;
  try {
    return normalise(await expr.evaluate(scope, bindings));
  } catch (err) {
    const e = err as JsonataError;
    const message = e.code === 'PIPE_DISABLED' ? `expression '${self.source}' failed: ${e.message}` : runtimeMessage(self.source, e, timeoutMs);
    throw new PipeError('E_EXPRESSION', `${where(self.where)}${message}`, {
      diagnostics: diagnosticsFor(self.where, message),
      details: { expression: self.source, jsonata_code: e.code ?? null },
    });
  }
}

/** Evaluates an `if` / `when`: it must yield true or false; anything else is an error (fail closed). */
export async function evaluateCondition(expr: CompiledExpression | string, scope: Record<string, unknown>): Promise<boolean> {
  const compiled = typeof expr === 'string' ? compileExpression(expr) : expr;
  const value = await compiled.evaluate(scope);
  if (typeof value === 'boolean') return value;
  const got = value === undefined ? 'nothing (undefined)' : `${Array.isArray(value) ? 'a list' : typeof value} ${JSON.stringify(value)}`;
  const message = `condition '${compiled.source}' must yield true or false, got ${got}`;
  throw new PipeError('E_EXPRESSION', `${where(compiled.where)}${message}`, {
    diagnostics: diagnosticsFor(compiled.where, message),
    hint: "compare explicitly, e.g. `steps.gate.status = 'failed'` or `$exists(task.inputs.flag)`",
    details: { expression: compiled.source },
  });
}

const WHOLE = /^\$\{\{([\s\S]*?)\}\}$/;
const PART = /\$\{\{([\s\S]*?)\}\}/g;

/** The expression text when `value` is exactly `${{ expr }}`, else undefined. */
export function wholeExpression(value: string): string | undefined {
  const m = WHOLE.exec(value.trim());
  return m && !m[1].includes('${{') ? m[1].trim() : undefined;
}

/** Every `${{ }}` expression inside a string, with its offset in the string. */
export function embeddedExpressions(value: string): { source: string; offset: number }[] {
  const out: { source: string; offset: number }[] = [];
  for (const m of value.matchAll(PART)) {
    const inner = m[1];
    const lead = inner.length - inner.trimStart().length;
    out.push({ source: inner.trim(), offset: (m.index ?? 0) + 3 + lead });
  }
  return out;
}

export function isExpressionString(value: unknown): value is string {
  return typeof value === 'string' && value.includes('${{');
}

function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * Resolves `${{ }}` in a `with` value, deeply: a string that is exactly `${{ expr }}`
 * becomes the expression's value; inside a longer string the values are interpolated.
 */
export async function resolveWith(value: unknown, scope: Record<string, unknown>, ref?: SourceRef): Promise<unknown> {
  if (typeof value === 'string') {
    if (!value.includes('${{')) return value;
    const whole = wholeExpression(value);
    if (whole !== undefined) return compileExpression(whole, ref).evaluate(scope);
    let out = '';
    let last = 0;
    for (const m of value.matchAll(PART)) {
      out += value.slice(last, m.index);
      out += stringify(await compileExpression(m[1].trim(), ref).evaluate(scope));
      last = (m.index ?? 0) + m[0].length;
    }
    return out + value.slice(last);
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const [i, item] of value.entries()) out.push(await resolveWith(item, scope, ref && { ...ref, pointer: `${ref.pointer}/${i}` }));
    return out;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await resolveWith(v, scope, ref && { ...ref, pointer: `${ref.pointer}/${k}` });
    return out;
  }
  return value;
}
