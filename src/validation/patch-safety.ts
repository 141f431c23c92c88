// The built-in patch-safety validator: the gate's checks again, on the tree after apply
// (src/patch/tree-safety.ts), so what landed on disk is what the gate approved.
import type { Exec } from '../exec/run.js';
import { failureId } from '../exec/validators/index.js';
import { checkTreeSafety } from '../patch/tree-safety.js';
import type { Failure } from './types.js';
import type { Policy, Task } from '../types/generated/index.js';
import type { BuiltinValidator } from './run.js';
import { PATCH_SAFETY } from './specs.js';
import { snapshotTracked, trackedChanges, type TrackedSnapshot } from './tracked-files.js';

export interface TreeSafetyInput {
  repo: string;
  exec: Exec;
  policy: Policy;
  task: Task;
  filesChanged: string[];
  /** Modified tracked files before the validators ran; compared with the tree after them (null: the snapshot failed). */
  trackedBefore?: TrackedSnapshot | null;
}

/** Tracked files the validators changed: outside the patch, or a patched file changed again. */
async function trackedFailures(input: TreeSafetyInput): Promise<Failure[]> {
  if (input.trackedBefore === undefined) return [];
  if (input.trackedBefore === null) throw new Error('the tracked files could not be listed before the validators ran');
  const changed = trackedChanges(input.trackedBefore, await snapshotTracked(input.exec, input.repo));
  const patched = new Set(input.filesChanged);
  return changed.map((path) => {
    const stable = patched.has(path)
      ? `${path} (a file of the patch) was changed again while validators ran`
      : `${path} is tracked and was changed while validators ran; the patch did not touch it`;
    return { validator: PATCH_SAFETY, id: failureId(PATCH_SAFETY, 'tracked-file-changed', path, stable), category: 'tracked-file-changed', file: path, line: null, message: `${stable}: validators must not rewrite tracked files` };
  });
}

export function patchSafetyValidator(input: TreeSafetyInput): BuiltinValidator {
  return {
    name: PATCH_SAFETY,
    cost: 'cheap',
    run: async () => {
      let failures: Failure[];
      try {
        failures = [...(await checkTreeSafety(input)), ...(await trackedFailures(input))];
      } catch (err) {
        // A safety check that cannot finish fails closed.
        const stable = 'the tree safety check could not finish';
        return [{ validator: PATCH_SAFETY, id: failureId(PATCH_SAFETY, 'check-error', null, stable), category: 'check-error', file: null, line: null, message: `${stable}: ${(err as Error).message}` }];
      }
      // Stamp the validator name and a stable id whatever the checker wrote, so records stay consistent.
      return failures.map((f) => ({ ...f, validator: PATCH_SAFETY, id: failureId(PATCH_SAFETY, f.category, f.file, f.id ? `${f.id} ${f.message}` : f.message) }));
    },
  };
}
