// The CLI as two CommonJS files with V8 code caches, for bin/run.js (loaded by
// src/cli/load-bundle.ts). Run after tsc and `oclif manifest`.
//
//   dist/bundle/cli.cjs       the oclif path: @oclif/core, every command, the command_not_found
//                             hook and the help class (each command's modules initialised only
//                             when that command runs)
//   dist/bundle/validate.cjs  plain `pipe validate [files]` (dist/cli/validate-run.js) without oclif
//   dist/bundle/*.cjs.cache   what V8 compiled while the build ran a few commands with them
//   dist/bundle/oclif.manifest.json   the manifest, for oclif with dist/bundle/ as its root
//
// Why: Node 20 resolves, reads and compiles every module at every start; `pipe plan` read ~700
// files and compiled ~2.5 MB of JavaScript before doing anything. One file per path and a code
// cache take most of that away (bin/run.js falls back to the separate modules when a file is
// missing, e.g. a build without esbuild).
//
// What stays outside, loaded from node_modules on first use: the openai SDK, knex, pg and
// better-sqlite3 (native), gpt-tokenizer's small CommonJS files and ajv's compiler for
// schemas that are not shipped. Every bundled module keeps its own import.meta.url, so paths
// resolve from the original files' places (paths.ts finds the package root that way).
// The generated validators and jsonata, which pipe's modules require through createRequire,
// are bundled too but still run on first use only.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const outdir = join(dist, 'bundle');
const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const manifestFile = join(root, 'oclif.manifest.json');
const slash = (p) => p.split(sep).join('/');

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  console.warn('bundle-cli: esbuild is not installed; bin/run.js loads the separate modules');
  process.exit(0);
}
if (!existsSync(manifestFile)) throw new Error('bundle-cli: oclif.manifest.json is missing; run `oclif manifest` first');
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

// ------------------------------------------------------------------ entries

const fromPackage = (p) => join(root, p.replace(/^\.\//, ''));
const commandsDir = fromPackage(pjson.oclif.commands);
const commandFiles = readdirSync(commandsDir).filter((f) => f.endsWith('.js')).sort();
const hooks = Object.entries(pjson.oclif.hooks ?? {});
for (const [event, file] of hooks) if (typeof file !== 'string') throw new Error(`bundle-cli: hook ${event} is not one file; extend scripts/bundle-cli.mjs`);

// require() of a module of dist/ inside the bundle runs it then, not when the bundle loads.
const lazy = (file) => `require(${JSON.stringify(file)})`;
const entries = {
  // Identifiers bin/run.js hands oclif: COMMANDS (the explicit command strategy), hook:<event>, PipeHelp.
  'cli.cjs': [
    "const { execute } = require('@oclif/core');",
    'module.exports = {',
    '  execute,',
    '  COMMANDS: {',
    ...commandFiles.map((f) => `    get ${JSON.stringify(f.slice(0, -3))}() { return ${lazy(join(commandsDir, f))}.default; },`),
    '  },',
    ...hooks.map(([event, file]) => `  ${JSON.stringify(`hook:${event}`)}: function (...args) { return ${lazy(fromPackage(file))}.default.apply(this, args); },`),
    `  get PipeHelp() { return ${lazy(fromPackage(pjson.oclif.helpClass))}.default; },`,
    '};',
  ].join('\n'),
  'validate.cjs': `module.exports = { validateLight: (...args) => ${lazy(join(dist, 'cli', 'validate-run.js'))}.validateLight(...args) };`,
};
// validate.cjs holds only what the light path always runs: of pipe's modules it imports on
// demand, the documents and their resolver are in it; the others (session.js under GIT_DIR,
// render-error.js on a failure, the step modules) stay separate files, imported as before.
const separateOnDemand = { 'validate.cjs': new Set(['dsl/documents.js', 'dsl/resolve.js']) };

// require() calls through createRequire that esbuild cannot follow, made bundleable: each
// becomes a function of a small CommonJS module below, so it still runs on first use only.
const lazyRequires = {
  'dsl/schemas.js': [{ call: 'require(`./generated/${file}.cjs`)', module: 'pipe-lazy:generated', by: (v) => `${v}[file]()` }],
  'dsl/expressions.js': [{ call: "require('jsonata')", module: 'pipe-lazy:jsonata', by: (v) => `${v}()` }],
  'budget/tokens.js': [
    { call: "requireCjs('gpt-tokenizer/package.json')", module: 'pipe-lazy:gpt-tokenizer/package.json', by: (v) => `${v}()` },
    { call: "requireCjs('gpt-tokenizer/cjs/BytePairEncodingCore')", module: 'pipe-lazy:gpt-tokenizer/cjs/BytePairEncodingCore', by: (v) => `${v}()` },
    { call: "requireCjs('gpt-tokenizer/cjs/encodingParams/o200k_base')", module: 'pipe-lazy:gpt-tokenizer/cjs/encodingParams/o200k_base', by: (v) => `${v}()` },
    { call: "requireCjs('gpt-tokenizer/cjs/encodingParams/cl100k_base')", module: 'pipe-lazy:gpt-tokenizer/cjs/encodingParams/cl100k_base', by: (v) => `${v}()` },
  ],
};

const pipeModules = (entry) => ({
  name: 'pipe-modules',
  setup(build) {
    build.onResolve({ filter: /^pipe-entry:/ }, (args) => ({ path: args.path.slice('pipe-entry:'.length), namespace: 'pipe-entry' }));
    build.onLoad({ filter: /.*/, namespace: 'pipe-entry' }, (args) => ({ contents: entries[args.path], loader: 'js', resolveDir: root }));
    // A package pipe imports only on demand (knex, yaml's stringify) stays on demand: required
    // when the import() runs (bundled unless external), never an import() in the bundle.
    build.onResolve({ filter: /^[^./]/ }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, namespace: 'pipe-on-demand' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'pipe-on-demand' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js', resolveDir: root }));
    build.onLoad({ filter: /\.js$/ }, async (args) => {
      if (!args.path.startsWith(dist + sep)) return undefined;
      let text = await readFile(args.path, 'utf8');
      const rel = slash(relative(dist, args.path));
      for (const [i, lazyRequire] of (lazyRequires[rel] ?? []).entries()) {
        if (!text.includes(lazyRequire.call)) throw new Error(`bundle-cli: ${rel} no longer has ${lazyRequire.call}; update scripts/bundle-cli.mjs`);
        text = `import __pipeLazy${i} from ${JSON.stringify(lazyRequire.module)};\n${text.replaceAll(lazyRequire.call, lazyRequire.by(`__pipeLazy${i}`))}`;
      }
      const inBundle = separateOnDemand[entry];
      if (inBundle) {
        // import('./x.js') → that file's URL imported by the loader (load-bundle.ts passes
        // __pipeImport): V8 drops a script's dynamic-import hook when it comes from a code cache.
        text = text.replace(/\bimport\((['"])(\.\.?\/[^'"]+)\1\)/g, (call, _q, spec) => {
          const target = slash(relative(dist, join(dirname(args.path), spec)));
          return inBundle.has(target) ? call : `__pipeImport(__pipeModuleUrl(${JSON.stringify(`../${target}`)}))`;
        });
      }
      // Each module keeps its own URL (the bundle sits in dist/bundle/, one folder below dist/).
      if (text.includes('import.meta.url')) text = text.replaceAll('import.meta.url', `__pipeModuleUrl(${JSON.stringify(`../${rel}`)})`);
      return { contents: text, loader: 'js' };
    });
    // The lazy requires, as CommonJS modules esbuild bundles: each still runs on first use only.
    build.onResolve({ filter: /^pipe-lazy:/ }, (args) => ({ path: args.path, namespace: 'pipe-lazy' }));
    build.onLoad({ filter: /.*/, namespace: 'pipe-lazy' }, (args) => {
      if (args.path !== 'pipe-lazy:generated') return { contents: `module.exports = () => require(${JSON.stringify(args.path.slice('pipe-lazy:'.length))});`, loader: 'js', resolveDir: root };
      const generated = join(dist, 'dsl', 'generated');
      const files = readdirSync(generated).filter((f) => f.endsWith('.cjs')).sort();
      const table = files.map((f) => `  ${JSON.stringify(f.slice(0, -'.cjs'.length))}: () => require(${JSON.stringify(`./${f}`)}),`);
      return { contents: `module.exports = {\n${table.join('\n')}\n};`, loader: 'js', resolveDir: generated };
    });
  },
});

/**
 * The bundle as ASCII, so the loader reads it as one-byte text (latin1) instead of decoding
 * UTF-8 into a two-byte string: about 10 ms less per start for 2.7 MB. esbuild escapes
 * strings, and templates are lowered to strings (below), so what is left (regular expressions,
 * comments) means the same with \uXXXX escapes.
 */
function asciiOnly(text) {
  return text.replace(/[^\x00-\x7f]/gu, (ch) => ch.split('').map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''));
}

for (const name of Object.keys(entries)) {
  const outfile = join(outdir, name);
  const result = await esbuild.build({
    entryPoints: [`pipe-entry:${name}`],
    outfile,
    absWorkingDir: root,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['openai', 'knex', 'pg', 'better-sqlite3'],
    // No import() left in the bundle (see __pipeImport above): any other becomes a require().
    // Templates become plain strings, whose non-ASCII text esbuild escapes (see asciiOnly).
    supported: { 'dynamic-import': false, 'template-literal': false },
    legalComments: 'inline',
    logLevel: 'warning',
    write: false,
    banner: {
      js: `// Generated by scripts/bundle-cli.mjs from dist/; do not edit.\nconst __pipeModuleUrl = (rel) => require('node:url').pathToFileURL(require('node:path').join(__dirname, rel)).href;`,
    },
    plugins: [pipeModules(name)],
  });
  const text = asciiOnly(result.outputFiles[0].text);
  // The id the code cache is checked against (src/cli/load-bundle.ts).
  const id = createHash('sha256').update(text).digest('hex').slice(0, 32);
  writeFileSync(outfile, `${text}\n//# pipeBundle=${id}\n`);
}

// oclif reads <root>/oclif.manifest.json; with dist/bundle as the root every command is in cli.cjs.
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
for (const command of Object.values(manifest.commands)) {
  command.relativePath = ['cli.cjs'];
  command.isESM = false;
}
writeFileSync(join(outdir, 'oclif.manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

// ------------------------------------------------------------------ code caches

// A few commands that take the paths people start most often (help, validate, plan, a dry
// run, a run with the fake provider, the record listings) in a throw-away repository; each
// process hands the cache so far to V8 and writes back what it compiled. A command that fails
// here means a broken bundle, so the build fails.
const repo = mkdtempSync(join(tmpdir(), 'pipe-bundle-train-'));
try {
  cpSync(join(root, 'examples', 'python-slugify'), repo, { recursive: true });
  writeFileSync(
    join(repo, 'tasks', 'train.yaml'),
    'apiVersion: pipe/v1\nkind: Task\nid: train\ngoal: make slugify transliterate\nintent: bugfix\npipeline: fix\nallowed_files: ["src/slugify/*.py"]\nvalidators: []\nfake:\n  responses:\n    - patch_file: ../fixtures/right.patch\n',
  );
  const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'pipe', GIT_AUTHOR_EMAIL: 'pipe@localhost', GIT_COMMITTER_NAME: 'pipe', GIT_COMMITTER_EMAIL: 'pipe@localhost' };
  for (const args of [['init', '-q', '-b', 'main'], ['add', '-A'], ['commit', '-q', '-m', 'train']]) {
    const r = spawnSync('git', args, { cwd: repo, env: gitEnv, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bundle-cli: git ${args[0]} failed in the training repository: ${r.stderr || r.error}`);
  }
  const shipped = ['pipelines', 'policies'].flatMap((d) => readdirSync(join(root, d)).filter((f) => f.endsWith('.yaml')).map((f) => `${d}/${f}`));
  const runs = [
    [root, ['validate', ...shipped]],
    [repo, ['validate']],
    [root, ['--help']],
    [root, ['validate', '--json', 'pipelines/fix.yaml']],
    [repo, ['plan', 'tasks/train.yaml']],
    [repo, ['run', 'tasks/train.yaml', '--dry-run']],
    [repo, ['run', 'tasks/train.yaml']],
    [repo, ['runs']],
    [repo, ['budget']],
  ];
  const env = { ...process.env, PIPE_WRITE_CODE_CACHE: '1', NO_COLOR: '1' };
  delete env.OPENAI_API_KEY;
  for (const [cwd, args] of runs) {
    const r = spawnSync(process.execPath, [join(root, 'bin', 'run.js'), ...args], { cwd, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bundle-cli: \`pipe ${args.join(' ')}\` exited ${r.status} while training the code cache:\n${r.stderr}`);
  }
} finally {
  rmSync(repo, { recursive: true, force: true });
}
for (const name of Object.keys(entries)) {
  if (!existsSync(join(outdir, `${name}.cache`))) throw new Error(`bundle-cli: no code cache was written for ${name}`);
}
console.log(`bundle-cli: wrote ${slash(relative(root, outdir))}/ (${Object.keys(entries).join(', ')}, with code caches)`);
