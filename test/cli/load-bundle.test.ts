import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadBundle } from '../../src/cli/load-bundle.js';
import { PACKAGE_ROOT } from '../../src/paths.js';

const loader = join(PACKAGE_ROOT, 'src', 'cli', 'load-bundle.ts');

/** A bundle as the build writes one: CommonJS, with the id line last. */
function writeBundle(dir: string, id: string): string {
  const file = join(dir, 'b.cjs');
  writeFileSync(
    file,
    [
      "const { sep } = require('node:path');",
      'module.exports = {',
      '  add: (a, b) => a + b,',
      '  sep,',
      '  file: __filename,',
      '  later: (url) => __pipeImport(url),',
      '};',
      `//# pipeBundle=${id}`,
      '',
    ].join('\n'),
  );
  return file;
}

/** Loads the bundle in a fresh process (as bin/run.js does) and reports what it saw. */
function loadInChild(file: string, env: Record<string, string> = {}): { cacheUsed: boolean; sum: number } {
  const script = `import { loadBundle } from ${JSON.stringify(pathToFileURL(loader).href)};
const { exports, cacheUsed } = loadBundle(${JSON.stringify(file)});
process.stdout.write(JSON.stringify({ cacheUsed, sum: exports.add(2, 3) }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: PACKAGE_ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { cacheUsed: boolean; sum: number };
}

test('a bundle runs as a CommonJS file: exports, require, __filename, and one instance for require()', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipe-load-bundle-'));
  try {
    const file = writeBundle(dir, 'one');
    const esm = join(dir, 'later.mjs');
    writeFileSync(esm, 'export const answer = 42;\n');
    const { exports, cacheUsed } = loadBundle(file, {});
    assert.is(cacheUsed, false, 'no cache file yet');
    assert.is((exports.add as (a: number, b: number) => number)(1, 2), 3);
    assert.is(exports.sep, '/');
    assert.is(exports.file, file);
    assert.is(createRequire(import.meta.url)(file), exports, 'require() of the path gets the loaded instance');
    const later = (await (exports.later as (u: string) => Promise<{ answer: number }>)(pathToFileURL(esm).href)).answer;
    assert.is(later, 42, '__pipeImport imports an ES module');
    // Bundles are written as ASCII and read as such; any other text is read as UTF-8.
    const utf8 = join(dir, 'u.cjs');
    writeFileSync(utf8, 'module.exports = { text: "naïve … ✖" };\n//# pipeBundle=u\n');
    assert.is(loadBundle(utf8, {}).exports.text, 'naïve … ✖');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the code cache: written by a training run, taken by the next start, ignored once the bundle changes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipe-load-bundle-'));
  try {
    const file = writeBundle(dir, 'first');
    assert.equal(loadInChild(file, { PIPE_WRITE_CODE_CACHE: '1' }), { cacheUsed: false, sum: 5 });
    assert.ok(existsSync(`${file}.cache`), 'the training run wrote the cache');
    assert.ok(readFileSync(`${file}.cache`).subarray(0, 40).toString().startsWith('pipe-code-cache/1 first '), 'the cache names the bundle it was made for');
    assert.equal(loadInChild(file), { cacheUsed: true, sum: 5 });
    // The same length and another id: the cache was made for other text and is not handed to V8.
    writeBundle(dir, 'other');
    assert.equal(loadInChild(file), { cacheUsed: false, sum: 5 });
    // A damaged cache is V8's to refuse; the bundle still runs.
    const cache = readFileSync(`${file}.cache`);
    writeFileSync(`${file}.cache`, Buffer.concat([Buffer.from(`pipe-code-cache/1 other ${process.version} ${process.arch}\n`), cache.subarray(cache.indexOf(10) + 1, cache.indexOf(10) + 64)]));
    assert.equal(loadInChild(file), { cacheUsed: false, sum: 5 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const built = ['cli.cjs', 'validate.cjs'].map((f) => join(PACKAGE_ROOT, 'dist', 'bundle', f));
const withBuild = built.every((f) => existsSync(f) && existsSync(`${f}.cache`)) ? test : test.skip;

withBuild("the build's bundles and their caches are taken by this Node (a rejected cache would only show as a slow start)", () => {
  for (const file of built) {
    const script = `import { loadBundle } from ${JSON.stringify(pathToFileURL(loader).href)};
process.stdout.write(String(loadBundle(${JSON.stringify(file)}).cacheUsed));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: PACKAGE_ROOT, encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout, 'true', file);
  }
});

test.run();
