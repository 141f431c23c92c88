// The environment a subprocess sees is built from an allowlist, never inherited whole:
// validators run code the model wrote, so credentials must not reach them.

const ALLOWED_NAMES = new Set([
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'TERM', 'TZ', 'TMPDIR', 'TMP', 'TEMP',
  'PYENV_ROOT', 'PYENV_VERSION', 'VIRTUAL_ENV', 'PYTHONPATH', 'PYTHONDONTWRITEBYTECODE', 'PYTHONHASHSEED',
  'NODE_PATH', 'NODE_OPTIONS_SAFE', 'CI', 'NO_COLOR', 'FORCE_COLOR',
  'GIT_CONFIG_NOSYSTEM', 'GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL',
]);
const ALLOWED_PREFIXES = ['LC_'];
const SECRET_LIKE = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH|COOKIE|SESSION|PRIVATE)/i;

/** True when a variable name looks like it could hold a credential. */
export function isSecretName(name: string): boolean {
  return SECRET_LIKE.test(name);
}

/** Builds a scrubbed environment: allowlisted names from `base`, plus `extra`, minus anything secret-looking. */
export function buildChildEnv(
  base: NodeJS.ProcessEnv = process.env,
  extra: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined || isSecretName(name)) continue;
    if (ALLOWED_NAMES.has(name) || ALLOWED_PREFIXES.some((p) => name.startsWith(p))) env[name] = value;
  }
  for (const [name, value] of Object.entries(extra)) {
    if (isSecretName(name)) continue;
    env[name] = value;
  }
  return env;
}
