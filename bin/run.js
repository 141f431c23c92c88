#!/usr/bin/env node
// oclif checks its own Node engine range with semver on every start; pipe's package.json
// states the range it supports, so skip that check and its load time.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1';
// Node 22.1+ can keep compiled code between starts; on Node 20 this is a no-op.
const nodeModule = await import('node:module');
try {
  nodeModule.enableCompileCache?.();
} catch {
  /* a read-only or missing cache folder only costs speed */
}
const { readFileSync } = await import('node:fs');
const { dirname, join } = await import('node:path');
const { fileURLToPath } = await import('node:url');
const { execute } = await import('@oclif/core');

// oclif would find the package root by walking up from this file and read package.json
// itself; handing both over skips that search at every start.
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
await execute({ loadOptions: { root, pjson } });
