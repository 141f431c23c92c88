// Replays one recorded run: the real runner and the real step modules, under the
// documents given, with the recorded answers as the model, a ledger seeded with the
// recorded spend at start, records written to a temp folder, and a tree that is a
// temporary worktree at the recorded commit (read-only without --validate; its own,
// patched and validated, with --validate; its own and patched, validators from the
// records, for a run that called a reviewer). No model is called and the user's tree and
// ledger are not touched.
import type { Exec } from '../exec/run.js';
import type { SandboxChoice, SandboxMode } from '../exec/sandbox/index.js';
import { treeWorkspace } from '../patch/workspace.js';
import { isProviderName } from '../providers/index.js';
import { executeRun } from '../runner/runner.js';
import { silentProgress } from '../runner/services.js';
import { runValidators } from '../validation/run.js';
import type { RunState } from '../records/types.js';
import { virtualClock } from './clock.js';
import type { ReplayLedger } from './ledger.js';
import { replayProvider } from './provider.js';
import type { Snapshots } from './snapshot.js';
import type { LoadedRun, ReplayDocuments, StandIn } from './types.js';
import { memoryWorkspace, recordedValidators, withRecordedDirty } from './workspace.js';

// Without --validate no validator runs: their results come from the records.
const NO_SANDBOX: SandboxChoice = { mode: 'off', kind: 'none', bwrap: null, reason: 'pipe replay answers validators from the records' };

export interface ReplayEnv {
  snapshots: Snapshots;
  /** Read-only git answers shared across runs (trees without --validate are never written). */
  readOnlyExec: Exec;
  /** The subprocess wrapper for --validate trees (written to, so nothing is cached). */
  exec: Exec;
  validate: boolean;
  /** The validators' sandbox under --validate for a safety.sandbox mode, decided once per replay. */
  sandbox: (mode: SandboxMode) => Promise<SandboxChoice>;
  ledger: ReplayLedger;
  /** Temp folder the replayed records go under. */
  recordsRoot: string;
}

export interface ReplayedRun {
  state: RunState;
  /** Why the replay could not finish (a call or a validator result the record does not have). */
  undetermined: string | null;
  standIns: StandIn[];
  notes: string[];
}

export async function replayRun(run: LoadedRun, docs: ReplayDocuments, env: ReplayEnv): Promise<ReplayedRun> {
  const start = run.record.started_from;
  const notes: string[] = [...docs.notes];
  const standIns: StandIn[] = [];
  const controller = new AbortController();
  let undetermined: string | null = null;
  const stop = (reason: string) => {
    undetermined ??= reason;
    controller.abort();
  };
  const clock = virtualClock(run.record.started_at);
  // A reviewer reads the tree with the last attempt's patch still applied (on_fail escalate
  // runs before finally's rollback), so a run that called one gets a tree of its own that
  // patches really land in, or its prompt would be rebuilt from the unpatched files; its
  // validators still answer from the records. Other runs share one read-only tree.
  const ownTree = env.validate || run.calls.some((c) => c.expect === 'diagnosis');
  const tree = ownTree ? await env.snapshots.ownTree(start.commit!, start.dirty_files) : await env.snapshots.sharedTree(start.commit!, start.dirty_files);
  if (tree.missing.length) notes.push(`uncommitted at the run's start and changed since, so replayed as committed: ${tree.missing.join(', ')}`);
  if (!run.record.spend_at_start) notes.push(`the ledger's spend at the run's start was not recorded (${run.record.spend_at_start_error ?? 'unknown'}); budgets were checked against no earlier spend`);
  const ledger = env.ledger.forRun(run.record.spend_at_start, docs.project, docs.task.id, () => clock.now());
  const provider = replayProvider(run.calls, { clock, undetermined: stop, standIn: (s) => standIns.push(s), note: (m) => notes.push(m) });
  const recordedRoles = new Set(run.calls.map((c) => c.role));
  try {
    const exec = ownTree ? env.exec : env.readOnlyExec;
    const outcome = await executeRun({
      repo: tree.dir,
      task: docs.task,
      taskFile: docs.taskFile,
      taskDir: docs.taskDir,
      pipeline: docs.pipeline,
      policy: docs.policy,
      config: docs.config,
      provider: isProviderName(run.record.provider) ? run.record.provider : 'fake',
      project: docs.project,
      ledgerLocation: ':memory:',
      runId: run.id,
      recordsRoot: env.recordsRoot,
      durableRecords: false,
      approvedRoles: run.record.approved_roles,
      // Attempts are judged against the unchanged tree's results the run recorded.
      ...(run.baseline ? { baseline: run.baseline } : {}),
      signal: controller.signal,
      services: {
        exec,
        clock,
        progress: silentProgress,
        ledger: () => ledger,
        provider: () => provider,
        // A role the recorded run called was approved then (on the command line or at the prompt).
        approve: async (request) => recordedRoles.has(request.role),
        workspace: ownTree ? withRecordedDirty(treeWorkspace(tree.dir, exec), start.dirty_files) : memoryWorkspace(start.dirty_files),
        validators: env.validate ? runValidators : recordedValidators(run.validators, { clock, undetermined: stop }),
        sandbox: env.validate ? () => env.sandbox((docs.policy.safety?.sandbox ?? 'auto') as SandboxMode) : async () => NO_SANDBOX,
      },
    });
    return { state: outcome.state, undetermined, standIns, notes };
  } finally {
    if (ownTree) await env.snapshots.removeTree(tree.dir);
  }
}
