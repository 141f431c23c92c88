// Secrets never reach a record, a log line or an error: every string pipe writes out
// passes through redact(), which removes the values of credential-looking environment
// variables and anything shaped like an API key or an Authorization header.
import { readFileSync } from 'node:fs';
import { isSecretName } from '../exec/env.js';
import { repoSecretFiles } from '../exec/sandbox/rules.js';

const PATTERNS: RegExp[] = [
  /\bsk-[A-Za-z0-9_*-]{8,}/g, // OpenAI-style keys, also as the API echoes them masked (sk-proj-****abcd)
  // Shapes of keys a validator could read from a file when it runs unsandboxed (the
  // environment's values are removed by value below): GitHub, AWS access key ids, Slack,
  // Google API keys, PEM private keys (to their end, or the end of the text when cut).
  /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g,
  /\bAIza[0-9A-Za-z_-]{35}/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  // The password of a URL (postgres://app:pw@db, a git credential store's https://u:token@github.com).
  /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@'"]+:)[^\s/@'"]+(?=@)/gi,
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, // Authorization header values
  /("?authorization"?\s*[:=]\s*"?)[^",\s}]+/gi,
  /("?api[_-]?key"?\s*[:=]\s*"?)[^",\s}]+/gi,
];

let secretValues: string[] | null = null;
const addedValues = new Set<string>();

function knownSecretValues(): string[] {
  if (secretValues === null) {
    const fromEnv = Object.entries(process.env)
      .filter(([name, value]) => isSecretName(name) && typeof value === 'string' && value.length >= 6)
      .map(([, value]) => value as string);
    secretValues = [...new Set([...fromEnv, ...addedValues])].sort((a, b) => b.length - a.length);
  }
  return secretValues;
}

/** Forget cached secret values (tests change the environment), and the ones added. */
export function resetRedaction(): void {
  secretValues = null;
  addedValues.clear();
}

/** Values to remove from everything written from now on, besides the environment's (a repository's .env). */
export function addSecretValues(values: Iterable<string>): void {
  for (const v of values) if (v.length >= 6) addedValues.add(v);
  secretValues = null;
}

/**
 * The values of a .env file worth redacting: those of credential-looking names, and long
 * random-looking ones (letters and digits, no spaces) whatever the name. Short plain values
 * (`PORT=8000`, `DEBUG=true`, `ENV=development`) stay readable in output.
 */
export function dotenvSecretValues(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    const value = m[2].replace(/^(['"])(.*)\1$/, '$2');
    if (value.length < 6) continue;
    if (isSecretName(m[1]) || (value.length >= 16 && !/\s/.test(value) && /[A-Za-z]/.test(value) && /\d/.test(value))) out.push(value);
  }
  return out;
}

// A secret cut short by the tool that printed it (pytest's `-rf` summary ends a line with
// '...', an output cap ends the text): at least this many of its characters, at the cut.
const MIN_FRAGMENT = 8;
const CUT_AFTER = /^(?:\.\.\.|…|\r?\n|$)/;
const CUT_BEFORE = /(?:\.\.\.|…|\n|^)$/;

/** Removes a secret's head that runs into a cut (`awsSECRETK...`) and its tail that comes out of one (`...ETKEY123`). */
function redactCutSecret(text: string, secret: string): string {
  if (secret.length < MIN_FRAGMENT + 4) return text;
  let out = text;
  const head = secret.slice(0, MIN_FRAGMENT);
  for (let i = out.indexOf(head); i !== -1; i = out.indexOf(head, i + 1)) {
    let k = MIN_FRAGMENT;
    while (k < secret.length && out[i + k] === secret[k]) k += 1;
    if (CUT_AFTER.test(out.slice(i + k))) out = `${out.slice(0, i)}[REDACTED]${out.slice(i + k)}`;
  }
  const tail = secret.slice(-MIN_FRAGMENT);
  for (let j = out.indexOf(tail); j !== -1; j = out.indexOf(tail, j + 1)) {
    const end = j + MIN_FRAGMENT;
    let start = j;
    while (end - start < secret.length && start > 0 && out[start - 1] === secret[secret.length - (end - start) - 1]) start -= 1;
    if (CUT_BEFORE.test(out.slice(0, start))) {
      out = `${out.slice(0, start)}[REDACTED]${out.slice(end)}`;
      j = start;
    }
  }
  return out;
}

export function redact(text: string): string {
  let out = text;
  for (const value of knownSecretValues()) {
    if (out.includes(value)) out = out.split(value).join('[REDACTED]');
    out = redactCutSecret(out, value);
  }
  for (const pattern of PATTERNS) {
    out = out.replace(pattern, (match, prefix: string | undefined) =>
      typeof prefix === 'string' && match.startsWith(prefix) && prefix !== match ? `${prefix}[REDACTED]` : '[REDACTED]',
    );
  }
  return out;
}

/**
 * Adds the secrets of the repository's .env files (at any depth) to what is redacted: a
 * validator that runs unsandboxed can read them and print them in its failure output.
 */
export function redactRepoDotenv(repo: string): void {
  for (const file of repoSecretFiles(repo, ['**/.env', '**/.env.*'])) {
    try {
      addSecretValues(dotenvSecretValues(readFileSync(file, 'utf8')));
    } catch {
      /* unreadable: nothing to add */
    }
  }
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
