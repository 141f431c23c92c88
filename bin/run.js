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
const { readFileSync, writeSync } = await import('node:fs');
const { dirname, join } = await import('node:path');
const { fileURLToPath } = await import('node:url');

// oclif would find the package root by walking up from this file and read package.json
// itself; handing both over skips that search at every start.
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  // The version alone, as oclif prints it, without loading oclif (editor and CI probes call this often);
  // written straight to fd 1, since setting up process.stdout costs more than the rest of this path.
  const line = `${pjson.name}/${pjson.version} ${process.platform}-${process.arch} node-${process.version}\n`;
  let written = 0;
  try {
    written = writeSync(1, line);
  } catch {
    /* EAGAIN on a non-blocking pipe: the stream below waits for it */
  }
  if (written < Buffer.byteLength(line)) process.stdout.write(Buffer.from(line).subarray(written));
} else {
  // dist/bundle/ holds the CLI as two CommonJS files with V8 code caches (scripts/bundle-cli.mjs,
  // loaded by dist/cli/load-bundle.js); a build without esbuild has only the separate modules,
  // and so does a tsc run after the last full build (tsc rewrites every file: the bundle is older).
  const { existsSync, statSync } = await import('node:fs');
  const bundle = join(root, 'dist', 'bundle');
  const bundled = (name) => {
    try {
      return statSync(join(bundle, name)).mtimeMs >= statSync(join(root, 'dist', 'paths.js')).mtimeMs ? join(bundle, name) : null;
    } catch {
      return null;
    }
  };
  if (args[0] === 'validate' && args.slice(1).every((a) => a.length > 0 && !a.startsWith('-'))) {
    // Plain `pipe validate [files]` (editor save hooks, pre-commit) skips oclif; any flag takes the full command.
    const file = bundled('validate.cjs');
    const { validateLight } = file ? (await import('../dist/cli/load-bundle.js')).loadBundle(file).exports : await import('../dist/cli/validate-run.js');
    await validateLight(args.slice(1));
  } else {
    const file = bundled('cli.cjs');
    if (file && existsSync(join(bundle, 'oclif.manifest.json'))) {
      // oclif gets dist/bundle/ as its root (the manifest there) and finds the commands, the
      // hooks and the help class as exports of cli.cjs.
      const target = './cli.cjs';
      const oclif = {
        ...pjson.oclif,
        commands: { strategy: 'explicit', target, identifier: 'COMMANDS' },
        hooks: Object.fromEntries(Object.keys(pjson.oclif.hooks ?? {}).map((event) => [event, { target, identifier: `hook:${event}` }])),
        helpClass: { target, identifier: 'PipeHelp' },
      };
      const { execute } = (await import('../dist/cli/load-bundle.js')).loadBundle(file).exports;
      await execute({ loadOptions: { root: bundle, pjson: { ...pjson, oclif } } });
    } else {
      const { execute } = await import('@oclif/core');
      await execute({ loadOptions: { root, pjson } });
    }
  }
}
