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

// oclif would find the package root by walking up from this file and read package.json
// itself; handing both over skips that search at every start.
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  // The version alone, as oclif prints it, without loading oclif (editor and CI probes call this often).
  process.stdout.write(`${pjson.name}/${pjson.version} ${process.platform}-${process.arch} node-${process.version}\n`);
} else if (args[0] === 'validate' && args.slice(1).every((a) => a.length > 0 && !a.startsWith('-'))) {
  // Plain `pipe validate [files]` (editor save hooks, pre-commit) skips oclif; any flag takes the full command.
  // dist/cli/validate-light.js is that module bundled with what it always loads (scripts/bundle-validate.mjs);
  // a build without esbuild has only the separate modules.
  const { existsSync } = await import('node:fs');
  const light = existsSync(join(root, 'dist', 'cli', 'validate-light.js')) ? '../dist/cli/validate-light.js' : '../dist/cli/validate-run.js';
  const { validateLight } = await import(light);
  await validateLight(args.slice(1));
} else {
  // dist/bundle/ is every command with oclif in a few files (scripts/bundle-cli.mjs): oclif gets
  // that folder as its root (the manifest there points into it) and package.json's oclif paths
  // without their `dist/`. A build without esbuild has only the separate modules.
  const { existsSync } = await import('node:fs');
  const bundle = join(root, 'dist', 'bundle');
  if (existsSync(join(bundle, 'oclif.manifest.json'))) {
    const inBundle = (p) => p.replace(/^(\.\/)?dist\//, './');
    const oclif = {
      ...pjson.oclif,
      commands: inBundle(pjson.oclif.commands),
      hooks: Object.fromEntries(Object.entries(pjson.oclif.hooks ?? {}).map(([event, file]) => [event, Array.isArray(file) ? file.map(inBundle) : inBundle(file)])),
      helpClass: inBundle(pjson.oclif.helpClass),
    };
    const { execute } = await import('../dist/bundle/oclif/execute.js');
    await execute({ loadOptions: { root: bundle, pjson: { ...pjson, oclif } } });
  } else {
    const { execute } = await import('@oclif/core');
    await execute({ loadOptions: { root, pjson } });
  }
}
