// Cold `pipe validate` on the shipped pipelines and policies against `node -e 0`
// (median of 10 each, same run), and loading + validating a generated 2,000-step pipeline.
// Prints figures; asserts nothing. Needs a build: npx tsc -p tsconfig.json
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.BENCH_RUNS ?? 10);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function time(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const files = [
  ...readdirSync(join(root, 'pipelines')).filter((f) => f.endsWith('.yaml')).map((f) => `pipelines/${f}`),
  ...readdirSync(join(root, 'policies')).filter((f) => f.endsWith('.yaml')).map((f) => `policies/${f}`),
];
time(['-e', '0']);
time(['bin/run.js', 'validate', ...files]); // warm the OS file cache, not the process
const base = [];
const validate = [];
for (let i = 0; i < runs; i++) {
  base.push(time(['-e', '0']));
  validate.push(time(['bin/run.js', 'validate', ...files]));
}
const baseMs = median(base);
const validateMs = median(validate);
console.log(`node -e 0:                         median ${baseMs.toFixed(1)} ms (${runs} runs)`);
console.log(`pipe validate (${files.length} shipped files): median ${validateMs.toFixed(1)} ms (${runs} runs)`);
console.log(`ratio:                             ${(validateMs / baseMs).toFixed(2)}x (target <= 3x)`);

// 2,000 steps: YAML parse with positions, schema, semantic checks, `if` compilation.
const dir = mkdtempSync(join(tmpdir(), 'pipe-bench-'));
try {
  const steps = Array.from({ length: 2000 }, (_, i) =>
    `  - id: s${i}\n    uses: ${['route', 'budget', 'gate', 'validate'][i % 4]}\n    if: "attempt < ${i + 2}"\n${i ? `    on_fail: { retry: s${i - 1}, then: stop }\n` : ''}`,
  ).join('');
  const { loadPipeline, validateFiles } = await import(pathToFileURL(join(root, 'dist', 'dsl', 'documents.js')).href);
  const load = [];
  const check = [];
  for (let i = 0; i < 5; i++) {
    // A new file each round: parses are cached per process (path, size, mtime), so
    // loadPipeline always parses; validateFiles then reuses that parse.
    const file = join(dir, `big${i}.yaml`);
    writeFileSync(file, `apiVersion: pipe/v1\nkind: Pipeline\nname: big\nsteps:\n${steps}`);
    let t0 = performance.now();
    const p = await loadPipeline(file, { fromDir: dir });
    load.push(performance.now() - t0);
    if (p.steps.length !== 2000) throw new Error('wrong step count');
    t0 = performance.now();
    const r = await validateFiles([file], { cwd: dir });
    check.push(performance.now() - t0);
    if (!r.ok) throw new Error('big pipeline invalid');
  }
  console.log(`2,000-step pipeline: loadPipeline first ${load[0].toFixed(0)} ms, median ${median(load).toFixed(0)} ms (uncached); validateFiles after it median ${median(check).toFixed(0)} ms (target < 1000 ms)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
