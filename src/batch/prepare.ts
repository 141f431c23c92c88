// What `pipe batch` was given, made into a list of task files: files as they are,
// a folder's *.yaml / *.yml files, a glob (quoted, so pipe expands it with picomatch).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import picomatch from 'picomatch';
import { PipeError } from '../errors.js';
import { filesUnder } from '../dsl/walk.js';

const TASK_FILE = /\.ya?ml$/i;
const NEVER_WALK = new Set(['.git', '.pipe', 'node_modules']);

/** Resolves an argument from the cwd where it exists there, else from the repo root (like pipe run's task argument). */
function fromCwdOrRepo(arg: string, repo: string, cwd: string): string {
  if (isAbsolute(arg)) return arg;
  const here = resolve(cwd, arg);
  if (existsSync(here)) return here;
  const there = join(repo, arg);
  return existsSync(there) ? there : here;
}

function expandGlob(pattern: string, repo: string, cwd: string): string[] {
  const scan = picomatch.scan(pattern);
  const baseArg = scan.base || '.';
  const base = fromCwdOrRepo(baseArg, repo, cwd);
  const isMatch = picomatch(scan.glob, { dot: false });
  return filesUnder(base, { skipNames: NEVER_WALK }).filter((f) => isMatch(relative(base, f).split('\\').join('/')) && TASK_FILE.test(f));
}

/** The task files named by `args`, absolute, de-duplicated, in the order given (a folder's or glob's files sorted). */
export function expandTaskArgs(args: readonly string[], repo: string, cwd: string = process.cwd()): string[] {
  if (!args.length) throw new PipeError('E_USAGE', 'pipe batch needs task files, a folder of them or a glob', { hint: 'e.g. pipe batch tasks/ or pipe batch "tasks/**/*.yaml"' });
  const out: string[] = [];
  for (const arg of args) {
    const path = fromCwdOrRepo(arg, repo, cwd);
    let found: string[];
    if (existsSync(path) && statSync(path).isDirectory()) {
      found = readdirSync(path).sort().filter((n) => TASK_FILE.test(n)).map((n) => join(path, n)).filter((f) => statSync(f).isFile());
      if (!found.length) throw new PipeError('E_FILE', `${arg}: the folder has no task files (*.yaml, *.yml)`, { hint: 'name task files, a folder holding them, or a quoted glob such as "tasks/**/*.yaml"' });
    } else if (existsSync(path)) {
      found = [path];
    } else if (picomatch.scan(arg).isGlob) {
      found = expandGlob(arg, repo, cwd);
      if (!found.length) throw new PipeError('E_FILE', `${arg}: the glob matches no task files (*.yaml, *.yml)`, { hint: 'check the pattern; quote it so pipe, not the shell, expands it' });
    } else {
      throw new PipeError('E_FILE', `${arg}: no such task file or folder`, { hint: 'name task files, a folder holding them, or a quoted glob such as "tasks/**/*.yaml"' });
    }
    for (const f of found) if (!out.includes(f)) out.push(f);
  }
  return out;
}
