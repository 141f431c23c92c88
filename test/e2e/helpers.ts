// Copies an example project into a fresh git repo, for end-to-end runs of the built CLI.
import { cpSync, existsSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, gitIn, tempDir } from '../helpers/repo.js';

export function exampleRepo(name: string, options: { linkNodeModules?: boolean } = {}): string {
  const dir = tempDir(`pipe-e2e-${name}-`);
  cpSync(join(ROOT, 'examples', name), dir, { recursive: true });
  rmSync(join(dir, 'node_modules'), { force: true, recursive: true });
  gitIn(dir, 'init', '-q', '-b', 'main');
  gitIn(dir, 'config', 'user.email', 't@example.com');
  gitIn(dir, 'config', 'user.name', 't');
  gitIn(dir, 'add', '-A');
  gitIn(dir, 'commit', '-q', '-m', 'example');
  if (options.linkNodeModules && !existsSync(join(dir, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}
