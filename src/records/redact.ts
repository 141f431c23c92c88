// Secrets never reach a record, a log line or an error: every string pipe writes out
// passes through redact(), which removes the values of credential-looking environment
// variables and anything shaped like an API key or an Authorization header.
import { isSecretName } from '../exec/env.js';

const PATTERNS: RegExp[] = [
  /\bsk-[A-Za-z0-9_*-]{8,}/g, // OpenAI-style keys, also as the API echoes them masked (sk-proj-****abcd)
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, // Authorization header values
  /("?authorization"?\s*[:=]\s*"?)[^",\s}]+/gi,
  /("?api[_-]?key"?\s*[:=]\s*"?)[^",\s}]+/gi,
];

let secretValues: string[] | null = null;

function knownSecretValues(): string[] {
  if (secretValues === null) {
    secretValues = Object.entries(process.env)
      .filter(([name, value]) => isSecretName(name) && typeof value === 'string' && value.length >= 6)
      .map(([, value]) => value as string)
      .sort((a, b) => b.length - a.length);
  }
  return secretValues;
}

/** Forget cached secret values (tests change the environment). */
export function resetRedaction(): void {
  secretValues = null;
}

export function redact(text: string): string {
  let out = text;
  for (const value of knownSecretValues()) {
    if (out.includes(value)) out = out.split(value).join('[REDACTED]');
  }
  for (const pattern of PATTERNS) {
    out = out.replace(pattern, (match, prefix: string | undefined) =>
      typeof prefix === 'string' && match.startsWith(prefix) && prefix !== match ? `${prefix}[REDACTED]` : '[REDACTED]',
    );
  }
  return out;
}

/** Redacts every string inside a JSON-like value. */
export function redactValue<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactValue(v)) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = redactValue(v);
    return out as T;
  }
  return value;
}
