// Scripted fake-provider runs through the built CLI that converge, stall and diverge,
// ending with the right verdict, exit code and records — then read back by runs/show.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, cleanup, gitIn, makeRepo, runCli, snapshotTree, tempDir } from '../helpers/repo.js';
import { testWithTool } from '../helpers/repo.js';

// Real mypy (Debian's package); skipped by name where it is not installed.
const testWithMypy = testWithTool(test, 'mypy');

const PATCHES = join(ROOT, 'test', 'fixtures', 'python-patches');
const dirs: string[] = [];
test.after(() => cleanup(...dirs));

// pytest-benchmark (when installed) would leave a .benchmarks folder; the rest is the shipped default.
const POLICY = `apiVersion: pipe/v1
kind: Policy
name: e2e
validators:
  pytest:
    argv: [python3, -m, pytest, -q, -rfE, -p, no:cacheprovider, -p, no:benchmark]
    timeout_s: 120
    parser: pytest
    cost: expensive
`;

function fixtureRepo(): string {
  const repo = makeRepo({});
  dirs.push(repo);
  cpSync(join(ROOT, 'test', 'fixtures', 'python-project'), repo, { recursive: true });
  mkdirSync(join(repo, '.pipe'), { recursive: true });
  writeFileSync(join(repo, '.pipe', 'config.yaml'), 'apiVersion: pipe/v1\nkind: Config\nprovider: fake\n');
  writeFileSync(join(repo, '.pipe', 'e2e-policy.yaml'), POLICY);
  writeFileSync(join(repo, '.gitignore'), '.pipe/\n');
  gitIn(repo, 'add', '-A');
  gitIn(repo, 'commit', '-q', '-m', 'fixture');
  return repo;
}

function writeTask(repo: string, id: string, responses: string[], extra = ''): string {
  const lines = responses.map((r) => (r.startsWith('diagnosis:') ? `    - ${r}` : `    - patch_file: ${join(PATCHES, `${r}.patch`)}`));
  const yaml = `apiVersion: pipe/v1
kind: Task
id: ${id}
goal: slugify() must transliterate accented letters and ß; make tests/test_slug.py pass.
intent: bugfix
pipeline: fix
allowed_files: ["slug/**/*.py"]
context_files: ["slug/*.py", "tests/test_slug.py"]
validators: [mypy, pytest]
max_attempts: 3
${extra}fake:
  responses:
${lines.join('\n')}
`;
  // Outside the repo, so the tree compares byte-identical to the commit.
  const dir = tempDir('pipe-e2e-tasks-');
  dirs.push(dir);
  const file = join(dir, `${id}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

function run(repo: string, task: string) {
  const r = runCli(['run', task, '--repo', repo, '--policy', join(repo, '.pipe', 'e2e-policy.yaml'), '--json'], { cwd: repo, env: { OPENAI_API_KEY: 'sk-e2e-secret-should-never-appear-123' } });
  let out: Record<string, unknown> = {};
  try {
    out = JSON.parse(r.stdout);
  } catch {
    assert.unreachable(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
  return { ...r, out };
}

function convergence(out: Record<string, unknown>): { final_verdict: string; attempts: { attempt: number; verdict: string; reasons: string[]; evidence: Record<string, unknown> }[] } {
  return JSON.parse(readFileSync(join(String(out.records_dir), 'convergence.json'), 'utf8'));
}

testWithMypy('converges: first → progress → success, exit 0, the fix stays', () => {
  const repo = fixtureRepo();
  const task = writeTask(repo, 'converge', ['stall-1', 'accents', 'right']);
  const r = run(repo, task);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.is(r.out.status, 'succeeded');
  assert.is(r.out.verdict, 'success');
  assert.is(r.out.attempts, 3);
  const c = convergence(r.out);
  assert.equal(c.attempts.map((a) => a.verdict), ['first', 'progress', 'success']);
  assert.is(c.final_verdict, 'success');
  assert.is(gitIn(repo, 'status', '--porcelain').trim(), 'M slug/core.py');
  assert.not.ok(existsSync(join(repo, 'slug', '__pycache__')), 'no bytecode left in the repo');

  // pipe runs / pipe show read it back.
  const runs = runCli(['runs', '--repo', repo, '--json']);
  assert.is(runs.code, 0, runs.stderr);
  const list = JSON.parse(runs.stdout).runs;
  assert.is(list.length, 1);
  assert.equal(Object.keys(list[0]).filter((k) => ['run_id', 'task_id', 'status', 'attempts', 'cost_usd', 'started_at', 'duration_ms'].includes(k)).length, 7);
  assert.is(list[0].status, 'succeeded');
  const show = runCli(['show', String(r.out.run_id).slice(0, 12), '--repo', repo, '--json']);
  assert.is(show.code, 0, show.stderr);
  const detail = JSON.parse(show.stdout);
  assert.is(detail.run_id, r.out.run_id);
  assert.equal(detail.attempts.map((a: { verdict: string }) => a.verdict), ['first', 'progress', 'success']);
  assert.is(detail.attempts[1].failures.length, 1);
  assert.ok(detail.cost_by_role.general_builder > 0);
  assert.ok(Array.isArray(detail.steps) && detail.steps.length > 0);
  const diff = runCli(['show', String(r.out.run_id), '--repo', repo, '--diff']);
  // The diff pipe computed and applied (its canonical form: no `index` line) is the answer's change.
  const noIndex = (d: string) => d.split('\n').filter((l) => !l.startsWith('index ')).join('\n');
  assert.is(noIndex(diff.stdout), noIndex(readFileSync(join(PATCHES, 'right.patch'), 'utf8')));
  const human = runCli(['show', String(r.out.run_id), '--repo', repo]);
  assert.match(human.stdout, /attempt 2: general_builder .* verdict progress/);
  assert.match(human.stdout, /cost by role:/);
  for (const text of [runs.stdout, show.stdout, human.stdout]) assert.not.match(text, /sk-e2e-secret/);
});

testWithMypy('stalls: the same failures twice, escalation with a diagnosis, exit 4, tree restored', () => {
  const repo = fixtureRepo();
  const before = snapshotTree(repo);
  const task = writeTask(repo, 'stall', ['stall-1', 'stall-2', 'diagnosis: "Transliterate before the regex: NFKD, drop marks, map ß to ss."']);
  const r = run(repo, task);
  assert.is(r.code, 4, r.stdout + r.stderr);
  assert.is(r.out.status, 'escalated');
  assert.is(r.out.verdict, 'stall');
  assert.is(r.out.attempts, 2);
  const packet = JSON.parse(readFileSync(join(String(r.out.records_dir), 'escalation.json'), 'utf8'));
  assert.is(packet.last_verdict, 'stall');
  assert.is(packet.attempts.length, 2);
  assert.is(packet.attempts[0].patch_file, 'attempt-1.patch');
  assert.is(packet.reviewer.status, 'answered');
  assert.is(packet.reviewer.role, 'frontier_reviewer');
  assert.match(packet.reviewer.diagnosis, /NFKD/);
  assert.ok(packet.cost_usd > 0);
  assert.match(readFileSync(join(String(r.out.records_dir), 'diagnosis.md'), 'utf8'), /ß to ss/);
  assert.equal(snapshotTree(repo), before);
  const events = readFileSync(join(String(r.out.records_dir), 'events.jsonl'), 'utf8');
  assert.match(events, /"type":"verdict","step":"validate","attempt":2,"verdict":"stall"/);
  assert.match(events, /"type":"validator.result"/);
  assert.not.match(events, /sk-e2e-secret/);
});

testWithMypy('diverges: a validator that passed fails now (regression), exit 4 without asking when ask_reviewer is false', () => {
  const repo = fixtureRepo();
  writeFileSync(join(repo, '.pipe', 'e2e-policy.yaml'), `${POLICY}escalation:\n  ask_reviewer: false\n`);
  const task = writeTask(repo, 'diverge', ['stall-1', 'mypy-break', 'right']);
  const r = run(repo, task);
  assert.is(r.code, 4, r.stdout + r.stderr);
  assert.is(r.out.verdict, 'divergence');
  assert.is(r.out.attempts, 2, 'divergence ends the retries early');
  const c = convergence(r.out);
  assert.equal(c.attempts.map((a) => a.verdict), ['first', 'divergence']);
  assert.equal(c.attempts[1].evidence.regressions, ['mypy']);
  const packet = JSON.parse(readFileSync(join(String(r.out.records_dir), 'escalation.json'), 'utf8'));
  assert.is(packet.reviewer.status, 'skipped');
  assert.is(gitIn(repo, 'status', '--porcelain').trim(), '');
});

test('an unknown validator is a configuration error (exit 2) naming it and the defined ones', () => {
  const repo = fixtureRepo();
  const task = writeTask(repo, 'unknown', ['right']);
  writeFileSync(task, readFileSync(task, 'utf8').replace('validators: [mypy, pytest]', 'validators: [pytset]'));
  const r = run(repo, task);
  assert.is(r.code, 2, r.stdout + r.stderr);
  assert.match(JSON.stringify(r.out), /unknown validator 'pytset'.*the policy defines: .*pytest/, JSON.stringify(r.out));
});

test('pipe show with an unknown id exits 2 with a clear message', () => {
  const repo = fixtureRepo();
  const r = runCli(['show', 'no-such-run', '--repo', repo]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /no run 'no-such-run'/);
  const j = runCli(['show', 'no-such-run', '--repo', repo, '--json']);
  assert.is(JSON.parse(j.stdout).error.code, 'E_NOT_FOUND');
});

test.run();
