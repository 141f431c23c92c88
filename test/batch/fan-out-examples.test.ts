// The CI and Kubernetes fan-out examples are real files: valid YAML of the right shape,
// the ledger URL only ever from a secret, and shell scripts that bash accepts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../helpers/repo.js';

const DIR = join(ROOT, 'examples', 'fan-out');

function load(file: string): unknown[] {
  const docs = parseAllDocuments(readFileSync(join(DIR, file), 'utf8'));
  for (const d of docs) assert.equal(d.errors.map((e) => e.message), [], `${file} parses`);
  return docs.map((d) => d.toJS());
}

/** bash -n on a script, with GitHub's ${{ }} expressions replaced by a plain word. */
function assertBashSyntax(script: string, where: string): void {
  const r = spawnSync('bash', ['-n'], { input: script.replace(/\$\{\{[^}]*\}\}/g, 'X'), encoding: 'utf8' });
  assert.is(r.status, 0, `${where}: ${r.stderr}`);
}

type Step = { run?: string; uses?: string; with?: Record<string, unknown> };

test('GitHub Actions: a matrix over task files, one ledger URL from a secret, pipe batch in every job', () => {
  const [wf] = load('github-actions.yml') as [{ jobs: Record<string, { strategy?: { matrix?: Record<string, unknown> }; env?: Record<string, string>; steps: Step[] }> }];
  const run = wf.jobs.run;
  assert.is(run.strategy?.matrix?.task, '${{ fromJSON(needs.list.outputs.tasks) }}');
  assert.is(run.env?.PIPE_LEDGER_URL, '${{ secrets.PIPE_LEDGER_URL }}');
  const scripts = Object.values(wf.jobs).flatMap((j) => j.steps.filter((s) => s.run).map((s) => s.run!));
  const all = scripts.join('\n');
  assert.match(all, /pipe batch "\$\{\{ matrix\.task \}\}"/);
  assert.match(all, '--batch-id "$BATCH_ID"');
  assert.match(all, 'ledger: "%s"');
  assert.not.match(all, /postgres:\/\//, 'no ledger URL in the file itself');
  scripts.forEach((s, i) => assertBashSyntax(s, `github-actions.yml run step ${i + 1}`));
});

test('Kubernetes: an Indexed Job whose pods pick their task by index and share the ledger secret', () => {
  const [config, job] = load('kubernetes-job.yaml') as [
    { kind: string; data: Record<string, string> },
    { apiVersion: string; kind: string; spec: { completionMode: string; completions: number; parallelism: number; template: { spec: { restartPolicy: string; containers: { command: string[]; env: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[] }[] } } } },
  ];
  assert.is(config.kind, 'ConfigMap');
  assert.is(job.apiVersion, 'batch/v1');
  assert.is(job.kind, 'Job');
  assert.is(job.spec.completionMode, 'Indexed');
  assert.ok(job.spec.completions >= 1 && job.spec.parallelism >= 1);
  assert.is(job.spec.template.spec.restartPolicy, 'Never');
  const [container] = job.spec.template.spec.containers;
  const ledger = container.env.find((e) => e.name === 'PIPE_LEDGER_URL');
  assert.equal(ledger?.valueFrom?.secretKeyRef, { name: 'pipe-secrets', key: 'ledger-url' });
  const script = config.data['run.sh'];
  assert.match(script, 'JOB_COMPLETION_INDEX');
  assert.match(script, /pipe batch "\$task"/);
  assert.match(script, 'ledger: "%s"');
  assertBashSyntax(script, 'kubernetes-job.yaml run.sh');
});

test.run();
