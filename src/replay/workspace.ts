// The replay's workspace and validators. Without --validate nothing is written anywhere:
// apply only notes which files the patch would change, rollback "restores" them, and
// the validators answer with the results recorded for the same patch (matched by the
// canonical diff's digest). Files the user had uncommitted at the run's start stay
// dirty for the apply step's check, so that refusal replays too.
import { PipeError } from '../errors.js';
import { patchPaths } from '../patch/types.js';
import type { Workspace } from '../patch/workspace.js';
import type { ValidatorOutcome } from '../validation/run.js';
import type { ValidatorRunner } from '../validation/types.js';
import type { DirtyFile, ValidatorsRecord } from '../records/types.js';
import type { VirtualClock } from './clock.js';

/** Paths among `paths` that were dirty when the recorded run started. */
export function recordedDirty(dirty: readonly DirtyFile[], paths: string[]): string[] {
  const set = new Set(dirty.map((d) => d.path));
  return paths.filter((p) => set.has(p));
}

/** A workspace that applies nothing: what a patch would change is kept in memory. */
export function memoryWorkspace(dirty: readonly DirtyFile[]): Workspace {
  let applied: string[] = [];
  return {
    dirtyFiles: async (paths) => recordedDirty(dirty, paths),
    checkpoint: async () => {},
    apply: async ({ patch }) => {
      for (const p of patchPaths(patch)) if (!applied.includes(p)) applied.push(p);
    },
    rollback: async () => {
      const restored = applied;
      applied = [];
      return restored;
    },
    close: async () => {},
  };
}

/** The real workspace of a temporary worktree, with the recorded run's dirty files still counted as dirty. */
export function withRecordedDirty(inner: Workspace, dirty: readonly DirtyFile[]): Workspace {
  return {
    ...inner,
    dirtyFiles: async (paths) => {
      const found = new Set([...(await inner.dirtyFiles(paths)), ...recordedDirty(dirty, paths)]);
      return paths.filter((p) => found.has(p));
    },
  };
}

/** A recorded outcome as the validate step reads it: the output was kept in the run's logs, not in validators.jsonl, and fields a record may lack get their neutral value. */
function withDefaults(o: Partial<ValidatorOutcome> & Pick<ValidatorOutcome, 'name' | 'status' | 'failures'>): ValidatorOutcome {
  return {
    parser: 'exit-code',
    argv: [],
    exitCode: null,
    timedOut: false,
    durationMs: 0,
    outputTruncated: false,
    note: null,
    passedTests: null,
    spawnError: null,
    sandbox: { kind: 'none', rules: [], reason: 'recorded' },
    denials: [],
    ...o,
    stdout: o.stdout ?? '',
    stderr: o.stderr ?? '',
  } as ValidatorOutcome;
}

export interface RecordedValidatorHooks {
  clock: VirtualClock;
  undetermined(reason: string): void;
}

/** Validators answered from validators.jsonl: each one's recorded outcome for the same applied patch. */
export function recordedValidators(records: readonly ValidatorsRecord[], hooks: RecordedValidatorHooks): ValidatorRunner {
  return async (request) => {
    const wanted = [...request.specs.map((s) => s.name), ...(request.builtins ?? []).map((b) => b.name)];
    const outcomes: ValidatorOutcome[] = [];
    const missing: string[] = [];
    for (const name of wanted) {
      let found: ValidatorOutcome | undefined;
      for (const r of records) {
        if (r.patch_sha256 !== request.patchSha256) continue;
        found = r.outcomes.find((o) => o.name === name) ?? found;
        if (found) break;
      }
      if (found) outcomes.push(withDefaults(found));
      else missing.push(name);
    }
    if (missing.length) {
      const what = request.patchSha256 ? `patch ${request.patchSha256.slice(0, 12)}` : 'the unpatched tree';
      const reason = `the recorded run never ran ${missing.join(', ')} on ${what} (attempt ${request.attempt}); replay with --validate to run the validators`;
      hooks.undetermined(reason);
      throw new PipeError('E_CONFIG', `replay: ${reason}`);
    }
    hooks.clock.advance(Math.max(0, ...outcomes.map((o) => o.durationMs)));
    for (const o of outcomes) request.onResult?.(o);
    return outcomes;
  };
}
