// Loads one of the build's CommonJS bundles (dist/bundle/*.cjs, scripts/bundle-cli.mjs) with
// V8's code cache. Node 20 compiles every module from source at every start (its own compile
// cache needs Node 22.1); most of a cold `pipe plan` was spent parsing and compiling the same
// JavaScript. The build runs a few commands with PIPE_WRITE_CODE_CACHE=1 and keeps what V8
// compiled in `<bundle>.cache`; later starts hand it to V8, which checks it against its own
// version and flags and compiles from source when it does not fit, so a missing, stale or
// foreign cache only costs speed.
import { isAscii } from 'node:buffer';
import { readFileSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import vm from 'node:vm';

/** The last line of every bundle: `//# pipeBundle=<id>`, the id of its text (written by the build). */
export const BUNDLE_ID_MARK = '\n//# pipeBundle=';
const CACHE_MAGIC = 'pipe-code-cache/1';

export interface LoadedBundle {
  exports: Record<string, unknown>;
  /** Whether V8 took the cache (false: none, another bundle's, or rejected by V8). */
  cacheUsed: boolean;
}

function bundleId(source: string): string | null {
  const at = source.lastIndexOf(BUNDLE_ID_MARK);
  return at < 0 ? null : source.slice(at + BUNDLE_ID_MARK.length).trim() || null;
}

/** The cache file's header: which bundle text and which Node the data was made for. */
function cacheHeader(id: string): Buffer {
  return Buffer.from(`${CACHE_MAGIC} ${id} ${process.version} ${process.arch}\n`);
}

function readCache(file: string, id: string): Buffer | undefined {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    return undefined;
  }
  const header = cacheHeader(id);
  return data.length > header.length && data.subarray(0, header.length).equals(header) ? data.subarray(header.length) : undefined;
}

/**
 * Runs a CommonJS bundle as Node's loader would (registered in require.cache under its path, so
 * a later require() of it gets this instance) and returns its exports.
 */
export function loadBundle(file: string, env: NodeJS.ProcessEnv = process.env): LoadedBundle {
  // The build writes bundles as ASCII: read as one-byte text, without decoding UTF-8.
  const bytes = readFileSync(file);
  const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  const id = bundleId(source);
  const cacheFile = `${file}.cache`;
  const cachedData = id ? readCache(cacheFile, id) : undefined;
  const training = env.PIPE_WRITE_CODE_CACHE === '1' && id !== null;
  if (!cachedData && !training && typeof (Module as { enableCompileCache?: unknown }).enableCompileCache === 'function') {
    // No cache made for this Node: on Node ≥ 22.1 its own compile cache (bin/run.js enables it) does the same for a plain require.
    return { exports: createRequire(import.meta.url)(file) as Record<string, unknown>, cacheUsed: false };
  }
  // Node's CommonJS wrapper, on the first line so line numbers hold, plus __pipeImport: the
  // bundle's import() of a separate module goes through this module, because V8 drops a
  // script's dynamic-import hook when the script comes from a code cache.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __pipeImport) {${source}\n})`, { filename: file, cachedData });
  const mod = new Module(file);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(file));
  const cache = (Module as unknown as { _cache: Record<string, Module> })._cache;
  cache[file] = mod;
  try {
    const run = script.runInThisContext() as (...args: unknown[]) => void;
    run.call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file), (specifier: string) => import(specifier));
  } catch (err) {
    delete cache[file];
    throw err;
  }
  mod.loaded = true;
  if (training) {
    // The build's training runs: what V8 compiled in this process, written when it ends.
    process.once('exit', () => {
      try {
        writeFileSync(cacheFile, Buffer.concat([cacheHeader(id as string), script.createCachedData()]));
      } catch {
        /* a read-only install keeps the cache it has */
      }
    });
  }
  return { exports: mod.exports as Record<string, unknown>, cacheUsed: cachedData !== undefined && !script.cachedDataRejected };
}
