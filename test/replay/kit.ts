// Recorded runs for the replay tests: the examples copied into fresh git repos and run
// in-process through the same session, services and runner `pipe run` uses (fake
// provider, real pytest, real SQLite ledger, the baseline on the unchanged tree), then
// replayed in-process.
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { openSession, runOptionsFor } from '../../src/runner/session.js';
import { createCliServices } from '../../src/cli/run-services.js';
import { prepareBaseline } from '../../src/cli/baseline.js';
import { replayDocumentsResolver, type ReplayDocumentFlags } from '../../src/cli/replay-documents.js';
import { executeRun, newRunId } from '../../src/runner/runner.js';
import { runsRoot } from '../../src/records/history.js';
import { replayRuns } from '../../src/replay/index.js';
import type { ReplayReport } from '../../src/replay/types.js';
import type { RunSelection } from '../../src/replay/load.js';

/** Runs a task of `repo` as `pipe run --json` would; returns the run id. */
export async function recordRun(repo: string, task: string, at: Date): Promise<{ runId: string; exitCode: number }> {
  const session = await openSession({ task: join(repo, task), repo });
  const baseline = await prepareBaseline(session, { note: () => {} });
  const cli = createCliServices(session, { json: true, quiet: true, verbose: false });
  try {
    const outcome = await executeRun({ ...runOptionsFor(session), runId: newRunId(at), services: cli.services, ...(baseline ? { baseline } : {}) });
    return { runId: outcome.state.run_id, exitCode: outcome.exitCode };
  } finally {
    await cli.close();
  }
}

export async function replay(repo: string, selection: RunSelection, flags: Partial<ReplayDocumentFlags> = {}): Promise<ReplayReport> {
  const all: ReplayDocumentFlags = { policy: [], task: [], validate: false, ...flags };
  return replayRuns({
    repo,
    recordsRoot: runsRoot(repo),
    selection,
    validate: all.validate,
    documentsFor: await replayDocumentsResolver(repo, all),
    describe: { policy: all.policy, pipeline: all.pipeline ?? null, config: all.config ?? null, task: all.task },
  });
}

/** Writes a policy file outside the repository (so the tree stays as recorded); returns its path. */
export function policyFile(dir: string, name: string, yaml: string): string {
  const file = join(dir, name);
  writeFileSync(file, `apiVersion: pipe/v1\nkind: Policy\n${yaml}`);
  return file;
}
