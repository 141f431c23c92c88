// Where the package's shipped files live, wherever it is installed.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (the folder holding package.json), from dist/paths.js or src/paths.ts alike. */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SCHEMAS_DIR = join(PACKAGE_ROOT, 'schemas');
export const PIPELINES_DIR = join(PACKAGE_ROOT, 'pipelines');
export const POLICIES_DIR = join(PACKAGE_ROOT, 'policies');
export const DEFAULT_POLICY_FILE = join(POLICIES_DIR, 'default.yaml');
