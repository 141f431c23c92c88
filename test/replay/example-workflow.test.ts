// The GitHub Actions example for `pipe replay` is valid YAML and does what docs/replay.md says.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { ROOT } from '../helpers/repo.js';

test('examples/github-actions/pipe-replay.yml: a pull_request workflow on pipelines/ and policies/ that validates and replays into the job summary', () => {
  const doc = parseDocument(readFileSync(join(ROOT, 'examples/github-actions/pipe-replay.yml'), 'utf8'));
  assert.equal(doc.errors, []);
  const wf = doc.toJS() as { on: { pull_request: { paths: string[] } }; jobs: Record<string, { 'runs-on': string; steps: { run?: string; uses?: string; with?: Record<string, unknown> }[] }> };
  assert.equal(wf.on.pull_request.paths, ['pipelines/**', 'policies/**']);
  const steps = Object.values(wf.jobs)[0].steps;
  const runs = steps.map((s) => s.run ?? '');
  assert.ok(runs.includes('pipe validate'));
  assert.ok(runs.includes('pipe replay --last 50 --format markdown >> "$GITHUB_STEP_SUMMARY"'));
  assert.is(steps.find((s) => s.uses?.startsWith('actions/checkout'))?.with?.['fetch-depth'], 0);
  assert.ok(steps.some((s) => s.uses?.startsWith('actions/cache/restore') && s.with?.path === '.pipe/runs'));
});

test.run();
