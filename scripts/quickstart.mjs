#!/usr/bin/env node
// The README's main job: copy an example project into a fresh git repo in a temp
// folder and let pipe fix its bug with the fake provider (no network, no key).
//   npm run quickstart                 # python-slugify: retry, progress, success
//   npm run quickstart -- escalate     # the task that never converges: stall, rollback, escalation
//   npm run quickstart -- typescript   # the TypeScript example
import { cpSync, mkdtempSync, existsSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const which = process.argv[2] ?? 'python';
const examples = {
  python: { dir: 'python-slugify', task: 'tasks/fix-slugify.yaml' },
  escalate: { dir: 'python-slugify', task: 'tasks/never-converges.yaml' },
  typescript: { dir: 'ts-invoice', task: 'tasks/fix-rounding.yaml', linkNodeModules: true },
};
const example = examples[which];
if (!example) {
  console.error(`unknown example '${which}': choose one of ${Object.keys(examples).join(', ')}`);
  process.exit(2);
}
const repo = mkdtempSync(join(tmpdir(), `pipe-quickstart-${which}-`));
cpSync(join(root, 'examples', example.dir), repo, { recursive: true });
// The TypeScript example type-checks with the checkout's own TypeScript.
if (example.linkNodeModules && !existsSync(join(repo, 'node_modules'))) symlinkSync(join(root, 'node_modules'), join(repo, 'node_modules'), 'dir');
const git = (...args) =>
  spawnSync('git', args, { cwd: repo, stdio: 'ignore', env: { ...process.env, GIT_AUTHOR_NAME: 'pipe quickstart', GIT_AUTHOR_EMAIL: 'quickstart@example.com', GIT_COMMITTER_NAME: 'pipe quickstart', GIT_COMMITTER_EMAIL: 'quickstart@example.com' } });
git('init', '-q', '-b', 'main');
git('add', '-A');
git('commit', '-q', '-m', 'example project');

console.log(`example repository: ${repo}`);
console.log(`$ pipe run ${example.task} --repo ${repo}\n`);
const run = spawnSync(process.execPath, [join(root, 'bin', 'run.js'), 'run', example.task, '--repo', repo], { stdio: 'inherit', cwd: repo });
const code = run.status ?? 1;
const diff = spawnSync('git', ['diff', '--stat'], { cwd: repo, encoding: 'utf8' });
console.log(diff.stdout.trim() ? `git diff --stat (the change pipe left for you to review):\n${diff.stdout}` : 'git diff --stat: (no change left in the tree)');
console.log(`pipe exited ${code}. Look around: cd ${repo} && node ${join(root, 'bin', 'run.js')} runs`);
process.exit(code);
