// The oclif path of bin/run.js as a few files: dist/bundle/ holds every command, the
// command_not_found hook, the help class and @oclif/core itself, bundled by esbuild with code
// splitting, so a command loads one entry and the chunks it shares with the others instead of
// ~700 modules (Node 20 has no compile cache; each ES module costs a resolve, a read and a
// link: `pipe plan` read 705 files before, ~60 after). Run after tsc and `oclif manifest`:
// it copies the manifest with paths relative to dist/bundle/, and bin/run.js hands oclif that
// folder as the root when dist/bundle/oclif.manifest.json exists (the separate modules
// otherwise, so a build without esbuild still works). Each entry keeps its path under dist/
// (dist/commands/plan.js → dist/bundle/commands/plan.js), so bin/run.js finds the hooks and
// the help class by dropping `dist/` from package.json's paths.
// What stays outside, loaded from node_modules on first use: the openai SDK, knex, pg and
// better-sqlite3 (native), every package pipe loads with import() (yaml's stringify in
// `pipe validate --show-merged`…), and what pipe's modules require through createRequire (the
// generated validators, jsonata, ajv, gpt-tokenizer), which resolve from the original files'
// places because every bundled module keeps its own import.meta.url.
// Dynamic imports of pipe's own modules (the step modules, the providers) become chunks of
// the bundle, loaded on first use as before: one copy of each module per process.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const outdir = join(dist, 'bundle');
const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const manifestFile = join(root, 'oclif.manifest.json');

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  console.warn('bundle-cli: esbuild is not installed; bin/run.js loads the separate modules');
  process.exit(0);
}
if (!existsSync(manifestFile)) throw new Error('bundle-cli: oclif.manifest.json is missing; run `oclif manifest` first');
rmSync(outdir, { recursive: true, force: true });

const slash = (p) => p.split(sep).join('/');
// Every output file sits one folder down (commands/, hooks/, cli/, oclif/, chunks/), checked
// below, so a module's own URL is the same relative path from whichever file it lands in.
const relFromOutput = (file) => slash(relative(join(outdir, 'any'), file));
const fromPackage = (p) => join(root, p.replace(/^\.\//, ''));

// Entry points, named by their path under dist/ (dist/commands/plan.js → bundle/commands/plan.js).
const commandsDir = fromPackage(pjson.oclif.commands);
const entries = {};
for (const f of readdirSync(commandsDir).filter((f) => f.endsWith('.js'))) entries[`commands/${f.slice(0, -3)}`] = join(commandsDir, f);
for (const file of Object.values(pjson.oclif.hooks ?? {}).flat()) {
  const abs = fromPackage(file);
  entries[slash(relative(dist, abs)).replace(/\.js$/, '')] = abs;
}
const helpClass = fromPackage(pjson.oclif.helpClass);
entries[slash(relative(dist, helpClass)).replace(/\.js$/, '')] = helpClass;
entries['oclif/execute'] = 'pipe-cli:execute';

const ownModules = {
  name: 'own-modules',
  setup(build) {
    // bin/run.js's entry: oclif's execute, from the same chunk the commands' Command comes from.
    build.onResolve({ filter: /^pipe-cli:execute$/ }, () => ({ path: 'execute', namespace: 'pipe-cli' }));
    build.onLoad({ filter: /.*/, namespace: 'pipe-cli' }, () => ({ contents: "export { execute } from '@oclif/core';", loader: 'js', resolveDir: root }));
    // A package pipe imports only on demand stays a separate load (esbuild would hand a bundled
    // CommonJS package to import() as its default export only).
    build.onResolve({ filter: /^[^./]/ }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined));
    // Each of pipe's modules keeps its own import.meta.url (paths.ts finds the package root from
    // it; createRequire calls resolve from it), so the bundle behaves as the files it holds.
    build.onLoad({ filter: /\.js$/ }, async (args) => {
      if (!args.path.startsWith(dist + sep)) return undefined;
      let text = await readFile(args.path, 'utf8');
      if (text.includes('import.meta.url')) text = text.replaceAll('import.meta.url', `new URL(${JSON.stringify(relFromOutput(args.path))}, import.meta.url).href`);
      return { contents: text, loader: 'js' };
    });
  },
};

const result = await esbuild.build({
  metafile: true,
  absWorkingDir: root,
  entryPoints: entries,
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  external: ['openai', 'knex', 'pg', 'better-sqlite3'],
  legalComments: 'inline',
  logLevel: 'warning',
  banner: {
    // CommonJS packages in the bundle (oclif, yaml…) require Node's built-ins; ES module output needs a require for that.
    js: "// Generated by scripts/bundle-cli.mjs from dist/; do not edit.\nimport { createRequire as __pipeCreateRequire } from 'node:module';\nconst require = __pipeCreateRequire(import.meta.url);",
  },
  plugins: [ownModules],
});

for (const out of Object.keys(result.metafile.outputs)) {
  if (slash(relative(outdir, join(root, out))).split('/').length !== 2) throw new Error(`bundle-cli: ${out} is not one folder below dist/bundle`);
}

// oclif reads <root>/oclif.manifest.json; with dist/bundle as the root, its paths point into the bundle.
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
for (const command of Object.values(manifest.commands)) {
  const rel = slash(relative(commandsDir, join(root, ...command.relativePath)));
  if (!existsSync(join(outdir, 'commands', rel))) throw new Error(`bundle-cli: no bundled file for command ${command.id} (${rel})`);
  command.relativePath = ['commands', ...rel.split('/')];
}
writeFileSync(join(outdir, 'oclif.manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`bundle-cli: wrote ${slash(relative(root, outdir))}/ (${Object.keys(entries).length} entries)`);
