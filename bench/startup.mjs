// Cold start-up of the CLI, as ratios to `node -e 0` measured in the same run (the
// machine's load moves both alike): `pipe --version`, `pipe validate pipelines/fix.yaml`,
// `pipe plan` and `pipe run --dry-run` on a small task with no validators (so the figures
// are pipe's own, not pytest's). Each command is a new process, runs interleaved, median
// of N. Run: node bench/startup.mjs [N]   (N defaults to 15). With PIPE_BENCH_BEFORE=<another
// built checkout> its commands run in the same rounds, rows marked "before". Prints figures; never asserts.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.argv[2] ?? 15);

// A small repository with one task; validators: [] keeps tools out of the figures.
const repo = mkdtempSync(join(tmpdir(), 'pipe-bench-startup-'));
cpSync(join(root, 'examples', 'python-slugify'), repo, { recursive: true });
writeFileSync(
  join(repo, 'tasks', 'bench.yaml'),
  'apiVersion: pipe/v1\nkind: Task\nid: bench\ngoal: make slugify transliterate\nintent: bugfix\npipeline: fix\nallowed_files: ["src/slugify/*.py"]\nvalidators: []\nfake:\n  responses:\n    - patch_file: ../fixtures/right.patch\n',
);
const git = (...args) => spawnSync('git', args, { cwd: repo, env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' } });
git('init', '-q', '-b', 'main');
git('add', '-A');
git('commit', '-q', '-m', 'bench');

const pipeCases = (label, checkout) => {
  const b = join(checkout, 'bin', 'run.js');
  return [
    [`${label}pipe --version`, [process.execPath, b, '--version'], root],
    [`${label}pipe validate pipelines/fix.yaml`, [process.execPath, b, 'validate', 'pipelines/fix.yaml'], root],
    [`${label}pipe plan tasks/bench.yaml`, [process.execPath, b, 'plan', 'tasks/bench.yaml'], repo],
    [`${label}pipe run tasks/bench.yaml --dry-run`, [process.execPath, b, 'run', 'tasks/bench.yaml', '--dry-run'], repo],
  ];
};
const cases = [['node -e 0', [process.execPath, '-e', '0'], root], ...pipeCases('', root), ...(process.env.PIPE_BENCH_BEFORE ? pipeCases('before: ', process.env.PIPE_BENCH_BEFORE) : [])];

const times = new Map(cases.map(([name]) => [name, []]));
for (let i = 0; i < N + 1; i++) {
  for (const [name, argv, cwd] of cases) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(argv[0], argv.slice(1), { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) {
      console.error(`${name} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
      process.exit(1);
    }
    if (i > 0) times.get(name).push(ms); // the first round warms the disk cache
  }
}
rmSync(repo, { recursive: true, force: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(times.get('node -e 0'));
console.log(`cold start-up, median of ${N} runs each, interleaved (node ${process.version}, ${new Date().toISOString()})`);
console.log('| command | median | ratio to node -e 0 |');
console.log('|---|---|---|');
for (const [name] of cases) {
  const m = median(times.get(name));
  console.log(`| ${name} | ${m.toFixed(1)} ms | ${(m / base).toFixed(2)}x |`);
}
