// gate + apply + rollback of a ~256 KB patch touching 50 files, in repos of 2,000 and
// 20,000 files (median of BENCH_RUNS rounds each, same process). The cost must follow
// the patch, not the repo, so the ratio should stay near 1.
// Run: node --import tsx bench/patch.mjs   (prints figures; asserts nothing)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCommand } from '../src/exec/run.ts';
import { parseProposal } from '../src/patch/parse.ts';
import { runGateChecks } from '../src/patch/checks/index.ts';
import { patchPaths } from '../src/patch/types.ts';
import { applyToTree, dirtyFiles, rollbackJournal, writeCheckpoint } from '../src/patch/workspace.ts';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const PATCHED = 50;
const CHANGED_LINES = 78;
const policy = { apiVersion: 'pipe/v1', kind: 'Policy', limits: { max_patch_bytes: 300_000 }, safety: { forbidden_paths: ['.env*', '**/*.pem'], max_files_per_patch: 100 } };
const task = { allowed_files: ['src/**'] };

const line = (i, k) => `row ${String(k).padStart(3, '0')} of module ${String(i).padStart(5, '0')}: value\n`;

function makeRepo(fileCount) {
  const repo = mkdtempSync(join(tmpdir(), 'pipe-bench-patch-'));
  const git = (...args) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'b@example.com');
  git('config', 'user.name', 'b');
  for (let i = 0; i < fileCount; i++) {
    const file = join(repo, 'src', `pkg${Math.floor(i / 100)}`, `mod${i}.py`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, Array.from({ length: 120 }, (_, k) => line(i, k)).join(''));
  }
  git('add', '-A');
  git('commit', '-q', '-m', 'init');
  // Flush the freshly written repo so background writeback does not land in the timings.
  execFileSync('sync');
  return repo;
}

function makePatch(fileCount) {
  const sections = [];
  for (let n = 0; n < PATCHED; n++) {
    const i = Math.floor((n * fileCount) / PATCHED);
    const path = `src/pkg${Math.floor(i / 100)}/mod${i}.py`;
    const old = Array.from({ length: CHANGED_LINES }, (_, k) => `-${line(i, k)}`).join('');
    const neu = Array.from({ length: CHANGED_LINES }, (_, k) => `+${line(i, k).toUpperCase()}`).join('');
    sections.push(`diff --git a/${path} b/${path}\n--- a/${path}\n+++ b/${path}\n@@ -1,${CHANGED_LINES + 1} +1,${CHANGED_LINES + 1} @@\n${old}${neu} ${line(i, CHANGED_LINES)}`);
  }
  return sections.join('');
}

async function round(repo, text, journalPath) {
  const t0 = performance.now();
  const parsed = parseProposal(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  const verdict = await runGateChecks(parsed.patch, { repo, exec: runCommand, policy, task });
  if (!verdict.ok) throw new Error(JSON.stringify(verdict.checks.filter((c) => !c.ok)));
  const t1 = performance.now();
  const paths = patchPaths(parsed.patch);
  const dirty = await dirtyFiles(runCommand, repo, paths);
  if (dirty.length) throw new Error(`dirty: ${dirty}`);
  const ta = performance.now();
  await writeCheckpoint({ repo, runId: 'bench', journalPath, paths, attempt: 1 });
  const tb = performance.now();
  await applyToTree({ repo, exec: runCommand, patch: parsed.patch, contents: verdict.contents });
  const t2 = performance.now();
  const restored = await rollbackJournal(journalPath);
  if (restored.length !== PATCHED) throw new Error(`restored ${restored.length}`);
  const t3 = performance.now();
  rmSync(journalPath, { force: true });
  return { gate: t1 - t0, apply: t2 - t1, status: ta - t1, checkpoint: tb - ta, gitApply: t2 - tb, rollback: t3 - t2, total: t3 - t0 };
}

async function measure(fileCount) {
  const repo = makeRepo(fileCount);
  const text = makePatch(fileCount);
  const journalPath = join(repo, '.pipe', 'runs', 'bench', 'journal.json');
  try {
    await round(repo, text, journalPath); // warm the OS cache and git's index stat data
    const rounds = [];
    for (let r = 0; r < runs; r++) rounds.push(await round(repo, text, journalPath));
    const pick = (k) => median(rounds.map((x) => x[k]));
    return { fileCount, patchBytes: Buffer.byteLength(text), gate: pick('gate'), apply: pick('apply'), status: pick('status'), checkpoint: pick('checkpoint'), gitApply: pick('gitApply'), rollback: pick('rollback'), total: pick('total') };
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
}

const small = await measure(2_000);
const large = await measure(20_000);
const fmt = (r) => `${String(r.fileCount).padStart(6)} files: gate ${r.gate.toFixed(1)} ms, apply ${r.apply.toFixed(1)} ms (git status ${r.status.toFixed(1)}, checkpoint ${r.checkpoint.toFixed(1)}, git apply ${r.gitApply.toFixed(1)}), rollback ${r.rollback.toFixed(1)} ms, total ${r.total.toFixed(1)} ms`;
console.log(`patch: ${(small.patchBytes / 1024).toFixed(0)} KB, ${PATCHED} files; median of ${runs} rounds`);
console.log(fmt(small));
console.log(fmt(large));
console.log(`ratio 20,000 / 2,000 files (total): ${(large.total / small.total).toFixed(2)} (target < 1.5)`);
