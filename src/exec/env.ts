// The environment a subprocess sees is built from an allowlist, never inherited whole:
// validators run code the model wrote, so credentials must not reach them.

const ALLOWED_NAMES = new Set([
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'TERM', 'TZ', 'TMPDIR', 'TMP', 'TEMP',
  'PYENV_ROOT', 'PYENV_VERSION', 'VIRTUAL_ENV', 'PYTHONPATH', 'PYTHONHASHSEED',
  'NODE_PATH', 'CI',
  'GIT_CONFIG_NOSYSTEM', 'GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL',
]);
const ALLOWED_PREFIXES = ['LC_'];
const SECRET_LIKE = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH|COOKIE|SESSION|PRIVATE|_PAT$|^PAT_)/i;

/**
 * Set for every child: Python must not leave __pycache__ in the user's tree (it would
 * show up as files the run created), and tools print without colour.
 */
export const FIXED_CHILD_ENV: Readonly<Record<string, string>> = Object.freeze({
  PYTHONDONTWRITEBYTECODE: '1',
  PYTHONUNBUFFERED: '1',
  // Parsers read plain text; FORCE_COLOR (even "0") turns colour on in pytest, so it is not passed.
  NO_COLOR: '1',
  // pytest's cache folder would be a file the run created; validators never need --lf.
  PYTEST_ADDOPTS: '-p no:cacheprovider',
  // Tools size their summaries to the terminal (pytest cuts `-rf` lines at 80 columns);
  // wide lines keep whole assertion messages for the failures sent back on a retry.
  COLUMNS: '240',
});

/** True when a variable name looks like it could hold a credential. */
export function isSecretName(name: string): boolean {
  return SECRET_LIKE.test(name);
}

/** Names in `extra` that buildChildEnv would drop because they look like credentials. */
export function secretNamesIn(extra: Record<string, string>): string[] {
  return Object.keys(extra).filter(isSecretName).sort();
}

/**
 * Builds a scrubbed environment: allowlisted names from `base`, the fixed child settings,
 * then `extra`, minus anything secret-looking (also in `extra`: a policy cannot opt a
 * credential back in).
 */
export function buildChildEnv(
  base: NodeJS.ProcessEnv = process.env,
  extra: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined || isSecretName(name)) continue;
    if (ALLOWED_NAMES.has(name) || ALLOWED_PREFIXES.some((p) => name.startsWith(p))) env[name] = value;
  }
  Object.assign(env, FIXED_CHILD_ENV);
  for (const [name, value] of Object.entries(extra)) {
    if (isSecretName(name) || typeof value !== 'string') continue;
    env[name] = value;
  }
  return env;
}
