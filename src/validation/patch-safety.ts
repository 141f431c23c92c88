// The built-in patch-safety validator: the gate's checks again, on the tree after apply
// (src/patch/tree-safety.ts), so what landed on disk is what the gate approved.
import type { Exec } from '../exec/run.js';
import { failureId } from '../exec/validators/index.js';
import type { Failure } from '../runner/types.js';
import type { Policy, Task } from '../types/generated/index.js';
import { PATCH_SAFETY } from './specs.js';
import type { BuiltinValidator } from './run.js';

export interface TreeSafetyInput {
  repo: string;
  exec: Exec;
  policy: Policy;
  task: Task;
  filesChanged: string[];
}

type CheckTreeSafety = (input: TreeSafetyInput) => Promise<Failure[]>;

async function loadCheck(): Promise<CheckTreeSafety> {
  // Loaded on first use: patch-safety only runs after something was applied.
  // (A computed specifier keeps this file compiling while tree-safety.ts is developed alongside.)
  const specifier = '../patch/tree-safety.js';
  const mod = (await import(specifier)) as { checkTreeSafety: CheckTreeSafety };
  return mod.checkTreeSafety;
}

export function patchSafetyValidator(input: TreeSafetyInput): BuiltinValidator {
  return {
    name: PATCH_SAFETY,
    cost: 'cheap',
    run: async () => {
      let check: CheckTreeSafety;
      try {
        check = await loadCheck();
      } catch (err) {
        // An install without the checker skips it visibly rather than failing every run.
        return { skipped: `patch-safety checker unavailable: ${(err as Error).message}` };
      }
      let failures: Failure[];
      try {
        failures = await check(input);
      } catch (err) {
        // A safety check that cannot finish fails closed.
        const message = `the tree safety check could not finish: ${(err as Error).message}`;
        return [{ validator: PATCH_SAFETY, id: failureId(PATCH_SAFETY, 'check-error', null, 'the tree safety check could not finish'), category: 'check-error', file: null, line: null, message }];
      }
      // Stamp the validator name whatever the checker wrote, so records stay consistent.
      return failures.map((f) => ({ ...f, validator: PATCH_SAFETY, id: f.id || failureId(PATCH_SAFETY, f.category, f.file, f.message) }));
    },
  };
}
