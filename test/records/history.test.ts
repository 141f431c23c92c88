// Run history read from real record folders, including the broken ones a crash leaves.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listRuns, readRun, costByRole, finalPatch } from '../../src/records/history.js';
import { isPipeError } from '../../src/errors.js';
import type { RunState } from '../../src/records/types.js';
import { cleanup, tempDir } from '../helpers/repo.js';
import { rejection } from '../helpers/throws.js';

const dirs: string[] = [];
test.after(() => cleanup(...dirs));

function state(id: string, startedAt: string, over: Partial<RunState> = {}): RunState {
  return {
    run_id: id, task_id: 'fix-slug', task_file: 'tasks/t.yaml', pipeline: 'fix', repo: '/r', records_dir: '', provider: 'fake', dry_run: false,
    status: 'succeeded', exit_code: 0, attempts: 2, max_attempts: 3, escalation_depth: 0, verdict: 'success', cost_usd: 0.0012345678,
    files_changed: ['src/a.py'], current_step: null, started_at: startedAt, updated_at: startedAt, finished_at: startedAt, duration_ms: 1500, error: null, pid: 1,
    steps: [
      { id: 'route', uses: 'route', attempt: 1, status: 'succeeded', started_at: startedAt, finished_at: startedAt, duration_ms: 1, message: 'general_builder', code: null, output: { role: 'general_builder', model: 'gpt-5-mini', tier: 'flex' }, finally: false },
      { id: 'validate', uses: 'validate', attempt: 1, status: 'failed', started_at: startedAt, finished_at: startedAt, duration_ms: 900, message: '1 failed', code: 'E_VALIDATION', output: null, finally: false },
      { id: 'route', uses: 'route', attempt: 2, status: 'succeeded', started_at: startedAt, finished_at: startedAt, duration_ms: 1, message: 'general_builder', code: null, output: { role: 'general_builder', model: 'gpt-5-mini', tier: 'flex' }, finally: false },
      { id: 'validate', uses: 'validate', attempt: 2, status: 'succeeded', started_at: startedAt, finished_at: startedAt, duration_ms: 800, message: 'ok', code: null, output: null, finally: false },
    ],
    ...over,
  };
}

const ev = (o: Record<string, unknown>) => JSON.stringify({ ts: '2026-01-01T00:00:00.000Z', ...o });

function repoWithRuns(): string {
  const repo = tempDir('pipe-history-');
  dirs.push(repo);
  const runs = join(repo, '.pipe', 'runs');
  const a = join(runs, '20260101T100000Z-aaaaaa');
  const b = join(runs, '20260102T100000Z-bbbbbb');
  const c = join(runs, '20260103T100000Z-cccccc'); // state.json torn; events tell the story
  const d = join(runs, '20260104T100000Z-dddddd'); // nothing readable
  for (const dir of [a, b, c, d]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(a, 'state.json'), JSON.stringify(state('20260101T100000Z-aaaaaa', '2026-01-01T10:00:00.000Z')));
  writeFileSync(join(a, 'events.jsonl'), [
    ev({ type: 'run.start', run_id: 'x', task_id: 'fix-slug' }),
    ev({ type: 'provider.call', role: 'general_builder', attempt: 1, step: 'propose' }),
    ev({ type: 'ledger.entry', actual_usd: 0.0004, attempt: 1, step: 'propose' }),
    ev({ type: 'provider.call', role: 'general_builder', attempt: 2, step: 'propose' }),
    ev({ type: 'ledger.entry', actual_usd: 0.0005, attempt: 2, step: 'propose' }),
    '{"type":"provider.ca', // torn last line
  ].join('\n'));
  writeFileSync(join(a, 'convergence.json'), JSON.stringify({
    run_id: 'x', thresholds: {}, final_verdict: 'success',
    attempts: [
      { attempt: 1, verdict: 'first', reasons: ['first validated attempt'], evidence: {}, signature: 's', failures: [{ validator: 'pytest', id: 'abc', category: 'test-failure', file: 't.py', line: 3, message: 'boom' }], passed_validators: [], failed_validators: ['pytest'], files_touched: ['src/a.py'], diff_bytes: 10, lines_added: 1, lines_removed: 1 },
      { attempt: 2, verdict: 'success', reasons: ['all passed'], evidence: {}, signature: 'clean', failures: [], passed_validators: ['pytest'], failed_validators: [], files_touched: ['src/a.py'], diff_bytes: 10, lines_added: 1, lines_removed: 1 },
    ],
  }));
  writeFileSync(join(a, 'attempt-1.patch'), 'first patch\n');
  writeFileSync(join(a, 'attempt-2.patch'), 'final patch\n');
  writeFileSync(join(a, 'attempt-10.patch'.replace('10', '2.answer')), 'not a patch');
  writeFileSync(join(b, 'state.json'), JSON.stringify(state('20260102T100000Z-bbbbbb', '2026-01-02T10:00:00.000Z', { status: 'escalated', exit_code: 4, verdict: 'stall' })));
  writeFileSync(join(c, 'state.json'), '{"run_id": "20260103T1000');
  writeFileSync(join(c, 'events.jsonl'), [
    ev({ type: 'run.start', task_id: 'other-task', pipeline: 'fix', provider: 'fake', ts: '2026-01-03T10:00:00.000Z' }),
    ev({ type: 'attempt.start', attempt: 1 }),
    ev({ type: 'provider.result', role: 'simple_builder', cost_usd: 0.01 }),
  ].join('\n') + '\n');
  writeFileSync(join(d, 'state.json'), 'garbage');
  return repo;
}

test('listRuns: newest first, corrupt folders rebuilt from events or skipped', async () => {
  const repo = repoWithRuns();
  const runs = await listRuns(repo);
  assert.equal(runs.map((r) => [r.run_id, r.task_id, r.status]), [
    ['20260103T100000Z-cccccc', 'other-task', 'running'],
    ['20260102T100000Z-bbbbbb', 'fix-slug', 'escalated'],
    ['20260101T100000Z-aaaaaa', 'fix-slug', 'succeeded'],
  ]);
  assert.is(runs[2].cost_usd, 0.001234568);
  assert.is(runs[2].duration_ms, 1500);
  assert.equal(await listRuns(tempDir()), []);
});

test('readRun: prefix ids, attempts with failures and verdicts, cost by role, patch paths', async () => {
  const repo = repoWithRuns();
  const d = await readRun(repo, '20260101');
  assert.is(d.state.run_id, '20260101T100000Z-aaaaaa');
  assert.equal(d.attempts.map((a) => [a.attempt, a.verdict, a.failures.length, a.role, a.patch_file, a.cost_usd]), [
    [1, 'first', 1, 'general_builder', 'attempt-1.patch', 0.0004],
    [2, 'success', 0, 'general_builder', 'attempt-2.patch', 0.0005],
  ]);
  assert.equal(d.cost_by_role, { general_builder: 0.0009 });
  assert.is(d.events.length, 5, 'the torn line is skipped');
  assert.equal(d.paths.patches.map((p) => p.split('/').pop()), ['attempt-1.patch', 'attempt-2.patch']);
  assert.is(finalPatch(d), 'final patch\n');
  assert.equal(d.attempts[0].steps.map((s) => s.id), ['route', 'validate']);
  const c = await readRun(repo, '20260103T100000Z-cccccc');
  assert.equal(c.cost_by_role, { simple_builder: 0.01 });
});

test('unknown and ambiguous ids are clear errors', async () => {
  const repo = repoWithRuns();
  for (const [id, code, re] of [['nope', 'E_NOT_FOUND', /no run 'nope'/], ['2026', 'E_USAGE', /ambiguous/], ['20260104T100000Z-dddddd', 'E_NOT_FOUND', /no readable state.json/]] as const) {
    {
      const err = await rejection(() => readRun(repo, id), id);
      assert.ok(isPipeError(err), String(err));
      assert.is((err as { code: string }).code, code);
      assert.match((err as Error).message, re);
      assert.is((err as { exitCode: number }).exitCode, 2);
    }
  }
});

test('costByRole pairs ledger entries with the role of the call before them', () => {
  assert.equal(costByRole([
    { ts: '', type: 'provider.call', role: 'general_builder' },
    { ts: '', type: 'ledger.entry', actual_usd: 0 },
    { ts: '', type: 'ledger.entry', actual_usd: 0.25 },
    { ts: '', type: 'provider.call', role: 'frontier_reviewer' },
    { ts: '', type: 'ledger.entry', actual_usd: 1.5 },
  ]), { general_builder: 0.25, frontier_reviewer: 1.5 });
});

test.run();
