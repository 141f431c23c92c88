// pipe replay on recorded runs of the python-slugify example (a wrong patch then the
// right one; a stall escalated to a reviewer): unchanged documents reproduce every
// outcome and cent; a lower task budget, a routing rule and a forbidden path change
// them; --validate re-runs pytest in a temporary worktree; older records are explained.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, unlinkSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { exampleRepo } from '../e2e/helpers.js';
import { cleanup, gitIn, runCli, snapshotTree, tempDir } from '../helpers/repo.js';
import { policyFile, recordRun, replay } from './kit.js';
import type { RunComparison } from '../../src/replay/types.js';

const repo = exampleRepo('python-slugify');
const scratch = tempDir('pipe-replay-policies-');
let fixId = '';
let stallId = '';

test.before(async () => {
  const fix = await recordRun(repo, 'tasks/fix-slugify.yaml', new Date('2026-01-01T10:00:00Z'));
  assert.is(fix.exitCode, 0);
  fixId = fix.runId;
  // The fix stays in the tree, uncommitted: put it back before the next run.
  gitIn(repo, 'checkout', '-q', '--', '.');
  const stall = await recordRun(repo, 'tasks/never-converges.yaml', new Date('2026-01-01T11:00:00Z'));
  assert.is(stall.exitCode, 4);
  stallId = stall.runId;
});

test.after(() => cleanup(repo, scratch));

const byId = (runs: RunComparison[], id: string) => runs.find((r) => r.run_id === id)!;

test('(a) unchanged documents: every run the same, old and new identical byte for byte, step by step', async () => {
  const report = await replay(repo, { last: 10 });
  assert.is(report.runs.length, 2);
  for (const r of report.runs) {
    assert.is(r.result, 'same', `${r.run_id}: ${r.reason} ${JSON.stringify(r.changed)}`);
    assert.is(JSON.stringify(r.new), JSON.stringify(r.old));
    assert.is(JSON.stringify(r.timeline!.new), JSON.stringify(r.timeline!.old));
    assert.equal(r.stand_ins, []);
    // Every prompt is rebuilt as it was sent: the reviewer's too, which reads the tree with the last attempt's patch applied.
    assert.equal(r.notes, [], `${r.run_id}: ${r.notes.join('; ')}`);
  }
  const fix = byId(report.runs, fixId);
  assert.is(fix.old!.exit, '0 succeeded');
  assert.ok(fix.old!.attempts >= 2, `the example's fix takes more than one attempt (${fix.old!.attempts})`);
  const stall = byId(report.runs, stallId);
  assert.is(stall.old!.exit, '4 escalated');
  assert.ok(stall.old!.route.some((r) => r.startsWith('reviewer frontier_reviewer')), stall.old!.route.join('; '));
  assert.ok(report.totals.spend_old_usd > 0);
  assert.is(report.totals.spend_new_usd, report.totals.spend_old_usd);
  assert.is(report.totals.changed, 0);
});

test('(b) a lower task budget: the blocked runs are named with the limit', async () => {
  const low = policyFile(scratch, 'low-task.yaml', 'budget:\n  task_budget_usd: 0.001\n');
  const report = await replay(repo, { last: 10 }, { policy: [low] });
  for (const r of report.runs) {
    assert.is(r.result, 'changed');
    assert.is(r.new!.blocked, 'task');
    assert.is(r.new!.exit, '3 blocked');
    assert.ok(r.changed.includes('blocked') && r.changed.includes('exit') && r.changed.includes('spend_usd'));
    assert.match(r.blocked_message.new!, /task budget for .* \(\$0\.001 limit/);
    assert.is(r.new!.spend_usd, 0);
  }
  assert.is(report.totals.changed, 2);
  assert.is(report.totals.spend_new_usd, 0);
});

test('(c) a routing rule sends the first attempt to another role: the new role, the stand-in and the repricing', async () => {
  const routing = parse(readFileSync(join(process.cwd(), 'policies/default.yaml'), 'utf8')).routing as { name: string }[];
  const at = routing.findIndex((r) => r.name === 'retry-after-divergence');
  routing.splice(at, 0, { name: 'first-attempt-cheap', when: 'attempt = 1 and escalation_depth = 0', role: 'mechanical_worker' } as never);
  const rule = policyFile(scratch, 'first-cheap.yaml', `routing: ${JSON.stringify(routing)}\n`);
  const report = await replay(repo, { ids: [fixId] }, { policy: [rule] });
  const fix = report.runs[0];
  assert.is(fix.result, 'changed');
  assert.equal(fix.changed, ['route', 'spend_usd']);
  assert.match(fix.new!.route[0], /^mechanical_worker \(gpt-5-nano, /);
  assert.match(fix.new!.route[1], /^general_builder \(gpt-5-mini, /);
  assert.equal(fix.stand_ins, [{ call: 1, recorded: { role: 'general_builder', model: 'gpt-5-mini', tier: 'flex' }, replayed: { role: 'mechanical_worker', model: 'gpt-5-nano', tier: fix.stand_ins[0].replayed.tier } }]);
  assert.ok(fix.new!.spend_usd < fix.old!.spend_usd, `${fix.new!.spend_usd} < ${fix.old!.spend_usd}`);
  assert.is(fix.new!.exit, '0 succeeded');
});

test('(d) a new forbidden path the recorded patch touches: refused at the gate', async () => {
  const forbid = policyFile(scratch, 'forbid.yaml', 'safety:\n  forbidden_paths: [".env*", "src/slugify/core.py"]\n');
  const report = await replay(repo, { ids: [fixId] }, { policy: [forbid] });
  const fix = report.runs[0];
  assert.is(fix.result, 'changed');
  assert.is(fix.new!.exit, '5 refused');
  // Every recorded answer touches the file: refused each time, and the same refusal twice is a stall.
  for (const g of fix.new!.gate) assert.match(g, /^refused \(.*forbidden-paths/);
  assert.is(fix.new!.verdict, 'stall');
  for (const field of ['gate', 'verdict', 'exit'] as const) assert.ok(fix.changed.includes(field), fix.changed.join(', '));
  // The forbidden file is no longer sent as context either: the prompts differ, and the notes say so.
  assert.ok(fix.notes.some((n) => /the prompt differs from the recorded one/.test(n)), fix.notes.join('; '));
});

test('(e) --validate: pytest re-runs in a temporary worktree at the recorded commit; the user tree is byte-identical', async () => {
  const before = snapshotTree(repo, ['.git']);
  const head = gitIn(repo, 'rev-parse', 'HEAD');
  const report = await replay(repo, { ids: [fixId] }, { validate: true });
  const fix = report.runs[0];
  assert.is(fix.result, 'same', `${fix.reason} ${JSON.stringify(fix.changed)}`);
  assert.is(JSON.stringify(fix.timeline!.new), JSON.stringify(fix.timeline!.old));
  assert.equal(snapshotTree(repo, ['.git']), before);
  assert.is(gitIn(repo, 'rev-parse', 'HEAD'), head);
  assert.is(gitIn(repo, 'worktree', 'list').trim().split('\n').length, 1);
  assert.is(gitIn(repo, 'status', '--porcelain'), '');
});

test('records written before format 2 are listed as not replayable, with the reason', async () => {
  const root = join(repo, '.pipe', 'runs');
  const old = `${fixId.slice(0, -6)}old001`;
  cpSync(join(root, fixId), join(root, old), { recursive: true });
  const state = JSON.parse(readFileSync(join(root, old, 'state.json'), 'utf8'));
  execFileSync('node', ['-e', `const f=${JSON.stringify(join(root, old, 'state.json'))};const s=require(f);s.run_id=${JSON.stringify(old)};require('fs').writeFileSync(f,JSON.stringify(s))`]);
  unlinkSync(join(root, old, 'run.json'));
  try {
    const report = await replay(repo, { ids: [old, stallId] });
    const r = byId(report.runs, old);
    assert.is(r.result, 'not_replayable');
    assert.match(r.reason!, /recorded before pipe kept what a replay needs \(records format 2/);
    assert.is(r.old!.exit, state.exit_code === 0 ? '0 succeeded' : r.old!.exit);
    assert.is(byId(report.runs, stallId).result, 'same');
    assert.is(report.totals.not_replayable, 1);
    assert.is(report.totals.replayed, 1);
  } finally {
    rmSync(join(root, old), { recursive: true, force: true });
  }
});

test('CLI: --json is one document and exit 0 whatever changed; --fail-on-change exits 1 with a Markdown table; show --documents', () => {
  const forbid = policyFile(scratch, 'forbid-cli.yaml', 'safety:\n  forbidden_paths: ["src/slugify/**"]\n');
  const ran = runCli(['replay', '--last', '2', '--policy', forbid, '--json'], { cwd: repo });
  assert.is(ran.code, 0, ran.stderr);
  const doc = JSON.parse(ran.stdout);
  assert.is(doc.totals.changed, 2);
  assert.is(doc.exit_code, 0);

  const changed = runCli(['replay', '--last', '2', '--policy', forbid, '--format', 'markdown', '--fail-on-change'], { cwd: repo });
  assert.is(changed.code, 1, changed.stderr);
  assert.match(changed.stdout, /^### pipe replay/);
  assert.match(changed.stdout, /\| \*\*0 succeeded → 5 refused\*\* \|/);
  assert.match(changed.stdout, /\*\*Totals:\*\* 2 of 2 runs replayed; 2 changed/);

  const shown = runCli(['show', fixId, '--documents', '--json'], { cwd: repo });
  assert.is(shown.code, 0, shown.stderr);
  const docs = JSON.parse(shown.stdout).documents as Record<string, { sha256: string; text: string }>;
  assert.equal(Object.keys(docs), ['pipeline', 'policy', 'task', 'config']);
  const record = JSON.parse(readFileSync(join(repo, '.pipe', 'runs', fixId, 'run.json'), 'utf8'));
  assert.is(record.started_from.commit, gitIn(repo, 'rev-parse', 'HEAD').trim());
  for (const [name, d] of Object.entries(docs)) {
    assert.is(d.sha256, record.documents[name].sha256);
    assert.is(parse(d.text).kind, name[0].toUpperCase() + name.slice(1));
  }
  assert.ok(existsSync(join(repo, '.pipe', 'runs', fixId, 'calls', '001.prompt.json')));
});

test.run();
